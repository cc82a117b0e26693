import { DateTime } from 'luxon';
import { toDateTime } from './clock.ts';
import type { Message } from './message.ts';
import { SMALL_NUMBER_WORDS, parseNumber } from './numbers.ts';
import { clarifyQuestion } from './replies.ts';
import type { Understanding } from './types.ts';
import type { Moment } from './when.ts';
import { resolveMoment } from './when.ts';

/** Words that ask for a reminder. */
export const REMINDER_TRIGGER =
  /\b(?:remind(?:er|ers|ing|s)?|remind me|don't let me forget|do not let me forget|make sure i (?:remember|don't forget)|help me remember|nudge me|give me a (?:shout|call|nudge)|alert me|wake me(?: up)?|alarm)\b/;

const TRIGGER =
  /\b(?:(?:i'll |i will |i'd |i )?need reminding|set (?:up )?(?:a |me a |an )?reminders?|add (?:a )?reminders?|reminders?|remind me|remind|don't let me forget|do not let me forget|make sure i (?:remember|don't forget)|help me remember|nudge me|give me a (?:shout|call|nudge)|alert me|wake me(?: up)?|set (?:an |me an |the )?alarm|alarm)\b[\s,:-]*/i;
/** "an hour before", "30 minutes beforehand": the reminder comes that long before the time named. */
const OFFSET_BEFORE = new RegExp(
  `\\b(an?|half an?|a couple of|\\d+|${SMALL_NUMBER_WORDS}|fifteen|twenty|thirty|forty[- ]five)\\s*(minutes?|mins|hours?|days?)\\s+(?:before(?:hand)?|earlier|ahead(?: of time)?|in advance)\\b`,
  'i',
);
/** Openers of a sentence that sets the scene before asking ("I've got the optician…, can you remind me"). */
const SCENE_OPENER = /^(?:(?:so|well|oh|ok|okay|right)[,\s]+)?(?:i've got|i have got|i have|i've|i got|there's|there is|i'll have)\s+/i;
const ASKING = /[\s,]*(?:(?:so |and )?(?:can|could|would|will) you(?: please)?|please)\s*$/i;
const LEADING = /^(?:[\s,.:;!-]+|(?:to|about|of|that|for|please|again|it's|its|it is|i need to|i have to|i must|i've got to)\b[\s,:-]*)+/i;
/** Pleasantries that end a request ("…, please", "thanks dear x"): not part of what she wants reminding of. */
const TRAILING = /(?:[\s,]+\b(?:please|thanks|thank you|dear|love|x+|for me))+[\s,.!?]*$|[\s,.!?]+$/i;
/** Where time words were taken out; the small words that led into them go too, and nothing else. */
const GAP = '\u2063';
/** A word that only led into a time or date that has been taken out ("at" of "at around 5", "on" of "on Friday"). */
const DANGLING = new RegExp(`\\b(?:at|on|by|around|about|roughly|till|until|from|starting|every|each|this|next)\\s*${GAP}`, 'gi');
const REPEAT_WORDS =
  /\b(?:every (?:single )?(?:day|morning|afternoon|evening|night|week)|each (?:day|morning|evening|night|week)|daily|weekly|once a week|every other day|on a daily basis|every (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?(?: (?:morning|afternoon|evening|night))?)\b/gi;

/** Whether a reminder repeats: "every day" is daily, "every sunday" or "weekly" is weekly. */
export function findRepeat(lower: string): 'daily' | 'weekly' | null {
  if (/\b(?:every|each) (?:single )?week\b|\bweekly\b|\bonce a week\b|\b(?:every|each) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\bon (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s\b/.test(lower)) return 'weekly';
  if (/\b(?:every|each) (?:single )?(?:day|morning|afternoon|evening|night)\b|\bdaily\b|\bon a daily basis\b/.test(lower)) return 'daily';
  return null;
}

/** Replaces time and date words (and repeat and "an hour before" words) with a gap mark, then drops what only led into them. */
function withoutTimeWords(text: string, spans: Array<[number, number]>): string {
  let out = text;
  for (const [from, to] of [...spans].sort((a, b) => b[0] - a[0])) out = `${out.slice(0, from)} ${GAP} ${out.slice(to)}`;
  out = out.replace(REPEAT_WORDS, ` ${GAP} `).replace(OFFSET_BEFORE, ` ${GAP} `);
  for (let before = ''; before !== out; ) {
    before = out;
    out = out
      .replace(DANGLING, GAP)
      .replace(new RegExp(`${GAP}\\s*(?:o'clock|(?:in the |at )?(?:morning|afternoon|evening|night))\\b`, 'gi'), GAP)
      .replace(new RegExp(`\\b(?:in the |at )?(?:morning|afternoon|evening|night)\\s*${GAP}`, 'gi'), GAP)
      .replace(new RegExp(`${GAP}[\\s,]*(?:and|or|then)?[\\s,]*${GAP}`, 'gi'), GAP);
  }
  return out.replace(new RegExp(`\\s*${GAP}[\\s${GAP}]*`, 'g'), ' ').replace(/\s+([,.!?])/g, '$1').replace(/\s+/g, ' ').trim();
}

/** Tidies one side of a reminder request down to the thing itself: request words in front, pleasantries behind. */
function tidy(text: string): string {
  let out = text.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 4; i++) out = out.replace(LEADING, '').replace(TRAILING, '').replace(ASKING, '').trim();
  return /^(?:me|something|a thing|it|this|that|please|for me)?$/i.test(out) ? '' : out;
}

/**
 * The thing to be reminded of: every word she said except the request words, the times and dates (with the
 * small words that led into them) and pleasantries; "take the washing in at 6" keeps "take the washing in".
 * When the words after "remind me" are empty or only point back ("to check on it"), the scene set before
 * them is kept too ("lamb's in the oven").
 */
export function reminderText(msg: Message): string {
  const text = withoutTimeWords(msg.text, msg.when.spans);
  const trigger = TRIGGER.exec(text);
  if (!trigger) return tidy(text);
  const after = tidy(text.slice(trigger.index + trigger[0].length));
  const before = tidy(text.slice(0, trigger.index).replace(SCENE_OPENER, ''));
  if (!after) return before;
  if (before && /\b(?:it|them|that|this|he|she|they)\b/i.test(after) && after.split(/\s+/).length <= 5) return `${before} - ${after}`;
  return after;
}

/** How many minutes before the named time the elder wants reminding, or 0. */
function minutesBefore(text: string): number {
  const m = OFFSET_BEFORE.exec(text);
  if (!m) return 0;
  const amount = /^half/i.test(m[1] ?? '') ? 0.5 : /couple/i.test(m[1] ?? '') ? 2 : (parseNumber((m[1] ?? '').replace('-', ' ')) ?? 1);
  const unit = (m[2] ?? '').toLowerCase();
  return Math.round(amount * (unit.startsWith('day') ? 1440 : unit.startsWith('hour') ? 60 : 1));
}

/** Builds a reminder, or asks for what to remind about or when, when that is missing or vague. */
export function buildReminder(msg: Message): Understanding {
  const repeat = findRepeat(msg.lower);
  const text = reminderText(msg) || (/\balarm\b/.test(msg.lower) ? 'Alarm' : '');
  let at: Moment | null = null;
  if (!msg.when.vague || msg.when.relative) at = resolveMoment(msg.when, msg.clock, repeat ? 'routine' : 'reminder');
  const early = minutesBefore(msg.text);
  if (at && early > 0) {
    const shifted = DateTime.fromISO(at.value, { zone: msg.clock.timezone }).minus({ minutes: early });
    at = { value: toDateTime(shifted), exact: at.exact };
  }
  const args: Record<string, unknown> = {};
  const missing: string[] = [];
  if (text) args.text = text; else missing.push('text');
  if (at) args.at = at.value; else missing.push('at');
  if (repeat) args.repeat = repeat;
  if (missing.length > 0) return { kind: 'clarify', tool: 'set_reminder', args, missing, question: clarifyQuestion('set_reminder', missing) };
  return { kind: 'tool', tool: 'set_reminder', args, confidence: at?.exact ? 0.9 : 0.8 };
}
