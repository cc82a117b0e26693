import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { makeClock } from './clock.ts';
import { INTENT_CLASSES, readCorpusExamples } from './intent-corpora.ts';
import { EXAMPLES_DIR, readExampleFiles, type IntentExample } from './intent-examples.ts';
import type { FeatureSettings } from './intent-features.ts';
import { featureVector } from './intent-features.ts';
import type { IntentModelFile } from './intent-classifier.ts';
import type { TrainingRow, TrainingSettings } from './intent-training.ts';
import { quantiseWeights, trainSoftmax } from './intent-training.ts';
import { readMessage } from './message.ts';

/** The feature settings the committed model is trained with. */
export const DEFAULT_FEATURES: FeatureSettings = { buckets: 1 << 16, charMin: 3, charMax: 5, bigrams: true, slots: true, rules: 1 };
/** The fitting settings the committed model is trained with. */
export const DEFAULT_TRAINING: TrainingSettings = { epochs: 12, learningRate: 0.3, l2: 1e-5, seed: 15 };

/** What a model is trained from: our example files and any public corpora, with how each class is weighted. */
export interface ModelSources {
  examplesDir?: string;
  /** Sentences generated from each example line at most. */
  perLine?: number;
  corpora?: string[];
  features?: FeatureSettings;
  training?: TrainingSettings;
  /** Each class's rows count (mean class size / class size) ^ balance: 0 leaves the sizes alone, 1 evens them out. */
  balance?: number;
  /** Features found in fewer training sentences than this get no weight (a name or place seen once says nothing). */
  minCount?: number;
  /** How much more a sentence of our own example files counts than one of a public corpus (they speak as elders do). */
  ownWeight?: number;
}

/** The examples of a training run, in the order they are read: example files first, then each corpus. */
export function trainingExamples(sources: ModelSources): { examples: IntentExample[]; own: number; described: Record<string, unknown>[] } {
  const dir = sources.examplesDir ?? EXAMPLES_DIR;
  const own = readExampleFiles(dir, sources.perLine ?? 6, DEFAULT_TRAINING.seed);
  // Elders often type in lower case: every other sentence is also learnt without its capitals.
  const lowered = own.filter((_, i) => i % 2 === 0 && /[A-Z]/.test(own[i]!.text)).map((e) => ({ ...e, text: e.text.toLowerCase() }));
  const examples = [...own, ...lowered];
  const described: Record<string, unknown>[] = [{ source: 'examples', sentences: examples.length }];
  for (const path of sources.corpora ?? []) {
    const found = readCorpusExamples(path);
    examples.push(...found);
    described.push({ source: basename(path), sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), sentences: found.length });
  }
  return { examples, own: own.length + lowered.length, described };
}

/** Leaves out of every row the buckets that fewer than `minCount` rows have, so rare words carry no weight. */
export function withoutRareFeatures(rows: TrainingRow[], minCount: number): TrainingRow[] {
  if (minCount <= 1) return rows;
  const seen = new Map<number, number>();
  for (const row of rows) for (const bucket of row.vector.indices) seen.set(bucket, (seen.get(bucket) ?? 0) + 1);
  return rows.map((row) => {
    const kept = [...row.vector.indices.keys()].filter((k) => (seen.get(row.vector.indices[k]!) ?? 0) >= minCount);
    return {
      ...row,
      vector: { indices: Int32Array.from(kept, (k) => row.vector.indices[k]!), values: Float32Array.from(kept, (k) => row.vector.values[k]!) },
    };
  });
}

/** Featurises examples against one fixed clock (so dates resolve the same on every run). */
export function trainingRows(examples: IntentExample[], features: FeatureSettings, balance: number, weightOf: (index: number) => number = () => 1): TrainingRow[] {
  const clock = makeClock('2026-01-07T10:00', 'Europe/London');
  const classes: readonly string[] = INTENT_CLASSES;
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.intent, (counts.get(e.intent) ?? 0) + 1);
  const mean = examples.length / counts.size;
  return examples.map((e, index) => {
    const label = classes.indexOf(e.intent);
    if (label < 0) throw new Error(`unknown intent class "${e.intent}"`);
    const vector = featureVector(readMessage(e.text, clock), features);
    return { vector, label, weight: weightOf(index) * Math.pow(mean / counts.get(e.intent)!, balance) };
  });
}

/** Trains the intent classifier from its sources and returns the weights file's contents. */
export function buildIntentModel(sources: ModelSources): IntentModelFile {
  const features = sources.features ?? DEFAULT_FEATURES;
  const training = sources.training ?? DEFAULT_TRAINING;
  const balance = sources.balance ?? 1;
  const { examples, own, described } = trainingExamples(sources);
  const ownWeight = sources.ownWeight ?? 1;
  const minCount = sources.minCount ?? 3;
  const rows = withoutRareFeatures(trainingRows(examples, features, balance, (i) => (i < own ? ownWeight : 1)), minCount);
  const weights = trainSoftmax(rows, INTENT_CLASSES.length, features.buckets, training);
  const { scale, bytes } = quantiseWeights(weights);
  return {
    format: 1,
    classes: [...INTENT_CLASSES],
    features,
    scale,
    weights: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    training: { sources: described, settings: training, balance, minCount, ownWeight, perLine: sources.perLine ?? 6 },
  };
}
