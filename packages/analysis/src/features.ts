/**
 * The model's input: a fixed-order vector of scale-free features (returns, oscillators centred
 * on 0, distances to averages as fractions of the price) so one model serves BTC at 64,000 and
 * DOGE at 0.15. Missing values (too few candles) are 0; every feature is clipped to ±10.
 *
 * Changing the order or meaning of a feature is a new model version: the committed model and
 * the training script both read FEATURE_NAMES.
 *
 * @example
 * const x = featureVector(candles, set.snapshot()); // Float32Array(FEATURE_COUNT)
 */
import type { Candle } from "./candle";
import type { IndicatorSnapshot } from "./indicator-set";
import { linearSlope } from "./patterns/trend";

export const FEATURE_NAMES = [
  "ret_1",
  "ret_5",
  "ret_20",
  "rsi14",
  "macd_hist_pct",
  "macd_pct",
  "bb_percent_b",
  "bb_width",
  "atr14_pct",
  "stoch_k",
  "stoch_k_minus_d",
  "adx14",
  "di_spread",
  "close_vs_ema21",
  "close_vs_ema50",
  "ema50_vs_ema200",
  "close_vs_vwap",
  "volume_vs_avg20",
  "obv_slope10",
  "slope20_pct",
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;

const clip = (x: number) => (Number.isFinite(x) ? Math.max(-10, Math.min(10, x)) : 0);
const rel = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? 0 : a / b - 1);

export function featureVector(cs: readonly Candle[], s: IndicatorSnapshot): Float32Array {
  const n = cs.length;
  const close = n ? cs[n - 1]!.close : 0;
  const back = (k: number) => (n > k ? cs[n - 1 - k]!.close : undefined);
  const pct = (x: number | undefined) => (x === undefined || close === 0 ? 0 : (100 * x) / close);
  const slope = n >= 2 && close !== 0 ? (100 * linearSlope(cs.slice(-20).map((c) => c.close))) / close : 0;
  const v = [
    100 * rel(close, back(1)),
    100 * rel(close, back(5)),
    100 * rel(close, back(20)),
    s.rsi14 === undefined ? 0 : (s.rsi14 - 50) / 50,
    pct(s.macd?.histogram),
    pct(s.macd?.macd),
    s.bollinger ? s.bollinger.percentB - 0.5 : 0,
    s.bollinger ? 100 * s.bollinger.width : 0,
    pct(s.atr14),
    s.stochastic ? (s.stochastic.k - 50) / 50 : 0,
    s.stochastic ? (s.stochastic.k - s.stochastic.d) / 50 : 0,
    s.adx14?.adx === undefined ? 0 : s.adx14.adx / 50,
    s.adx14 ? (s.adx14.plusDi - s.adx14.minusDi) / 50 : 0,
    100 * rel(close, s.ema[21]),
    100 * rel(close, s.ema[50]),
    100 * rel(s.ema[50], s.ema[200]),
    100 * rel(close, s.vwap),
    rel(s.lastVolume, s.volumeAvg20),
    s.obv === undefined || s.obvPrev10 === undefined || !s.volumeAvg20 ? 0 : (s.obv - s.obvPrev10) / (10 * s.volumeAvg20),
    slope,
  ];
  const out = new Float32Array(FEATURE_COUNT);
  for (let i = 0; i < FEATURE_COUNT; i++) out[i] = clip(v[i]!);
  return out;
}
