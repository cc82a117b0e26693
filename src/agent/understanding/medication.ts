import { findCourse, findDays, findMedicineNotes, dosesPerDay } from './medication-schedule.ts';
import type { Message } from './message.ts';
import type { MedicineMatch } from './medicine-name.ts';
import { findDose, findDoseObject, findMedicine, isDrugWord, namesWithStrength } from './medicine-name.ts';
import { clarifyQuestion } from './replies.ts';
import type { Understanding } from './types.ts';
import { COMMON_MEDICINE_WORDS, MEDICINE_NOUNS } from './vocabulary.ts';
import { isStatedHour, resolveDailyTimes } from './when.ts';

/** Words that report a dose as skipped rather than taken. */
const SKIPPED =
  /\b(?:(?:don't|do not|didn't) (?:want|feel like|fancy) (?:to )?tak(?:e|ing)|skip|skipping|skipped|won't (?:be )?take|will not take|not (?:going to |gonna )?take|not taking|didn't take|did not take|haven't taken|have not taken|not taken|missed|miss|forgot|forgotten|can't take|cannot take|couldn't take|refus(?:e|ed|ing)|leaving out|leave out|giving .{0,20} a miss|give .{0,20} a miss|no pills|not now|not today|(?:not|won't|will not) (?:going to |gonna )?bother|decided (?:not to|against)|not (?:to )?(?:have|having)|won't (?:be )?having|going without|do without)\b/;
/** "I took them all", "had it already": a dose report that names no medicine. */
const TOOK_THEM = /\b(?:took|taken|swallowed|had them)\s*(?:them|it|those|these|both|the lot)?(?:\s+all)?(?:\s+(?:already|earlier|just now|this morning|this evening|tonight|today|an hour ago|with (?:my )?(?:breakfast|lunch|dinner|tea|food|water)))?\s*(?:[,.!]|$)/;

/** A medicine name usable as a schedule: named, or a generic noun the elder calls theirs ("my pills"). */
function scheduleMedicine(msg: Message): MedicineMatch | null {
  const found = findMedicine(msg.text);
  if (!found) return null;
  if (!found.generic) return found;
  const possessive = new RegExp(`\\bmy (?:\\w+ )?${found.name}\\b`).test(msg.lower);
  return possessive ? found : null;
}

/**
 * Builds a new medicine schedule: name, dose, daily clock times, days, course dates and notes. Asks for the
 * times when they are missing or only given as parts of the day ("twice a day", "morning and evening").
 */
export function buildAddMedication(msg: Message): Understanding {
  const medicine = scheduleMedicine(msg);
  const args: Record<string, unknown> = {};
  const missing: string[] = [];
  if (medicine) args.medicine = medicine.name; else missing.push('medicine');
  const dose = findDose(msg.text);
  if (dose) args.dose = dose;
  const times = resolveDailyTimes(msg.when.times);
  const perDay = dosesPerDay(msg.lower);
  if (times.length === 0 || (perDay !== null && times.length < perDay)) missing.push('times');
  else args.times = times;
  const days = findDays(msg.lower);
  if (days) args.days = days;
  const course = findCourse(msg.lower, msg.clock);
  if (course.start_date) args.start_date = course.start_date;
  if (course.end_date) args.end_date = course.end_date;
  const notes = findMedicineNotes(msg.lower);
  if (notes) args.notes = notes;
  if (missing.length > 0) return { kind: 'clarify', tool: 'add_medication', args, missing, question: clarifyQuestion('add_medication', missing) };
  const stated = msg.when.times.every(isStatedHour) || msg.when.times.length > 1;
  return { kind: 'tool', tool: 'add_medication', args, confidence: medicine?.exact && stated ? 0.9 : 0.75 };
}

/** Builds a dose log: taken, or skipped when the elder says they skip, miss or won't take it. */
export function buildLogDose(msg: Message, fallbackMedicine?: string): Understanding {
  const status = SKIPPED.test(msg.lower) ? 'skipped' : 'taken';
  const found = findMedicine(msg.text);
  const object = findDoseObject(msg.text);
  const args: Record<string, unknown> = { status };
  if (found && !found.generic) args.medicine = found.name;
  else if (object) args.medicine = object;
  else if (fallbackMedicine) args.medicine = fallbackMedicine;
  return { kind: 'tool', tool: 'log_dose', args, confidence: 0.9 };
}

/** True when a message names something to take: a medicine, a word for medicine, or "took them". */
export function mentionsDose(msg: Message): boolean {
  return (
    TOOK_THEM.test(msg.lower) ||
    MEDICINE_NOUNS.test(msg.lower) ||
    /\b(?:dose|doses|meds)\b/.test(msg.lower) ||
    findMedicine(msg.text) !== null ||
    findDoseObject(msg.text) !== null
  );
}

/**
 * True when a message is plainly about medicine: a word for medicine, a strength ("500mg", "Telma 40"), taking or
 * a prescription, or a name with a drug's ending or on the list of common medicines. A capitalised word alone
 * ("on Pandora") is not enough.
 */
export function soundsLikeMedicine(msg: Message): boolean {
  if (MEDICINE_NOUNS.test(msg.lower) || findDose(msg.text) !== null || namesWithStrength(msg.text)) return true;
  if (/\b(?:take|taking|takes|prescri\w*|dose|doses|drugs?|pharmacy|chemist|doctor|gp)\b/.test(msg.lower)) return true;
  return (msg.lower.match(/[a-z][a-z-]+/g) ?? []).some((w) => isDrugWord(w, true) || COMMON_MEDICINE_WORDS.has(w));
}

/** True when a message reports taking or skipping a dose ("I took my pills", "skipping the evening tablet"). */
export function reportsDose(lower: string, text: string): boolean {
  if (/\?\s*$|\b(?:should i|can i|when|remind|every|daily)\b/.test(lower)) return false;
  if (TOOK_THEM.test(lower)) return true;
  if (!findMedicine(text) && !findDoseObject(text) && !/\b(?:dose|doses|medication|meds)\b/.test(lower)) return false;
  if (SKIPPED.test(lower)) return true;
  if (/\b(?:have to|need to|must|going to take)\b/.test(lower)) return false;
  return /\b(?:took|taken|had|swallowed|used|done with|finished)\b/.test(lower);
}
