/**
 * The CPU stages before the model: indicators over the window (one O(1) update per candle),
 * then patterns, levels, trend and the model's feature vector — with the time each took.
 *
 * @example
 * const state = marketState(candles); // { snapshot, patterns, levels, fibonacci, trend, features, timingsMs }
 */
import type { Candle } from "./candle";
import { featureVector } from "./features";
import { IndicatorSet, type IndicatorSnapshot } from "./indicator-set";
import { detectCandlestickPatterns, fibonacciRetracement, supportResistance, trendOf, type Fibonacci, type PatternHit, type SupportResistance, type Trend } from "./patterns";

export interface MarketState {
  readonly candles: number;
  readonly lastOpenTime: number;
  readonly close: number;
  readonly snapshot: IndicatorSnapshot;
  readonly patterns: readonly PatternHit[];
  readonly levels: SupportResistance;
  readonly fibonacci: Fibonacci | undefined;
  readonly trend: Trend;
  readonly features: Float32Array;
  readonly timingsMs: { readonly indicators: number; readonly patterns: number };
}

/** The fewest candles an analysis accepts: enough for MACD's signal line and ADX. */
export const MIN_CANDLES = 35;

export function marketState(cs: readonly Candle[], now: () => number = () => performance.now()): MarketState {
  if (cs.length < MIN_CANDLES) throw new RangeError(`at least ${MIN_CANDLES} candles are needed, got ${cs.length}`);
  const t0 = now();
  const set = new IndicatorSet();
  for (const c of cs) set.update(c);
  const snapshot = set.snapshot();
  const t1 = now();
  const patterns = detectCandlestickPatterns(cs);
  const levels = supportResistance(cs.slice(-200));
  const fibonacci = fibonacciRetracement(cs, 100);
  const trend = trendOf(cs, snapshot);
  const features = featureVector(cs, snapshot);
  const t2 = now();
  const last = cs[cs.length - 1]!;
  return { candles: cs.length, lastOpenTime: last.openTime, close: last.close, snapshot, patterns, levels, fibonacci, trend, features, timingsMs: { indicators: t1 - t0, patterns: t2 - t1 } };
}
