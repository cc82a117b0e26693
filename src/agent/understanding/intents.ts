import { classifyChat } from './chat.ts';
import type { IntentClassifier } from './intent-classifier.ts';
import { intentClassifier } from './intent-classifier.ts';
import type { IntentDecision, IntentThresholds } from './intent-decision.ts';
import type { Evidence, RuleSignals } from './intent-decision.ts';
import { decidedTool, decideIntent, INTENT_THRESHOLDS } from './intent-decision.ts';
import { isFamilyMessage, tellsOfActivity, tellsOfSomething } from './family.ts';
import { mentionsDose, soundsLikeMedicine } from './medication.ts';
import type { Message } from './message.ts';
import { movesOurBooking } from './reschedule.ts';
import type { Route } from './rule-router.ts';
import { callsOffBooking, isScheduleQuestion, routeByRules } from './rule-router.ts';
import { isInjection, isMedicalAdviceQuestion } from './safety.ts';
import type { ToolName } from './types.ts';

/** Where a message goes, and the classifier's decision behind it (null when a safety rule decided first). */
export interface RoutedMessage {
  route: Route | { kind: 'ask'; tool: ToolName };
  decision: IntentDecision | null;
}

/** How messages are routed: the classifier and its thresholds (injectable so tests can pin them). */
export interface IntentRouting {
  classifier: IntentClassifier;
  thresholds: IntentThresholds;
}

const either = (found: boolean): Evidence => (found ? 'found' : 'lacking');

/** A medicine still to be started or taken from now on ("I've got to start taking …", "the doctor put me on …"), not a dose taken or missed. */
const PLANS_MEDICINE = /\b(?:start(?:ing)?|got to|have to|has to|need to|must|going to (?:take|start|be on)|supposed to|prescribed|put me on|from (?:tomorrow|today|monday|now on))\b/;
const DOSE_NOT_TAKEN = /\b(?:not going to|won't|will not|skip\w*|not taking|not having|didn't|did not|forgot|forgotten|missed|leave out|leaving out)\b/;
/** A sentence about someone or something else ("the birds fly south", "they closed the library"), with no word of hers in it. */
const aboutSomeoneElse = (lower: string): boolean => {
  const text = lower.trim();
  if (/^(?:the|a|an|this|that|these|those|it|they|he|she|his|her|their|there|some|all)\b/.test(text)) return !/\b(?:i|i'm|i've|i'd|me|my|myself|we|we've|we're|us|our)\b/.test(text);
  // "my friend had her hair permed", "my son is taking his tablets": someone of hers is the one doing it.
  return /^(?:my|our)\s+(?:\w+\s+)?(?:friend|son|daughter|husband|wife|partner|sister|brother|grandson|granddaughter|grandchildren|grandkids|kids|children|neighbou?r|niece|nephew|cousin|mum|mom|dad|carer|family|doctor|nurse)s?\b(?!\s+and\s+(?:i|me)\b)/.test(text)
    && !/\b(?:i|i'm|i've|i'd|we|we've|we're|myself)\b/.test(text);
};
/** Remembering long ago ("I used to take warfarin", "when I was young we booked the hall"): nothing to do now. */
const REMINISCES = /\b(?:used to|years ago|long ago|in my day|when i was (?:young|younger|a girl|a boy|little|working|at school))\b/;
/** "I've not had my Telma yet", "haven't taken them yet": a dose still to come, neither taken nor skipped. */
const NOT_YET = /\b(?:not|haven't|have not|hasn't|n't)\s+(?:yet\s+)?(?:had|taken|took|done)\b.*\byet\b|\b(?:not|haven't|have not)\s+yet\s+(?:had|taken)\b/;
/**
 * A feeling, a state, an opinion or a quarrel ("I felt dizzy earlier", "my heart sank", "I can't stand the
 * noise", "we fell out") or a near miss ("I nearly slipped"): something told, but not something done for the family to see.
 */
const FEELING_OR_NEAR_MISS =
  /\b(?:i|i've|i'd|i was|i am|i'm)\s+(?:felt|feel|feeling|been feeling)\b|\bmy (?:heart|stomach|spirits?) (?:sank|dropped|leapt|lifted|jumped)\b|\b(?:can't|cannot|couldn't|could not) (?:stand|bear|abide|stomach)\b|\b(?:fell|falling|fallen) out\b|\bhad (?:a row|words|an argument|a falling out)\b|\b(?:nearly|almost)\s+(?:\w+ed|fell|fall|went|lost|broke|forgot|ran|hit|came|caught|burnt|slid)\b|\b(?:came|come|coming|went|gone) over all\b|\b(?:went|came|gone|come) down with\b|\b(?:been|was|were|i'm|am|felt|feeling)\s+(?:a (?:bit|little) |quite |very |really |so |a touch )?(?:poorly|ill|unwell|under the weather|out of breath|emotional|tearful|teary|nostalgic|exhausted|worn out|off colour)\b/;
/** Asking for something ("can you look it up"): a request, not something she did. */
const ASKS = /\b(?:can|could|would|will) you\b|\?\s*$/;
/** Medicines handled rather than taken: delivered, collected, a prescription, too many in the box. */
const HANDLES_MEDICINE = /\b(?:delivered|delivery|pharmacy|pharmacist|chemist|prescription|picked up|collected|ordered|in the box|packet came)\b/;
/** A day before today named ("last tuesday", "yesterday"): a dose then is not one to note down now. */
const earlierDay = (msg: Message): boolean => {
  const today = msg.clock.now.toISODate();
  return (msg.when.date !== null && today !== null && msg.when.date.date < today) || /\blast (?:week|monday|tuesday|wednesday|thursday|friday|saturday|sunday|month)\b/.test(msg.lower);
};
const plansMedicine = (lower: string): boolean => NOT_YET.test(lower) || (PLANS_MEDICINE.test(lower) && !DOSE_NOT_TAKEN.test(lower));

/**
 * What the rules must find before a tool is acted on (see decideIntent). Lacking it, the assistant offers the
 * tool instead ("would you like me to…?"); against it (moving a doctor's appointment is not a booking of
 * ours), it answers in words. These tools' builders would otherwise act on almost any words; the others ask
 * for their missing details themselves.
 */
const EVIDENCE: Partial<Record<string, { check: (msg: Message) => Evidence; lacking: string; against?: string }>> = {
  notify_family: { check: (msg) => either(isFamilyMessage(msg)), lacking: 'nobody to tell is named' },
  log_dose: {
    check: (msg) =>
      plansMedicine(msg.lower) || REMINISCES.test(msg.lower) || aboutSomeoneElse(msg.lower) || HANDLES_MEDICINE.test(msg.lower) || earlierDay(msg)
        ? 'against'
        : either(mentionsDose(msg) && tellsOfSomething(msg)),
    lacking: 'no medicine is named, or it asks',
    against: 'a medicine still to be started, not yet taken, long ago, on an earlier day, delivered or someone else\'s, not a dose to note down',
  },
  add_medication: { check: (msg) => either(soundsLikeMedicine(msg)), lacking: 'nothing says it is a medicine' },
  cancel_booking: { check: (msg) => either(callsOffBooking(msg)), lacking: 'nothing called off is a booking' },
  reschedule_booking: { check: (msg) => movesOurBooking(msg.lower), lacking: 'no word moves a booking', against: 'not a booking of ours' },
  share_activity: {
    check: (msg) => either(tellsOfActivity(msg) && !aboutSomeoneElse(msg.lower) && !REMINISCES.test(msg.lower) && !FEELING_OR_NEAR_MISS.test(msg.lower) && !ASKS.test(msg.lower)),
    lacking: 'it asks, tells of a plan, a feeling or a near miss rather than something done, or tells of someone else',
  },
  // A statement ("Jean is coming for tea later") is answered in words rather than with the schedule or a question.
  get_schedule: {
    check: (msg) => (!tellsOfSomething(msg) || isScheduleQuestion(msg.lower) || /\b(?:schedule|diary|calendar|plans|agenda)\b/.test(msg.lower) ? 'found' : 'against'),
    lacking: 'it tells rather than asks',
    against: 'it tells rather than asks',
  },
};

/** "Which tablets am I supposed to take this evening?" asks what is on the schedule, not for advice. */
const WHICH_MEDICINES_WHEN =
  /^(?:so |and |please |)(?:which|what)\s+(?:of my\s+)?(?:pills?|tablets?|medicines?|meds|medications?|doses?)\b(?!.*\b(?:for|if|with|instead|after|or)\b).*\b(?:today|tonight|this (?:morning|afternoon|evening)|tomorrow|now|at \d|in the (?:morning|evening))\b/;

/**
 * Decides what a message asks for. Attempts to misuse the assistant and questions for medical advice are
 * refused by their rules first; then the intent classifier ranks the classes and the decision's thresholds
 * say whether to act on the winning tool, ask whether she wants it, or answer in words (worded by the chat
 * rules). Emergencies are handled before this.
 */
export function routeMessage(msg: Message, routing?: IntentRouting): RoutedMessage {
  if (isInjection(msg.lower)) return { route: { kind: 'chat', intent: 'injection' }, decision: null };
  if (!WHICH_MEDICINES_WHEN.test(msg.lower) && isMedicalAdviceQuestion(msg.lower)) return { route: { kind: 'chat', intent: 'medical_advice' }, decision: null };
  const classifier = routing?.classifier ?? intentClassifier();
  const rules = routeByRules(msg);
  const signals: RuleSignals = {
    // The rules' activities (any sentence with a verb of doing) are too loose to act or ask on; they stay a feature.
    tool: rules.kind === 'tool' && rules.tool !== 'share_activity' ? rules.tool : null,
    evidence: (tool) => {
      const needed = EVIDENCE[tool];
      const verdict = needed?.check(msg) ?? 'found';
      return { verdict, why: (verdict === 'against' ? needed?.against : needed?.lacking) ?? '' };
    },
  };
  const decision = decideIntent(classifier.rank(msg, rules), routing?.thresholds ?? INTENT_THRESHOLDS, signals);
  const tool = decidedTool(decision);
  if (tool === null) {
    const intent = classifyChat(msg.lower);
    return { route: { kind: 'chat', intent: decision.intent === 'out_of_scope' && intent === 'unknown' ? 'out_of_scope' : intent }, decision };
  }
  return { route: decision.outcome === 'act' ? { kind: 'tool', tool } : { kind: 'ask', tool }, decision };
}
