import { Composition, placeSign } from './composition.ts';
import { findConcepts } from './concepts.ts';
import { tokenise } from './normalise.ts';
import { readSigns } from './readings.ts';
import { findSigns } from './signs.ts';
import { explainVerdict, gradeSigns, type SafetyVerdict } from './verdict.ts';

/** A verdict with the one-line explanation of how it was reached. */
export interface ScreenResult extends SafetyVerdict {
  /** Which concepts fired and which were set aside, e.g. `emergency (heart) | signs: heart.chest_pain[chest+pain]`. */
  explanation: string;
}

/** Messages longer than this are screened on their first part only (the router refuses longer ones anyway). */
const MAX_SCREENED_CHARS = 2000;

/**
 * The safety screen: normalise → spell → concepts → signs → composition → grade. Deterministic and pure
 * (no clock, no network), a few hundredths of a millisecond per message; run on every message the elder
 * writes, before anything else, in every model mode.
 */
export function screenMessage(text: string): ScreenResult {
  const tokens = tokenise(text.slice(0, MAX_SCREENED_CHARS));
  const map = findConcepts(tokens);
  const composition = new Composition(tokens, map);
  const signs = [...findSigns(map), ...readSigns(tokens, map)];
  const verdict = gradeSigns(composition, signs.map((sign) => placeSign(composition, sign)));
  return { ...verdict, explanation: explainVerdict(verdict, composition) };
}
