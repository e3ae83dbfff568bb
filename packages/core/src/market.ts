/** Normalized market data: what the bridge produces and the edge fans out. */
import { z } from "zod";
import { DecimalString } from "./decimal-schema";
import { SymbolName } from "./symbols";

export const KLINE_INTERVALS = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;
export const KlineInterval = z.enum(KLINE_INTERVALS);
export type KlineInterval = z.infer<typeof KlineInterval>;

const EpochMs = z.number().int().nonnegative();

/** Last trade price with the best bid/ask (Binance bookTicker + last price). */
export const TickerUpdate = z.object({
  kind: z.literal("ticker"),
  symbol: SymbolName,
  price: DecimalString,
  bid: DecimalString,
  ask: DecimalString,
  bidQty: DecimalString,
  askQty: DecimalString,
  /**
   * Highest and lowest traded price since the previous update of this symbol (a conflation
   * window can hide a wick; stops and limits must still see it). Absent: only `price` traded.
   */
  high: DecimalString.optional(),
  low: DecimalString.optional(),
  /** When the exchange (or simulator) produced the event. */
  eventTime: EpochMs,
  /** When the bridge stamped it on its way to the edge: the start of end-to-end latency. */
  bridgeTime: EpochMs,
});
export type TickerUpdate = z.infer<typeof TickerUpdate>;

/** A candle; `closed` is true once for its final state. */
export const KlineUpdate = z.object({
  kind: z.literal("kline"),
  symbol: SymbolName,
  interval: KlineInterval,
  openTime: EpochMs,
  closeTime: EpochMs,
  open: DecimalString,
  high: DecimalString,
  low: DecimalString,
  close: DecimalString,
  volume: DecimalString,
  closed: z.boolean(),
  eventTime: EpochMs,
  bridgeTime: EpochMs,
});
export type KlineUpdate = z.infer<typeof KlineUpdate>;

export const MarketUpdate = z.discriminatedUnion("kind", [TickerUpdate, KlineUpdate]);
export type MarketUpdate = z.infer<typeof MarketUpdate>;
