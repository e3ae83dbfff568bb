/**
 * Trend direction and strength: direction from the slope of a least-squares line through the
 * last `lookback` closes confirmed by EMA(21) vs EMA(50); strength from ADX(14) (Wilder: < 20 no
 * trend, 20-25 emerging, > 25 trending, > 40 strong).
 *
 * @example
 * trendOf(candles, snapshot); // { direction: "up", strength: 0.62, adx: 31, slopePerBar: 0.0012 }
 */
import type { Candle } from "../candle";
import type { IndicatorSnapshot } from "../indicator-set";

export interface Trend {
  readonly direction: "up" | "down" | "sideways";
  /** 0-1: ADX / 50, capped. */
  readonly strength: number;
  readonly adx: number | undefined;
  /** Regression slope per candle as a fraction of the last close. */
  readonly slopePerBar: number;
}

/** Least-squares slope of y over x = 0..n-1. */
export function linearSlope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  let my = 0;
  for (const y of ys) my += y;
  my /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - mx) * (ys[i]! - my);
    den += (i - mx) * (i - mx);
  }
  return num / den;
}

export function trendOf(cs: readonly Candle[], snap: Pick<IndicatorSnapshot, "ema" | "adx14">, lookback = 20): Trend {
  const last = cs[cs.length - 1];
  if (!last) return { direction: "sideways", strength: 0, adx: undefined, slopePerBar: 0 };
  const closes = cs.slice(-lookback).map((c) => c.close);
  const slopePerBar = last.close === 0 ? 0 : linearSlope(closes) / last.close;
  const adx = snap.adx14?.adx;
  const e21 = snap.ema[21];
  const e50 = snap.ema[50];
  const emaUp = e21 !== undefined && e50 !== undefined ? e21 > e50 : slopePerBar > 0;
  const flat = Math.abs(slopePerBar) < 1e-5 || (adx !== undefined && adx < 15);
  const direction = flat ? "sideways" : slopePerBar > 0 && emaUp ? "up" : slopePerBar < 0 && !emaUp ? "down" : "sideways";
  return { direction, strength: adx === undefined ? 0 : Math.min(1, adx / 50), adx, slopePerBar };
}
