/**
 * Trains the signal model and writes it to models/: `npx tsx ml/train.ts [--quick] [--out DIR]`.
 *
 * Reproducible on this machine, no Python, no network: the data are 1-minute candles from the
 * repository's seeded market simulator (containers/exchange-bridge/src/simulator), the features
 * are @bot-core/analysis's `featureVector`, the model is a small MLP (20 -> 16 -> 1, ReLU,
 * sigmoid) trained with Adam on binary cross-entropy from a seeded initialisation, in float64.
 * The same command gives the same weights and the same accuracy.
 *
 * Label: 1 when the close HORIZON candles later is above the last close, else 0.
 * Out-of-sample: the test set comes from simulator seeds never used for training.
 *
 * --quick trains on a smaller sample (for the reproducibility test); its figures are recorded in
 * the model's JSON next to the full ones.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FEATURE_COUNT, FEATURE_NAMES, featureVector, IndicatorSet, mlpForward, sigmoid, type Candle, type MlpWeights } from "@bot-core/analysis";
import { SYMBOL_NAMES } from "@bot-core/core";
import { MarketSimulator } from "../containers/exchange-bridge/src/simulator/index";
import { mlpToOnnx } from "./onnx";
import { prng } from "@bot-core/analysis/testing";

export const MODEL_VERSION = "signal-mlp-v1";
export const HORIZON = 5;
const WARMUP = 200;
const HIDDEN = 16;
const START = Date.UTC(2024, 0, 1);

export interface TrainConfig {
  readonly trainSeeds: readonly number[];
  readonly testSeeds: readonly number[];
  readonly symbols: readonly string[];
  readonly candlesPerSeries: number;
  readonly epochs: number;
  readonly batch: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly initSeed: number;
}

export const FULL: TrainConfig = {
  trainSeeds: [1, 2, 3],
  testSeeds: [1001],
  symbols: SYMBOL_NAMES,
  candlesPerSeries: 2_000,
  epochs: 12,
  batch: 256,
  learningRate: 1e-3,
  l2: 1e-4,
  initSeed: 7,
};

export const QUICK: TrainConfig = { ...FULL, trainSeeds: [1], symbols: SYMBOL_NAMES.slice(0, 6), candlesPerSeries: 1_200, epochs: 6 };

export interface Metrics {
  readonly trainSamples: number;
  readonly testSamples: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  /** Share of the test set's majority class: the accuracy of always guessing it. */
  readonly testBaseRate: number;
  readonly testLogLoss: number;
  readonly testAuc: number;
  readonly seconds: number;
}

/** `count` closed 1-minute candles of one symbol from the simulator (20 trades a minute). */
export function simulatedCandles(seed: number, symbol: string, count: number): Candle[] {
  const sim = new MarketSimulator({ seed, startTime: START, symbols: [symbol], klineIntervals: ["1m"] });
  const out: Candle[] = [];
  for (let m = 1; out.length < count; m++) {
    for (const u of sim.advance(START + m * 60_000, 20)) {
      if (u.kind === "kline" && u.closed) out.push({ openTime: u.openTime, open: Number(u.open), high: Number(u.high), low: Number(u.low), close: Number(u.close), volume: Number(u.volume) });
    }
  }
  return out.slice(0, count);
}

interface Dataset {
  x: Float64Array[];
  y: Uint8Array;
}

export function dataset(series: readonly Candle[][]): Dataset {
  const x: Float64Array[] = [];
  const y: number[] = [];
  for (const cs of series) {
    const set = new IndicatorSet();
    for (let t = 0; t < cs.length; t++) {
      set.update(cs[t]!);
      if (t < WARMUP || t + HORIZON >= cs.length) continue;
      x.push(Float64Array.from(featureVector(cs.slice(t - 25, t + 1), set.snapshot())));
      y.push(cs[t + HORIZON]!.close > cs[t]!.close ? 1 : 0);
    }
  }
  return { x, y: Uint8Array.from(y) };
}

function standardization(x: readonly Float64Array[]): { mean: number[]; std: number[] } {
  const mean = new Array<number>(FEATURE_COUNT).fill(0);
  const sq = new Array<number>(FEATURE_COUNT).fill(0);
  for (const r of x) for (let i = 0; i < FEATURE_COUNT; i++) mean[i]! += r[i]!;
  for (let i = 0; i < FEATURE_COUNT; i++) mean[i]! /= x.length;
  for (const r of x) for (let i = 0; i < FEATURE_COUNT; i++) sq[i]! += (r[i]! - mean[i]!) ** 2;
  // Float32 round trip: the ONNX model stores these as float32, the reference must use the same.
  const f32 = (v: number) => Math.fround(v);
  return { mean: mean.map(f32), std: sq.map((s) => f32(Math.max(1e-6, Math.sqrt(s / x.length)))) };
}

/** Trains the MLP with Adam (seeded init and shuffles: deterministic). */
function fit(train: Dataset, cfg: TrainConfig, norm: { mean: number[]; std: number[] }): MlpWeights {
  const rand = prng(cfg.initSeed);
  const F = FEATURE_COUNT;
  const H = HIDDEN;
  const he = (fanIn: number) => (rand() * 2 - 1) * Math.sqrt(6 / fanIn);
  const W1 = Float64Array.from({ length: H * F }, () => he(F));
  const b1 = new Float64Array(H);
  const W2 = Float64Array.from({ length: H }, () => he(H) * 0.5);
  let b2 = 0;
  const params = [W1, b1, W2];
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  let mb2 = 0;
  let vb2 = 0;
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  const n = train.x.length;
  const xs = train.x.map((r) => Float64Array.from(r, (val, i) => (val - norm.mean[i]!) / norm.std[i]!));
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const g = params.map((p) => new Float64Array(p.length));
  const h = new Float64Array(H);
  let step = 0;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let start = 0; start < n; start += cfg.batch) {
      const end = Math.min(n, start + cfg.batch);
      for (const gi of g) gi.fill(0);
      let gb2 = 0;
      for (let k = start; k < end; k++) {
        const x = xs[order[k]!]!;
        let z = b2;
        for (let j = 0; j < H; j++) {
          let s = b1[j]!;
          for (let i = 0; i < F; i++) s += W1[j * F + i]! * x[i]!;
          h[j] = s > 0 ? s : 0;
          z += W2[j]! * h[j]!;
        }
        const dz = sigmoid(z) - train.y[order[k]!]!;
        gb2 += dz;
        for (let j = 0; j < H; j++) {
          g[2]![j]! += dz * h[j]!;
          if (h[j]! > 0) {
            const dh = dz * W2[j]!;
            g[1]![j]! += dh;
            for (let i = 0; i < F; i++) g[0]![j * F + i]! += dh * x[i]!;
          }
        }
      }
      const size = end - start;
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      params.forEach((p, pi) => {
        for (let i = 0; i < p.length; i++) {
          const grad = g[pi]![i]! / size + (pi === 1 ? 0 : cfg.l2 * p[i]!);
          m[pi]![i] = beta1 * m[pi]![i]! + (1 - beta1) * grad;
          v[pi]![i] = beta2 * v[pi]![i]! + (1 - beta2) * grad * grad;
          p[i]! -= (cfg.learningRate * (m[pi]![i]! / c1)) / (Math.sqrt(v[pi]![i]! / c2) + eps);
        }
      });
      const grad = gb2 / size;
      mb2 = beta1 * mb2 + (1 - beta1) * grad;
      vb2 = beta2 * vb2 + (1 - beta2) * grad * grad;
      b2 -= (cfg.learningRate * (mb2 / c1)) / (Math.sqrt(vb2 / c2) + eps);
    }
  }
  // Weights are stored as float32 (as in the ONNX file) so both forward passes see the same numbers.
  const f32 = (x: number) => Math.fround(x);
  return {
    version: MODEL_VERSION,
    horizonBars: HORIZON,
    featureNames: [...FEATURE_NAMES],
    mean: norm.mean,
    std: norm.std,
    layers: [
      { weights: Array.from({ length: H }, (_, j) => Array.from(W1.subarray(j * F, (j + 1) * F), f32)), bias: Array.from(b1, f32) },
      { weights: [Array.from(W2, f32)], bias: [f32(b2)] },
    ],
  };
}

function evaluate(w: MlpWeights, d: Dataset): { accuracy: number; logLoss: number; auc: number; baseRate: number } {
  const p = d.x.map((x) => mlpForward(w, x));
  let correct = 0;
  let ll = 0;
  let ones = 0;
  p.forEach((pi, i) => {
    const y = d.y[i]!;
    ones += y;
    if ((pi >= 0.5 ? 1 : 0) === y) correct++;
    const q = Math.min(1 - 1e-12, Math.max(1e-12, pi));
    ll -= y ? Math.log(q) : Math.log(1 - q);
  });
  // AUC by ranks (ties averaged).
  const idx = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && p[idx[j + 1]!] === p[idx[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (d.y[idx[k]!]) rankSum += avg;
    i = j + 1;
  }
  const neg = p.length - ones;
  const auc = ones && neg ? (rankSum - (ones * (ones + 1)) / 2) / (ones * neg) : 0.5;
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  return { accuracy: r4(correct / p.length), logLoss: r4(ll / p.length), auc: r4(auc), baseRate: r4(Math.max(ones, neg) / p.length) };
}

export function train(cfg: TrainConfig): { weights: MlpWeights; metrics: Metrics } {
  const t0 = performance.now();
  const series = (seeds: readonly number[]) => seeds.flatMap((seed) => cfg.symbols.map((s) => simulatedCandles(seed, s, cfg.candlesPerSeries)));
  const trainSet = dataset(series(cfg.trainSeeds));
  const testSet = dataset(series(cfg.testSeeds));
  const weights = fit(trainSet, cfg, standardization(trainSet.x));
  const tr = evaluate(weights, trainSet);
  const te = evaluate(weights, testSet);
  return {
    weights,
    metrics: {
      trainSamples: trainSet.x.length,
      testSamples: testSet.x.length,
      trainAccuracy: tr.accuracy,
      testAccuracy: te.accuracy,
      testBaseRate: te.baseRate,
      testLogLoss: te.logLoss,
      testAuc: te.auc,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    },
  };
}

/** The fixed input of the inference test: the last 500 candles of BTCUSDT, simulator seed 4242. */
export function checkInput(): { candles: Candle[]; features: number[] } {
  const candles = simulatedCandles(4242, "BTCUSDT", 500);
  const set = new IndicatorSet();
  for (const c of candles) set.update(c);
  return { candles, features: Array.from(featureVector(candles, set.snapshot())) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes("--quick");
  const outIdx = args.indexOf("--out");
  const outDir = outIdx >= 0 ? args[outIdx + 1]! : join(import.meta.dirname, "..", "models");
  const q = train(QUICK);
  console.log(`quick: ${JSON.stringify(q.metrics)}`);
  if (quick) return;
  const full = train(FULL);
  console.log(`full: ${JSON.stringify(full.metrics)}`);
  const check = checkInput();
  const expected = mlpForward(full.weights, check.features);
  mkdirSync(outDir, { recursive: true });
  const onnx = mlpToOnnx(full.weights, { producer: "bot-core ml/train.ts", doc: `P(close ${HORIZON} bars ahead > last close) from ${FEATURE_COUNT} indicator features` });
  writeFileSync(join(outDir, `${MODEL_VERSION}.onnx`), onnx);
  const record = {
    weights: full.weights,
    training: { full: { config: { ...FULL, symbols: FULL.symbols.length }, metrics: full.metrics }, quick: { config: { ...QUICK, symbols: QUICK.symbols.length }, metrics: q.metrics } },
    check: { description: "featureVector of the last 500 candles of BTCUSDT, simulator seed 4242", features: check.features, probabilityUp: expected },
  };
  writeFileSync(join(outDir, `${MODEL_VERSION}.json`), JSON.stringify(record, null, 1) + "\n");
  console.log(`wrote ${outDir}/${MODEL_VERSION}.onnx (${onnx.length} bytes) and ${MODEL_VERSION}.json; check input -> ${expected}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
