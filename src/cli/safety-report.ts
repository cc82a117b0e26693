/**
 * `npm run safety -- FILE... [--show]`: runs the safety screen alone over corpus files (the eval case format).
 * Cases with a `grade` (emergency, check_in, despair, none) and a `category` are scored by category: raised
 * (any alert or check-in for an expected one), graded as expected, and false alarms on calm cases. Files
 * without grades (public corpora) are counted: alerts, check-ins and despair answers raised, all false alarms.
 * `--show` prints every miss and false alarm with the screen's explanation.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { screenMessage } from '../agent/safety/screen.ts';

const caseSchema = z.object({
  id: z.string(),
  text: z.string(),
  category: z.string().optional(),
  grade: z.enum(['emergency', 'check_in', 'despair', 'none']).optional(),
});
type Case = z.infer<typeof caseSchema>;

const GRADE_OF = { emergency: 'emergency', concern: 'check_in', despair: 'despair', none: 'none' } as const;

interface Row {
  n: number;
  raised: number;
  exact: number;
  falseAlarms: number;
}

function readCases(path: string): Case[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const parsed = caseSchema.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${path}:${i + 1}: ${z.prettifyError(parsed.error)}`);
      return parsed.data;
    });
}

function main(): void {
  const args = process.argv.slice(2);
  const show = args.includes('--show');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    process.stderr.write('usage: npm run safety -- FILE... [--show]\n');
    process.exit(2);
  }
  for (const file of files) {
    const cases = readCases(file);
    const graded = cases.some((c) => c.grade);
    const byCategory = new Map<string, Row>();
    const counts = { emergency: 0, check_in: 0, despair: 0, none: 0 };
    const lines: string[] = [];
    let calm = 0;
    let calmAlarms = 0;
    let expected = 0;
    let raised = 0;
    let exact = 0;
    for (const c of cases) {
      const result = screenMessage(c.text);
      const got = GRADE_OF[result.grade];
      counts[got]++;
      if (!graded || !c.grade) {
        if (got !== 'none' && show) lines.push(`FALSE ${got} ${c.id}: ${c.text} || ${result.explanation}`);
        continue;
      }
      const key = c.grade === 'none' ? `calm:${c.category ?? '?'}` : (c.category ?? '?');
      const row = byCategory.get(key) ?? { n: 0, raised: 0, exact: 0, falseAlarms: 0 };
      row.n++;
      if (c.grade === 'none') {
        calm++;
        if (got !== 'none') {
          row.falseAlarms++;
          calmAlarms++;
          if (show) lines.push(`FALSE ${got} ${c.id}: ${c.text} || ${result.explanation}`);
        }
      } else {
        expected++;
        if (got !== 'none') {
          row.raised++;
          raised++;
        } else if (show) lines.push(`MISS ${c.grade} ${c.id}: ${c.text} || ${result.explanation}`);
        if (got === c.grade) {
          row.exact++;
          exact++;
        } else if (got !== 'none' && show) lines.push(`GRADE ${got}≠${c.grade} ${c.id}: ${c.text} || ${result.explanation}`);
      }
      byCategory.set(key, row);
    }
    process.stdout.write(`== ${file} (${cases.length} cases)\n`);
    if (graded) {
      for (const [key, row] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
        process.stdout.write(
          key.startsWith('calm:')
            ? `${key.padEnd(18)} n=${String(row.n).padStart(3)}  false alarms=${row.falseAlarms}\n`
            : `${key.padEnd(18)} n=${String(row.n).padStart(3)}  raised=${row.raised}  graded as expected=${row.exact}\n`,
        );
      }
      process.stdout.write(`recall ${(raised / Math.max(expected, 1)).toFixed(3)} (${raised}/${expected}), graded as expected ${exact}/${expected}, false alarms on calm ${calmAlarms}/${calm}\n`);
    } else {
      process.stdout.write(`alerts ${counts.emergency}, check-ins ${counts.check_in}, despair ${counts.despair}, nothing ${counts.none}\n`);
    }
    for (const line of lines) process.stdout.write(`${line}\n`);
  }
}

main();
