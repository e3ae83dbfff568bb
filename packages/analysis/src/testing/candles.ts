/** Deterministic candles for tests and benchmarks: a seeded random walk (no I/O, no Math.random). */
import type { Candle } from "../candle";

/** mulberry32: a tiny seeded PRNG, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` 1-minute candles of a random walk starting at `start`, with 2-decimal prices. */
export function randomWalkCandles(count: number, seed = 1, start = 100, volatility = 0.01): Candle[] {
  const rand = prng(seed);
  const round = (x: number) => Math.round(x * 100) / 100;
  const out: Candle[] = [];
  let close = start;
  for (let i = 0; i < count; i++) {
    const open = close;
    close = round(Math.max(0.01, open * (1 + volatility * (rand() - 0.5) * 2)));
    const high = round(Math.max(open, close) * (1 + volatility * rand() * 0.5));
    const low = round(Math.min(open, close) * (1 - volatility * rand() * 0.5));
    out.push({ openTime: 1_700_000_000_000 + i * 60_000, open, high, low, close, volume: round(10 + 90 * rand()) });
  }
  return out;
}

/** A candle from (open, high, low, close): volume 100, a time from its index. */
export function ohlc(open: number, high: number, low: number, close: number, i = 0): Candle {
  return { openTime: 1_700_000_000_000 + i * 60_000, open, high, low, close, volume: 100 };
}
