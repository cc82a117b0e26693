import type { ConversationTurn, ToolName } from './understanding/types.ts';

/** What the agent is given for one message: who, what they said, the conversation so far, and the time. */
export interface AgentInput {
  elder: { id: string; name: string; timezone: string };
  text: string;
  /** Earlier turns, oldest first. */
  history: ConversationTurn[];
  now: Date;
}

/** What the agent decided: call one tool, or answer in words (a reply, or one clarifying question). */
export type AgentDecision =
  | {
      kind: 'tool';
      tool: ToolName;
      args: Record<string, unknown>;
      confidence: number;
      /**
       * Read back for a yes even when the tool normally acts at once: an emergency only a remote model saw,
       * which text the elder did not write (a forwarded family reply, a venue name) may have steered.
       */
      confirmFirst?: boolean;
    }
  | { kind: 'reply'; text: string; clarifying: boolean };

/** Understands one message. Implementations: the offline model, a remote OpenAI-compatible model, or both. */
export interface Agent {
  respond(input: AgentInput): Promise<AgentDecision>;
}
