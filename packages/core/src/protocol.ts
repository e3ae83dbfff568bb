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
  return [`kline:${update.symbol}:${update.interval}`];
}

// ---------------------------------------------------------------------------------------------
// Client -> edge

const RequestId = z.string().max(64).optional();

export const ClientFrame = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("auth"), token: z.string().min(1).max(4096) }),
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
  "internal",
] as const;
export type WsErrorCode = (typeof WS_ERROR_CODES)[number];

export type ServerFrame =
  | { type: "welcome"; v: typeof PROTOCOL_VERSION; userId: string; serverTime: number; heartbeatMs: number }
  | { type: "subscribed"; id?: string; channels: Channel[] }
  | { type: "unsubscribed"; id?: string; channels: Channel[] }
  | { type: "pong"; t?: number; serverTime?: number }
  /** A batch of market updates; each carries the channel it was published on. */
  | { type: "md"; sentAt: number; updates: Array<MarketUpdate & { channel: Channel }> }
  | { type: "error"; code: WsErrorCode; message: string; id?: string };

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
