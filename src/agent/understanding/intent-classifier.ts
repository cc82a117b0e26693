import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { FeatureSettings, FeatureVector } from './intent-features.ts';
import { featureBucket, featureVector, namedFeatures } from './intent-features.ts';
import type { Message } from './message.ts';
import type { Route } from './rule-router.ts';

/** The committed weights of the intent classifier, written by `npm run train`. */
export const INTENT_MODEL_FILE = fileURLToPath(new URL('./intent-model.json', import.meta.url));

const settingsSchema = z.object({
  buckets: z.number().int().positive().refine((n) => (n & (n - 1)) === 0, 'a power of two'),
  charMin: z.number().int().min(1),
  charMax: z.number().int().min(1),
  bigrams: z.boolean(),
  slots: z.boolean(),
  rules: z.number().min(0),
});

/** The weights file: classes, feature settings, and the bucket-major weight table as base64 int8 with one scale. */
export const intentModelFileSchema = z.object({
  format: z.literal(1),
  classes: z.array(z.string().min(1)).min(2),
  features: settingsSchema,
  /** A stored byte b stands for the weight b × scale. */
  scale: z.number().positive(),
  /** buckets × classes signed bytes, base64; the weight of class c in bucket b is at b × classes + c. */
  weights: z.string(),
  /** How the weights were made: sources with their SHA-256 and example counts, and the training settings. */
  training: z.record(z.string(), z.unknown()),
});
/** A parsed weights file. */
export type IntentModelFile = z.infer<typeof intentModelFileSchema>;

/** One class and the classifier's probability for it. */
export interface IntentScore {
  intent: string;
  score: number;
}

/** A feature of a message and how much it pushed towards a class, for explaining a decision. */
export interface FeatureContribution {
  feature: string;
  weight: number;
}

/**
 * A multinomial logistic regression over hashed word, word-pair and character n-gram features (Rasa's
 * LogisticRegressionClassifier on CountVectors, in a few lines): it ranks every class with a probability.
 * Weights come from the committed file; nothing is downloaded or trained at run time.
 */
export class IntentClassifier {
  readonly classes: readonly string[];
  readonly settings: FeatureSettings;
  private readonly weights: Float32Array;

  constructor(classes: readonly string[], settings: FeatureSettings, weights: Float32Array) {
    if (weights.length !== settings.buckets * classes.length) throw new Error(`intent weights: expected ${settings.buckets * classes.length} values, got ${weights.length}`);
    this.classes = classes;
    this.settings = settings;
    this.weights = weights;
  }

  /** Builds the classifier from a weights file's contents (validated). */
  static fromFile(file: unknown): IntentClassifier {
    const model = intentModelFileSchema.parse(file);
    const bytes = Buffer.from(model.weights, 'base64');
    const weights = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) weights[i] = (bytes[i]! << 24 >> 24) * model.scale;
    return new IntentClassifier(model.classes, model.features, weights);
  }

  /** The message's hashed features under this classifier's settings (with the rules' route when the caller has it). */
  features(msg: Message, rules?: Route): FeatureVector {
    return rules ? featureVector(msg, this.settings, rules) : featureVector(msg, this.settings);
  }

  /** Every class with its probability, the most likely first. */
  rank(msg: Message, rules?: Route): IntentScore[] {
    return this.rankVector(this.features(msg, rules));
  }

  /** Ranks already hashed features (training and measuring reuse them). */
  rankVector(vector: FeatureVector): IntentScore[] {
    const n = this.classes.length;
    const logits = new Float64Array(n);
    for (let k = 0; k < vector.indices.length; k++) {
      const base = vector.indices[k]! * n;
      const value = vector.values[k]!;
      for (let c = 0; c < n; c++) logits[c]! += value * this.weights[base + c]!;
    }
    const probabilities = softmax(logits);
    return this.classes.map((intent, c) => ({ intent, score: probabilities[c]! })).sort((a, b) => b.score - a.score);
  }

  /** The features of a message that pushed most towards `intent`, strongest first (for a test failure or a log line). */
  explain(msg: Message, intent: string, top = 5): FeatureContribution[] {
    const c = this.classes.indexOf(intent);
    if (c < 0) return [];
    const n = this.classes.length;
    return [...namedFeatures(msg, this.settings)]
      .map(([feature, value]) => ({ feature, weight: value * this.weights[featureBucket(feature, this.settings.buckets) * n + c]! }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, top);
  }
}

/** Turns scores into probabilities that sum to one. */
export function softmax(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const z of logits) max = Math.max(max, z);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let c = 0; c < logits.length; c++) {
    out[c] = Math.exp(logits[c]! - max);
    sum += out[c]!;
  }
  for (let c = 0; c < out.length; c++) out[c]! /= sum;
  return out;
}

let shared: IntentClassifier | undefined;

/** The classifier of the committed weights file, read once per process. */
export function intentClassifier(): IntentClassifier {
  shared ??= IntentClassifier.fromFile(JSON.parse(readFileSync(INTENT_MODEL_FILE, 'utf8')));
  return shared;
}
