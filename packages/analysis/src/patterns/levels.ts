/**
 * Support and resistance from swing pivots, and Fibonacci retracement levels.
 *
 * A swing high (low) is a candle whose high (low) is strictly above (below) the `span` candles on
 * each side. Pivots closer than `mergeFraction` of the price are one level; a level's `touches`
 * counts its pivots. Support = levels below the last close (nearest first), resistance = above.
 *
 * @example
 * const { support, resistance } = supportResistance(candles);
 * const fib = fibonacciRetracement(candles, 100);
 */
import type { Candle } from "../candle";

export interface Level {
  readonly price: number;
  readonly touches: number;
}

export interface SupportResistance {
  readonly support: readonly Level[];
  readonly resistance: readonly Level[];
}

export interface Pivot {
  readonly index: number;
  readonly price: number;
  readonly kind: "high" | "low";
}

export function swingPivots(cs: readonly Candle[], span = 3): Pivot[] {
  const out: Pivot[] = [];
  for (let i = span; i < cs.length - span; i++) {
    const h = cs[i]!.high;
    const l = cs[i]!.low;
    let isHigh = true;
    let isLow = true;
    for (let j = i - span; j <= i + span && (isHigh || isLow); j++) {
      if (j === i) continue;
      if (cs[j]!.high >= h) isHigh = false;
      if (cs[j]!.low <= l) isLow = false;
    }
    if (isHigh) out.push({ index: i, price: h, kind: "high" });
    if (isLow) out.push({ index: i, price: l, kind: "low" });
  }
  return out;
}

export function supportResistance(cs: readonly Candle[], options: { span?: number; mergeFraction?: number; max?: number } = {}): SupportResistance {
  const { span = 3, mergeFraction = 0.003, max = 3 } = options;
  if (cs.length === 0) return { support: [], resistance: [] };
  const close = cs[cs.length - 1]!.close;
  const prices = swingPivots(cs, span)
    .map((p) => p.price)
    .sort((a, b) => a - b);
  // Merge neighbouring pivots into levels (the level is the mean of its pivots).
  const levels: Level[] = [];
  let group: number[] = [];
  const flush = () => {
    if (group.length) levels.push({ price: group.reduce((a, b) => a + b, 0) / group.length, touches: group.length });
    group = [];
  };
  for (const x of prices) {
    if (group.length && x - group[0]! > mergeFraction * close) flush();
    group.push(x);
  }
  flush();
  const support = levels.filter((l) => l.price < close).sort((a, b) => b.price - a.price).slice(0, max);
  const resistance = levels.filter((l) => l.price > close).sort((a, b) => a.price - b.price).slice(0, max);
  return { support, resistance };
}

export const FIB_RATIOS = [0.236, 0.382, 0.5, 0.618, 0.786] as const;

export interface Fibonacci {
  readonly swingHigh: number;
  readonly swingLow: number;
  /** "up": the low came first (retracements are pullbacks from the high), "down": the reverse. */
  readonly direction: "up" | "down";
  readonly levels: readonly { readonly ratio: number; readonly price: number }[];
}

/** Retracement levels of the largest swing (highest high / lowest low) of the last `lookback` candles. */
export function fibonacciRetracement(cs: readonly Candle[], lookback = 100): Fibonacci | undefined {
  const from = Math.max(0, cs.length - lookback);
  if (cs.length - from < 2) return undefined;
  let hi = from;
  let lo = from;
  for (let i = from; i < cs.length; i++) {
    if (cs[i]!.high > cs[hi]!.high) hi = i;
    if (cs[i]!.low < cs[lo]!.low) lo = i;
  }
  const swingHigh = cs[hi]!.high;
  const swingLow = cs[lo]!.low;
  const span = swingHigh - swingLow;
  const direction = lo <= hi ? "up" : "down";
  return {
    swingHigh,
    swingLow,
    direction,
    levels: FIB_RATIOS.map((ratio) => ({ ratio, price: direction === "up" ? swingHigh - ratio * span : swingLow + ratio * span })),
  };
}
