import type { TopLevelSpec } from 'vega-lite';
import { assetPath } from './assets.ts';

/** The font charts are drawn with, shipped in assets/fonts (DejaVu Sans, Bitstream Vera licence). */
export const CHART_FONT = 'DejaVu Sans';

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

/** The chart description both the family page and the PNG for the chat are drawn from: a Vega-Lite spec. */
export type ChartSpec = TopLevelSpec;

// Vega and Vega-Lite are large: loaded the first time a chart is drawn, never by processes that draw none.
// One after the other: they share modules (vega-util), and jest's ESM loader fails on two at once linking one.
let libraries: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;
const loadLibraries = () => (libraries ??= import('vega').then(async (vega) => [vega, await import('vega-lite')] as [typeof import('vega'), typeof import('vega-lite')]));

/** Loads the chart libraries ahead of the first chart (a process serving the family view does it at start). */
export async function loadChartLibraries(): Promise<void> {
  await loadLibraries();
}

/** Recently drawn charts by their description: a page view of an unchanged week draws nothing. */
const drawn = new Map<string, string>();
const DRAWN_KEPT = 200;

/**
 * Draws a Vega-Lite chart as SVG with Vega's own SVG renderer (no canvas, no browser). Text in the chart
 * (titles, labels) is escaped by Vega's renderer, so a medicine called `<b>` stays text.
 */
export async function chartToSvg(spec: ChartSpec): Promise<string> {
  const key = JSON.stringify(spec);
  const cached = drawn.get(key);
  if (cached !== undefined) return cached;
  const [vega, vegaLite] = await loadLibraries();
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    drawn.delete(key);
    drawn.set(key, svg);
    if (drawn.size > DRAWN_KEPT) drawn.delete(drawn.keys().next().value as string);
    return svg;
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG chart to PNG with resvg (a native module, loaded on first use), using only the shipped fonts: the same pixels on every machine. */
export async function svgToPng(svg: string, options: { background?: string; scale?: number } = {}): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT_FILES.map((file) => assetPath(`fonts/${file}`)), loadSystemFonts: false, defaultFontFamily: CHART_FONT },
    ...(options.background ? { background: options.background } : {}),
    ...(options.scale ? { fitTo: { mode: 'zoom' as const, value: options.scale } } : {}),
  });
  return Buffer.from(resvg.render().asPng());
}
