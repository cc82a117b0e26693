import type { ChatIntent, ToolName } from './types.ts';

/** One sentence on what the assistant can do, used whenever it has to say no. */
export const CAPABILITIES =
  'I can book a table or a hair appointment, set reminders, keep track of your medicines, and send messages to your family.';

/** The kind, short reply for each chat intent. */
export const CHAT_REPLIES: Record<ChatIntent, string> = {
  greeting: 'Hello! It is lovely to hear from you. How can I help you today?',
  thanks: "You're very welcome. I'm always here if you need anything else.",
  smalltalk: `That's nice to chat with you. ${CAPABILITIES} Is there anything I can do for you?`,
  medical_advice:
    "I'm sorry, I can't give advice about medicines or doses. Please ask your doctor or pharmacist, or one of your family, before changing anything.",
  injection: `I'm sorry, I can't do that. ${CAPABILITIES}`,
  out_of_scope: `I'm sorry, I can't help with that one. ${CAPABILITIES}`,
  unknown: `I'm not quite sure what you'd like me to do. ${CAPABILITIES}`,
};

/** How each missing detail is asked about, per tool. */
const SLOT_PHRASES: Record<string, string> = {
  venue: 'which place',
  party_size: 'for how many people',
  start: 'what day and time',
  at: 'what day and time',
  text: 'what should I remind you about',
  medicine: 'which medicine',
  times: 'at what times of day',
  message: 'what would you like me to tell them',
  activity: 'what would you like to share',
  service: 'what treatment you would like',
};

const VENUE_BY_TOOL: Partial<Record<ToolName, string>> = {
  book_restaurant: 'which restaurant',
  book_salon: 'which salon or barber',
  cancel_booking: 'which booking',
  reschedule_booking: 'which booking',
};

const join = (parts: string[]): string =>
  parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;

/**
 * Builds the one short, kind question that asks for the missing details of a tool call,
 * e.g. "Of course. Which restaurant, for how many people and what day and time?".
 */
export function clarifyQuestion(tool: ToolName | null, missing: string[]): string {
  if (tool === null && missing.includes('venue')) {
    return 'Of course. Which place would you like me to book, and for what day and time?';
  }
  if (tool === null) {
    return 'Of course, I would be glad to help. Would you like me to book something, set a reminder, add a medicine or message your family?';
  }
  if (tool === 'set_reminder' && missing.includes('text') && missing.includes('at')) {
    return 'Happy to. What should I remind you about, and on what day and time?';
  }
  if (tool === 'add_medication' && missing.length === 1 && missing[0] === 'times') {
    return 'I can set that up. At what times should I remind you, for example 8am and 8pm?';
  }
  if (tool === 'cancel_booking') return 'Which booking would you like me to cancel?';
  if (tool === 'reschedule_booking') return 'Of course. What day and time would you like it moved to?';
  const phrases = missing.map((slot) => (slot === 'venue' ? VENUE_BY_TOOL[tool] ?? SLOT_PHRASES.venue : SLOT_PHRASES[slot]) ?? slot);
  const question = join(phrases);
  return `Of course. ${question.charAt(0).toUpperCase()}${question.slice(1)}?`;
}

/** What the assistant offers when the classifier leans towards a tool but is not sure enough to act on it. */
const OFFERS: Record<ToolName, string> = {
  book_restaurant: 'Would you like me to book a table somewhere?',
  book_salon: 'Would you like me to book you an appointment?',
  cancel_booking: 'Would you like me to cancel one of your bookings?',
  reschedule_booking: 'Would you like me to move one of your bookings?',
  add_medication: 'Would you like me to add a medicine to your list?',
  log_dose: 'Would you like me to note down your medicine?',
  set_reminder: 'Would you like me to set a reminder?',
  notify_family: 'Would you like me to send that to your family?',
  share_activity: 'Would you like me to share that with your family?',
  get_schedule: 'Would you like me to tell you what you have coming up?',
  emergency_alert: 'Are you alright? Would you like me to alert your family?',
};

/** One yes-or-no question that offers the tool the classifier leaned towards; a "yes" then completes it from the earlier message. */
export function offerToolQuestion(tool: ToolName): string {
  return OFFERS[tool];
}
