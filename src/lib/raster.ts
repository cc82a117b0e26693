import pngjs from 'pngjs';
import { drawBitmapText } from './bitmap-font.ts';

/** An opaque colour as [red, green, blue], 0–255 each. */
export type Rgb = readonly [number, number, number];

/**
 * An RGBA image in memory for charts drawn server-side: filled rectangles and the 5x7 bitmap font, encoded as
 * PNG by pngjs (pure JS, no native canvas).
 */
export class Raster {
  readonly width: number;
  readonly height: number;
  readonly pixels: Buffer;

  constructor(width: number, height: number, background: Rgb) {
    this.width = width;
    this.height = height;
    this.pixels = Buffer.alloc(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Paints a rectangle, clipped to the image; fractional edges are rounded. */
  fillRect(x: number, y: number, width: number, height: number, colour: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + width));
    const y1 = Math.min(this.height, Math.round(y + height));
    if (x1 <= x0 || y1 <= y0) return;
    const pattern = Buffer.from([colour[0], colour[1], colour[2], 255]);
    for (let row = y0; row < y1; row++) this.pixels.fill(pattern, (row * this.width + x0) * 4, (row * this.width + x1) * 4);
  }

  /** Writes text in the bitmap font with its top-left corner at (x, y), each font pixel `scale` pixels square. */
  text(text: string, x: number, y: number, scale: number, colour: Rgb): void {
    drawBitmapText(text, x, y, scale, (px, py, size) => this.fillRect(px, py, size, size, colour));
  }

  /** The image as PNG bytes. */
  toPng(): Buffer {
    const png = new pngjs.PNG({ width: this.width, height: this.height });
    this.pixels.copy(png.data);
    // One fixed row filter ("Sub", good for flat fills): trying all five per row is slow in pure JS.
    return pngjs.PNG.sync.write(png, { filterType: 1 });
  }
}
