/**
 * Candles as the analysis engine sees them: prices and volume as float64 numbers. Indicators
 * are statistics, not money; prices leave the engine again as decimal strings rounded to the
 * symbol's tick (see `signal.ts`).
 *
 * @example
 * const candles = klines.map(candleFromKline); // KlineUpdate or AnalysisKline
 */
import { DecimalString } from "@bot-core/core";
import { z } from "zod";

export interface Candle {
  /** Epoch ms the candle opened. */
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** One closed kline as a caller sends it (a subset of `KlineUpdate`): decimal strings. */
export const AnalysisKline = z
  .object({
    openTime: z.number().int().nonnegative(),
    open: DecimalString,
    high: DecimalString,
    low: DecimalString,
    close: DecimalString,
    volume: DecimalString,
  })
  .refine((k) => Number(k.high) >= Math.max(Number(k.open), Number(k.close), Number(k.low)) && Number(k.low) <= Math.min(Number(k.open), Number(k.close)), {
    message: "high must be the highest and low the lowest price of the candle",
  })
  .refine((k) => Number(k.low) > 0 && Number(k.volume) >= 0, { message: "prices must be positive and volume non-negative" });
export type AnalysisKline = z.infer<typeof AnalysisKline>;

export function candleFromKline(k: Pick<AnalysisKline, "openTime" | "open" | "high" | "low" | "close" | "volume">): Candle {
  return { openTime: k.openTime, open: Number(k.open), high: Number(k.high), low: Number(k.low), close: Number(k.close), volume: Number(k.volume) };
}

/** True when the candles are in strictly increasing openTime order. */
export function isChronological(candles: readonly Pick<Candle, "openTime">[]): boolean {
  for (let i = 1; i < candles.length; i++) if (candles[i]!.openTime <= candles[i - 1]!.openTime) return false;
  return true;
}
