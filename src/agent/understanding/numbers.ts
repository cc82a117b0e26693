/** Number words people type instead of digits, up to the sizes that matter for hours, parties and counts. */
const NUMBER_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, ninety: 90, a: 1, an: 1, single: 1, couple: 2, pair: 2,
  dozen: 12, both: 2,
};

/** Regex alternation of the number words for one to twelve, for building time and count patterns. */
export const SMALL_NUMBER_WORDS = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve';

/** Regex alternation of digits or number words up to twenty. */
export const COUNT = `\\d{1,3}|${SMALL_NUMBER_WORDS}|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty`;

/** Reads "7", "seven", "twenty five" or "twenty-five" as a number; undefined when it is not one. */
export function parseNumber(token: string): number | undefined {
  const word = token.trim().toLowerCase();
  if (/^\d+$/.test(word)) return Number(word);
  const direct = NUMBER_WORDS[word];
  if (direct !== undefined) return direct;
  const compound = /^(twenty|thirty|forty|fifty)[- ](one|two|three|four|five|six|seven|eight|nine)$/.exec(word);
  if (compound) return (NUMBER_WORDS[compound[1] ?? ''] ?? 0) + (NUMBER_WORDS[compound[2] ?? ''] ?? 0);
  return undefined;
}
