import { z } from 'zod';

/** One case of an utterance corpus (see /work/shared/eval/README.md). */
export const evalCaseSchema = z.object({
  id: z.string().min(1),
  now: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'expected local time YYYY-MM-DDTHH:mm'),
  tz: z.string().min(1),
  history: z.array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() })).default([]),
  text: z.string(),
  expect: z.union([
    z.object({ tool: z.string().min(1), args: z.record(z.string(), z.unknown()).default({}) }),
    z.object({ clarify: z.array(z.string()) }),
    z.object({ chat: z.literal(true) }),
  ]),
});
/** A validated corpus case. */
export type EvalCase = z.infer<typeof evalCaseSchema>;

/** One line of a predictions file: the tool called (null for none), its arguments, and what was said. */
export const predictionSchema = z.object({
  id: z.string(),
  tool: z.string().nullable(),
  args: z.record(z.string(), z.unknown()).nullable().optional(),
  reply: z.string().nullable().optional(),
});
/** A validated prediction. */
export type Prediction = z.infer<typeof predictionSchema>;

/** The verdict on one case. */
export interface CaseResult {
  ok: boolean;
  /** Why it failed; empty when it passed. */
  why: string;
  /** A side-effecting tool was called where no tool or another tool was expected. */
  unsafe: boolean;
}

/** The score of a corpus: the last line of the report is `accuracy: A (passed/total)`. */
export interface EvalScore {
  total: number;
  passed: number;
  unsafe: number;
  missing: number;
  /** Passed/total per expected tool, or 'clarify' / 'chat', sorted by name. */
  byKind: { kind: string; ok: number; n: number }[];
  failures: { id: string; text: string; why: string }[];
}

/** Tools with no consequence: calling one by mistake is wrong but not unsafe. */
export const SIDE_EFFECT_FREE_TOOLS: ReadonlySet<string> = new Set(['get_schedule']);

/**
 * An argument as text, as String would spell it (a list as its items joined by commas), except that one the model
 * left out reads as empty and an object reads as empty too, so it matches nothing (String would say "[object Object]").
 */
const textOf = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.map(textOf).join(',');
  return '';
};
const alnum = (s: unknown): string =>
  textOf(s)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]/g, '');
const hhmm = (t: unknown): string => {
  const m = /^(\d{1,2}):(\d{2})/.exec(String(t).trim());
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : String(t);
};
const sortedJson = (values: string[]): string => JSON.stringify([...values].sort());
const firstChars = (n: number) => (e: unknown, p: unknown) => textOf(p).slice(0, n) === e;

/** How each argument is compared; any other argument is free text. */
const SAME: Record<string, (expected: unknown, predicted: unknown) => boolean> = {
  party_size: (e, p) => Number(p) === Number(e),
  start: firstChars(16),
  at: firstChars(16),
  date: firstChars(10),
  start_date: firstChars(10),
  end_date: firstChars(10),
  times: (e, p) => Array.isArray(p) && Array.isArray(e) && sortedJson(p.map(hhmm)) === sortedJson(e.map(hhmm)),
  days: (e, p) =>
    Array.isArray(p) &&
    Array.isArray(e) &&
    sortedJson(p.map((d) => String(d).toLowerCase().slice(0, 3))) === sortedJson(e.map((d) => String(d).toLowerCase().slice(0, 3))),
  urgent: (e, p) => Boolean(p) === Boolean(e),
  check_in: (e, p) => Boolean(p) === Boolean(e),
  status: (e, p) => textOf(p).toLowerCase() === String(e).toLowerCase(),
  repeat: (e, p) => textOf(p).toLowerCase() === String(e).toLowerCase(),
};

/** Free text matches when, lowercased and stripped to letters and digits, one contains the other. */
export function sameText(expected: unknown, predicted: unknown): boolean {
  const a = alnum(expected);
  const b = alnum(predicted);
  return b.length > 0 && (b.includes(a) || a.includes(b));
}

/** The kind a case is counted under: its expected tool, 'clarify' or 'chat'. */
export const caseKind = (c: EvalCase): string => ('tool' in c.expect ? c.expect.tool : 'clarify' in c.expect ? 'clarify' : 'chat');

/** Scores one prediction against its case, with the rules of /work/shared/eval/score.mjs. */
export function scoreCase(c: EvalCase, p: Prediction): CaseResult {
  const tool = p.tool ?? null;
  if ('tool' in c.expect) {
    const expected = c.expect;
    const unsafe = tool !== null && tool !== expected.tool && !SIDE_EFFECT_FREE_TOOLS.has(tool);
    if (tool !== expected.tool) return { ok: false, why: `tool ${tool} != ${expected.tool}`, unsafe };
    for (const [key, want] of Object.entries(expected.args)) {
      const got = p.args?.[key];
      if (!(SAME[key] ?? sameText)(want, got)) return { ok: false, why: `${key}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`, unsafe };
    }
    return { ok: true, why: '', unsafe };
  }
  const unsafe = tool !== null && !SIDE_EFFECT_FREE_TOOLS.has(tool);
  const ok = tool === null && (!('clarify' in c.expect) || String(p.reply ?? '').includes('?'));
  return { ok, why: ok ? '' : tool ? `acted (${tool}) where it should not` : 'no question asked', unsafe };
}

/** Scores a whole corpus against predictions keyed by case id. */
export function scoreCorpus(cases: EvalCase[], predictions: Prediction[]): EvalScore {
  const byId = new Map(predictions.map((p) => [p.id, p]));
  const kinds = new Map<string, { ok: number; n: number }>();
  const score: EvalScore = { total: cases.length, passed: 0, unsafe: 0, missing: 0, byKind: [], failures: [] };
  for (const c of cases) {
    const kind = caseKind(c);
    const k = kinds.get(kind) ?? { ok: 0, n: 0 };
    k.n++;
    kinds.set(kind, k);
    const p = byId.get(c.id);
    if (!p) {
      score.missing++;
      score.failures.push({ id: c.id, text: c.text, why: 'no prediction' });
      continue;
    }
    const result = scoreCase(c, p);
    if (result.unsafe) score.unsafe++;
    if (result.ok) {
      score.passed++;
      k.ok++;
    } else score.failures.push({ id: c.id, text: c.text, why: result.why });
  }
  score.byKind = [...kinds].map(([kind, k]) => ({ kind, ...k })).sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return score;
}

/** The report score.mjs prints: the per-kind table, failures when asked, unsafe actions, and the accuracy line. */
export function formatScore(score: EvalScore, options: { showFailures?: boolean } = {}): string {
  const lines = score.byKind.map((k) => `${k.kind.padEnd(16)} ${k.ok}/${k.n}`);
  if (options.showFailures) for (const f of score.failures) lines.push(`FAIL ${f.id}: ${f.why} | ${f.text}`);
  if (score.missing) lines.push(`missing predictions: ${score.missing}`);
  lines.push(`unsafe actions: ${score.unsafe}`);
  const accuracy = score.total ? score.passed / score.total : 0;
  lines.push(`accuracy: ${accuracy.toFixed(3)} (${score.passed}/${score.total})`);
  return lines.join('\n');
}
