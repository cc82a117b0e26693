import type { IntentDecision } from './intent-decision.ts';

/** Names of the tools the agent can call, as written in the tool contract. */
export type ToolName =
  | 'book_restaurant'
  | 'book_salon'
  | 'cancel_booking'
  | 'reschedule_booking'
  | 'add_medication'
  | 'log_dose'
  | 'set_reminder'
  | 'notify_family'
  | 'share_activity'
  | 'get_schedule'
  | 'emergency_alert';

/** One earlier message of the conversation, oldest first in a history. */
export interface ConversationTurn {
  role: 'user' | 'assistant';
  text: string;
}

/** What the understanding step reads: the new message, the elder's clock and the conversation so far. */
export interface UnderstandingInput {
  /** The new message from the elder. */
  text: string;
  /** The elder's local wall-clock time, `YYYY-MM-DDTHH:mm`. */
  now: string;
  /** The elder's IANA timezone, e.g. `Europe/London`. */
  timezone: string;
  /** Earlier turns, oldest first (may be empty). */
  history: ConversationTurn[];
}

/** Why the assistant answers with words instead of a tool. */
export type ChatIntent =
  | 'greeting'
  | 'thanks'
  | 'smalltalk'
  | 'medical_advice'
  | 'injection'
  | 'out_of_scope'
  | 'unknown';

/**
 * The outcome of understanding one message: a tool call with contract arguments, one kind question for a
 * missing or vague detail, or a plain chat reply.
 */
export type Understanding = (
  | { kind: 'tool'; tool: ToolName; args: Record<string, unknown>; confidence: number }
  | { kind: 'clarify'; tool: ToolName | null; args: Record<string, unknown>; missing: string[]; question: string }
  | { kind: 'chat'; intent: ChatIntent; reply: string }
) & {
  /** The intent classifier's decision behind it (which class won with what score), when the classifier decided. */
  decision?: IntentDecision;
};
