import type { IntentScore } from './intent-classifier.ts';
import type { IntentClass } from './intent-corpora.ts';
import { INTENT_CLASSES } from './intent-corpora.ts';
import type { ToolName } from './types.ts';

/** The classes that lead to no tool: the assistant answers in words. */
const WORDS_ONLY: ReadonlySet<string> = new Set(['chat', 'out_of_scope']);
/** Tools that only read (the schedule): when one wins it is answered at once, since asking first costs more than a wrong answer. */
const READ_ONLY: ReadonlySet<string> = new Set(['get_schedule']);

/**
 * When the classifier is sure enough to act, after Rasa's FallbackClassifier: the winning tool needs `act` or
 * more and a lead of `margin` over the runner-up. Short of that, the most likely tool is only asked about
 * (its own question for a missing detail, or "would you like me to …?") when it has `ask` or more, even
 * behind chat or out of scope; otherwise the assistant answers in words. "Not sure" never acts; a read-only
 * tool that wins (the schedule) is answered, since it changes nothing.
 */
export interface IntentThresholds {
  act: number;
  margin: number;
  ask: number;
}

/** The thresholds in use, chosen on a part of the training data held out for it (see the README's figures). */
export const INTENT_THRESHOLDS: IntentThresholds = { act: 0.5, margin: 0.2, ask: 0.3 };

/** What to do with a message, and the scores that decided it, so a log line or a failing test can say why. */
export interface IntentDecision {
  /** `act`: fill in the tool's arguments; `ask`: ask about the most likely tool, never act; `words`: answer without a tool. */
  outcome: 'act' | 'ask' | 'words';
  /** The class the outcome is about: the tool acted on or asked about, or the winning no-tool class. */
  intent: IntentClass;
  score: number;
  /** The classifier's first and second choices. */
  ranking: IntentScore[];
  /** One line: which class won with what score, and why the outcome follows. */
  reason: string;
}

const isIntentClass = (name: string): name is IntentClass => (INTENT_CLASSES as readonly string[]).includes(name);
const say = (s: IntentScore): string => `${s.intent} ${s.score.toFixed(2)}`;

/** The tool a decision acts on or asks about, or null when it answers in words. */
export const decidedTool = (decision: IntentDecision): ToolName | null =>
  decision.outcome === 'words' || WORDS_ONLY.has(decision.intent) ? null : (decision.intent as ToolName);

/** Decides from a ranking (most likely first) whether to act, ask or answer in words. */
export function decideIntent(ranking: IntentScore[], thresholds: IntentThresholds = INTENT_THRESHOLDS): IntentDecision {
  const top = ranking[0];
  if (!top || !isIntentClass(top.intent)) throw new Error(`intent ranking has no known class: ${JSON.stringify(ranking[0])}`);
  const second = ranking[1];
  const shown = ranking.slice(0, 2);
  const tool = ranking.find((s) => !WORDS_ONLY.has(s.intent));
  const lead = second ? top.score - second.score : top.score;
  if (!WORDS_ONLY.has(top.intent) && ((top.score >= thresholds.act && lead >= thresholds.margin) || READ_ONLY.has(top.intent))) {
    return { outcome: 'act', intent: top.intent, score: top.score, ranking: shown, reason: `${say(top)}${second ? `, next ${say(second)}` : ''}` };
  }
  if (tool && isIntentClass(tool.intent) && tool.score >= thresholds.ask) {
    const why = tool === top ? (top.score < thresholds.act ? `is under ${thresholds.act}` : `leads ${second ? say(second) : ''} by under ${thresholds.margin}`) : `is behind ${say(top)}`;
    return { outcome: 'ask', intent: tool.intent, score: tool.score, ranking: shown, reason: `${say(tool)} ${why}: ask, do not act` };
  }
  return { outcome: 'words', intent: top.intent, score: top.score, ranking: shown, reason: `${say(top)}${tool ? `; best tool ${say(tool)} is under ${thresholds.ask}` : ''}` };
}
