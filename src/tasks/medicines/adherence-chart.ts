import { DateTime } from 'luxon';
import { CHART_FONT, chartToSvg, svgToPng, type ChartSpec } from '../../lib/charts.ts';
import { answeredOf, type DoseMark, type DoseWeek } from './dose-week.ts';

/** How each dose mark is drawn and named, in the legend's order; colours (the page's too) are told apart by shape as well, and hold white text. */
export const MARK_STYLE: Record<DoseMark, { word: string; colour: string; shape: string }> = {
  taken: { word: 'Taken', colour: '#2e7d32', shape: 'circle' },
  late: { word: 'Taken late', colour: '#1f5fa0', shape: 'diamond' },
  skipped: { word: 'Skipped', colour: '#b26a00', shape: 'triangle-up' },
  missed: { word: 'Missed', colour: '#c62828', shape: 'cross' },
  pending: { word: 'Not answered yet', colour: '#616161', shape: 'square' },
  'to-come': { word: 'Still to come', colour: '#9e9e9e', shape: 'circle' },
};

/** Where a chart is shown: the PNG sent to the chat (white, dark text), or the page (the theme's text colour). */
export type ChartSurface = 'png' | 'page';

const first = (name: string): string => name.trim().split(/\s+/)[0] ?? name;
const doses = (n: number): string => `${n} ${n === 1 ? 'dose' : 'doses'}`;

/** The chart's title in words: "Margaret took 12 of 14 doses this week". */
export function adherenceTitle(elderName: string, week: DoseWeek): string {
  const { taken, answered } = answeredOf(week.totals);
  return answered === 0 ? `${first(elderName)} has no answered doses this week yet` : `${first(elderName)} took ${taken} of ${doses(answered)} this week`;
}

/** "Monday 23 to Sunday 29 November" for the chart's days. */
function sayRange(dates: string[]): string {
  const from = DateTime.fromISO(dates[0]!);
  const to = DateTime.fromISO(dates[dates.length - 1]!);
  return `${from.toFormat(from.month === to.month ? 'cccc d' : 'cccc d LLLL')} to ${to.toFormat('cccc d LLLL')}`;
}

/**
 * The week's chart as one Vega-Lite description, for the page and the PNG alike: one row per medicine, one
 * column per day, a mark per dose coloured and shaped by how it was answered, and the title in words. Only the
 * last seven days are drawn (the page's grid shows the eighth).
 */
export function adherenceChartSpec(elderName: string, week: DoseWeek, surface: ChartSurface): ChartSpec {
  const dates = week.dates.slice(-7);
  const offset = week.dates.length - dates.length;
  const dayLabel = (date: string): string => DateTime.fromISO(date).toFormat('ccc d');
  const values = week.medicines.flatMap((m) =>
    dates.flatMap((date, i) => (m.days[i + offset] ?? []).map((dose, slot) => ({ medicine: m.name, day: dayLabel(date), slot, mark: MARK_STYLE[dose.mark].word, time: dose.localTime }))),
  );
  const shown = (Object.keys(MARK_STYLE) as DoseMark[]).filter((mark) => values.some((v) => v.mark === MARK_STYLE[mark].word));
  const ink = surface === 'png' ? '#222222' : 'currentColor';
  // The PNG is looked at full screen; on the page the chart shares a phone's width with the grid.
  const size = surface === 'png' ? { day: 84, row: 52, text: 15, title: 22, mark: 320, labels: 220 } : { day: 40, row: 40, text: 13, title: 17, mark: 150, labels: 150 };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: adherenceTitle(elderName, week),
      subtitle: sayRange(dates),
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- Vega-Lite's title anchor; a title may also be a string, so the rule reads it as String.prototype.anchor
      anchor: 'start',
      fontSize: size.title,
      subtitleFontSize: size.text,
      color: ink,
      subtitleColor: ink,
      offset: 12,
    },
    background: surface === 'png' ? '#ffffff' : null,
    padding: surface === 'png' ? 16 : 4,
    width: 7 * size.day,
    height: { step: size.row },
    data: { values },
    mark: { type: 'point', filled: true, size: size.mark, opacity: 1 },
    encoding: {
      x: {
        field: 'day',
        type: 'ordinal',
        sort: dates.map(dayLabel),
        scale: { domain: dates.map(dayLabel), paddingInner: 0.15 },
        axis: { title: null, labelAngle: 0, orient: 'top', grid: false, ...(surface === 'page' ? { labelExpr: 'split(datum.label, " ")[0]' } : {}) },
      },
      xOffset: { field: 'slot', type: 'ordinal' },
      y: { field: 'medicine', type: 'nominal', sort: week.medicines.map((m) => m.name), scale: { domain: week.medicines.map((m) => m.name) }, axis: { title: null } },
      color: {
        field: 'mark',
        type: 'nominal',
        scale: { domain: shown.map((m) => MARK_STYLE[m].word), range: shown.map((m) => MARK_STYLE[m].colour) },
        legend: { title: null, orient: 'bottom', direction: 'horizontal', columns: 3 },
      },
      shape: { field: 'mark', type: 'nominal', scale: { domain: shown.map((m) => MARK_STYLE[m].word), range: shown.map((m) => MARK_STYLE[m].shape) } },
      tooltip: [{ field: 'medicine' }, { field: 'day' }, { field: 'time' }, { field: 'mark' }],
    },
    config: {
      font: CHART_FONT,
      view: { stroke: null },
      axis: { labelFontSize: size.text, labelColor: ink, domain: false, ticks: false, grid: true, gridColor: surface === 'png' ? '#e4e4e4' : 'currentColor', gridOpacity: surface === 'png' ? 1 : 0.15, labelPadding: 6, labelLimit: size.labels },
      legend: { labelFontSize: size.text, labelColor: ink, symbolSize: size.mark * 0.7, columnPadding: 14, rowPadding: 6, labelLimit: 240 },
    },
  } as ChartSpec;
}

/** The week's chart as SVG for the page (text in the page's colour, no background). */
export function adherenceChartSvg(elderName: string, week: DoseWeek): Promise<string> {
  return chartToSvg(adherenceChartSpec(elderName, week, 'page'));
}

/** The week's chart as a PNG for the family chat, drawn at twice its size for phone screens. */
export async function renderAdherenceChart(elderName: string, week: DoseWeek): Promise<Buffer> {
  return svgToPng(await chartToSvg(adherenceChartSpec(elderName, week, 'png')), { background: '#ffffff', scale: 2 });
}
