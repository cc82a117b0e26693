import { findService } from './booking.ts';
import { classifyChat } from './chat.ts';
import { isActivity, isFamilyMessage } from './family.ts';
import { reportsDose } from './medication.ts';
import { findDose, findMedicine } from './medicine-name.ts';
import type { Message } from './message.ts';
import { findPartySize } from './party-size.ts';
import { REMINDER_TRIGGER } from './reminder.ts';
import { isReschedule } from './reschedule.ts';
import { isInjection, isMedicalAdviceQuestion } from './safety.ts';
import type { ChatIntent, ToolName } from './types.ts';
import { findVenue, venueText } from './venue.ts';
import { RESTAURANT_WORDS, SALON_WORDS } from './vocabulary.ts';

/** Where a message should go: a tool to fill in, or a chat reply of some kind. */
export type Route = { kind: 'tool'; tool: ToolName } | { kind: 'chat'; intent: ChatIntent } | { kind: 'clarify' };

const CANCEL = /\b(?:cancel|cancell?ing|cancell?ed|call off|calling off|scrap|unbook|get rid of (?:my|the) (?:booking|reservation|appointment))\b/;
const CANNOT_GO = /\b(?:can't|cannot|can not|won't|will not|not able to|unable to|no longer)\s+(?:be able to\s+)?(?:make it|go|come|attend|be going|do (?:it|that|the \w+)|manage (?:it|that|the \w+))\b|\bnot going any ?more\b|\b(?:don't|do not|no longer) need (?:the|my|that) (?:table|booking|appointment|reservation)\b/;
const BOOKED_THING = /\b(?:table|booking|reservation|appointment|restaurant|salon|hair|haircut|barber|nails|lunch|dinner|breakfast)\b/;
const NOT_A_BOOKING = /\b(?:reminders?|alarm|medicines?|medication|pills?|tablets?|subscription|newspaper|order|delivery|doctor|dentist|hospital|gp|optician|nurse)\b/;

/** "Did I take my pills today?", "have I had my tablets?": answered from the day's doses, never recorded as a dose. */
export const DOSE_HISTORY_QUESTION = /\b(?:did|have|had|has) i (?:already |yet |even )?(?:take|taken|took|had|have|use|used)\b.{0,25}\b(?:pills?|tablets?|medicines?|medication|meds|doses?|insulin|inhaler|drops|capsules?)\b/;

const SCHEDULE: RegExp[] = [
  /\bwhat(?:'s| is| do i have| have i got| am i doing| are my plans| are we doing)\b.{0,25}\b(?:on|planned|happening|booked|scheduled|today|tomorrow|tonight|this week|on for|for me|coming up|next)\b/,
  /\bwhat do i have\b|\bwhat have i got\b|\bwhat am i doing\b|\bwhat (?:i have|i've got|i am doing|i'm doing|is on|'s on)\b.{0,20}\b(?:on|today|tomorrow|tonight|this|next|day)\b/,
  /\bwhat time (?:do|should|must|shall) i (?:need to )?(?:take|have)\b/,
  /\bwhat(?: all)? (?:is|'s) there\b.{0,20}\b(?:for me|today|tomorrow|tonight|on)\b|\bwhat all\b.{0,20}\b(?:for me|today|tomorrow|planned)\b/,
  /\bhow long (?:till|until|before|to go)\b.{0,25}\b(?:next|my)\b/,
  /\bwhat (?:day|time|date) (?:did|do|have|had) i (?:book|booked|have|got|arrange)\b|\bwhen (?:did i book|am i booked|is my|was my)\b/,
  /\b(?:do|have) i (?:have|got) (?:anything|something|any (?:plans|appointments|bookings)|plans|a booking|an appointment|a reservation)\b/,
  /\bam i (?:busy|free|doing anything)\b|\bis there anything (?:on|planned|booked)\b|\banything (?:on|planned|booked|happening|coming up)\b.{0,25}(?:\?|today|tomorrow|tonight|this|next|day|weekend)/,
  /\b(?:do|shall|must) i (?:need to|have to|got to) be (?:anywhere|somewhere)\b|\bwhere (?:do|should) i (?:need to |have to )?be\b.{0,20}\b(?:today|tomorrow|tonight|on \w+day)\b|\bwhat(?:'s| is) left (?:to do |for me )?(?:for |on )?(?:today|tonight|this (?:morning|afternoon|evening))\b/,
  /\b(?:my|the) (?:schedule|diary|calendar|agenda|plans|appointments|bookings|reminders)\b.{0,20}(?:\?|today|tomorrow|for)|\b(?:show|read|check|tell me|what's|what is|what are|go through)\b.{0,15}\b(?:my|the) (?:schedule|diary|calendar|agenda|plans|appointments|bookings|reminders|medicines|pills|tablets)\b/,
  /\bwhen(?:'s| is| are| do i (?:take|have)| should i (?:take|have))\b.{0,20}\b(?:next|my)\b.{0,30}\b(?:pills?|tablets?|medicines?|medication|doses?|meds|appointment|booking|reservation|reminder|haircut|table|injection|inhaler|drops)\b/,
  /\bwhat time(?:'s| is| are) (?:my|the)\b/,
  /\bwhat (?:appointments|bookings|plans|reminders)\b|\bany (?:appointments|bookings|plans|reminders)\b.{0,30}\?/,
  /^(?:is|are) my \w+(?: \w+)? (?:today|tomorrow|tonight|on \w+day|this \w+|at \d)/,
  /\bwhat (?:pills|tablets|medicines?|meds|medication) (?:do|have) i (?:take|got|have)\b/,
  DOSE_HISTORY_QUESTION,
];

const BOOK_VERB =
  /\b(?:(?<!\b(?:a|the|my|library|new|good|this|that|your|his|her|old) )book(?! (?:club|group|shop|store|fair|sale|token|case|mark|worm|keeping))|booking|reserve|reservation|get (?:us|me) (?:a table|in|an appointment|a seat)|table for|a table|make (?:an|a|me an|me a) (?:appointment|booking|reservation)|appointment|i(?:'d| would) (?:like|love) (?:a|an|to (?:book|go|have|get|take))|can (?:we|i) (?:go|get|have)|(?:want|wanna|wish) to (?:go|take|get|have|book|eat)|need (?:a|an|to (?:book|get|have))|fancy (?:a|going)|take (?:me|us|my \w+) (?:out|to)|(?:get|have|need|want|like|love)(?: to (?:get|have))? my (?:hair|nails|beard|eyebrows)|get (?:me |us )?(?:a|an)|squeeze me in|fit me in)\b/;

/** True when the message asks to cancel an existing table or appointment. */
function isCancellation(msg: Message): boolean {
  if (NOT_A_BOOKING.test(msg.lower) && !BOOKED_THING.test(msg.lower)) return false;
  if (CANCEL.test(msg.lower)) return true;
  return CANNOT_GO.test(msg.lower) && (BOOKED_THING.test(msg.lower) || findVenue(venueText(msg.text, msg.when.spans)) !== null);
}

/** Words that call a booking off: "cancel", "call off", "can't make it", "nix", "no longer need", "take off". */
const CALL_OFF = /\b(?:nix|drop|scratch|ditch|forget|skip (?:the|my|our) (?:table|booking|reservation|restaurant|dinner|lunch|meal|appointment|haircut|hairdresser|salon|nails)|remove|delete|take (?:off|away)|take (?:me|us|my name|our names?) (?:off|out)|strike (?:it|that|me|us) off|count (?:me|us) out|pull out of|back out of|give (?:it|that|the \w+) a miss|undo|not going|no longer|don't need|do not need|won't need|won't be (?:needing|coming|going)|(?:don't|do not) want (?:the|my|that|our) (?:table|booking|appointment|reservation)|changed? (?:my|our) minds? about|rather not go)\b/;

/** True when the message says to call a booking off, in any of the usual words. */
export function saysCancel(lower: string): boolean {
  return CANCEL.test(lower) || CANNOT_GO.test(lower) || CALL_OFF.test(lower);
}

/** True when the message calls off something that can be one of her bookings: a table, an appointment, a meal, a treatment, or a day. */
export function callsOffBooking(msg: Message): boolean {
  return saysCancel(msg.lower) && (BOOKED_THING.test(msg.lower) || findService(msg.lower) !== null || msg.when.date !== null);
}

/** True when the message asks what is planned ("what do I have today?", "when is my next pill?"). */
export function isScheduleQuestion(lower: string): boolean {
  if (/\b(?:weather|time is it|date is it|day is it|the date|the time|what day is)\b/.test(lower)) return false;
  return SCHEDULE.some((re) => re.test(lower));
}

/** Picks the kind of booking the message is about, or null when it is not a booking request. */
function bookingTool(msg: Message): ToolName | null {
  const salon = SALON_WORDS.test(msg.lower) || findService(msg.lower) !== null;
  const restaurant = RESTAURANT_WORDS.test(msg.lower);
  const verb = BOOK_VERB.test(msg.lower);
  if (!verb && isActivity(msg)) return null;
  const hasWhen = msg.when.times.length > 0 || msg.when.date !== null;
  const venue = salon || restaurant || verb ? findVenue(venueText(msg.text, msg.when.spans)) : null;
  const party = findPartySize(msg.lower, msg.text);
  const isBooking =
    (verb && (salon || restaurant || venue !== null || party !== null)) || ((salon || restaurant) && venue !== null && (hasWhen || party !== null));
  if (!isBooking) return null;
  if (salon && !/\btable\b/.test(msg.lower)) return 'book_salon';
  if (!salon && !restaurant && /\b(?:hair|salon|barber|nails?|beauty|spa|cuts?)\b/i.test(venue?.venue ?? '')) return 'book_salon';
  return 'book_restaurant';
}

/** True when a reminder request is really a medicine schedule ("remind me to take my tablets at 8"). */
function isMedicineReminder(msg: Message): boolean {
  const medicine = findMedicine(msg.text);
  if (!medicine) return false;
  if (/\b(?:call|ring|phone|order|collect|pick up|buy|get|refill|renew|fetch|book|ask|tell|see)\b/.test(msg.lower)) return false;
  return !medicine.generic || /\b(?:take|taking|use|using|apply|put in|have)\b/.test(msg.lower);
}

/** True when the message sets up a new medicine rather than reporting or asking about one. */
function isMedicationSetup(msg: Message): boolean {
  if (/\b(?:add|new|set up|setup|start|started|record|register)\b.{0,25}\b(?:medicines?|medications?|pills|tablets|prescription|meds)\b/.test(msg.lower)) return true;
  const medicine = findMedicine(msg.text);
  if (!medicine || /\?\s*$/.test(msg.lower)) return false;
  const scheduled =
    msg.when.times.length > 0 ||
    msg.when.periods.length > 0 ||
    findDose(msg.text) !== null ||
    /\b(?:every|daily|each|a day|twice|once a day|times a day|at night|bedtime|in the morning|in the evening|morning and|prescribed|doctor (?:gave|has given|put|started)|started (?:on|me on)|set up|add|i (?:have|need|must|got) to take|i take|(?:got|have|need) to start|start(?:ing)? (?:on|taking)|put (?:me|my|it|them)\b)\b/.test(msg.lower);
  return scheduled && (!medicine.generic || /\b(?:i (?:have|need|must|got) to take|i take|every|daily|times a day|twice)\b/.test(msg.lower));
}

/**
 * What the hand-written rules say a message asks for: attempts to misuse the assistant and medicine questions
 * first, then the tools from the most to the least specific wording. Emergencies are handled before this. The
 * intent classifier reads this verdict as one of its features (see intent-features.ts).
 */
export function routeByRules(msg: Message): Route {
  const { lower } = msg;
  if (isInjection(lower)) return { kind: 'chat', intent: 'injection' };
  if (isMedicalAdviceQuestion(lower)) return { kind: 'chat', intent: 'medical_advice' };
  if (isFamilyMessage(msg)) return { kind: 'tool', tool: 'notify_family' };
  if (isCancellation(msg)) return { kind: 'tool', tool: 'cancel_booking' };
  if (CANCEL.test(lower)) return { kind: 'chat', intent: 'out_of_scope' };
  if (isScheduleQuestion(lower)) return { kind: 'tool', tool: 'get_schedule' };
  if (REMINDER_TRIGGER.test(lower)) return { kind: 'tool', tool: isMedicineReminder(msg) ? 'add_medication' : 'set_reminder' };
  if (reportsDose(lower, msg.text)) return { kind: 'tool', tool: 'log_dose' };
  if (isReschedule(msg)) return { kind: 'tool', tool: 'reschedule_booking' };
  const booking = bookingTool(msg);
  if (booking) return { kind: 'tool', tool: booking };
  if (isMedicationSetup(msg)) return { kind: 'tool', tool: 'add_medication' };
  if (isActivity(msg)) return { kind: 'tool', tool: 'share_activity' };
  if (BOOK_VERB.test(lower) && /\b(?:book|reserve)\b/.test(lower) && !/\b(?:flight|train|holiday|hotel|taxi|cab|doctor|dentist|gp|hospital|optician|nurse)\b/.test(lower)) return { kind: 'clarify' };
  return { kind: 'chat', intent: classifyChat(lower) };
}
