import { describe, it, expect } from '@jest/globals';
import { decideIntent, NO_RULES, type Evidence, type IntentThresholds, type RuleSignals } from '../../../src/agent/understanding/intent-decision.ts';
import type { IntentScore } from '../../../src/agent/understanding/intent-classifier.ts';

const THRESHOLDS: IntentThresholds = { act: 0.5, margin: 0.2, actWithRules: 0.1, ask: 0.25, askWithRules: 0.05 };

/** A ranking from class → score pairs, most likely first. */
const ranked = (scores: Record<string, number>): IntentScore[] =>
  Object.entries(scores)
    .map(([intent, score]) => ({ intent, score }))
    .sort((a, b) => b.score - a.score);

/** Rules that chose `tool` and give `verdicts` for some tools (every other tool: found). */
const rulesSaying = (tool: string | null, verdicts: Record<string, Evidence> = {}): RuleSignals => ({
  tool,
  evidence: (t) => ({ verdict: verdicts[t] ?? 'found', why: verdicts[t] === 'against' ? 'not one of ours' : `no evidence for ${t}` }),
});

describe('deciding whether to act, ask or answer in words', () => {
  it('acts on a sure winner and says which class won with what score', () => {
    const decision = decideIntent(ranked({ set_reminder: 0.9, chat: 0.06, out_of_scope: 0.04 }), THRESHOLDS);
    expect(decision).toMatchObject({ outcome: 'act', intent: 'set_reminder', reason: 'set_reminder 0.90, next chat 0.06' });
  });

  it('is not sure under the act threshold, and only asks about the tool', () => {
    expect(decideIntent(ranked({ log_dose: 0.45, chat: 0.3, out_of_scope: 0.25 }), THRESHOLDS)).toMatchObject({ outcome: 'ask', intent: 'log_dose' });
  });

  it('is not sure when the runner-up is too close, however high the winner', () => {
    const decision = decideIntent(ranked({ cancel_booking: 0.55, book_restaurant: 0.4, chat: 0.05 }), THRESHOLDS);
    expect(decision.outcome).toBe('ask');
    expect(decision.reason).toContain('by under 0.2');
  });

  it('answers in words when a word-only class wins and no tool comes near', () => {
    expect(decideIntent(ranked({ out_of_scope: 0.9, share_activity: 0.08, chat: 0.02 }), THRESHOLDS)).toMatchObject({ outcome: 'words', intent: 'out_of_scope' });
    expect(decideIntent(ranked({ chat: 0.97, set_reminder: 0.03 }), THRESHOLDS).outcome).toBe('words');
  });

  it('asks about a tool that trails out of scope but still has a fair chance', () => {
    expect(decideIntent(ranked({ out_of_scope: 0.6, book_restaurant: 0.35, chat: 0.05 }), THRESHOLDS)).toMatchObject({ outcome: 'ask', intent: 'book_restaurant' });
  });

  it('answers a schedule question at once whenever it wins, since reading the schedule changes nothing', () => {
    expect(decideIntent(ranked({ get_schedule: 0.4, out_of_scope: 0.35, chat: 0.25 }), THRESHOLDS)).toMatchObject({ outcome: 'act', intent: 'get_schedule' });
  });

  it('only asks about a sure winner when the rules do not find what it needs', () => {
    const decision = decideIntent(ranked({ notify_family: 0.95, chat: 0.05 }), THRESHOLDS, rulesSaying(null, { notify_family: 'lacking' }));
    expect(decision).toMatchObject({ outcome: 'ask', intent: 'notify_family' });
    expect(decision.reason).toContain('no evidence for notify_family: ask, do not act');
  });

  it('answers in words when the rules rule the winner out', () => {
    const decision = decideIntent(ranked({ reschedule_booking: 0.9, out_of_scope: 0.1 }), THRESHOLDS, rulesSaying(null, { reschedule_booking: 'against' }));
    expect(decision).toMatchObject({ outcome: 'words', intent: 'reschedule_booking' });
  });

  it("acts on the rules' tool when the classifier gives it some weight and the rules find what it needs", () => {
    const ranking = ranked({ log_dose: 0.7, notify_family: 0.2, out_of_scope: 0.1 });
    const decision = decideIntent(ranking, THRESHOLDS, rulesSaying('notify_family', { log_dose: 'lacking' }));
    expect(decision).toMatchObject({ outcome: 'act', intent: 'notify_family' });
    expect(decision.reason).toBe('notify_family 0.20 and the rules chose it too (top log_dose 0.70)');
  });

  it("asks about the rules' tool from a lower bar, but never acts on the rules alone", () => {
    const ranking = ranked({ out_of_scope: 0.9, book_restaurant: 0.07, chat: 0.03 });
    expect(decideIntent(ranking, THRESHOLDS, rulesSaying('book_restaurant'))).toMatchObject({ outcome: 'ask', intent: 'book_restaurant' });
    expect(decideIntent(ranking, THRESHOLDS, NO_RULES).outcome).toBe('words');
    expect(decideIntent(ranked({ out_of_scope: 0.98, book_restaurant: 0.01, chat: 0.01 }), THRESHOLDS, rulesSaying('book_restaurant')).outcome).toBe('words');
  });
});
