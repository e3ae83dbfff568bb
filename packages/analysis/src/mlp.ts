/**
 * A small multilayer perceptron in plain TypeScript: the reference forward pass of the model the
 * bridge runs with ONNX Runtime (standardize -> [dense -> ReLU]* -> dense -> sigmoid). The
 * training script trains it and writes both the ONNX file and these weights; a test checks the
 * two agree.
 *
 * @example
 * const p = mlpForward(weights, featureVector(candles, snapshot)); // P(up), 0..1
 */
import { z } from "zod";

export const DenseLayer = z.object({
  /** weights[out][in] */
  weights: z.array(z.array(z.number())),
  bias: z.array(z.number()),
});
export type DenseLayer = z.infer<typeof DenseLayer>;

export const MlpWeights = z.object({
  version: z.string(),
  horizonBars: z.number().int().positive(),
  featureNames: z.array(z.string()),
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  /** Hidden layers use ReLU; the last layer has one output, through a sigmoid. */
  layers: z.array(DenseLayer).min(1),
});
export type MlpWeights = z.infer<typeof MlpWeights>;

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Activations of every layer for one input (the last one before the sigmoid). */
export function mlpActivations(w: MlpWeights, x: ArrayLike<number>): number[][] {
  let a = Array.from({ length: w.mean.length }, (_, i) => (x[i]! - w.mean[i]!) / w.std[i]!);
  const out: number[][] = [a];
  w.layers.forEach((layer, li) => {
    const last = li === w.layers.length - 1;
    a = layer.weights.map((row, j) => {
      let s = layer.bias[j]!;
      for (let i = 0; i < row.length; i++) s += row[i]! * a[i]!;
      return last ? s : Math.max(0, s);
    });
    out.push(a);
  });
  return out;
}

export function mlpForward(w: MlpWeights, x: ArrayLike<number>): number {
  const acts = mlpActivations(w, x);
  return sigmoid(acts[acts.length - 1]![0]!);
}
