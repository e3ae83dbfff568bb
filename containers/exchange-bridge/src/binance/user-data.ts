/**
 * The user data stream: order updates (partial fills included) and balance changes pushed by
 * Binance for one API key.
 *
 * Lifecycle: create a listenKey over REST, connect `<ws>/ws/<listenKey>`, keep the key alive every
 * 30 minutes (it expires after 60), reconnect with capped back-off + jitter when the socket drops,
 * reconnect before the 24 h connection limit, and start over with a new key on
 * `listenKeyExpired`. Spot's listenKey endpoints are deprecated by Binance in favour of the
 * WebSocket API subscription but still served; USD-M futures uses listenKeys.
 *
 * @example
 * const stream = new UserDataStream({ rest, market: "spot", wsBaseUrl, log, onEvent: (e) => … });
 * await stream.start();
 */
import { z } from "zod";
import WebSocket from "ws";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from "../backoff";
import type { AccountEvent, ExchangeOrder, OrderStatus } from "../exchange/port";
import { ORDER_STATUSES } from "../exchange/port";
import type { Logger } from "../log";
import { DecimalString, formatDecimal, parseDecimal } from "@bot-core/core";
import { ENDPOINTS, type BinanceMarket } from "./endpoints";
import type { BinanceRest } from "./rest";

const Dec = DecimalString;
const Status = z.enum(ORDER_STATUSES);
const Id = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform(String);

/**
 * The order fields spot's `executionReport` and USD-M's `ORDER_TRADE_UPDATE.o` share (Binance
 * uses the same letters): symbol, client id, side, type, quantity, price, execution type, status,
 * order id, last fill quantity, cumulative quantity, last fill price, commission, trade time, trade id.
 */
const ORDER_UPDATE_FIELDS = {
  s: z.string(),
  c: z.string(),
  S: z.enum(["BUY", "SELL"]),
  o: z.string(),
  q: Dec,
  p: Dec,
  x: z.string(),
  X: Status,
  i: Id,
  l: Dec,
  z: Dec,
  L: Dec,
  n: Dec.nullish(),
  N: z.string().nullish(),
  T: z.number().int(),
  t: Id,
};

const ExecutionReport = z.looseObject({
  e: z.literal("executionReport"),
  E: z.number().int(),
  ...ORDER_UPDATE_FIELDS,
  C: z.string().nullish(),
  Z: Dec,
});

const OrderTradeUpdate = z.looseObject({
  e: z.literal("ORDER_TRADE_UPDATE"),
  E: z.number().int(),
  o: z.looseObject({ ...ORDER_UPDATE_FIELDS, ap: Dec }),
});

const AccountPosition = z.looseObject({
  e: z.literal("outboundAccountPosition"),
  E: z.number().int(),
  B: z.array(z.looseObject({ a: z.string(), f: Dec, l: Dec })),
});

const FuturesAccountUpdate = z.looseObject({
  e: z.literal("ACCOUNT_UPDATE"),
  E: z.number().int(),
  a: z.looseObject({ B: z.array(z.looseObject({ a: z.string(), wb: Dec, cw: Dec })) }),
});

export type UserStreamMessage = AccountEvent | { readonly kind: "expired" } | { readonly kind: "ignored"; readonly event: string };

/** Parses one user data message (raw or wrapped in `{subscriptionId, event}`); undefined when malformed. */
export function parseUserEvent(msg: unknown): UserStreamMessage | undefined {
  if (typeof msg !== "object" || msg === null) return undefined;
  const m = ("event" in msg && typeof (msg as { event: unknown }).event === "object" ? (msg as { event: unknown }).event : msg) as Record<string, unknown>;
  switch (m.e) {
    case "executionReport": {
      const r = ExecutionReport.safeParse(m);
      if (!r.success) return undefined;
      const d = r.data;
      const order: ExchangeOrder = {
        symbol: d.s,
        orderId: d.i,
        // On a cancel, `c` is the cancel's own id and `C` the order's.
        clientOrderId: d.x === "CANCELED" && d.C ? d.C : d.c,
        side: d.S,
        type: d.o,
        status: d.X as OrderStatus,
        price: d.p,
        quantity: d.q,
        executedQty: d.z,
        cumulativeQuoteQty: d.Z,
        updateTime: d.T,
      };
      return {
        kind: "order",
        order,
        executionType: d.x,
        ...(d.x === "TRADE" ? { fill: { tradeId: d.t, price: d.L, quantity: d.l, commission: d.n ?? "0", commissionAsset: d.N ?? null } } : {}),
        eventTime: d.E,
      };
    }
    case "ORDER_TRADE_UPDATE": {
      const r = OrderTradeUpdate.safeParse(m);
      if (!r.success) return undefined;
      const o = r.data.o;
      const order: ExchangeOrder = {
        symbol: o.s,
        orderId: o.i,
        clientOrderId: o.c,
        side: o.S,
        type: o.o,
        status: o.X as OrderStatus,
        price: o.p,
        quantity: o.q,
        executedQty: o.z,
        cumulativeQuoteQty: product(o.ap, o.z),
        updateTime: o.T,
      };
      return {
        kind: "order",
        order,
        executionType: o.x,
        ...(o.x === "TRADE" ? { fill: { tradeId: o.t, price: o.L, quantity: o.l, commission: o.n ?? "0", commissionAsset: o.N ?? null } } : {}),
        eventTime: r.data.E,
      };
    }
    case "outboundAccountPosition": {
      const r = AccountPosition.safeParse(m);
      if (!r.success) return undefined;
      return { kind: "balances", balances: r.data.B.map((b) => ({ asset: b.a, free: b.f, locked: b.l })), eventTime: r.data.E };
    }
    case "ACCOUNT_UPDATE": {
      const r = FuturesAccountUpdate.safeParse(m);
      if (!r.success) return undefined;
      return { kind: "balances", balances: r.data.a.B.map((b) => ({ asset: b.a, free: b.cw, locked: "0" })), eventTime: r.data.E };
    }
    case "listenKeyExpired":
      return { kind: "expired" };
    default:
      return typeof m.e === "string" ? { kind: "ignored", event: m.e } : undefined;
  }
}

/** Exact a × b of two decimal strings. */
function product(a: string, b: string): string {
  return formatDecimal(parseDecimal(a, 18) * parseDecimal(b, 18), 36);
}

export interface UserDataStreamOptions {
  readonly rest: BinanceRest;
  readonly market: BinanceMarket;
  /** e.g. wss://stream.binance.com:9443 (the stream connects to `<wsBaseUrl>/ws/<listenKey>`). */
  readonly wsBaseUrl: string;
  readonly log: Logger;
  readonly onEvent: (event: AccountEvent) => void;
  /** Called after a reconnect: events may have been missed (reconcile open orders). */
  readonly onReconnect?: () => void;
  readonly keepaliveMs?: number;
  readonly maxConnectionMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly random?: () => number;
}

export class UserDataStream {
  readonly #o: UserDataStreamOptions;
  #listenKey: string | undefined;
  #socket: WebSocket | undefined;
  #keepalive: NodeJS.Timeout | undefined;
  #lifetime: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #attempt = 0;
  #stopped = true;
  #connects = 0;
  readonly stats = { events: 0, malformed: 0, reconnects: 0 };

  constructor(options: UserDataStreamOptions) {
    this.#o = options;
  }

  get connected(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#keepalive);
    clearTimeout(this.#lifetime);
    clearTimeout(this.#retry);
    this.#socket?.removeAllListeners();
    // Terminating a socket that is still connecting emits "error": without a listener that is an
    // uncaught exception (seen when a user's connection was dropped right after it was created).
    this.#socket?.on("error", () => {});
    this.#socket?.terminate();
    this.#socket = undefined;
    const key = this.#listenKey;
    this.#listenKey = undefined;
    if (key) {
      const e = ENDPOINTS[this.#o.market];
      await this.#o.rest.request({ method: "DELETE", path: e.listenKey, params: { listenKey: key }, apiKeyOnly: true, weight: e.weights.listenKey }).catch(() => undefined);
    }
  }

  async #newListenKey(): Promise<string> {
    const e = ENDPOINTS[this.#o.market];
    const res = await this.#o.rest.request({ method: "POST", path: e.listenKey, apiKeyOnly: true, weight: e.weights.listenKey });
    const key = (res.body as { listenKey?: unknown }).listenKey;
    if (typeof key !== "string" || !/^[A-Za-z0-9]{1,128}$/.test(key)) throw new TypeError("exchange returned no usable listenKey");
    return key;
  }

  async #keepAlive(): Promise<void> {
    const e = ENDPOINTS[this.#o.market];
    if (!this.#listenKey) return;
    await this.#o.rest.request({ method: "PUT", path: e.listenKey, params: { listenKey: this.#listenKey }, apiKeyOnly: true, weight: e.weights.listenKey, idempotent: true });
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    try {
      if (this.#listenKey) {
        // Reuse the key if it is still alive; otherwise make a new one.
        await this.#keepAlive().catch(async () => (this.#listenKey = await this.#newListenKey()));
      } else {
        this.#listenKey = await this.#newListenKey();
      }
    } catch (err) {
      this.#o.log.warn("could not get a listenKey; retrying", { err });
      this.#scheduleReconnect();
      return;
    }
    const url = `${this.#o.wsBaseUrl.replace(/\/+$/, "")}/ws/${this.#listenKey}`;
    const socket = new WebSocket(url, { handshakeTimeout: 10_000 });
    this.#socket = socket;
    socket.on("open", () => {
      this.#attempt = 0;
      if (this.#connects++ > 0) {
        this.stats.reconnects++;
        this.#o.onReconnect?.();
      }
      clearInterval(this.#keepalive);
      this.#keepalive = setInterval(() => void this.#keepAlive().catch((err: unknown) => this.#o.log.warn("listenKey keepalive failed", { err })), this.#o.keepaliveMs ?? 30 * 60_000);
      this.#keepalive.unref();
      clearTimeout(this.#lifetime);
      this.#lifetime = setTimeout(() => socket.close(1000, "proactive reconnect before 24 h"), this.#o.maxConnectionMs ?? 23 * 3_600_000 + 50 * 60_000);
      this.#lifetime.unref();
    });
    socket.on("message", (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        this.stats.malformed++;
        return;
      }
      const event = parseUserEvent(msg);
      if (!event) {
        this.stats.malformed++;
        return;
      }
      if (event.kind === "expired") {
        this.#o.log.warn("listenKey expired; creating a new one");
        this.#listenKey = undefined;
        socket.close(1000, "listenKey expired");
        return;
      }
      if (event.kind === "ignored") return;
      this.stats.events++;
      this.#o.onEvent(event);
    });
    socket.on("error", (err) => this.#o.log.warn("user data socket error", { err: err.message }));
    socket.on("close", () => {
      if (this.#socket !== socket) return;
      clearInterval(this.#keepalive);
      clearTimeout(this.#lifetime);
      this.#socket = undefined;
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const delay = backoffDelay(this.#attempt++, this.#o.backoff ?? DEFAULT_BACKOFF, this.#o.random ?? Math.random);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#connect(), delay);
    this.#retry.unref();
  }
}
