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

export const SIGNAL_ACTIONS = ["strong_buy", "buy", "neutral", "sell", "strong_sell"] as const;
export const SignalActionName = z.enum(SIGNAL_ACTIONS);
export type SignalActionName = z.infer<typeof SignalActionName>;

/** `SYMBOL:interval:closeTime` — one signal per closed candle; the bot's idempotency keys derive from it. */
export const SignalId = z.string().regex(/^[A-Z0-9]{5,20}:[0-9]{1,2}[mhd]:[0-9]{1,16}$/, "SYMBOL:interval:closeTime");

/** The id of the signal a candle's close produces. */
export function signalIdOf(symbol: string, interval: KlineInterval, closeTime: number): string {
  return `${symbol}:${interval}:${closeTime}`;
}

/** One opinion behind a signal (which indicator, pattern or the model said what). */
export const SignalReasonWire = z.object({
  source: z.enum(["indicator", "pattern", "trend", "level", "model"]),
  name: z.string().max(64),
  says: z.enum(["bullish", "bearish", "neutral"]),
  detail: z.string().max(240),
});
export type SignalReasonWire = z.infer<typeof SignalReasonWire>;

/**
 * A trade signal, published on `signals:<SYMBOL>` when a candle of a configured interval closes
 * (the bridge analyses the window that candle completes). Prices are decimal strings on the
 * symbol's tick; `stopLoss`/`takeProfit`/`riskReward` are null for a neutral signal.
 */
export const SignalUpdate = z.object({
  kind: z.literal("signal"),
  id: SignalId,
  symbol: SymbolName,
  interval: KlineInterval,
  action: SignalActionName,
  /** "Strong Buy" … "Strong Sell". */
  label: z.string().max(16),
  confidence: z.number().min(0).max(1),
  score: z.number().min(-1).max(1),
  entry: DecimalString,
  stopLoss: DecimalString.nullable(),
  takeProfit: DecimalString.nullable(),
  riskReward: z.number().finite().nullable(),
  reasons: z.array(SignalReasonWire).max(32),
  /** Null when the bridge ran without a model. */
  modelVersion: z.string().max(64).nullable(),
  /** The candle whose close produced the signal. */
  openTime: EpochMs,
  closeTime: EpochMs,
  /** Milliseconds per analysis stage (queue, indicators, patterns, inference, signal, total…). */
  timingsMs: z.record(z.string().max(32), z.number().finite().nonnegative()).refine((t) => Object.keys(t).length <= 16, "at most 16 stages"),
  eventTime: EpochMs,
  bridgeTime: EpochMs,
}).refine((s) => s.id === signalIdOf(s.symbol, s.interval, s.closeTime), { message: "id must be SYMBOL:interval:closeTime of this signal", path: ["id"] });
export type SignalUpdate = z.infer<typeof SignalUpdate>;

/** What a market source (exchange or simulator) produces: state, no analysis. */
export type MarketData = TickerUpdate | KlineUpdate;

export const MarketUpdate = z.discriminatedUnion("kind", [TickerUpdate, KlineUpdate, SignalUpdate]);
export type MarketUpdate = z.infer<typeof MarketUpdate>;
