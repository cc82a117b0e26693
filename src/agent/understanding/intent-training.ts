import type { FeatureVector } from './intent-features.ts';
import { seededRandom } from './intent-examples.ts';

/** One training row: a message's features, its class's index and how much it counts. */
export interface TrainingRow {
  vector: FeatureVector;
  label: number;
  weight: number;
}

/** How the weights are fitted. */
export interface TrainingSettings {
  epochs: number;
  learningRate: number;
  /** L2 penalty per update of a touched weight. */
  l2: number;
  seed: number;
}

/**
 * Fits a multinomial logistic regression by AdaGrad over the rows, shuffled the same way on every run (seeded),
 * so the same examples always give the same weights. Returns the bucket-major weight table.
 */
export function trainSoftmax(rows: TrainingRow[], classes: number, buckets: number, settings: TrainingSettings): Float32Array {
  const weights = new Float32Array(buckets * classes);
  const squares = new Float32Array(buckets * classes).fill(1e-6);
  const random = seededRandom(settings.seed);
  const order = rows.map((_, i) => i);
  const logits = new Float64Array(classes);
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const row = rows[r]!;
      const { indices, values } = row.vector;
      logits.fill(0);
      for (let k = 0; k < indices.length; k++) {
        const base = indices[k]! * classes;
        for (let c = 0; c < classes; c++) logits[c]! += values[k]! * weights[base + c]!;
      }
      let max = -Infinity;
      for (const z of logits) max = Math.max(max, z);
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        logits[c] = Math.exp(logits[c]! - max);
        sum += logits[c]!;
      }
      for (let k = 0; k < indices.length; k++) {
        const base = indices[k]! * classes;
        for (let c = 0; c < classes; c++) {
          const at = base + c;
          const error = (logits[c]! / sum - (c === row.label ? 1 : 0)) * row.weight;
          const gradient = error * values[k]! + settings.l2 * weights[at]!;
          squares[at]! += gradient * gradient;
          weights[at]! -= (settings.learningRate * gradient) / Math.sqrt(squares[at]!);
        }
      }
    }
  }
  return weights;
}

/** Stores weights as signed bytes with one scale (a quarter of the float size), as the weights file keeps them. */
export function quantiseWeights(weights: Float32Array): { scale: number; bytes: Int8Array } {
  let max = 0;
  for (const w of weights) max = Math.max(max, Math.abs(w));
  const scale = max > 0 ? max / 127 : 1;
  const bytes = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) bytes[i] = Math.round(weights[i]! / scale);
  return { scale, bytes };
}
