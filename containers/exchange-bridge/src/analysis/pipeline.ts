/**
 * One analysis, start to end, as a worker runs it: unpack candles -> indicators + patterns ->
 * model inference -> signal. Each stage has a time budget (NFR-PERFORMANCE-005: indicators
 * 500 ms, patterns 300 ms, inference 2 s, signal 200 ms); a stage over budget fails the analysis
 * with `StageTimeoutError` instead of returning late. (A stage that never returns is the pool's
 * business: it terminates the worker.)
 *
 * @example
 * const signal = await runPipeline({ symbol, interval, candles: packCandles(cs) }, predictor);
 */
import { buildSignal, marketState, type Candle, type ModelOpinion, type Signal } from "@bot-core/analysis";
import { symbolRules, type KlineInterval } from "@bot-core/core";

export const STAGES = ["indicators", "patterns", "inference", "signal"] as const;
export type Stage = (typeof STAGES)[number];
export type StageBudgets = Readonly<Record<Stage, number>>;

export const DEFAULT_BUDGETS: StageBudgets = { indicators: 500, patterns: 300, inference: 2_000, signal: 200 };

/** The model as the pipeline sees it (onnxruntime in the bridge, anything in tests). */
export interface Predictor {
  readonly version: string;
  readonly horizonBars: number;
  /** P(up) for one feature vector. */
  predict(features: Float32Array): Promise<number>;
}

export interface PipelineTask {
  readonly symbol: string;
  readonly interval: KlineInterval;
  /** Candles packed 6 numbers each: openTime, open, high, low, close, volume (see packCandles). */
  readonly candles: Float64Array;
  readonly budgets?: StageBudgets;
}

export class StageTimeoutError extends Error {
  override readonly name = "StageTimeoutError";
  constructor(
    readonly stage: Stage,
    readonly elapsedMs: number,
    readonly budgetMs: number,
  ) {
    super(`analysis stage "${stage}" took ${elapsedMs.toFixed(1)} ms (budget ${budgetMs} ms)`);
  }
}

export const CANDLE_FIELDS = 6;

export function packCandles(cs: readonly Candle[]): Float64Array {
  const out = new Float64Array(cs.length * CANDLE_FIELDS);
  cs.forEach((c, i) => out.set([c.openTime, c.open, c.high, c.low, c.close, c.volume], i * CANDLE_FIELDS));
  return out;
}

export function unpackCandles(packed: Float64Array): Candle[] {
  const out: Candle[] = [];
  for (let i = 0; i + CANDLE_FIELDS <= packed.length; i += CANDLE_FIELDS) {
    out.push({ openTime: packed[i]!, open: packed[i + 1]!, high: packed[i + 2]!, low: packed[i + 3]!, close: packed[i + 4]!, volume: packed[i + 5]! });
  }
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function runPipeline(task: PipelineTask, predictor: Predictor | null, now: () => number = () => performance.now()): Promise<Signal> {
  const budgets = task.budgets ?? DEFAULT_BUDGETS;
  const rules = symbolRules(task.symbol);
  if (!rules) throw new RangeError(`unknown symbol ${task.symbol}`);
  const check = (stage: Stage, ms: number) => {
    if (ms > budgets[stage]) throw new StageTimeoutError(stage, ms, budgets[stage]);
  };
  const state = marketState(unpackCandles(task.candles), now);
  check("indicators", state.timingsMs.indicators);
  check("patterns", state.timingsMs.patterns);
  let model: ModelOpinion | null = null;
  const t1 = now();
  if (predictor) model = { version: predictor.version, horizonBars: predictor.horizonBars, probabilityUp: await predictor.predict(state.features) };
  const t2 = now();
  check("inference", t2 - t1);
  const signal = buildSignal({ symbol: task.symbol, interval: task.interval, rules, state, model });
  const t3 = now();
  check("signal", t3 - t2);
  signal.timingsMs = { indicators: round3(state.timingsMs.indicators), patterns: round3(state.timingsMs.patterns), inference: round3(t2 - t1), signal: round3(t3 - t2) };
  return signal;
}
