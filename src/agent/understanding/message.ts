import type { Clock } from './clock.ts';
import { isShouting, normaliseText } from './normalise.ts';
import type { WhenScan } from './when.ts';
import { scanWhen } from './when.ts';

/** One message prepared for the slot readers: cleaned text in two casings and everything it says about when. */
export interface Message {
  /** The message as the elder wrote it. */
  original: string;
  /** Cleaned text with its casing (lowered first when the whole message is in capitals). */
  text: string;
  /** `text` in lower case, same length, for pattern matching. */
  lower: string;
  /** True when the elder wrote in capitals, so names should be title-cased. */
  shouting: boolean;
  when: WhenScan;
  clock: Clock;
}

/** Prepares a message for understanding against the elder's clock. */
export function readMessage(original: string, clock: Clock): Message {
  const shouting = isShouting(original);
  let text = normaliseText(original);
  if (shouting) text = text.toLowerCase();
  let lower = text.toLowerCase();
  if (lower.length !== text.length) {
    text = lower;
    lower = text;
  }
  return { original, text, lower, shouting, when: scanWhen(lower, clock), clock };
}
