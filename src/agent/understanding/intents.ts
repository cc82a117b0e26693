import { classifyChat } from './chat.ts';
import type { IntentClassifier } from './intent-classifier.ts';
import { intentClassifier } from './intent-classifier.ts';
import type { IntentDecision, IntentThresholds } from './intent-decision.ts';
import { decidedTool, decideIntent, INTENT_THRESHOLDS } from './intent-decision.ts';
import { isFamilyMessage } from './family.ts';
import { mentionsDose } from './medication.ts';
import type { Message } from './message.ts';
import type { Route } from './rule-router.ts';
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

/**
 * What the slot readers must find before the classifier's tool is acted on; without it the assistant offers
 * the tool instead ("would you like me to…?"). The other tools' builders ask for their missing details themselves.
 */
const EVIDENCE: Partial<Record<ToolName, { found: (msg: Message) => boolean; lacking: string }>> = {
  notify_family: { found: isFamilyMessage, lacking: 'nobody to tell is named' },
  log_dose: { found: mentionsDose, lacking: 'no medicine is named' },
};

/**
 * Decides what a message asks for. Attempts to misuse the assistant and questions for medical advice are
 * refused by their rules first; then the intent classifier ranks the classes and the decision's thresholds
 * say whether to act on the winning tool, ask whether she wants it, or answer in words (worded by the chat
 * rules). Emergencies are handled before this.
 */
export function routeMessage(msg: Message, routing?: IntentRouting): RoutedMessage {
  if (isInjection(msg.lower)) return { route: { kind: 'chat', intent: 'injection' }, decision: null };
  if (isMedicalAdviceQuestion(msg.lower)) return { route: { kind: 'chat', intent: 'medical_advice' }, decision: null };
  const classifier = routing?.classifier ?? intentClassifier();
  const decision = decideIntent(classifier.rank(msg), routing?.thresholds ?? INTENT_THRESHOLDS);
  const tool = decidedTool(decision);
  if (tool === null) {
    const intent = classifyChat(msg.lower);
    return { route: { kind: 'chat', intent: decision.intent === 'out_of_scope' && intent === 'unknown' ? 'out_of_scope' : intent }, decision };
  }
  const evidence = EVIDENCE[tool];
  if (decision.outcome === 'act' && evidence && !evidence.found(msg)) {
    return { route: { kind: 'ask', tool }, decision: { ...decision, outcome: 'ask', reason: `${decision.reason}; ${evidence.lacking}: ask, do not act` } };
  }
  return { route: decision.outcome === 'act' ? { kind: 'tool', tool } : { kind: 'ask', tool }, decision };
}
