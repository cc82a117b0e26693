import type { Agent, AgentDecision, AgentInput } from './agent.ts';
import { screenMessage, type ScreenResult } from './safety/screen.ts';
import type { Logger } from '../lib/logger.ts';

/** How much of her words an alert carries (the task's limit is larger; a family message stays readable). */
const DESCRIPTION_CHARS = 300;

/** The emergency_alert call for a screen verdict that raised something, or null for none. */
export function alertFor(result: ScreenResult, text: string): AgentDecision | null {
  if (result.grade === 'none') return null;
  const description = text.trim().replace(/\s+/g, ' ').slice(0, DESCRIPTION_CHARS);
  const args: Record<string, unknown> = { description };
  if (result.category) args.category = result.category;
  if (result.who === 'other') args.about = 'someone_else';
  if (result.grade === 'concern') args.check_in = true;
  return { kind: 'tool', tool: 'emergency_alert', args, confidence: 1 };
}

/**
 * The safety screen in front of any agent (offline, remote or hybrid): a message the screen reads as an
 * emergency, a concern or despair becomes emergency_alert at once, and no model is asked; anything else goes
 * to the model, which may still raise an alert the screen did not see (read back for a yes), but can never
 * take back one the screen raised.
 */
export class SafetyFirstAgent implements Agent {
  private readonly inner: Agent;
  private readonly logger: Logger | undefined;

  constructor(inner: Agent, logger?: Logger) {
    this.inner = inner;
    this.logger = logger;
  }

  async respond(input: AgentInput): Promise<AgentDecision> {
    const result = screenMessage(input.text);
    const alert = alertFor(result, input.text);
    if (alert) {
      // Rule ids only: never the elder's words.
      this.logger?.debug({ elderId: input.elder.id, grade: result.grade, category: result.category, signs: result.signs.map((s) => s.sign.rule.id) }, 'safety screen raised');
      return alert;
    }
    return this.inner.respond(input);
  }
}
