/**
 * Live orders of a UserAccount: the account's `mode` (paper by default; live on one venue once the
 * user's keys are stored there), placement through the bridge, and the venue's updates applied
 * back to the order.
 *
 * Discipline (the same as the outbox's): an order is written first — the `orders` row in
 * `pending_new` and a `live_orders` row in state `submit`, in one transaction — and sent after.
 * A send that fails or times out leaves the row due; the alarm sends it again with the SAME
 * client order id (the DO's order id) and `attempt > 0`, and the bridge looks the order up at the
 * venue before it would place it, so an order never reaches the venue twice. Cancels go the same
 * way (state `cancel`).
 *
 * Updates arrive from the bridge (`POST /bridge/executions` at the edge -> `applyExecutions`):
 * a fill is applied once by its venue trade id (`live_fills`), moves the order through core's
 * state machine and emits the same `order.filled` event as a paper fill; status-only updates
 * accept, cancel, expire or reject the order. Live fills do not touch the paper ledger (balance,
 * positions): they build the live ledger (account/live-ledger.ts: positions, realized PnL, fees
 * in the venue's fee asset); the venue's account is the truth for live balances.
 */
import { abs, fmt, mulDiv, orderRuleChecks, transition, units, type Brackets, type OrderEvent, type OrderStatus, type RiskSettings, type RuleViolation } from "@bot-core/core";
import { z } from "zod";
import type { Env } from "../../../workers/api/src/env";
import { bridgeFetch } from "../bridge-fetch";
import { LiveLedger, type LiveAccountView } from "./live-ledger";
import { checkVenueFilters, venueRules, VenueRulesUnavailableError } from "./venue-rules";
import type { FireResult, TriggerFire, TriggerWire } from "../trigger-wire";
import { fail, orderView, rejected, type Admission, type Failure, type OrderResult, type OrderRow, type OrderView, type RateLimits } from "./views";
import type { PlaceOrderRequest } from "@bot-core/core";
import { marketFeedOf } from "../market-feed";

export const LIVE_VENUES = ["binance-spot", "binance-usdm"] as const;
export type LiveVenue = (typeof LIVE_VENUES)[number];
export type TradingMode = { mode: "paper" } | { mode: "live"; venue: LiveVenue };

/** One update of a live order from the venue (the bridge's ExecutionReport). */
export const ExecutionReport = z.strictObject({
  userId: z.string().min(1).max(128),
  venue: z.enum(LIVE_VENUES),
  clientOrderId: z.string().min(1).max(64),
  venueOrderId: z.string().min(1).max(64),
  symbol: z.string().regex(/^[A-Z0-9]{2,20}$/),
  status: z.enum(["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "PENDING_CANCEL", "REJECTED", "EXPIRED", "EXPIRED_IN_MATCH"]),
  executedQty: z.string().regex(/^\d+(\.\d+)?$/),
  executionType: z.string().min(1).max(32),
  eventTime: z.number().int().nonnegative(),
  fill: z
    .strictObject({
      tradeId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
      price: z.string().regex(/^\d+(\.\d+)?$/),
      quantity: z.string().regex(/^\d+(\.\d+)?$/),
      commission: z.string().regex(/^\d+(\.\d+)?$/),
      commissionAsset: z.string().max(20).nullable(),
    })
    .optional(),
});
export type ExecutionReport = z.infer<typeof ExecutionReport>;

/** The bridge's answer to a placement or cancel: the venue's order. */
const VenueOrder = z.looseObject({ orderId: z.string().min(1).max(64), status: ExecutionReport.shape.status, executedQty: ExecutionReport.shape.executedQty });

export interface LiveHooks {
  userId(): string;
  /** After a change: push events, schedule the outbox drain. */
  changed(): void;
  wakeAt(at: number): Promise<void>;
  admit(limits: RateLimits): Admission;
  /** Seconds to wait when the trades/min bucket is empty. */
  takeTradeToken(perMinute: number, now: number): number | undefined;
  /** Rows were written to `trigger_sync`: deliver them to the symbols' hubs. */
  syncTriggers(): void;
  /** The account's risk settings: the kill switch and the open-position cap hold for live money too. */
  riskSettings(): Pick<RiskSettings, "tradingEnabled" | "maxOpenPositions">;
}

export interface LivePlaceInput {
  order: PlaceOrderRequest;
  idempotencyKey?: string;
  requestHash: string;
  quote: { bid: string; ask: string };
  tradesPerMinute: number;
  requestLimits?: RateLimits;
}

/**
 * `armed`: a protective order of a live entry, resting in the symbol hub's trigger book (nothing
 * at the venue yet); when it fires it becomes `submit` like any other live order.
 */
type LiveRow = { order_id: string; venue: LiveVenue; symbol: string; state: "submit" | "placed" | "cancel" | "done" | "armed"; attempts: number; next_at: number };

/** A hub price older than this does not mark a live position (as for paper positions). */
const MARK_MAX_AGE_MS = 10_000;
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 60_000;
/** How long a request waits for the venue's first answer before the order is returned pending. */
const SEND_TIMEOUT_MS = 8000;


export class LiveExecution {
  private readonly inflight = new Set<string>();
  readonly ledger: LiveLedger;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly hooks: LiveHooks,
  ) {
    this.ledger = new LiveLedger(ctx.storage.sql);
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  /** The account's mode, read once per instance (only `setMode` changes it): every order asks. */
  private modeCache: TradingMode | undefined;

  mode(): TradingMode {
    if (this.modeCache) return this.modeCache;
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'trading_mode'").toArray()[0];
    const venue = row?.value.startsWith("live:") ? row.value.slice(5) : undefined;
    this.modeCache = venue && (LIVE_VENUES as readonly string[]).includes(venue) ? { mode: "live", venue: venue as LiveVenue } : { mode: "paper" };
    return this.modeCache;
  }

  /** The caller (the edge) has checked that keys are stored for a live venue. */
  setMode(mode: TradingMode): TradingMode {
    const value = mode.mode === "live" ? `live:${mode.venue}` : "paper";
    this.modeCache = undefined;
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('trading_mode', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", value);
    this.sql.exec("INSERT INTO events (type, payload, ts) VALUES ('settings.updated', ?, ?)", JSON.stringify({ tradingMode: mode }), Date.now());
    this.hooks.changed();
    return this.mode();
  }

  /** The live ledger, each open position marked to the feed's last price when that is fresh. */
  async account(): Promise<LiveAccountView> {
    const symbols = this.ledger.openSymbols();
    if (symbols.length > 0) {
      const now = Date.now();
      const tickers = await Promise.all(symbols.map((s) => marketFeedOf(this.env).quote(s).catch(() => null)));
      this.ctx.storage.transactionSync(() => {
        symbols.forEach((s, i) => {
          const t = tickers[i];
          if (t && now - t.eventTime <= MARK_MAX_AGE_MS) this.ledger.mark(s, units(t.price));
        });
      });
    }
    const mode = this.mode();
    const openOrders = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM orders o JOIN live_orders l ON l.order_id = o.id WHERE o.status IN ('pending_new', 'open', 'partially_filled')").one().n;
    return this.ledger.view(mode.mode === "live" ? mode.venue : null, openOrders);
  }

  owns(orderId: string): boolean {
    return this.sql.exec("SELECT 1 FROM live_orders WHERE order_id = ?", orderId).toArray().length > 0;
  }

  async place(input: LivePlaceInput, venue: LiveVenue): Promise<OrderResult> {
    let admission: Admission | undefined;
    if (input.requestLimits) {
      admission = this.hooks.admit(input.requestLimits);
      if (!admission.allowed) return { ...fail(429, "rate_limited", `too many requests; retry in ${admission.retryAfterSec} s`), retryAfterSec: admission.retryAfterSec, admission };
    }
    const withAdmission = (r: OrderResult): OrderResult => (admission ? { ...r, admission } : r);
    const o = input.order;
    const unsupported: RuleViolation[] = [];
    if (o.type !== "market" && o.type !== "limit") unsupported.push({ rule: "LIVE_ORDER_TYPE", message: `live orders are market or limit; ${o.type} runs on paper only` });
    if (o.trailingStop) unsupported.push({ rule: "LIVE_TRAILING_STOP", message: "attached trailing stops run on paper only" });
    if ((o.stopLoss !== undefined || o.takeProfit !== undefined) && o.reduceOnly) unsupported.push({ rule: "LIVE_ATTACHED", message: "a reduce-only order cannot carry a stop-loss/take-profit" });
    if (o.quantity === undefined) unsupported.push({ rule: "LIVE_QUANTITY", message: "a live order needs an explicit quantity" });
    if (o.reduceOnly && venue !== "binance-usdm") unsupported.push({ rule: "LIVE_REDUCE_ONLY", message: "reduce-only exists on USD-M futures only" });
    if (unsupported.length) return withAdmission(rejected("live_order_unsupported", unsupported));

    let rules;
    try {
      rules = (await venueRules(this.env, venue))[o.symbol];
    } catch (err) {
      if (err instanceof VenueRulesUnavailableError) return withAdmission({ ...fail(503, "venue_rules_unavailable", err.message), retryAfterSec: 5 });
      throw err;
    }
    if (!rules) return withAdmission(fail(404, "unknown_symbol", `${o.symbol} is not traded on ${venue}`));
    const quantity = fmt(units(o.quantity!));
    const price = o.price !== undefined ? fmt(units(o.price)) : undefined;
    const reference = price ?? (o.side === "buy" ? input.quote.ask : input.quote.bid);
    const violations = checkVenueFilters(rules, { quantity, ...(price ? { price } : {}), referencePrice: reference });
    violations.push(...bracketViolations(rules.tickSize, o.side, reference, o.stopLoss, o.takeProfit));
    const brackets: Brackets | null =
      o.stopLoss !== undefined || o.takeProfit !== undefined
        ? { ...(o.stopLoss !== undefined ? { stopLoss: fmt(units(o.stopLoss)) } : {}), ...(o.takeProfit !== undefined ? { takeProfit: fmt(units(o.takeProfit)) } : {}) }
        : null;
    if (violations.length) return withAdmission(rejected("symbol_rule_violation", violations));

    // The pipeline's checks that need no equity (the venue holds the live money): the kill switch,
    // the open-position cap, signal confidence, stop/target sides and risk-reward. An order that
    // takes risk off the live position passes the entry checks, as on paper.
    const held = this.ledger.positionQty(venue, o.symbol);
    const signed = o.side === "buy" ? units(quantity) : -units(quantity);
    const increases = !o.reduceOnly && abs(held + signed) > abs(held);
    const refused = orderRuleChecks({
      side: o.side,
      entry: units(reference),
      ...(o.stopLoss !== undefined ? { stopLoss: units(o.stopLoss) } : {}),
      ...(o.takeProfit !== undefined ? { takeProfit: units(o.takeProfit) } : {}),
      ...(o.signal ? { confidence: o.signal.confidence } : {}),
      settings: this.hooks.riskSettings(),
      openPositions: this.ledger.openPositionCount(venue),
      opensNewPosition: held === 0n,
      increasesExposure: increases,
    }).filter((c) => !c.passed);
    if (refused.length) {
      return withAdmission(rejected("risk_rejected", refused.map(({ rule, message }) => ({ rule, message }))));
    }

    const now = Date.now();
    const result = this.ctx.storage.transactionSync((): OrderResult => {
      if (input.idempotencyKey) {
        const prior = this.sql.exec<{ request_hash: string; order_id: string }>("SELECT request_hash, order_id FROM idempotency WHERE key = ?", input.idempotencyKey).toArray()[0];
        if (prior) {
          if (prior.request_hash !== input.requestHash) return fail(409, "idempotency_key_reused", "this Idempotency-Key was used for a different request");
          const row = this.row(prior.order_id);
          if (row) return { ok: true, order: orderView(row), replayed: true };
        }
      }
      if (!o.reduceOnly) {
        const wait = this.hooks.takeTradeToken(input.tradesPerMinute, now);
        if (wait !== undefined) return { ...fail(429, "rate_limited", `at most ${input.tradesPerMinute} orders per minute; retry in ${wait} s`), retryAfterSec: wait };
      }
      const id = crypto.randomUUID();
      const tif = o.type === "limit" ? (o.timeInForce ?? "GTC") : null;
      this.sql.exec(
        `INSERT INTO orders (id, client_order_id, symbol, side, type, status, qty, filled_qty, avg_price, fee, realized_pnl, created_at, updated_at, price, time_in_force, reduce_only, reason, brackets, oco_group)
         VALUES (?, ?, ?, ?, ?, 'pending_new', ?, '0', NULL, '0', '0', ?, ?, ?, ?, ?, ?, ?, ?)`,
        id, o.clientOrderId ?? null, o.symbol, o.side, o.type, units(quantity).toString(), now, now, price !== undefined ? units(price).toString() : null, tif, o.reduceOnly ? 1 : 0, `live on ${venue}`,
        brackets ? JSON.stringify(brackets) : null, brackets ? id : null,
      );
      this.sql.exec("INSERT INTO live_orders (order_id, venue, symbol, state, attempts, next_at) VALUES (?, ?, ?, 'submit', 0, ?)", id, venue, o.symbol, now);
      if (input.idempotencyKey) this.sql.exec("INSERT INTO idempotency (key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?)", input.idempotencyKey, input.requestHash, id, now);
      const row = this.row(id)!;
      this.record(row, now);
      return { ok: true, order: orderView(row), replayed: false };
    });
    if (!result.ok || result.replayed) return withAdmission(result);
    this.hooks.changed();
    await this.send(result.order.orderId);
    return withAdmission({ ...result, order: orderView(this.row(result.order.orderId)!) });
  }

  /** Asks the venue to cancel; the order changes when the venue says so. */
  async cancel(orderId: string): Promise<{ ok: true; order: OrderView } | Failure> {
    const row = this.row(orderId);
    const live = this.liveRow(orderId);
    if (!row || !live) return fail(404, "order_not_found", "order not found");
    if (live.state === "armed") {
      // A protective order still in the trigger book: nothing is at the venue.
      this.ctx.storage.transactionSync(() => this.disarm(row, Date.now(), "canceled by the user"));
      this.afterTriggerChanges();
      this.hooks.changed();
      return { ok: true, order: orderView(this.row(orderId)!) };
    }
    if (row.status !== "pending_new" && row.status !== "open" && row.status !== "partially_filled") return fail(409, "order_not_cancelable", `the order is ${row.status}; only working orders can be canceled`);
    const now = Date.now();
    if (live.state === "submit" && live.attempts === 0 && !this.inflight.has(orderId)) {
      // Never sent: it cannot be at the venue.
      this.ctx.storage.transactionSync(() => {
        this.sql.exec("UPDATE live_orders SET state = 'done' WHERE order_id = ?", orderId);
        this.setStatus(row, "expire", now, "canceled before it was sent to the venue");
      });
      this.hooks.changed();
      return { ok: true, order: orderView(this.row(orderId)!) };
    }
    this.sql.exec("UPDATE live_orders SET state = 'cancel', next_at = ? WHERE order_id = ?", now, orderId);
    await this.send(orderId);
    return { ok: true, order: orderView(this.row(orderId)!) };
  }

  /** Sends every due placement and cancel (the alarm); sets the alarm for the next one due. */
  async flush(): Promise<void> {
    const due = this.sql.exec<{ order_id: string }>("SELECT order_id FROM live_orders WHERE state IN ('submit', 'cancel') AND next_at <= ? LIMIT 50", Date.now()).toArray();
    for (const r of due) await this.send(r.order_id);
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const next = this.sql.exec<{ t: number | null }>("SELECT MIN(next_at) AS t FROM live_orders WHERE state IN ('submit', 'cancel')").one().t;
    if (next !== null) void this.hooks.wakeAt(Math.max(next, Date.now() + 50));
  }

  private async send(orderId: string): Promise<void> {
    if (this.inflight.has(orderId)) return;
    const live = this.liveRow(orderId);
    const row = this.row(orderId);
    if (!live || !row || (live.state !== "submit" && live.state !== "cancel")) return;
    this.inflight.add(orderId);
    // Counted before the request leaves: any later send of this order is a resend (looked up first).
    this.sql.exec("UPDATE live_orders SET attempts = attempts + 1, next_at = ? WHERE order_id = ?", Date.now() + backoff(live.attempts), orderId);
    try {
      const userId = this.hooks.userId();
      const body =
        live.state === "submit"
          ? {
              path: "/v1/orders",
              json: {
                userId,
                venue: live.venue,
                attempt: live.attempts,
                order: {
                  symbol: row.symbol,
                  side: row.side === "buy" ? "BUY" : "SELL",
                  type: row.type === "limit" ? "LIMIT" : "MARKET",
                  quantity: fmt(BigInt(row.qty)),
                  ...(row.price !== null ? { price: fmt(BigInt(row.price)) } : {}),
                  ...(row.type === "limit" ? { timeInForce: row.time_in_force ?? "GTC" } : {}),
                  // Spot has no reduce-only flag: a protective order's quantity is capped at the live position when it fires.
                  ...(row.reduce_only === 1 && live.venue === "binance-usdm" ? { reduceOnly: true } : {}),
                  clientOrderId: orderId,
                },
              },
            }
          : { path: "/v1/orders/cancel", json: { userId, venue: live.venue, symbol: row.symbol, clientOrderId: orderId } };
      let res: Response;
      try {
        res = await bridgeFetch(this.env, body.path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body.json), signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
      } catch {
        return this.scheduleNext(); // unknown: the alarm resends (looked up first)
      }
      const payload = (await res.json().catch(() => null)) as { order?: unknown; error?: { code?: string; message?: string } } | null;
      if (res.ok && payload?.order) {
        const order = VenueOrder.safeParse(payload.order);
        if (order.success) {
          this.applyExecutions([{ userId, venue: live.venue, clientOrderId: orderId, venueOrderId: order.data.orderId, symbol: row.symbol, status: order.data.status, executedQty: order.data.executedQty, executionType: live.state === "submit" ? "PLACEMENT" : "CANCEL", eventTime: Date.now() }]);
        }
        if (live.state === "cancel") this.sql.exec("UPDATE live_orders SET state = CASE WHEN state = 'cancel' THEN 'placed' ELSE state END WHERE order_id = ?", orderId);
        return;
      }
      if (live.state === "submit" && (res.status === 422 || res.status === 409 || res.status === 400)) {
        // Final: the venue (or its filters) refused it, or the user has no keys there.
        const message = payload?.error?.message ?? `refused (${res.status})`;
        this.ctx.storage.transactionSync(() => {
          this.sql.exec("UPDATE live_orders SET state = 'done' WHERE order_id = ?", orderId);
          const current = this.row(orderId)!;
          if (current.status === "pending_new") this.setStatus(current, "reject", Date.now(), `${payload?.error?.code ?? "rejected"}: ${message}`.slice(0, 500));
        });
        this.hooks.changed();
        return;
      }
      if (live.state === "cancel" && (res.status === 404 || res.status === 422 || res.status === 400)) {
        this.sql.exec("UPDATE live_orders SET state = 'placed' WHERE order_id = ?", orderId);
        return;
      }
      this.scheduleNext();
    } finally {
      this.inflight.delete(orderId);
    }
  }

  /**
   * Applies venue updates to live orders: each fill once (by venue trade id), status changes
   * through the state machine. Unknown orders are counted and skipped.
   */
  applyExecutions(reports: readonly ExecutionReport[]): { applied: number; duplicates: number; unknown: number } {
    let applied = 0;
    let duplicates = 0;
    let unknown = 0;
    this.ctx.storage.transactionSync(() => {
      for (const r of reports) {
        const live = this.liveRow(r.clientOrderId);
        let row = this.row(r.clientOrderId);
        if (!live || !row || live.venue !== r.venue) {
          unknown++;
          continue;
        }
        const now = Date.now();
        if (live.state === "submit") this.sql.exec("UPDATE live_orders SET state = 'placed' WHERE order_id = ?", row.id);
        if (r.fill) {
          const tradeKey = `${r.venue}:${r.symbol}:${r.fill.tradeId}`;
          const fresh = this.sql.exec("INSERT INTO live_fills (trade_key, order_id, ts) VALUES (?, ?, ?) ON CONFLICT (trade_key) DO NOTHING RETURNING trade_key", tradeKey, row.id, now).toArray().length > 0;
          if (!fresh || !canFill(row.status)) {
            duplicates++;
            continue;
          }
          row = this.fill(row, r.venue, tradeKey, r.fill, now);
          this.afterFill(row, r.venue, now);
          applied++;
          continue;
        }
        const event = statusEvent(row.status, r.status);
        if (!event) {
          duplicates++;
          continue;
        }
        if (event === "cancel" && row.status === "pending_new") row = this.setStatus(row, "accept", now);
        row = this.setStatus(row, event, now, event === "accept" ? null : `${r.status.toLowerCase()} at ${r.venue}`);
        applied++;
      }
      for (const r of reports) {
        const row = this.row(r.clientOrderId);
        if (row && ["filled", "canceled", "rejected", "expired"].includes(row.status)) this.sql.exec("UPDATE live_orders SET state = 'done' WHERE order_id = ?", row.id);
      }
    });
    if (applied > 0) this.hooks.changed();
    this.afterTriggerChanges();
    return { applied, duplicates, unknown };
  }

  // ---------------------------------------------------------------------------------------------
  // Protective orders of live entries (attached stopLoss / takeProfit)
  //
  // They rest in the symbol hub's trigger book like paper brackets (armed and resized with the
  // entry's fills); nothing is at the venue until one fires. A fire turns it into a live MARKET
  // order for the live position's size (reduce-only on USD-M), sent through the same path as any
  // live order with the protective order's id as client order id — a fire is applied once
  // (version + fire number), so one firing is one order at the venue — and cancels its OCO sibling.

  private triggerQueued = false;

  /** Arms or resizes the protective orders of a live entry after its fill; cancels them when the position is flat. */
  private afterFill(entry: OrderRow, venue: LiveVenue, now: number): void {
    if (entry.brackets && entry.reduce_only === 0) {
      const b = JSON.parse(entry.brackets) as Brackets;
      const filled = BigInt(entry.filled_qty);
      const exit = entry.side === "buy" ? "sell" : "buy";
      const children = this.sql.exec<OrderRow>("SELECT * FROM orders WHERE parent_id = ?", entry.id).toArray();
      const wanted: Array<{ type: "stop_market" | "take_profit_market"; stop: string }> = [];
      if (b.stopLoss) wanted.push({ type: "stop_market", stop: b.stopLoss });
      if (b.takeProfit) wanted.push({ type: "take_profit_market", stop: b.takeProfit });
      for (const w of wanted) {
        const child = children.find((c) => c.type === w.type);
        if (!child) {
          const id = crypto.randomUUID();
          this.sql.exec(
            `INSERT INTO orders (id, client_order_id, symbol, side, type, status, qty, filled_qty, avg_price, fee, realized_pnl, created_at, updated_at, stop_price, reduce_only, parent_id, oco_group, reason)
             VALUES (?, NULL, ?, ?, ?, 'pending_new', ?, '0', NULL, '0', '0', ?, ?, ?, 1, ?, ?, ?)`,
            id, entry.symbol, exit, w.type, filled.toString(), now, now, units(w.stop).toString(), entry.id, entry.id, `live on ${venue}`,
          );
          this.sql.exec("INSERT INTO live_orders (order_id, venue, symbol, state, attempts, next_at) VALUES (?, ?, ?, 'armed', 0, ?)", id, venue, entry.symbol, now);
          this.queueTrigger(this.setStatus(this.row(id)!, "accept_stop", now));
        } else if (child.status === "pending_trigger" && BigInt(child.qty) !== filled) {
          this.sql.exec("UPDATE orders SET qty = ?, version = version + 1, updated_at = ? WHERE id = ?", filled.toString(), now, child.id);
          this.queueTrigger(this.setStatus(this.row(child.id)!, "amend", now));
        }
      }
    }
    if (this.ledger.positionQty(venue, entry.symbol) === 0n) {
      const guards = this.sql.exec<OrderRow>("SELECT o.* FROM orders o JOIN live_orders l ON l.order_id = o.id WHERE l.state = 'armed' AND l.venue = ? AND o.symbol = ?", venue, entry.symbol).toArray();
      for (const g of guards) this.disarm(g, now, "the live position was closed");
    }
  }

  /** A protective order's trigger fired in its symbol hub (exactly once per fire number and version). */
  onTrigger(fire: TriggerFire): FireResult {
    const result = this.ctx.storage.transactionSync((): FireResult => {
      const row = this.row(fire.orderId);
      const live = this.liveRow(fire.orderId);
      if (!row || !live || live.state !== "armed" || row.status !== "pending_trigger") return { done: true, stale: true, register: [], cancel: [] };
      if (row.version !== fire.version) return { done: false, stale: true, register: [], cancel: [] };
      if (fire.fireSeq <= row.last_fire) return { done: true, stale: true, register: [], cancel: [] };
      const now = Date.now();
      this.sql.exec("UPDATE orders SET last_fire = ? WHERE id = ?", fire.fireSeq, row.id);
      this.ledger.mark(row.symbol, units(fire.tick.price));
      const held = this.ledger.positionQty(live.venue, row.symbol);
      const reducible = held !== 0n && (row.side === "sell") === held > 0n ? abs(held) : 0n;
      if (reducible === 0n) {
        this.disarm({ ...row, last_fire: fire.fireSeq }, now, "no open live position left to reduce");
        return { done: true, register: [], cancel: [] };
      }
      if (reducible < BigInt(row.qty)) this.sql.exec("UPDATE orders SET qty = ? WHERE id = ?", reducible.toString(), row.id);
      this.setStatus(this.row(row.id)!, "trigger", now, `${row.type === "stop_market" ? "stop-loss" : "take-profit"} at ${fire.price} fired on ${fmt(units(fire.tick.price))}: market order sent to ${live.venue}`);
      this.sql.exec("UPDATE live_orders SET state = 'submit', attempts = 0, next_at = ? WHERE order_id = ?", now, row.id);
      const cancel: string[] = [];
      if (row.oco_group) {
        const siblings = this.sql.exec<OrderRow>("SELECT o.* FROM orders o JOIN live_orders l ON l.order_id = o.id WHERE l.state = 'armed' AND o.oco_group = ? AND o.id != ?", row.oco_group, row.id).toArray();
        for (const sib of siblings) {
          this.disarm(sib, now, `OCO: ${row.type} ${row.id} fired`);
          cancel.push(sib.id);
        }
      }
      return { done: true, register: [], cancel };
    });
    if (!result.stale) {
      this.hooks.changed();
      this.afterTriggerChanges();
      void this.flush();
    }
    return result;
  }

  /** Cancels an armed protective order and takes it out of the trigger book (in the caller's transaction). */
  private disarm(row: OrderRow, now: number, reason: string): void {
    this.setStatus(row, "cancel", now, reason);
    this.sql.exec("UPDATE live_orders SET state = 'done' WHERE order_id = ?", row.id);
    this.syncRow(row.id, row.symbol, "remove", null);
  }

  private queueTrigger(row: OrderRow): void {
    const wire: TriggerWire = {
      orderId: row.id, userId: this.hooks.userId(), symbol: row.symbol, version: row.version,
      kind: row.type === "stop_market" ? "stop" : "take_profit", side: row.side, price: fmt(BigInt(row.stop_price!)),
    };
    this.syncRow(row.id, row.symbol, "register", JSON.stringify(wire));
  }

  private syncRow(orderId: string, symbol: string, op: "register" | "remove", spec: string | null): void {
    this.triggerQueued = true;
    this.sql.exec(
      "INSERT INTO trigger_sync (order_id, symbol, op, spec, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET op = excluded.op, spec = excluded.spec, created_at = excluded.created_at",
      orderId, symbol, op, spec, Date.now(),
    );
  }

  private afterTriggerChanges(): void {
    if (!this.triggerQueued) return;
    this.triggerQueued = false;
    this.hooks.syncTriggers();
  }

  private fill(row: OrderRow, venue: LiveVenue, tradeKey: string, f: NonNullable<ExecutionReport["fill"]>, now: number): OrderRow {
    const qty = units(f.quantity);
    const price = units(f.price);
    const commission = units(f.commission);
    const feeAsset = f.commissionAsset ?? "USDT";
    // The order's fee column is in USDT: a fee charged in another asset (BNB, …) stays in the ledger's per-asset fees.
    const quoteFee = feeAsset === "USDT" ? commission : 0n;
    const filledBefore = BigInt(row.filled_qty);
    const filledAfter = filledBefore + qty;
    const avgBefore = row.avg_price === null ? 0n : BigInt(row.avg_price);
    const avg = mulDiv(avgBefore * filledBefore + price * qty, 1n, filledAfter, "half-even");
    const event: OrderEvent = filledAfter >= BigInt(row.qty) ? "fill" : "partial_fill";
    const status = transition(row.status, event);
    const ledger = this.ledger.applyFill(venue, { symbol: row.symbol, side: row.side, qty, price, commission, commissionAsset: f.commissionAsset }, now);
    this.sql.exec(
      "UPDATE orders SET status = ?, filled_qty = ?, avg_price = ?, fee = ?, realized_pnl = ?, updated_at = ? WHERE id = ?",
      status, filledAfter.toString(), avg.toString(), (BigInt(row.fee) + quoteFee).toString(), (BigInt(row.realized_pnl) + ledger.realizedPnl).toString(), now, row.id,
    );
    this.sql.exec(
      "INSERT INTO fills (id, order_id, symbol, side, qty, price, fee, realized_pnl, ts, mode, fee_asset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'live', ?)",
      tradeKey, row.id, row.symbol, row.side, qty.toString(), price.toString(), commission.toString(), ledger.realizedPnl.toString(), now, feeAsset,
    );
    const updated = this.row(row.id)!;
    const view = orderView(updated);
    const userId = this.hooks.userId();
    const trade = { tradeId: tradeKey, orderId: row.id, userId, symbol: row.symbol, side: row.side, quantity: fmt(qty), price: fmt(price), fee: fmt(commission), feeAsset, realizedPnl: fmt(ledger.realizedPnl), time: new Date(now).toISOString(), mode: "live" as const };
    this.sql.exec("INSERT INTO events (type, payload, ts) VALUES ('order.filled', ?, ?)", JSON.stringify({ mode: "live", order: view, fill: { ...trade, venue }, position: ledger.position }), now);
    this.outbox([{ kind: "trade", recordId: tradeKey, payload: trade }, { kind: "order", recordId: row.id, payload: orderRecord(view, userId) }], now);
    return updated;
  }

  private setStatus(row: OrderRow, event: OrderEvent, now: number, reason?: string | null): OrderRow {
    const status: OrderStatus = transition(row.status, event);
    this.sql.exec("UPDATE orders SET status = ?, reason = COALESCE(?, reason), updated_at = ? WHERE id = ?", status, reason ?? null, now, row.id);
    const updated = this.row(row.id)!;
    this.record(updated, now);
    return updated;
  }

  /** The `order.updated` event and the order's outbox record. */
  private record(row: OrderRow, now: number): void {
    const view = orderView(row);
    this.sql.exec("INSERT INTO events (type, payload, ts) VALUES ('order.updated', ?, ?)", JSON.stringify({ order: view }), now);
    this.outbox([{ kind: "order", recordId: row.id, payload: orderRecord(view, this.hooks.userId()) }], now);
  }

  private outbox(records: Array<{ kind: "trade" | "order"; recordId: string; payload: unknown }>, now: number): void {
    this.sql.exec("INSERT INTO outbox (kind, record_id, payload, ts) VALUES ('records', ?, ?, ?)", records[0]!.recordId, JSON.stringify(records), now);
  }

  private row(orderId: string): OrderRow | undefined {
    return this.sql.exec<OrderRow>("SELECT * FROM orders WHERE id = ?", orderId).toArray()[0];
  }

  private liveRow(orderId: string): LiveRow | undefined {
    return this.sql.exec<LiveRow>("SELECT * FROM live_orders WHERE order_id = ?", orderId).toArray()[0];
  }
}

/** A live entry's stop must be on the losing side of its entry and its target on the winning side, on the venue's tick. */
export function bracketViolations(tickSize: string, side: "buy" | "sell", entry: string, stopLoss?: string, takeProfit?: string): RuleViolation[] {
  const out: RuleViolation[] = [];
  const e = units(entry);
  const tick = units(tickSize);
  const long = side === "buy";
  for (const [name, value, rule] of [["stop-loss", stopLoss, "STOP_SIDE"], ["take-profit", takeProfit, "TAKE_PROFIT_SIDE"]] as const) {
    if (value === undefined) continue;
    const v = units(value);
    if (tick > 0n && v % tick !== 0n) out.push({ rule: "PRICE_FILTER.tickSize", message: `${name} ${value} is not a multiple of the venue's tick ${tickSize}` });
    const wrongSide = rule === "STOP_SIDE" ? (long ? v >= e : v <= e) : long ? v <= e : v >= e;
    const where = (rule === "STOP_SIDE") === long ? "below" : "above";
    if (wrongSide) out.push({ rule, message: `a ${long ? "long" : "short"}'s ${name} must be ${where} the entry ${fmt(e)}` });
  }
  return out;
}

function backoff(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(attempts, 10));
}

function canFill(status: OrderStatus): boolean {
  return status === "pending_new" || status === "open" || status === "partially_filled";
}

/** The state machine event a venue status means for an order in `status`, or null (nothing to do). */
export function statusEvent(status: OrderStatus, venue: ExecutionReport["status"]): OrderEvent | null {
  switch (venue) {
    case "NEW":
    case "PARTIALLY_FILLED":
    case "FILLED":
    case "PENDING_CANCEL":
      // Fills move the order by themselves (each trade once); the status only confirms it.
      return status === "pending_new" ? "accept" : null;
    case "CANCELED":
      return status === "pending_new" || status === "open" || status === "partially_filled" ? "cancel" : null;
    case "EXPIRED":
    case "EXPIRED_IN_MATCH":
      return status === "pending_new" || status === "open" || status === "partially_filled" ? "expire" : null;
    case "REJECTED":
      return status === "pending_new" ? "reject" : null;
  }
}

function orderRecord(view: OrderView, userId: string) {
  return {
    orderId: view.orderId, userId, clientOrderId: view.clientOrderId, symbol: view.symbol, side: view.side, type: view.type, status: view.status,
    quantity: view.quantity, filledQuantity: view.filledQuantity, price: view.price, stopPrice: view.stopPrice, avgPrice: view.avgPrice,
    createdAt: view.createdAt, updatedAt: view.updatedAt,
  };
}
