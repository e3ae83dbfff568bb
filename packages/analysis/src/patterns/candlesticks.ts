/**
 * Candlestick patterns that END at the last candle of the window (what matters for a signal
 * now). Definitions follow the usual textbook shapes (Nison), with explicit thresholds:
 *
 * - doji: body <= 10% of the range
 * - hammer / shooting star: one shadow >= 2x the body, the other <= 25% of the range, after a
 *   decline / an advance of the previous 5 closes
 * - engulfing: the body covers the previous, opposite-coloured body
 * - harami: a small body inside the previous, longer opposite-coloured body
 * - morning / evening star: long candle, small-bodied star, then a candle closing beyond the
 *   middle of the first body in the other direction
 * - three white soldiers / black crows: three long same-coloured candles, each closing further,
 *   each opening inside the previous body, small shadows on the close side
 *
 * @example
 * detectCandlestickPatterns(candles); // [{ name: "bullish_engulfing", direction: "bullish", candles: 2 }]
 */
import type { Candle } from "../candle";

export const CANDLESTICK_PATTERNS = [
  "doji",
  "hammer",
  "shooting_star",
  "bullish_engulfing",
  "bearish_engulfing",
  "bullish_harami",
  "bearish_harami",
  "morning_star",
  "evening_star",
  "three_white_soldiers",
  "three_black_crows",
] as const;
export type CandlestickPatternName = (typeof CANDLESTICK_PATTERNS)[number];
export type Direction = "bullish" | "bearish" | "neutral";

export interface PatternHit {
  readonly name: CandlestickPatternName;
  readonly direction: Direction;
  /** How many candles the pattern spans (ending at the last one). */
  readonly candles: number;
}

const body = (c: Candle) => Math.abs(c.close - c.open);
const range = (c: Candle) => c.high - c.low;
const upper = (c: Candle) => c.high - Math.max(c.open, c.close);
const lower = (c: Candle) => Math.min(c.open, c.close) - c.low;
const bull = (c: Candle) => c.close > c.open;
const bear = (c: Candle) => c.close < c.open;
const mid = (c: Candle) => (c.open + c.close) / 2;

/** Average body of the candles before `end` (exclusive), over up to `n` candles: what "long" means here. */
function averageBody(cs: readonly Candle[], end: number, n = 10): number {
  let s = 0;
  let k = 0;
  for (let i = Math.max(0, end - n); i < end; i++, k++) s += body(cs[i]!);
  return k === 0 ? 0 : s / k;
}

/** Change of the close over the `n` candles before index `end` (exclusive), as a fraction. */
function priorMove(cs: readonly Candle[], end: number, n = 5): number {
  if (end - n - 1 < 0) return 0;
  const from = cs[end - n - 1]!.close;
  const to = cs[end - 1]!.close;
  return from === 0 ? 0 : (to - from) / from;
}

export function isDoji(c: Candle): boolean {
  const r = range(c);
  return r > 0 && body(c) <= 0.1 * r;
}

export function detectCandlestickPatterns(cs: readonly Candle[]): PatternHit[] {
  const n = cs.length;
  const hits: PatternHit[] = [];
  if (n === 0) return hits;
  const c = cs[n - 1]!;
  const p = n >= 2 ? cs[n - 2]! : undefined;
  const pp = n >= 3 ? cs[n - 3]! : undefined;
  const longBody = averageBody(cs, n - 1) || body(c);

  if (isDoji(c)) hits.push({ name: "doji", direction: "neutral", candles: 1 });

  const b = body(c);
  const r = range(c);
  if (r > 0 && b > 0 && !isDoji(c)) {
    if (lower(c) >= 2 * b && upper(c) <= 0.25 * r && priorMove(cs, n - 1) < 0) hits.push({ name: "hammer", direction: "bullish", candles: 1 });
    if (upper(c) >= 2 * b && lower(c) <= 0.25 * r && priorMove(cs, n - 1) > 0) hits.push({ name: "shooting_star", direction: "bearish", candles: 1 });
  }

  if (p) {
    if (bear(p) && bull(c) && c.open <= p.close && c.close >= p.open && b > body(p)) hits.push({ name: "bullish_engulfing", direction: "bullish", candles: 2 });
    if (bull(p) && bear(c) && c.open >= p.close && c.close <= p.open && b > body(p)) hits.push({ name: "bearish_engulfing", direction: "bearish", candles: 2 });
    const longPrev = body(p) >= longBody;
    if (longPrev && bear(p) && bull(c) && c.open > p.close && c.close < p.open && b <= 0.5 * body(p)) hits.push({ name: "bullish_harami", direction: "bullish", candles: 2 });
    if (longPrev && bull(p) && bear(c) && c.open < p.close && c.close > p.open && b <= 0.5 * body(p)) hits.push({ name: "bearish_harami", direction: "bearish", candles: 2 });
  }

  if (p && pp) {
    const star = body(p) <= 0.3 * body(pp);
    if (bear(pp) && body(pp) >= longBody && star && Math.max(p.open, p.close) <= pp.close && bull(c) && c.close > mid(pp)) {
      hits.push({ name: "morning_star", direction: "bullish", candles: 3 });
    }
    if (bull(pp) && body(pp) >= longBody && star && Math.min(p.open, p.close) >= pp.close && bear(c) && c.close < mid(pp)) {
      hits.push({ name: "evening_star", direction: "bearish", candles: 3 });
    }
    const three = [pp, p, c];
    const soldiers = three.every((x) => bull(x) && body(x) >= 0.5 * longBody && upper(x) <= 0.3 * body(x)) && p.close > pp.close && c.close > p.close && p.open >= pp.open && p.open <= pp.close && c.open >= p.open && c.open <= p.close;
    if (soldiers) hits.push({ name: "three_white_soldiers", direction: "bullish", candles: 3 });
    const crows = three.every((x) => bear(x) && body(x) >= 0.5 * longBody && lower(x) <= 0.3 * body(x)) && p.close < pp.close && c.close < p.close && p.open <= pp.open && p.open >= pp.close && c.open <= p.open && c.open >= p.close;
    if (crows) hits.push({ name: "three_black_crows", direction: "bearish", candles: 3 });
  }
  return hits;
}
