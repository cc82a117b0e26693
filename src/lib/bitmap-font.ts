/**
 * A 5x7 pixel font for the few characters server-drawn charts need (digits, and capitals for day initials and
 * legends). Each glyph is seven rows of five columns, '1' for a lit pixel; characters it lacks draw as blanks.
 */
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  '3': ['11111', '00010', '00100', '00010', '00001', '10001', '01110'],
  '4': ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  '5': ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  '6': ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  '7': ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  '8': ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  '9': ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
  A: ['01110', '10001', '10001', '11111', '10001', '10001', '10001'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  E: ['11111', '10000', '10000', '11110', '10000', '10000', '11111'],
  F: ['11111', '10000', '10000', '11110', '10000', '10000', '10000'],
  I: ['01110', '00100', '00100', '00100', '00100', '00100', '01110'],
  K: ['10001', '10010', '10100', '11000', '10100', '10010', '10001'],
  M: ['10001', '11011', '10101', '10101', '10001', '10001', '10001'],
  N: ['10001', '10001', '11001', '10101', '10011', '10001', '10001'],
  P: ['11110', '10001', '10001', '11110', '10000', '10000', '10000'],
  S: ['01111', '10000', '10000', '01110', '00001', '00001', '11110'],
  T: ['11111', '00100', '00100', '00100', '00100', '00100', '00100'],
  W: ['10001', '10001', '10001', '10101', '10101', '10101', '01010'],
};

/** A glyph's width in font pixels. */
export const GLYPH_WIDTH = 5;
/** A glyph's height in font pixels. */
export const GLYPH_HEIGHT = 7;
const GLYPH_GAP = 1;

/** The width in image pixels of a text drawn at a scale. */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + GLYPH_GAP) - GLYPH_GAP) * scale;
}

/** Calls `plot` for every lit font pixel of `text` (upper-cased) drawn with its top-left corner at (x, y). */
export function drawBitmapText(text: string, x: number, y: number, scale: number, plot: (x: number, y: number, size: number) => void): void {
  let left = x;
  for (const char of text.toUpperCase()) {
    const glyph = GLYPHS[char];
    if (glyph) {
      glyph.forEach((row, r) => {
        for (let c = 0; c < GLYPH_WIDTH; c++) if (row[c] === '1') plot(left + c * scale, y + r * scale, scale);
      });
    }
    left += (GLYPH_WIDTH + GLYPH_GAP) * scale;
  }
}
