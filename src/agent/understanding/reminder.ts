import type { Message } from './message.ts';
import { withoutSpans } from './message.ts';
import { clarifyQuestion } from './replies.ts';
import type { Understanding } from './types.ts';
import type { Moment } from './when.ts';
import { resolveMoment } from './when.ts';

/** Words that ask for a reminder. */
export const REMINDER_TRIGGER =
  /\b(?:remind(?:er)?s?|remind me|don't let me forget|do not let me forget|make sure i (?:remember|don't forget)|help me remember|nudge me|give me a (?:shout|call|nudge)|alert me|wake me(?: up)?)\b/;

const TRIGGER_PREFIX =
  /^.*?\b(?:set (?:up )?(?:a |me a |an )?reminders?|add (?:a )?reminders?|reminders?|remind me|remind|don't let me forget|do not let me forget|make sure i (?:remember|don't forget)|help me remember|nudge me|give me a (?:shout|call|nudge)|alert me|wake me(?: up)?)\b[\s,:-]*/i;
const LEADING = /^(?:(?:to|about|of|that|for|please|again|it's|its|it is|i need to|i have to|i must|i've got to)\b[\s,:-]*)+/i;
const TRAILING = /(?:[\s,]+\b(?:on|at|by|in|for|from|the|and|please|thanks|thank you|dear|love|x+|then|every|each|of|this|next|around|about|to|o'clock))+[\s,.!?]*$|[\s,.!?]+$/i;
const REPEAT_WORDS =
  /\b(?:every (?:single )?(?:day|morning|afternoon|evening|night|week)|each (?:day|morning|evening|night|week)|daily|weekly|once a week|every other day|on a daily basis|every (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?)\b/gi;

/** Whether a reminder repeats: "every day" is daily, "every sunday" or "weekly" is weekly. */
export function findRepeat(lower: string): 'daily' | 'weekly' | null {
  if (/\b(?:every|each) (?:single )?week\b|\bweekly\b|\bonce a week\b|\b(?:every|each) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\bon (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s\b/.test(lower)) return 'weekly';
  if (/\b(?:every|each) (?:single )?(?:day|morning|afternoon|evening|night)\b|\bdaily\b|\bon a daily basis\b/.test(lower)) return 'daily';
  return null;
}

/** The thing to be reminded of: the message without the request words, times, dates and pleasantries. */
export function reminderText(msg: Message): string {
  let text = withoutSpans(msg.text, msg.when.spans);
  text = text.replace(TRIGGER_PREFIX, '');
  text = text.replace(REPEAT_WORDS, ' ').replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 4; i++) text = text.replace(LEADING, '').replace(TRAILING, '').trim();
  if (/^(?:me|something|a thing|it|this|that|please|for me)?$/i.test(text)) return '';
  return text;
}

/** Builds a reminder, or asks for what to remind about or when, when that is missing or vague. */
export function buildReminder(msg: Message): Understanding {
  const repeat = findRepeat(msg.lower);
  const text = reminderText(msg);
  let at: Moment | null = null;
  if (!msg.when.vague || msg.when.times.length > 0 || msg.when.relative) at = resolveMoment(msg.when, msg.clock, repeat ? 'routine' : 'reminder');
  const args: Record<string, unknown> = {};
  const missing: string[] = [];
  if (text) args.text = text; else missing.push('text');
  if (at) args.at = at.value; else missing.push('at');
  if (repeat) args.repeat = repeat;
  if (missing.length > 0) return { kind: 'clarify', tool: 'set_reminder', args, missing, question: clarifyQuestion('set_reminder', missing) };
  return { kind: 'tool', tool: 'set_reminder', args, confidence: at?.exact ? 0.9 : 0.8 };
}
