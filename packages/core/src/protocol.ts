/**
 * The wire protocol, version 1: frames between browser/Node clients and the edge (`/ws`),
 * and between the exchange bridge and the edge (`/bridge/ws`).
 *
 * Every inbound frame is parsed with these schemas; nothing from a socket is trusted.
 */
import { z } from "zod";
import { KlineInterval, MarketUpdate } from "./market";
import { isKnownSymbol } from "./symbols";
import { MAX_BRIDGE_BATCH, MAX_SUBSCRIPTIONS } from "./constants";

import { PROTOCOL_VERSION } from "./constants";

export * from "./constants";

// ---------------------------------------------------------------------------------------------
// Channels

export type Channel =
  | `ticker:${string}`
  | `book:${string}`
  | `trades:${string}`
  | `kline:${string}:${KlineInterval}`
  | `signals:${string}`;

export type ParsedChannel =
  | { kind: "ticker" | "book" | "trades" | "signals"; symbol: string }
  | { kind: "kline"; symbol: string; interval: KlineInterval };

const CHANNEL_RE = /^(ticker|book|trades|signals):([A-Z0-9]{5,20})$|^kline:([A-Z0-9]{5,20}):([0-9]+[mhd])$/;

/** Parses a channel name; returns undefined for anything malformed or naming an unknown symbol. */
export function parseChannel(name: string): ParsedChannel | undefined {
  const m = CHANNEL_RE.exec(name);
  if (!m) return undefined;
  if (m[1] && m[2]) {
    if (!isKnownSymbol(m[2])) return undefined;
    return { kind: m[1] as "ticker" | "book" | "trades" | "signals", symbol: m[2] };
  }
  const interval = KlineInterval.safeParse(m[4]);
  if (!m[3] || !interval.success || !isKnownSymbol(m[3])) return undefined;
  return { kind: "kline", symbol: m[3], interval: interval.data };
}

export const ChannelName = z
  .string()
  .max(40)
  .refine((s) => parseChannel(s) !== undefined, "unknown channel (expected e.g. ticker:BTCUSDT)")
  .transform((s) => s as Channel);

/** The channels a market update is published on. */
export function channelsOf(update: MarketUpdate): Channel[] {
  if (update.kind === "ticker") return [`ticker:${update.symbol}`, `book:${update.symbol}`];
  if (update.kind === "signal") return [`signals:${update.symbol}`];
  return [`kline:${update.symbol}:${update.interval}`];
}

// ---------------------------------------------------------------------------------------------
// Client -> edge

const RequestId = z.string().max(64).optional();
const Seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** A tab's own id for its session: subscriptions are restored to it after a reconnect. */
export const SessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "8-64 letters, digits, _ or -");

export const ClientFrame = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("auth"), token: z.string().min(1).max(4096) }),
  /**
   * After (re)connecting: replay the private events after `lastSeq` (0 = from the start of what the
   * log keeps) and restore the subscriptions this session had.
   */
  z.strictObject({ type: z.literal("resume"), sessionId: SessionId, lastSeq: Seq }),
  /**
   * `seq`: every private event up to it was processed (cumulative). `md`: market-data frames
   * received so far on this connection (flow control: send at least every 500 frames).
   */
  z.strictObject({ type: z.literal("ack"), seq: Seq.optional(), md: Seq.optional() }),
  z.strictObject({ type: z.literal("subscribe"), id: RequestId, channels: z.array(ChannelName).min(1).max(MAX_SUBSCRIPTIONS) }),
  z.strictObject({ type: z.literal("unsubscribe"), id: RequestId, channels: z.array(ChannelName).min(1).max(MAX_SUBSCRIPTIONS) }),
  z.strictObject({ type: z.literal("ping"), t: z.number().finite().optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---------------------------------------------------------------------------------------------
// Edge -> client

export const WS_ERROR_CODES = [
  "bad_frame",
  "unknown_channel",
  "unauthorized",
  "token_expired",
  "too_many_subscriptions",
  "rate_limited",
  "frame_too_large",
  "internal",
] as const;
export type WsErrorCode = (typeof WS_ERROR_CODES)[number];

export type ServerFrame =
  | { type: "welcome"; v: typeof PROTOCOL_VERSION; userId: string; serverTime: number; heartbeatMs: number }
  | { type: "subscribed"; id?: string; channels: Channel[] }
  | { type: "unsubscribed"; id?: string; channels: Channel[] }
  | { type: "pong"; t?: number; serverTime?: number }
  /**
   * A batch of market updates; each carries the channel it was published on. `n` numbers the
   * market-data frames of this connection (acknowledge with `{"type":"ack","md":n}`).
   */
  | { type: "md"; n?: number; sentAt: number; updates: Array<MarketUpdate & { channel: Channel }> }
  /** One event of the user's private stream (orders, fills, positions, balance), in `seq` order; acknowledge it. */
  | { type: "event"; seq: number; event: PrivateEvent; replay?: true }
  | { type: "resumed"; sessionId: string; lastSeq: number; replayed: number; channels: Channel[]; more: boolean }
  | { type: "warning"; code: "slow_consumer"; message: string }
  | { type: "error"; code: WsErrorCode; message: string; id?: string };

/** Private event types written by the user's account (its event log). */
export type PrivateEventType = "order.filled" | "order.updated" | "settings.updated" | "bot.decision" | "bot.settings.updated";

export interface PrivateEvent {
  type: PrivateEventType | (string & {});
  /** Epoch ms when the account wrote it. */
  ts: number;
  payload: unknown;
}

// ---------------------------------------------------------------------------------------------
// Bridge <-> edge


export const BridgeFrame = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("hello"),
    bridgeId: z.string().min(1).max(64),
    source: z.enum(["simulator", "binance", "replay"]),
    symbols: z.array(z.string().max(20)).max(2048),
  }),
  z.strictObject({
    type: z.literal("batch"),
    /** Per bridge process: starts at 0, +1 per frame, not reset on reconnect (gaps = lost frames). */
    seq: z.number().int().nonnegative(),
    sentAt: z.number().int().nonnegative(),
    updates: z.array(MarketUpdate).min(1).max(MAX_BRIDGE_BATCH),
  }),
]);
export type BridgeFrame = z.infer<typeof BridgeFrame>;

export type EdgeToBridgeFrame =
  | { type: "welcome"; serverTime: number }
  | { type: "error"; code: "bad_frame" | "internal"; message: string };
