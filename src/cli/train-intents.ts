/**
 * `npm run train [-- --corpus FILE ... --out FILE]`: trains the intent classifier from the example files in
 * src/agent/understanding/examples/ and the public corpora given (by default CLINC150's train split beside the
 * project, ../shared/eval/external/clinc150-train.jsonl), and writes the weights file the understanding reads.
 * The same sources always give the same file: examples, order and fitting are all seeded.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { INTENT_MODEL_FILE } from '../agent/understanding/intent-classifier.ts';
import { buildIntentModel, type ModelSources } from '../agent/understanding/intent-model-builder.ts';

/** The public corpus the committed weights were trained on, where the project's corpora live. */
export const DEFAULT_TRAINING_CORPUS = '../shared/eval/external/clinc150-train.jsonl';

function main(): void {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', multiple: true },
      'no-corpus': { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const corpora = values['no-corpus'] ? [] : (values.corpus ?? [DEFAULT_TRAINING_CORPUS]);
  const missing = corpora.find((path) => !existsSync(path));
  if (missing) {
    process.stderr.write(`corpus not found: ${missing} (give its path with --corpus FILE, or train on the examples alone with --no-corpus)\n`);
    process.exit(2);
  }
  const started = performance.now();
  // Settings other than the committed ones, for measuring alternatives (not for the committed weights).
  const experiment = process.env['INTENT_TRAIN_EXPERIMENT'] ? (JSON.parse(process.env['INTENT_TRAIN_EXPERIMENT']) as Partial<ModelSources>) : {};
  const model = buildIntentModel({ corpora, ...experiment });
  const out = values.out ?? INTENT_MODEL_FILE;
  writeFileSync(out, `${JSON.stringify(model)}\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`trained on ${JSON.stringify(model.training['sources'])} in ${seconds} s; wrote ${out}\n`);
}

if (import.meta.main) main();
