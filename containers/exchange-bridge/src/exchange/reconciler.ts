/**
 * Reconciliation of open live orders with the venue. The user data stream is the fast path for
 * order updates and fills, but it can miss some: the bridge was down (killed, redeployed), the
 * socket dropped for a while, the listen key expired. So:
 *
 * - right after start, every order the bridge's outbox still tracks as open is looked up (this
 *   also reopens the user's connection, and with it their user data stream);
 * - afterwards, every order with no update for `staleAfterMs` (LIVE_RECONCILE_AFTER_MS, 30 s by
 *   default) is looked up, checked every `intervalMs`.
 *
 * A lookup is the venue's order query by client order id and, when it has fills, the order's
 * trade list; fills whose trade ids were not queued yet are reported (oldest first), then the
 * order's status when it changed. The edge applies each fill once by trade id, so a fill reported
 * by both the stream and a lookup still counts once.
 *
 * @example
 * const reconciler = new Reconciler({ outbox, reporter, exchangeFor: (u, v) => accounts.exchangeFor(u, v), staleAfterMs: 30_000, log });
 * reconciler.start();
 */
import type { Logger } from "../log";
import type { ExecutionReport, ExecutionReporter } from "./execution-reports";
import { NoKeysError } from "./live-accounts";
import type { ExchangeOrder, ExchangeTrade, OrderRef } from "./port";
import type { ReportOutbox, TrackedOrder } from "./report-outbox";
import type { LiveVenue } from "./venues";

/** What the reconciler needs from a user's venue connection. */
export interface ReconcilableExchange {
  queryOrder(ref: OrderRef): Promise<ExchangeOrder | undefined>;
  orderTrades(ref: { readonly symbol: string; readonly orderId: string }): Promise<ExchangeTrade[]>;
}

export interface ReconcilerOptions {
  readonly outbox: ReportOutbox;
  readonly reporter: Pick<ExecutionReporter, "push">;
  readonly exchangeFor: (userId: string, venue: LiveVenue) => Promise<ReconcilableExchange>;
  /** An open order with no update for this long is looked up. */
  readonly staleAfterMs: number;
  /** How often stale orders are looked for (default: a sixth of staleAfterMs, 1-5 s). */
  readonly intervalMs?: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/** Remembered trade ids are kept this long (a stream event older than that is not expected). */
const TRADE_MEMORY_MS = 24 * 60 * 60 * 1000;

export interface PassResult {
  readonly lookedUp: number;
  readonly reported: number;
}

export class Reconciler {
  readonly #o: ReconcilerOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PassResult> | undefined;
  #closed = false;
  /** Orders looked up and reports queued by lookups, since start (tests, health). */
  lookups = 0;
  reported = 0;

  constructor(options: ReconcilerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Looks up every open order now, then the stale ones periodically. */
  start(): Promise<PassResult> {
    const first = this.pass({ all: true });
    const every = this.#o.intervalMs ?? Math.min(5000, Math.max(1000, Math.floor(this.#o.staleAfterMs / 6)));
    this.#timer = setInterval(() => void this.pass({ all: false }).catch(() => undefined), every);
    this.#timer.unref();
    return first;
  }

  /** One pass over all open orders (`all`) or the stale ones; a pass already running is shared. */
  pass(options: { all: boolean }): Promise<PassResult> {
    this.#running ??= this.#pass(options.all).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #pass(all: boolean): Promise<PassResult> {
    const orders = this.#o.outbox.openOrders(all ? undefined : this.#now() - this.#o.staleAfterMs);
    let reported = 0;
    for (const order of orders) {
      if (this.#closed) break;
      try {
        reported += await this.reconcile(order);
      } catch (err) {
        this.#o.log.warn("could not look up a live order at the venue; trying again later", { userId: order.userId, venue: order.venue, clientOrderId: order.clientOrderId, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    if (!this.#closed) this.#o.outbox.prune(this.#now() - TRADE_MEMORY_MS);
    if (orders.length > 0) this.#o.log.info("reconciled open live orders", { lookedUp: orders.length, reported, after: all ? "start" : "staleness" });
    return { lookedUp: orders.length, reported };
  }

  /** Looks one order up and reports what the edge has not been told; returns the reports queued. */
  async reconcile(order: TrackedOrder): Promise<number> {
    let exchange: ReconcilableExchange;
    try {
      exchange = await this.#o.exchangeFor(order.userId, order.venue as LiveVenue);
    } catch (err) {
      if (!(err instanceof NoKeysError)) throw err;
      this.#o.log.warn("open live order of a user without keys; no longer tracked", { userId: order.userId, venue: order.venue, clientOrderId: order.clientOrderId });
      this.#o.outbox.forget(order);
      return 0;
    }
    this.lookups++;
    const venueOrder = await exchange.queryOrder({ symbol: order.symbol, clientOrderId: order.clientOrderId });
    if (!venueOrder) {
      this.#o.log.warn("the venue does not know a tracked live order; no longer tracked", { userId: order.userId, venue: order.venue, clientOrderId: order.clientOrderId });
      this.#o.outbox.forget(order);
      return 0;
    }
    const base: Omit<ExecutionReport, "executionType"> = {
      userId: order.userId,
      venue: order.venue,
      clientOrderId: order.clientOrderId,
      venueOrderId: venueOrder.orderId,
      symbol: venueOrder.symbol,
      status: venueOrder.status,
      executedQty: venueOrder.executedQty,
      eventTime: venueOrder.updateTime,
    };
    let queued = 0;
    if (/[1-9]/.test(venueOrder.executedQty)) {
      const known = this.#o.outbox.reportedTrades(order);
      const trades = (await exchange.orderTrades({ symbol: venueOrder.symbol, orderId: venueOrder.orderId })).filter((t) => !known.has(t.tradeId)).sort((a, b) => a.time - b.time);
      for (const t of trades) {
        const fill = { tradeId: t.tradeId, price: t.price, quantity: t.quantity, commission: t.commission, commissionAsset: t.commissionAsset };
        if (this.#o.reporter.push({ ...base, executionType: "TRADE", eventTime: t.time, fill })) queued++;
      }
    }
    if (queued > 0 || venueOrder.status !== order.status) {
      if (this.#o.reporter.push({ ...base, executionType: "RECONCILED" })) queued++;
    } else {
      this.#o.outbox.touch(order);
    }
    if (queued > 0) this.#o.log.info("live order reconciled from the venue", { userId: order.userId, venue: order.venue, clientOrderId: order.clientOrderId, status: venueOrder.status, reports: queued });
    this.reported += queued;
    return queued;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
