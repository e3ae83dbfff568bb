/**
 * Server frames of protocol v1, checked by hand (no schema library at runtime: the dashboard's
 * bundle must not pull core's zod schemas, decision 43). Core's types are imported as types only;
 * the few lists this needs at runtime are mirrored here and checked against core's types at
 * compile time.
 */
import type { Channel, KlineUpdate, PrivateEventType, SignalActionName, SignalReasonWire, SignalUpdate, TickerUpdate, WsErrorCode } from "@bot-core/core";

export type TickerFrameUpdate = TickerUpdate & { channel: Channel };
export type KlineFrameUpdate = KlineUpdate & { channel: Channel };
export type SignalFrameUpdate = SignalUpdate & { channel: Channel };
export type MarketFrameUpdate = TickerFrameUpdate | KlineFrameUpdate | SignalFrameUpdate;

/** One event of the user's private stream (orders, fills, positions, balance, bot decisions). */
export interface PrivateStreamEvent {
  type: PrivateEventType | (string & {});
  ts: number;
  payload: unknown;
}

/** Inbound frames this client understands, after validation. */
export type InboundFrame =
  | { type: "welcome"; userId: string; serverTime: number; heartbeatMs?: number }
  | { type: "subscribed" | "unsubscribed"; channels: string[]; id?: string }
  | { type: "pong" }
  | { type: "md"; n?: number; sentAt: number; updates: MarketFrameUpdate[] }
  | { type: "event"; seq: number; event: PrivateStreamEvent; replay: boolean }
  | { type: "resumed"; lastSeq: number; replayed: number; more: boolean; channels: string[] }
  | { type: "warning"; code: string; message: string }
  | { type: "error"; code: WsErrorCode | (string & {}); message: string; id?: string };

/** Core's SIGNAL_ACTIONS, mirrored (core's copy sits beside zod schemas). */
export const SIGNAL_ACTIONS = ["strong_buy", "buy", "neutral", "sell", "strong_sell"] as const satisfies readonly SignalActionName[];
const REASON_SOURCES = ["indicator", "pattern", "trend", "level", "model"] as const satisfies readonly SignalReasonWire["source"][];
const REASON_SAYS = ["bullish", "bearish", "neutral"] as const satisfies readonly SignalReasonWire["says"][];
// Compile-time drift checks: each mirror lists every member of core's union.
type Covers<Union, List> = [Union] extends [List] ? true : never;
const covered: [Covers<SignalActionName, (typeof SIGNAL_ACTIONS)[number]>, Covers<SignalReasonWire["source"], (typeof REASON_SOURCES)[number]>, Covers<SignalReasonWire["says"], (typeof REASON_SAYS)[number]>] = [true, true, true];
void covered;

const DECIMAL_RE = /^-?(0|[1-9]\d{0,29})(\.\d{1,18})?$/;
const SIGNAL_ID_RE = /^[A-Z0-9]{5,20}:[0-9]{1,2}[mhd]:[0-9]{1,16}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isDec = (v: unknown): v is string => isStr(v) && DECIMAL_RE.test(v);
const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T => isStr(v) && (list as readonly string[]).includes(v);

function isReason(r: unknown): r is SignalReasonWire {
  return isObj(r) && isOneOf(REASON_SOURCES, r.source) && isStr(r.name) && isOneOf(REASON_SAYS, r.says) && isStr(r.detail);
}

function isSignal(u: Obj): boolean {
  if (!isStr(u.id) || !SIGNAL_ID_RE.test(u.id) || !isStr(u.interval) || !isOneOf(SIGNAL_ACTIONS, u.action) || !isStr(u.label)) return false;
  if (!isNum(u.confidence) || u.confidence < 0 || u.confidence > 1 || !isNum(u.score)) return false;
  if (!isDec(u.entry) || !(u.stopLoss === null || isDec(u.stopLoss)) || !(u.takeProfit === null || isDec(u.takeProfit))) return false;
  if (!(u.riskReward === null || isNum(u.riskReward))) return false;
  if (!Array.isArray(u.reasons) || !u.reasons.every(isReason)) return false;
  if (!(u.modelVersion === null || isStr(u.modelVersion)) || !isNum(u.openTime) || !isNum(u.closeTime)) return false;
  return isObj(u.timingsMs) && Object.values(u.timingsMs).every(isNum);
}

/** One market update of an `md` frame; null when malformed (prices must be decimal strings). */
export function parseMarketUpdate(u: unknown): MarketFrameUpdate | null {
  if (!isObj(u) || !isStr(u.channel) || !isStr(u.symbol) || !isNum(u.eventTime) || !isNum(u.bridgeTime)) return null;
  if (u.kind === "ticker") {
    if (!isDec(u.price) || !isDec(u.bid) || !isDec(u.ask) || !isDec(u.bidQty) || !isDec(u.askQty)) return null;
    if ((u.high !== undefined && !isDec(u.high)) || (u.low !== undefined && !isDec(u.low))) return null;
    return u as unknown as TickerFrameUpdate;
  }
  if (u.kind === "kline") {
    if (!isStr(u.interval) || !isNum(u.openTime) || !isNum(u.closeTime) || typeof u.closed !== "boolean") return null;
    if (!isDec(u.open) || !isDec(u.high) || !isDec(u.low) || !isDec(u.close) || !isDec(u.volume)) return null;
    return u as unknown as KlineFrameUpdate;
  }
  if (u.kind === "signal") return isSignal(u) ? (u as unknown as SignalFrameUpdate) : null;
  return null;
}

/** Reads one decoded frame (a JSON or MessagePack object); null for anything malformed or unknown. */
export function readServerFrame(raw: unknown): InboundFrame | null {
  if (!isObj(raw) || !isStr(raw.type)) return null;
  switch (raw.type) {
    case "welcome":
      if (!isStr(raw.userId) || !isNum(raw.serverTime)) return null;
      return { type: "welcome", userId: raw.userId, serverTime: raw.serverTime, ...(isNum(raw.heartbeatMs) ? { heartbeatMs: raw.heartbeatMs } : {}) };
    case "subscribed":
    case "unsubscribed":
      if (!Array.isArray(raw.channels) || !raw.channels.every(isStr)) return null;
      return { type: raw.type, channels: raw.channels, ...(isStr(raw.id) ? { id: raw.id } : {}) };
    case "pong":
      return { type: "pong" };
    case "md": {
      if (!isNum(raw.sentAt) || !Array.isArray(raw.updates)) return null;
      const updates: MarketFrameUpdate[] = [];
      for (const u of raw.updates) {
        const parsed = parseMarketUpdate(u);
        if (parsed) updates.push(parsed);
      }
      return { type: "md", ...(isNum(raw.n) ? { n: raw.n } : {}), sentAt: raw.sentAt, updates };
    }
    case "event": {
      if (!isNum(raw.seq) || !isObj(raw.event) || !isStr(raw.event.type) || !isNum(raw.event.ts)) return null;
      return { type: "event", seq: raw.seq, event: { type: raw.event.type, ts: raw.event.ts, payload: raw.event.payload }, replay: raw.replay === true };
    }
    case "resumed":
      if (!isNum(raw.lastSeq) || !isNum(raw.replayed)) return null;
      return { type: "resumed", lastSeq: raw.lastSeq, replayed: raw.replayed, more: raw.more === true, channels: Array.isArray(raw.channels) ? raw.channels.filter(isStr) : [] };
    case "warning":
      if (!isStr(raw.code) || !isStr(raw.message)) return null;
      return { type: "warning", code: raw.code, message: raw.message };
    case "error":
      if (!isStr(raw.code) || !isStr(raw.message)) return null;
      return { type: "error", code: raw.code, message: raw.message, ...(isStr(raw.id) ? { id: raw.id } : {}) };
    default:
      return null;
  }
}

/** Parses one JSON text frame; null for anything malformed or of a type this client does not know. */
export function parseServerFrame(data: unknown): InboundFrame | null {
  if (!isStr(data)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  return readServerFrame(raw);
}
