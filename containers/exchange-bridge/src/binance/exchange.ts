/**
 * The Binance adapter of the exchange port (spot or USD-M futures by config).
 *
 * Order placement never sends a blind second order. When a placement ends in a 5XX, a timeout or
 * a network error, its outcome is unknown: the adapter waits until the request's `recvWindow`
 * has passed on the exchange's clock (after that the matching engine refuses it, so a late
 * arrival cannot fill), then queries the order by its client order id. Found → that is the
 * answer. Not found → it was never placed, and it may be sent again (same client order id, at
 * most `maxRetries` times, with back-off). If even the query fails, the caller gets
 * `OrderStatusUnknownError` and must reconcile.
 *
 * @example
 * const exchange = createBinanceExchange({ market: "spot", restUrl, wsUrl, credentials, log });
 * await exchange.start();
 * const order = await exchange.placeOrder({ symbol: "BNBUSDT", side: "BUY", type: "MARKET", quantity: "0.5", clientOrderId: "u1-7" });
 */
import { parseDecimal } from "@bot-core/core";
import { z } from "zod";
import { backoffDelay, type BackoffPolicy } from "../backoff";
import type { ApiCredentials } from "../exchange/credentials";
import { InvalidOrderError, OrderStatusUnknownError, VenueRejectedError } from "../exchange/errors";
import {
  OrderRequest,
  ORDER_STATUSES,
  type AccountEvent,
  type AccountEventListener,
  type Balance,
  type ExchangeOrder,
  type ExchangePort,
  type ExchangeSymbolRules,
  type ExchangeTrade,
  type OrderRef,
} from "../exchange/port";
import { checkFilters } from "../exchange/filters";
import type { Logger } from "../log";
import { CircuitBreaker, logBreakerChanges } from "./circuit-breaker";
import { ServerClock } from "./clock";
import { ENDPOINTS, type BinanceMarket, type MarketEndpoints } from "./endpoints";
import { ExchangeInfoCache } from "./exchange-info";
import { RequestBudget, SPOT_LIMITS, USDM_LIMITS } from "./rate-limits";
import { BinanceRest, ORDER_TIMEOUT_MS, REST_RETRY_BACKOFF, VenueUnavailableError } from "./rest";
import { UserDataStream } from "./user-data";

/** Binance: "Order does not exist." */
export const NO_SUCH_ORDER = -2013;

const Dec = z.string().regex(/^-?\d+(\.\d+)?$/);
const OrderPayload = z.looseObject({
  symbol: z.string(),
  orderId: z.union([z.number().int(), z.string()]).transform(String),
  clientOrderId: z.string(),
  side: z.enum(["BUY", "SELL"]),
  type: z.string(),
  status: z.enum(ORDER_STATUSES),
  price: Dec,
  origQty: Dec,
  executedQty: Dec,
  // Spot spells it "cummulativeQuoteQty"; USD-M futures "cumQuote".
  cummulativeQuoteQty: Dec.optional(),
  cumQuote: Dec.optional(),
  updateTime: z.number().int().optional(),
  transactTime: z.number().int().optional(),
  time: z.number().int().optional(),
});

/** A row of spot GET /api/v3/myTrades or USD-M GET /fapi/v1/userTrades (the fields both share). */
const TradePayload = z.looseObject({
  symbol: z.string(),
  id: z.union([z.number().int(), z.string()]).transform(String),
  orderId: z.union([z.number().int(), z.string()]).transform(String),
  price: Dec,
  qty: Dec,
  commission: Dec,
  commissionAsset: z.string().nullable().optional(),
  time: z.number().int(),
});

export function toExchangeOrder(payload: unknown): ExchangeOrder {
  const o = OrderPayload.parse(payload);
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    side: o.side,
    type: o.type,
    status: o.status,
    price: o.price,
    quantity: o.origQty,
    executedQty: o.executedQty,
    cumulativeQuoteQty: o.cummulativeQuoteQty ?? o.cumQuote ?? "0",
    updateTime: o.updateTime ?? o.transactTime ?? o.time ?? 0,
  };
}

export interface BinanceExchangeOptions {
  readonly market: BinanceMarket;
  readonly rest: BinanceRest;
  readonly clock: ServerClock;
  /** Base of the user data WebSocket (`<wsUrl>/ws/<listenKey>`); no stream when undefined. */
  readonly userStreamWsUrl?: string;
  readonly log: Logger;
  readonly exchangeInfoTtlMs?: number;
  readonly orderTimeoutMs?: number;
  readonly maxRetries?: number;
  readonly backoff?: BackoffPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export class BinanceExchange implements ExchangePort {
  readonly venue: string;
  readonly #o: BinanceExchangeOptions;
  readonly #e: MarketEndpoints;
  readonly #info: ExchangeInfoCache;
  readonly #listeners = new Set<AccountEventListener>();
  readonly #userStream: UserDataStream | undefined;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: BinanceExchangeOptions) {
    this.#o = options;
    this.venue = `binance-${options.market}`;
    this.#e = ENDPOINTS[options.market];
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#info = new ExchangeInfoCache(async () => (await options.rest.request({ method: "GET", path: this.#e.exchangeInfo, weight: this.#e.weights.exchangeInfo, idempotent: true })).body, options.exchangeInfoTtlMs);
    this.#userStream =
      options.userStreamWsUrl && options.rest.hasCredentials
        ? new UserDataStream({ rest: options.rest, market: options.market, wsBaseUrl: options.userStreamWsUrl, log: options.log.child({ component: "binance-user-stream" }), onEvent: (e) => this.#emit(e) })
        : undefined;
  }

  get userStream(): UserDataStream | undefined {
    return this.#userStream;
  }

  async start(): Promise<void> {
    await this.#o.clock.sync();
    await this.#userStream?.start();
  }

  async stop(): Promise<void> {
    await this.#userStream?.stop();
  }

  onAccountEvent(listener: AccountEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: AccountEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch (err) {
        this.#o.log.error("account event listener failed", { err });
      }
    }
  }

  async symbolRules(): Promise<ReadonlyMap<string, ExchangeSymbolRules>> {
    return (await this.#info.get()).rules;
  }

  async placeOrder(input: OrderRequest): Promise<ExchangeOrder> {
    const parsed = OrderRequest.safeParse(input);
    if (!parsed.success) throw new InvalidOrderError(parsed.error.issues.map((i) => `${i.path.join(".") || "order"}: ${i.message}`).join("; "));
    const req = parsed.data;
    const rules = (await this.symbolRules()).get(req.symbol);
    if (!rules) throw new InvalidOrderError(`${req.symbol} is not traded on ${this.venue}`);
    checkFilters(req, rules);

    const params = {
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      timeInForce: req.type === "LIMIT" ? (req.timeInForce ?? "GTC") : undefined,
      quantity: req.quantity,
      price: req.price,
      newClientOrderId: req.clientOrderId,
      reduceOnly: this.#o.market === "usdm" && req.reduceOnly ? "true" : undefined,
      newOrderRespType: "RESULT",
    };
    const maxRetries = this.#o.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.#o.rest.request({
          method: "POST",
          path: this.#e.order,
          params,
          signed: true,
          weight: this.#e.weights.newOrder,
          orders: 1,
          idempotent: false,
          timeoutMs: this.#o.orderTimeoutMs ?? ORDER_TIMEOUT_MS,
        });
        return toExchangeOrder(res.body);
      } catch (err) {
        const unknown = err instanceof VenueUnavailableError;
        // On a resend, "duplicate" means the first one did get through.
        const duplicate = attempt > 0 && err instanceof VenueRejectedError;
        if (!unknown && !duplicate) throw err;
        this.#o.log.warn("order outcome unknown; querying it before anything else", { symbol: req.symbol, clientOrderId: req.clientOrderId, attempt, reason: unknown ? err.reason : "rejected resend" });
        if (unknown) await this.#waitOutRecvWindow(err.requestTimestamp);
        let found: ExchangeOrder | undefined;
        try {
          found = await this.queryOrder({ symbol: req.symbol, clientOrderId: req.clientOrderId });
        } catch (queryErr) {
          throw new OrderStatusUnknownError(req.clientOrderId, { cause: queryErr });
        }
        if (found) return found;
        if (duplicate) throw err;
        if (attempt >= maxRetries) throw new OrderStatusUnknownError(req.clientOrderId, { cause: err });
        await this.#sleep(backoffDelay(attempt, this.#o.backoff ?? REST_RETRY_BACKOFF, this.#o.random ?? Math.random));
      }
    }
  }

  /** Waits until the exchange would refuse the request as too old (timestamp + recvWindow). */
  async #waitOutRecvWindow(requestTimestamp: number | undefined): Promise<void> {
    if (requestTimestamp === undefined) return;
    const wait = requestTimestamp + this.#o.rest.recvWindow + 50 - this.#o.clock.now();
    if (wait > 0) await this.#sleep(wait);
  }

  async queryOrder(ref: OrderRef): Promise<ExchangeOrder | undefined> {
    try {
      const res = await this.#o.rest.request({ method: "GET", path: this.#e.order, params: refParams(ref), signed: true, weight: this.#e.weights.queryOrder, idempotent: true });
      return toExchangeOrder(res.body);
    } catch (err) {
      if (err instanceof VenueRejectedError && err.venueCode === NO_SUCH_ORDER) return undefined;
      throw err;
    }
  }

  /** The account's trades of one order (spot myTrades / USD-M userTrades by orderId), oldest first. */
  async orderTrades(ref: { readonly symbol: string; readonly orderId: string }): Promise<ExchangeTrade[]> {
    const res = await this.#o.rest.request({ method: "GET", path: this.#e.myTrades, params: { symbol: ref.symbol, orderId: ref.orderId }, signed: true, weight: this.#e.weights.myTrades, idempotent: true });
    return z.array(TradePayload).parse(res.body).map((t) => ({ symbol: t.symbol, tradeId: t.id, orderId: t.orderId, price: t.price, quantity: t.qty, commission: t.commission, commissionAsset: t.commissionAsset ?? null, time: t.time }));
  }

  async cancelOrder(ref: OrderRef): Promise<ExchangeOrder> {
    const res = await this.#o.rest.request({ method: "DELETE", path: this.#e.order, params: refParams(ref), signed: true, weight: this.#e.weights.cancelOrder });
    return toExchangeOrder(res.body);
  }

  async openOrders(symbol?: string): Promise<ExchangeOrder[]> {
    const res = await this.#o.rest.request({
      method: "GET",
      path: this.#e.openOrders,
      params: symbol ? { symbol } : {},
      signed: true,
      weight: symbol ? this.#e.weights.openOrders : this.#e.weights.openOrdersAll,
      idempotent: true,
    });
    return z.array(z.unknown()).parse(res.body).map(toExchangeOrder);
  }

  async balances(): Promise<Balance[]> {
    const res = await this.#o.rest.request({ method: "GET", path: this.#e.balances, signed: true, weight: this.#e.weights.balances, idempotent: true });
    if (this.#o.market === "usdm") {
      const rows = z.array(z.looseObject({ asset: z.string(), balance: Dec, availableBalance: Dec })).parse(res.body);
      return rows.map((r) => ({ asset: r.asset, free: r.availableBalance, locked: subtract(r.balance, r.availableBalance) }));
    }
    const account = z.looseObject({ balances: z.array(z.looseObject({ asset: z.string(), free: Dec, locked: Dec })) }).parse(res.body);
    return account.balances.map((b) => ({ asset: b.asset, free: b.free, locked: b.locked }));
  }
}

function refParams(ref: OrderRef): Record<string, string> {
  return "orderId" in ref ? { symbol: ref.symbol, orderId: ref.orderId } : { symbol: ref.symbol, origClientOrderId: ref.clientOrderId };
}

function subtract(a: string, b: string): string {
  const d = parseDecimal(a, 18) - parseDecimal(b, 18);
  const negative = d < 0n;
  const digits = (negative ? -d : d).toString().padStart(19, "0");
  const frac = digits.slice(-18).replace(/0+$/, "");
  return `${negative ? "-" : ""}${digits.slice(0, -18)}${frac ? `.${frac}` : ""}`;
}

export interface CreateBinanceExchangeOptions {
  readonly market: BinanceMarket;
  readonly restUrl: string;
  /** WebSocket base for the user data stream; omit for REST only. */
  readonly wsUrl?: string;
  readonly credentials?: ApiCredentials;
  readonly recvWindow?: number;
  readonly log: Logger;
  readonly fetch?: typeof fetch;
  readonly breaker?: CircuitBreaker;
  readonly budget?: RequestBudget;
  readonly orderTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Local epoch ms for the request budget (default Date.now). */
  readonly now?: () => number;
}

/** Wires the REST transport, clock, budget and breaker into an adapter. */
export function createBinanceExchange(o: CreateBinanceExchangeOptions): BinanceExchange {
  const log = o.log.child({ component: `binance-${o.market}` });
  const e = ENDPOINTS[o.market];
  const budget = o.budget ?? new RequestBudget({ limits: o.market === "spot" ? SPOT_LIMITS : USDM_LIMITS });
  const breaker = o.breaker ?? new CircuitBreaker({ onStateChange: logBreakerChanges(log) });
  let rest!: BinanceRest;
  const clock = new ServerClock({
    fetchServerTime: async () => {
      const res = await rest.request({ method: "GET", path: e.time, weight: e.weights.time, idempotent: true });
      return z.object({ serverTime: z.number().int().positive() }).parse(res.body).serverTime;
    },
  });
  rest = new BinanceRest({ baseUrl: o.restUrl, credentials: o.credentials, clock, budget, breaker, recvWindow: o.recvWindow, log, fetch: o.fetch, sleep: o.sleep, now: o.now });
  return new BinanceExchange({ market: o.market, rest, clock, userStreamWsUrl: o.wsUrl, log, orderTimeoutMs: o.orderTimeoutMs, sleep: o.sleep });
}
