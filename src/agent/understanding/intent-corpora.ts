import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { IntentExample } from './intent-examples.ts';

/** The classes of the intent classifier: the tools it may propose (not emergencies: the safety screen owns them), chat and out of scope. */
export const INTENT_CLASSES = [
  'book_restaurant',
  'book_salon',
  'cancel_booking',
  'reschedule_booking',
  'add_medication',
  'log_dose',
  'set_reminder',
  'notify_family',
  'share_activity',
  'get_schedule',
  'chat',
  'out_of_scope',
] as const;
/** One class of the intent classifier. */
export type IntentClass = (typeof INTENT_CLASSES)[number];

/**
 * How a public corpus's intents become our classes. CLINC150 and SNIPS intents that are our job map to their
 * tool; questions about one's calendar, reminders or reservations are get_schedule; social ones are chat.
 * Intents that could fairly go either way (alarms, timers, calendar edits, texts, calls, lists; the ones
 * score-external.mjs leaves unscored) are left out of training. Every other intent is out of scope.
 */
const CORPUS_CLASSES: Record<string, IntentClass | null> = {
  restaurant_reservation: 'book_restaurant',
  BookRestaurant: 'book_restaurant',
  reminder_update: 'set_reminder',
  cancel_reservation: 'cancel_booking',
  reminder: 'get_schedule',
  calendar: 'get_schedule',
  meeting_schedule: 'get_schedule',
  confirm_reservation: 'get_schedule',
  greeting: 'chat',
  goodbye: 'chat',
  thank_you: 'chat',
  yes: 'chat',
  no: 'chat',
  maybe: 'chat',
  // "cancel that" to a voice assistant; said to us, it asks to cancel a booking (and is asked which).
  cancel: null,
  repeat: 'chat',
  what_is_your_name: 'chat',
  are_you_a_bot: 'chat',
  how_old_are_you: 'chat',
  where_are_you_from: 'chat',
  who_made_you: 'chat',
  what_can_i_ask_you: 'chat',
  do_you_have_pets: 'chat',
  what_are_your_hobbies: 'chat',
  who_do_you_work_for: 'chat',
  alarm: null,
  timer: null,
  calendar_update: null,
  text: null,
  make_call: null,
  todo_list_update: null,
  accept_reservations: null,
  shopping_list_update: null,
};

/** Our class for a public corpus's intent, or null when the intent is left out of training. */
export function corpusClass(intent: string): IntentClass | null {
  return intent in CORPUS_CLASSES ? (CORPUS_CLASSES[intent] ?? null) : 'out_of_scope';
}

const corpusLineSchema = z.object({ text: z.string().min(1), intent: z.string().min(1) });

/** Reads a public corpus in eval-case form (one JSON object per line with `text` and `intent`) as training examples. */
export function readCorpusExamples(path: string): IntentExample[] {
  const examples: IntentExample[] = [];
  for (const [n, line] of readFileSync(path, 'utf8').split('\n').entries()) {
    if (!line.trim()) continue;
    const parsed = corpusLineSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${path}:${n + 1}: expected "text" and "intent"`);
    const intent = corpusClass(parsed.data.intent);
    if (intent) examples.push({ text: parsed.data.text, intent });
  }
  return examples;
}
