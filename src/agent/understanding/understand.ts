import { buildCancellation, buildRestaurantBooking, buildSalonBooking } from './booking.ts';
import { dayOffset, makeClock } from './clock.ts';
import type { Clock } from './clock.ts';
import { classifyConfirmation } from './confirmation.ts';
import { buildActivity, buildNotification } from './family.ts';
import type { IntentRouting, RoutedMessage } from './intents.ts';
import { routeMessage } from './intents.ts';
import { buildAddMedication, buildLogDose } from './medication.ts';
import { findMedicine } from './medicine-name.ts';
import type { Message } from './message.ts';
import { readMessage } from './message.ts';
import { buildReminder } from './reminder.ts';
import { findScheduleSpan } from './schedule-span.ts';
import { buildReschedule } from './reschedule.ts';
import { CHAT_REPLIES, clarifyQuestion, offerToolQuestion } from './replies.ts';
import { DOSE_HISTORY_QUESTION, routeByRules } from './rule-router.ts';
import type { ConversationTurn, ToolName, Understanding, UnderstandingInput } from './types.ts';

/** Builds the tool call (or its clarifying question) for a routed message. */
function buildTool(tool: ToolName, msg: Message): Understanding {
  switch (tool) {
    case 'book_restaurant':
      return buildRestaurantBooking(msg);
    case 'book_salon':
      return buildSalonBooking(msg);
    case 'cancel_booking':
      return buildCancellation(msg);
    case 'reschedule_booking':
      return buildReschedule(msg);
    case 'add_medication':
      return buildAddMedication(msg);
    case 'log_dose':
      return buildLogDose(msg);
    case 'set_reminder':
      return buildReminder(msg);
    case 'notify_family':
      return buildNotification(msg);
    case 'share_activity':
      return buildActivity(msg);
    case 'get_schedule':
      return { kind: 'tool', tool, args: scheduleArgs(msg), confidence: 0.9 };
    case 'emergency_alert':
      return { kind: 'tool', tool, args: { description: msg.original.trim() }, confidence: 1 };
  }
}

/** What a schedule question is about when it names one kind of thing, and its day or span ("did I take my pills?" is about today, "this week" today to Sunday). */
function scheduleArgs(msg: Message): Record<string, unknown> {
  const medicines = /\b(?:pills?|tablets?|medicines?|medication|meds|doses?|insulin|inhaler|drops|capsules?|injection)\b/.test(msg.lower);
  const bookings = /\b(?:bookings?|booked|reservations?|table|haircut|hair|salon|barber|nails|restaurant|lunch|dinner)\b/.test(msg.lower);
  const reminders = /\breminders?\b/.test(msg.lower);
  const topics = [medicines && 'medicines', bookings && 'bookings', reminders && 'reminders'].filter(Boolean);
  const about = topics.length === 1 ? { about: topics[0] } : {};
  if (msg.when.date) return { date: msg.when.date.date, ...about };
  const span = findScheduleSpan(msg.lower, msg.clock);
  if (span) return { ...span, ...about };
  return DOSE_HISTORY_QUESTION.test(msg.lower) ? { date: dayOffset(msg.clock, 0), ...about } : about;
}

/** How messages are routed: by the intent classifier (the default, optionally with pinned weights and thresholds) or by the rules alone. */
export interface UnderstandOptions {
  router?: 'learned' | 'rules';
  routing?: IntentRouting;
}

/**
 * Turns a route into its result: the tool's call or question, "would you like me to …?" when the classifier
 * was not sure, a "what shall I book?" question, or a chat reply; with the classifier's decision attached.
 */
function fromRoute({ route, decision }: RoutedMessage, msg: Message): Understanding {
  const result = ((): Understanding => {
    if (route.kind === 'tool') return buildTool(route.tool, msg);
    if (route.kind === 'ask') {
      // Not sure: the tool's own question for a missing detail, or an offer; never a call.
      const built = buildTool(route.tool, msg);
      return built.kind === 'clarify' ? built : { kind: 'clarify', tool: route.tool, args: {}, missing: ['intent'], question: offerToolQuestion(route.tool) };
    }
    if (route.kind === 'clarify') {
      return { kind: 'clarify', tool: null, args: {}, missing: ['venue', 'start'], question: clarifyQuestion(null, ['venue', 'start']) };
    }
    return { kind: 'chat', intent: route.intent, reply: CHAT_REPLIES[route.intent] };
  })();
  if (decision) result.decision = decision;
  return result;
}

/** Understands one message on its own, without the conversation. */
function understandAlone(text: string, clock: Clock, options: UnderstandOptions): Understanding {
  const msg = readMessage(text, clock);
  const routed = options.router === 'rules' ? { route: routeByRules(msg), decision: null } : routeMessage(msg, options.routing);
  return fromRoute(routed, msg);
}

/**
 * Turns a short answer into words the parsers recognise in context: "4" after "how many people?" becomes
 * "for 4 people", "7.30" after "what time?" becomes "at 7.30", "Rosa's" after "which restaurant?" becomes
 * "at Rosa's".
 */
function explainAnswer(question: string, answer: string): string {
  const q = question.toLowerCase();
  const a = answer.trim();
  // "What day and time would you like it moved to?": the answer is the new time, not the booking's day.
  if (/\bmoved? (?:it )?to\?/.test(q) && !/^(?:to|till|until)\b/i.test(a)) return `to ${a}`;
  const count = /^(?:just\s+|about\s+)?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:\s+please)?[\s.!]*$/i.exec(a);
  if (count && /\bhow many\b/.test(q) && !/\bwhat time|\bwhen\b|\btimes?\b/.test(q)) return `for ${count[1] ?? ''} people`;
  if (/\b(?:what time|when|which time|what times|at what times?|what day and time)\b/.test(q) && /^\d{1,2}(?:[.:]\d{2})?\b/.test(a)) return `at ${a}`;
  if (/\b(?:which|what) (?:place|restaurant|salon|venue|cafe|pub|barber|hairdresser)\b|\bwhere\b/.test(q) && !/^(?:at|in)\b/i.test(a)) return `at ${a}`;
  return a;
}

/** The user messages that the assistant's latest questions were about, oldest first. */
function pendingRequest(history: ConversationTurn[]): { users: string[]; question: string } | null {
  const last = history[history.length - 1];
  if (!last || last.role !== 'assistant' || !last.text.includes('?')) return null;
  const users: string[] = [];
  for (let i = history.length - 2; i >= 0 && users.length < 3; i--) {
    const turn = history[i];
    if (!turn) break;
    if (turn.role === 'user') { users.unshift(turn.text); continue; }
    if (!turn.text.includes('?')) break;
  }
  return users.length > 0 ? { users, question: last.text } : null;
}

const ASKS_ABOUT_DOSE = /\b(?:taken|take|had|have you had)\b.{0,40}\b(?:pills?|tablets?|medicines?|medication|dose|meds|drops|inhaler|injection|insulin|capsules?)\b|\btime for your\b|\bhave you taken\b/i;

/** Reads "yes"/"done"/"not now" as a dose report when the assistant has just asked about a dose. */
function answerToDoseQuestion(question: string, text: string, clock: Clock): Understanding | null {
  if (!ASKS_ABOUT_DOSE.test(question)) return null;
  const verdict = classifyConfirmation(text);
  const notNow = /\b(?:not now|later|not yet|skip|skipping|not today|no)\b/i.test(text);
  if (verdict === null && !notNow && !/^\s*(?:done|taken|all done|took (?:it|them))\b/i.test(text)) return null;
  const medicine = findMedicine(question);
  const named = medicine && !medicine.generic ? medicine.name : /\byour ([A-Z][a-zA-Z-]{2,})\b/.exec(question)?.[1];
  const msg = readMessage(text, clock);
  const result = buildLogDose(msg, named);
  if (result.kind === 'tool') result.args.status = verdict === 'yes' || /^\s*(?:done|taken|all done|took)/i.test(text) ? 'taken' : 'skipped';
  return result;
}

/** How sure the classifier must be of a half-finished request before it counts as a new one rather than an answer. */
const NEW_REQUEST_SCORE = 0.8;

/**
 * True when a reading stands as a request of its own even while a question is open: one the classifier is sure
 * of (or the rules' reading, when they decided). An unsure reading, or a short answer the classifier only leans
 * towards a tool, is taken as the answer to the open question instead.
 */
function isNewRequest(alone: Understanding): boolean {
  if (!alone.decision) return alone.kind !== 'chat';
  return alone.decision.outcome === 'act' && alone.decision.score >= NEW_REQUEST_SCORE;
}

/**
 * Understands the elder's new message (the safety screen has already looked for danger in it): an answer to the assistant's question is
 * read together with the request it answers; otherwise the message is routed to a tool, a clarifying
 * question or a chat reply. Pure and deterministic: no network, no clock of its own.
 */
export function understand(input: UnderstandingInput, options: UnderstandOptions = {}): Understanding {
  const clock = makeClock(input.now, input.timezone);
  const alone = understandAlone(input.text, clock, options);
  if (alone.kind === 'chat' && (alone.intent === 'injection' || alone.intent === 'medical_advice')) return alone;
  const last = input.history[input.history.length - 1];
  if (last?.role === 'assistant') {
    const dose = answerToDoseQuestion(last.text, input.text, clock);
    if (dose) return dose;
  }
  const pending = pendingRequest(input.history);
  if (!pending) return alone;
  if (classifyConfirmation(input.text) === 'no' && !/\d/.test(input.text)) {
    return { kind: 'chat', intent: 'smalltalk', reply: "No problem, I won't do anything with that. Is there anything else I can help with?" };
  }
  const earlier = understandAlone(pending.users.join('. '), clock, options);
  // Only an unfinished or uncertain request is completed by the answer; a clear one was already acted on.
  const earlierTool = earlier.kind === 'clarify' ? earlier.tool : earlier.kind === 'tool' && earlier.confidence < 0.7 ? earlier.tool : null;
  const standsAlone = alone.kind !== 'chat' && alone.tool !== null && alone.tool !== earlierTool && isNewRequest(alone);
  if (standsAlone || earlierTool === null) return alone;
  // A plain "yes" (to "would you like me to…?") adds nothing to the request it accepts.
  const answer = classifyConfirmation(input.text) === 'yes' ? '' : `. ${explainAnswer(pending.question, input.text)}`;
  const combinedText = `${pending.users.join('. ')}${answer}`;
  const result = buildTool(earlierTool, readMessage(combinedText, clock));
  if (result.kind === 'tool') result.confidence = Math.min(result.confidence, 0.85);
  return result;
}
