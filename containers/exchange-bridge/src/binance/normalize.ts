/**
 * Binance combined-stream messages → the bridge's normalized market updates (the hot path).
 *
 * One message is `{"stream":"<symbol>@<kind>","data":{…}}`. Per symbol the normalizer keeps the
 * best bid/ask (bookTicker) and the last trade price (aggTrade) and emits a core `TickerUpdate`
 * whenever either changes and both sides are known (before the first trade the price is the
 * mid of the book). Klines become `KlineUpdate`s (intervals the edge knows only), partial depth
 * becomes a `DepthUpdate` kept inside the bridge.
 *
 * Input is checked by hand instead of with zod: every field's type, every price and quantity
 * against core's decimal pattern. This runs for every message of the exchange (thousands per
 * second); the benchmark in perf/ holds it to at least half the speed of `JSON.parse` alone.
 * A message that fails a check is reported as `invalid` and never throws.
 *
 * @example
 * const n = new StreamNormalizer({ now: Date.now });
 * const out = n.normalize(text);
 * if (out.kind === "ticker" || out.kind === "kline") source.emit(out);
 */
import { DECIMAL_RE, KLINE_INTERVALS, type KlineInterval, type KlineUpdate, type MarketUpdate, type TickerUpdate } from "@bot-core/core";

/** Top levels of a partial-depth stream. */
export interface DepthUpdate {
  readonly kind: "depth";
  readonly symbol: string;
  readonly bids: readonly (readonly [string, string])[];
  readonly asks: readonly (readonly [string, string])[];
  readonly lastUpdateId: number;
  readonly eventTime: number;
}

export type ControlMessage =
  /** Reply to SUBSCRIBE/UNSUBSCRIBE (`result` null = success) or an error with `code`/`msg`. */
  | { readonly kind: "response"; readonly id: number | string | null; readonly error?: { code: number; msg: string } }
  /** `serverShutdown`: reconnect now. */
  | { readonly kind: "shutdown"; readonly eventTime: number }
  /** A valid message that changes state but produces no update (e.g. a book before any price). */
  | { readonly kind: "skip" }
  | { readonly kind: "invalid"; readonly reason: string };

export type NormalizedMessage = MarketUpdate | DepthUpdate | ControlMessage;

const SKIP: ControlMessage = Object.freeze({ kind: "skip" });
const INTERVALS = new Set<string>(KLINE_INTERVALS);
const SYMBOL_RE = /^[A-Z0-9]{5,20}$/;

interface SymbolState {
  bid?: string;
  ask?: string;
  bidQty?: string;
  askQty?: string;
  lastPrice?: string;
  /** Last bookTicker update id (drops out-of-order book updates). */
  bookUpdateId: number;
}

export interface StreamNormalizerOptions {
  /** Epoch ms, for events that carry no event time (spot bookTicker and depth). */
  readonly now: () => number;
}

export interface NormalizerStats {
  messages: number;
  updates: number;
  invalid: number;
}

const isDec = (v: unknown): v is string => typeof v === "string" && DECIMAL_RE.test(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function invalid(reason: string): ControlMessage {
  return { kind: "invalid", reason };
}

export class StreamNormalizer {
  readonly #now: () => number;
  readonly #symbols = new Map<string, SymbolState>();
  /** Lower-case stream symbol → upper-case symbol (avoids toUpperCase per message). */
  readonly #names = new Map<string, string>();
  readonly stats: NormalizerStats = { messages: 0, updates: 0, invalid: 0 };

  constructor(options: StreamNormalizerOptions) {
    this.#now = options.now;
  }

  /** Parses and normalizes one raw WebSocket text message. */
  normalize(raw: string): NormalizedMessage {
    this.stats.messages++;
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return this.#invalid("not JSON");
    }
    const out = this.normalizeParsed(msg);
    if (out.kind === "ticker" || out.kind === "kline" || out.kind === "depth") this.stats.updates++;
    else if (out.kind === "invalid") this.stats.invalid++;
    return out;
  }

  /** Same as `normalize` for an already parsed message (does not count stats). */
  normalizeParsed(msg: unknown): NormalizedMessage {
    if (typeof msg !== "object" || msg === null) return invalid("not an object");
    const m = msg as Record<string, unknown>;
    const stream = m.stream;
    const data = m.data;
    if (typeof stream !== "string") return this.#control(m);
    if (typeof data !== "object" || data === null) return invalid("no data");
    const d = data as Record<string, unknown>;
    const at = stream.indexOf("@");
    if (at <= 0) {
      if (stream === "!serverShutdown" || d.e === "serverShutdown") return { kind: "shutdown", eventTime: isInt(d.E) ? d.E : this.#now() };
      return invalid(`unsupported stream ${stream.slice(0, 40)}`);
    }
    const kind = stream.slice(at + 1);
    if (kind === "bookTicker") return this.#bookTicker(d);
    if (kind === "aggTrade") return this.#aggTrade(d);
    if (kind.startsWith("kline_")) return this.#kline(d);
    if (kind.startsWith("depth")) return this.#depth(stream.slice(0, at), d);
    return invalid(`unsupported stream ${stream.slice(0, 40)}`);
  }

  #invalid(reason: string): ControlMessage {
    this.stats.invalid++;
    return invalid(reason);
  }

  #control(m: Record<string, unknown>): NormalizedMessage {
    const id = m.id;
    const validId = id === null || typeof id === "number" || typeof id === "string";
    if ("result" in m && validId) return { kind: "response", id: id as number | string | null };
    if (typeof m.code === "number" && typeof m.msg === "string") {
      return { kind: "response", id: validId ? (id as number | string | null) : null, error: { code: m.code, msg: m.msg } };
    }
    if (m.e === "serverShutdown") return { kind: "shutdown", eventTime: isInt(m.E) ? m.E : this.#now() };
    return invalid("not a combined-stream message");
  }

  #state(symbol: string): SymbolState {
    let s = this.#symbols.get(symbol);
    if (!s) {
      s = { bookUpdateId: -1 };
      this.#symbols.set(symbol, s);
    }
    return s;
  }

  #bookTicker(d: Record<string, unknown>): NormalizedMessage {
    const symbol = d.s;
    if (typeof symbol !== "string" || !SYMBOL_RE.test(symbol)) return invalid("bookTicker: bad symbol");
    if (!isDec(d.b) || !isDec(d.B) || !isDec(d.a) || !isDec(d.A)) return invalid("bookTicker: bad price or quantity");
    if (!isInt(d.u)) return invalid("bookTicker: bad update id");
    const s = this.#state(symbol);
    if (d.u < s.bookUpdateId) return SKIP; // older than what we have
    s.bookUpdateId = d.u;
    s.bid = d.b;
    s.bidQty = d.B;
    s.ask = d.a;
    s.askQty = d.A;
    // USD-M futures carry an event time; spot does not.
    const eventTime = isInt(d.E) ? d.E : this.#now();
    return this.#ticker(symbol, s, s.lastPrice ?? mid(d.b, d.a), eventTime);
  }

  #aggTrade(d: Record<string, unknown>): NormalizedMessage {
    const symbol = d.s;
    if (typeof symbol !== "string" || !SYMBOL_RE.test(symbol)) return invalid("aggTrade: bad symbol");
    if (!isDec(d.p) || !isDec(d.q)) return invalid("aggTrade: bad price or quantity");
    if (!isInt(d.E) || !isInt(d.T)) return invalid("aggTrade: bad time");
    const s = this.#state(symbol);
    s.lastPrice = d.p;
    if (s.bid === undefined) return SKIP; // no book yet
    return this.#ticker(symbol, s, d.p, d.E);
  }

  #ticker(symbol: string, s: SymbolState, price: string, eventTime: number): TickerUpdate {
    return {
      kind: "ticker",
      symbol,
      price,
      bid: s.bid!,
      ask: s.ask!,
      bidQty: s.bidQty!,
      askQty: s.askQty!,
      eventTime,
      bridgeTime: eventTime,
    };
  }

  #kline(d: Record<string, unknown>): NormalizedMessage {
    const symbol = d.s;
    const k = d.k;
    if (typeof symbol !== "string" || !SYMBOL_RE.test(symbol)) return invalid("kline: bad symbol");
    if (typeof k !== "object" || k === null) return invalid("kline: no candle");
    const c = k as Record<string, unknown>;
    if (typeof c.i !== "string") return invalid("kline: bad interval");
    if (!INTERVALS.has(c.i)) return SKIP; // an interval the edge does not keep
    if (!isInt(c.t) || !isInt(c.T) || !isInt(d.E) || c.T < c.t) return invalid("kline: bad time");
    if (!isDec(c.o) || !isDec(c.h) || !isDec(c.l) || !isDec(c.c) || !isDec(c.v)) return invalid("kline: bad price or volume");
    if (typeof c.x !== "boolean") return invalid("kline: bad closed flag");
    const update: KlineUpdate = {
      kind: "kline",
      symbol,
      interval: c.i as KlineInterval,
      openTime: c.t,
      closeTime: c.T,
      open: c.o,
      high: c.h,
      low: c.l,
      close: c.c,
      volume: c.v,
      closed: c.x,
      eventTime: d.E,
      bridgeTime: d.E,
    };
    return update;
  }

  #depth(streamSymbol: string, d: Record<string, unknown>): NormalizedMessage {
    let symbol = this.#names.get(streamSymbol);
    if (symbol === undefined) {
      symbol = streamSymbol.toUpperCase();
      if (!SYMBOL_RE.test(symbol)) return invalid("depth: bad symbol");
      this.#names.set(streamSymbol, symbol);
    }
    // Spot: { lastUpdateId, bids, asks }. USD-M futures: { e: "depthUpdate", E, u, b, a }.
    const bids = d.bids ?? d.b;
    const asks = d.asks ?? d.a;
    const updateId = d.lastUpdateId ?? d.u;
    if (!isInt(updateId)) return invalid("depth: bad update id");
    const b = levels(bids);
    const a = levels(asks);
    if (!b || !a) return invalid("depth: bad levels");
    return { kind: "depth", symbol, bids: b, asks: a, lastUpdateId: updateId, eventTime: isInt(d.E) ? d.E : this.#now() };
  }
}

function levels(value: unknown): [string, string][] | undefined {
  if (!Array.isArray(value) || value.length > 5000) return undefined;
  for (const level of value) {
    if (!Array.isArray(level) || level.length < 2 || !isDec(level[0]) || !isDec(level[1])) return undefined;
  }
  return value as [string, string][];
}

/** Exact mid of two decimal strings, as a decimal string (no float). */
export function mid(a: string, b: string): string {
  const scale = Math.max(fractionDigits(a), fractionDigits(b)) + 1;
  const sum = toUnits(a, scale) + toUnits(b, scale);
  const half = sum / 2n; // exact: one more fraction digit than either input
  return fromUnits(half, scale);
}

function fractionDigits(s: string): number {
  const dot = s.indexOf(".");
  return dot < 0 ? 0 : s.length - dot - 1;
}

function toUnits(s: string, scale: number): bigint {
  const negative = s.startsWith("-");
  const body = negative ? s.slice(1) : s;
  const dot = body.indexOf(".");
  const whole = dot < 0 ? body : body.slice(0, dot);
  const frac = dot < 0 ? "" : body.slice(dot + 1);
  const units = BigInt(whole + frac.padEnd(scale, "0"));
  return negative ? -units : units;
}

function fromUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}
