/**
 * `npm run bench [-- NAME ...] [--out FILE]`: runs the project's benchmarks (all by default) against the
 * machine's Postgres and Redis, prints one table and writes the figures as JSON (default bench-results.json).
 * Each benchmark is a module in bench/ exporting `run(args): Promise<BenchResult[]>`.
 */
import { writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One measured figure. */
export interface BenchResult {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  target?: string;
}

const ALL = ['task-path', 'pipeline', 'reminders', 'bookings', 'telegram', 'safety-screen', 'understanding', 'family-view'];
const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
const out = outIndex >= 0 ? argv[outIndex + 1]! : 'bench-results.json';
// Every --flag takes a value, so a name is a word that is neither a flag nor a flag's value.
const names = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const selected = names.length > 0 ? names : ALL;

const results: BenchResult[] = [];
for (const name of selected) {
  const file = fileURLToPath(new URL(`../../bench/${name}.ts`, import.meta.url));
  if (!existsSync(file)) {
    process.stderr.write(`no benchmark named ${name} (bench/${name}.ts)\n`);
    process.exitCode = 1;
    continue;
  }
  const mod = (await import(file)) as { run(args: string[]): Promise<BenchResult[]> };
  process.stderr.write(`running ${name}…\n`);
  results.push(...(await mod.run(argv)));
}
const rows = results.map((r) => [r.bench, r.metric, Number.isInteger(r.value) ? String(r.value) : r.value.toFixed(2), r.unit, r.target ?? '']);
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...[['bench', 'metric', 'value', 'unit', 'target'], ...rows].map((r) => r[i]!.length)));
for (const r of [['bench', 'metric', 'value', 'unit', 'target'], ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
process.exit();
