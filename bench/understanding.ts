/**
 * Understanding time per message: the offline understanding alone (normalise → safety rules → intent
 * classifier and its thresholds → slot readers → the call or question), without the agent, the database or a
 * channel. Reads the project's utterance corpora (test/fixtures/eval, or `--cases FILE` once or more), warms
 * up (the classifier's weights are read once per process), then understands every message `--rounds` (5)
 * times with each routing, alternating, timing each call. Reports the mean and p99 per message for the learned routing and for the rules
 * alone (the design before the classifier), which share every other stage.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { understand } from '../src/agent/understanding/understand.ts';
import type { UnderstandingInput } from '../src/agent/understanding/types.ts';
import type { BenchResult } from '../src/cli/bench.ts';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/eval/', import.meta.url));

/** The messages of the corpora given with --cases, or of the project's own corpora. */
function readMessages(args: string[]): UnderstandingInput[] {
  const given = args.flatMap((a, i) => (args[i - 1] === '--cases' ? [a] : []));
  const files = given.length > 0 ? given : readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl')).map((f) => join(FIXTURES, f));
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => {
        const c = JSON.parse(line) as { text: string; now: string; tz: string; history?: UnderstandingInput['history'] };
        return { text: c.text, now: c.now, timezone: c.tz, history: c.history ?? [] };
      }),
  );
}

/**
 * Times every understanding of every message, in microseconds, for both routings: the rounds alternate between
 * them, so a busy moment of the machine falls on both alike.
 */
function timeEach(messages: UnderstandingInput[], rounds: number): Record<'learned' | 'rules', number[]> {
  const took: Record<'learned' | 'rules', number[]> = { learned: [], rules: [] };
  for (let r = 0; r < rounds; r++) {
    for (const router of r % 2 === 0 ? (['learned', 'rules'] as const) : (['rules', 'learned'] as const)) {
      for (const input of messages) {
        const started = performance.now();
        understand(input, { router });
        took[router].push((performance.now() - started) * 1000);
      }
    }
  }
  took.learned.sort((a, b) => a - b);
  took.rules.sort((a, b) => a - b);
  return took;
}

/** Both routings over the same messages, alternating. */
export async function run(args: string[]): Promise<BenchResult[]> {
  const i = args.indexOf('--rounds');
  const rounds = i >= 0 ? Number(args[i + 1]) : 5;
  const messages = readMessages(args);
  for (const input of messages) {
    understand(input, { router: 'learned' });
    understand(input, { router: 'rules' });
  }
  const times = timeEach(messages, rounds);
  const results: BenchResult[] = [];
  for (const router of ['learned', 'rules'] as const) {
    const took = times[router];
    const mean = took.reduce((sum, t) => sum + t, 0) / took.length;
    const p99 = took[Math.min(took.length - 1, Math.floor(took.length * 0.99))]!;
    const name = router === 'learned' ? 'classifier + rules' : 'rules alone';
    results.push({ bench: 'understanding', metric: `${name}: per message, mean (${messages.length} msgs × ${rounds})`, value: mean, unit: 'µs', ...(router === 'learned' ? { target: '≤ 1000' } : {}) });
    results.push({ bench: 'understanding', metric: `${name}: per message, p99`, value: p99, unit: 'µs' });
  }
  return results;
}
