import { Raster, type Rgb } from '../../lib/raster.ts';
import { textWidth, GLYPH_HEIGHT } from '../../lib/bitmap-font.ts';

/** One day of the week as the chart shows it. */
export interface AdherenceDay {
  /** What is written under the day's bars: its initial, e.g. 'M'. */
  label: string;
  taken: number;
  missed: number;
  skipped: number;
}

/** The chart's colours, exported so tests can find the bars. */
export const CHART_COLOURS = {
  background: [255, 255, 255] as Rgb,
  axis: [120, 120, 120] as Rgb,
  grid: [228, 228, 228] as Rgb,
  text: [40, 40, 40] as Rgb,
  taken: [46, 158, 79] as Rgb,
  missed: [214, 69, 65] as Rgb,
  skipped: [240, 163, 10] as Rgb,
};

/** The chart's width in pixels. */
export const CHART_WIDTH = 560;
/** The chart's height in pixels. */
export const CHART_HEIGHT = 320;

const SCALE = 2;
const CHAR_H = GLYPH_HEIGHT * SCALE;
const PLOT = { left: 48, right: CHART_WIDTH - 16, top: 56, bottom: CHART_HEIGHT - 40 };

/** Where each day's bars sit: the taken bar's left edge and the shared bar width, in pixels. */
export function barLayout(dayIndex: number, days: number): { takenX: number; notTakenX: number; width: number } {
  const group = (PLOT.right - PLOT.left) / days;
  const width = Math.floor(group * 0.3);
  const takenX = Math.round(PLOT.left + dayIndex * group + group * 0.15);
  return { takenX, notTakenX: takenX + width + Math.round(group * 0.1), width };
}

/** A y-axis step that gives at most about five gridlines. */
function gridStep(max: number): number {
  for (const step of [1, 2, 5, 10, 20, 50, 100]) if (max / step <= 5) return step;
  return Math.ceil(max / 5);
}

/**
 * Draws a week of doses as a PNG: per day a green bar of doses taken next to a bar of doses not taken
 * (missed in red, skipped in amber stacked on top), with day initials below, dose counts up the side and a
 * small legend at the top.
 */
export function renderAdherenceChart(days: AdherenceDay[]): Buffer {
  const c = CHART_COLOURS;
  const image = new Raster(CHART_WIDTH, CHART_HEIGHT, c.background);
  const highest = Math.max(1, ...days.map((d) => Math.max(d.taken, d.missed + d.skipped)));
  const step = gridStep(highest);
  const top = Math.ceil(highest / step) * step;
  const plotHeight = PLOT.bottom - PLOT.top;
  const yOf = (count: number): number => PLOT.bottom - (count / top) * plotHeight;

  for (let v = 0; v <= top; v += step) {
    const y = Math.round(yOf(v));
    if (v > 0) image.fillRect(PLOT.left, y, PLOT.right - PLOT.left, 1, c.grid);
    const label = String(v);
    image.text(label, PLOT.left - 8 - textWidth(label, SCALE), y - CHAR_H / 2, SCALE, c.text);
  }
  image.fillRect(PLOT.left, PLOT.top, 2, plotHeight + 1, c.axis);
  image.fillRect(PLOT.left, PLOT.bottom, PLOT.right - PLOT.left, 2, c.axis);

  days.forEach((day, i) => {
    const { takenX, notTakenX, width } = barLayout(i, days.length);
    const bar = (x: number, from: number, count: number, colour: Rgb): void => {
      if (count > 0) image.fillRect(x, yOf(from + count), width, yOf(from) - yOf(from + count), colour);
    };
    bar(takenX, 0, day.taken, c.taken);
    bar(notTakenX, 0, day.missed, c.missed);
    bar(notTakenX, day.missed, day.skipped, c.skipped);
    const centre = (takenX + notTakenX + width) / 2;
    image.text(day.label, Math.round(centre - textWidth(day.label, SCALE) / 2), PLOT.bottom + 12, SCALE, c.text);
  });

  let x = PLOT.left;
  for (const [label, colour] of [['TAKEN', c.taken], ['MISSED', c.missed], ['SKIPPED', c.skipped]] as const) {
    image.fillRect(x, 16, CHAR_H, CHAR_H, colour);
    image.text(label, x + CHAR_H + 6, 16, SCALE, c.text);
    x += CHAR_H + 6 + textWidth(label, SCALE) + 24;
  }
  return image.toPng();
}
