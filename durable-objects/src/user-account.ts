/**
 * UserAccount: one per user. Owns the user's trading state in its own SQLite: settings,
 * balances, positions, orders, fills, the idempotency keys, the event log (per-user sequence
 * numbers) and the outbox drained to the system of record.
 *
 * Money is stored as integer strings of 1e-8 units (DO SQLite hands INTEGER columns to JS as
 * numbers, exact only up to 2^53 units ≈ 90M USDT). Every order, fill, cancel and amend runs in ONE
 * synchronous transaction with no await inside, so concurrent requests to one account are
 * serialized and can never overdraw it.
 *
 * Resting limit orders and armed stops live in the symbol's SymbolHub trigger book; the hub fires
 * them into `onTrigger`, which applies each fire at most once (trigger-wire.ts). Registrations for
 * the hubs are written to `trigger_sync` in the order's transaction and delivered after it (and
 * again by the alarm until a hub has them).
 */
import { DurableObject } from "cloudflare:workers";
import {
  abs,
  applyFill,
  assessRisk,
  checkPriceTicks,
  checkSymbolRules,
  emptyPosition,
  entryPrice,
  floorToStep,
  fmt,
  isWorking,
  marginFor,
  marketableLimitFill,
  mul,
  mulDiv,
  restingLimitFill,
  symbolRules,
  takeAll,
  takeToken,
  trailingStopPrice,
  transition,
  triggeredFillPrice,
  units,
  unrealizedPnl,
  utcDayStart,
  type BucketState,
  type OrderEvent,
  type OrderType,
  type PlaceOrderRequest,
  type AmendOrderRequest,
  type BotDecisionView,
  type BotSettingsUpdate,
  type BotSettingsView,
  type Position,
  type RiskReport,
  type RiskSettings,
  type RuleViolation,
  type Side,
  type SymbolRules,
  type Tick,
  type TriggerSpec,
  type Units,
} from "@bot-core/core";
import type { Env } from "../../workers/api/src/env";
import { MIGRATIONS } from "./account/schema";
import { AccountBot, type SignalDelivery } from "./account/bot";
import {
  fail,
  orderView,
  rejected,
  tradeView,
  type AccountHeader,
  type AccountView,
  type Admission,
  type Brackets,
  type Failure,
  type FillRow,
  type OrderResult,
  type Quote,
  type OrderRow,
  type OrderView,
  type PositionView,
  type RateLimits,
  type TradeView,
} from "./account/views";
import { bridgeFetch } from "./bridge-fetch";
import { rateLimitsOf } from "../../workers/api/src/middleware/rate-limit";
import { LiveExecution, type ExecutionReport, type TradingMode } from "./account/live-execution";
import type { LiveAccountView } from "./account/live-ledger";
import { migrate } from "./sql-migrations";
import { SingleFlight } from "./single-flight";
import { specFromWire, tickFromWire, wireFromSpec, type FireResult, type TickWire, type TriggerFire, type TriggerWire } from "./trigger-wire";
import { marketFeedOf } from "./market-feed";

export type { AccountHeader, AccountView, Admission, OrderResult, OrderView, PositionView, Quote, RateLimits, TradeView } from "./account/views";

/** Paper accounts start with this much USDT unless PAPER_STARTING_BALANCE (wrangler.toml) says otherwise. */
export const PAPER_STARTING_BALANCE = "10000";

/** The configured starting balance when it is a positive amount of at most 1e12 USDT with ≤ 8 decimals. */
export function startingBalance(configured: string | undefined): string {
  if (configured && /^\d{1,12}(\.\d{1,8})?$/.test(configured) && units(configured) > 0n) return configured;
  return PAPER_STARTING_BALANCE;
}
/** Binance's default taker fee: 0.1% (charged on every paper fill). */
export const TAKER_FEE_RATE = "0.001";
/** Outbox rows wait this long for company before a drain (one POST carries many orders). */
const DRAIN_DELAY_MS = 1000;
/** Longest wait between drain attempts while the bridge is down or refuses a batch. */
const DRAIN_MAX_BACKOFF_MS = 60_000;
/** Records per POST (the bridge accepts up to 500). */
const DRAIN_MAX_RECORDS = 400;
/** A hub price older than this is not used as a position's mark. */
const MARK_MAX_AGE_MS = 10_000;
/** How long after a failed delivery the alarm retries trigger registrations. */
const TRIGGER_SYNC_RETRY_MS = 1000;

/** One entry of the account's event log; `payload` is JSON text (sent to clients as it is). */
export interface StoredEvent {
  seq: number;
  type: string;
  ts: number;
  payload: string;
}

export interface PlaceOrderInput {
  order: PlaceOrderRequest;
  idempotencyKey?: string;
  /** Hash of the request body: a reused key with another body is refused. */
  requestHash: string;
  quote: Quote;
  /** Orders per minute allowed for this user. */
  tradesPerMinute: number;
  /**
   * When given, the request-rate admission happens inside this call (one RPC instead of two on
   * the order path); the admission comes back in the result for the RateLimit-* headers.
   */
  requestLimits?: RateLimits;
}

/** One UTC day's realized net; `net` is undefined before the day's first trade. */
interface DayState {
  day: number;
  net: Units | undefined;
  loss: Units;
  base: Units;
}

interface Settings extends RiskSettings {
  takerFeeRate: Units;
  maxLeverage: number;
}

type MarkedPosition = Position & { mark: Units };

interface Ledger {
  settings: Settings;
  wallet: Units;
  realizedPnl: Units;
  feesPaid: Units;
  positions: Map<string, MarkedPosition>;
  day: DayState;
}

/** Side effects of a fill on the trigger books. */
interface Effects {
  register: TriggerSpec[];
  cancel: string[];
}

const USDT = "USDT";
const WORKING = "('pending_trigger', 'open', 'partially_filled')";

const opposite = (side: Side): Side => (side === "buy" ? "sell" : "buy");

/** Free margin: wallet + unrealized PnL − margin held by positions − margin reserved by working orders. */
const freeMarginOf = (wallet: Units, e: { unrealized: Units; marginUsed: Units; orderMargin: Units }): Units => wallet + e.unrealized - e.marginUsed - e.orderMargin;

function quoteTick(q: Quote): Tick {
  const price = units(q.price);
  return { price, high: price, low: price, bid: units(q.bid), ask: units(q.ask), bidQty: units(q.bidQty), askQty: units(q.askQty), time: q.time };
}

export class UserAccount extends DurableObject<Env> {
  /** Request buckets live in memory: an evicted account was idle, and a fresh bucket is full. */
  private requestBuckets = new Map<string, BucketState>();
  private userIdCache: string | undefined;
  private readonly triggerSyncs = new SingleFlight();
  private triggerSyncDirty: boolean | undefined;
  private settingsCache: Settings | undefined;
  /** Settings and balance rows exist (they are never deleted). */
  private ledgerReady = false;
  /** The gateway shard holding the user's sockets, or null when none is open (cached `meta` rows). */
  private presenceCache: { shard: string | null; delivered: number } | undefined;
  private readonly pushes = new SingleFlight();
  private readonly drains = new SingleFlight();
  private drainBackoffMs = 0;
  /** The alarm this instance set (alarms are one per DO: never postpone an earlier one). */
  private alarmAt: number | undefined;
  private botInstance: AccountBot | undefined;
  /** The committed ledger, in memory between transactions (see `ledger`). */
  private ledgerState: Ledger | undefined;
  /** The persisted trade-rate bucket as last written (undefined: not read yet; null: none stored). */
  private tradeBucket: { tokens: number; updatedAt: number } | null | undefined;
  /** Live orders through the bridge (account/live-execution.ts); paper stays here. */
  private readonly live: LiveExecution;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.live = new LiveExecution(ctx, env, {
      userId: () => this.userId(),
      changed: () => this.pushEvents(),
      wakeAt: (at) => this.wakeAt(at),
      admit: (limits) => this.admitRequest(limits),
      takeTradeToken: (perMinute, now) => this.takeTradeToken(perMinute, now),
      syncTriggers: () => {
        this.triggerSyncDirty = true;
        void this.flushTriggerSync();
      },
      riskSettings: () => this.riskSettings(),
    });
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, MIGRATIONS);
      // Rows left by an earlier instance are drained by the alarm (set when they were written);
      // make sure one is set.
      if (ctx.storage.sql.exec("SELECT 1 FROM outbox LIMIT 1").toArray().length > 0 && (await ctx.storage.getAlarm()) === null) {
        await ctx.storage.setAlarm(Date.now() + DRAIN_DELAY_MS);
      }
    });
  }

  /**
   * Creates the account on registration with its paper balance; idempotent (a retry returns the
   * existing header). Returns a result rather than throwing across the RPC boundary.
   */
  open(input: { userId: string; createdAt: number }): { ok: true; header: AccountHeader } | { ok: false; error: "owned_by_another_user" } {
    const sql = this.ctx.storage.sql;
    this.transaction(() => {
      sql.exec(
        "INSERT INTO account (id, user_id, created_at, opened_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        input.userId,
        input.createdAt,
        Date.now(),
      );
      this.ensureLedger();
    });
    const header = this.header();
    if (!header) throw new Error("account row missing after open");
    if (header.userId !== input.userId) return { ok: false, error: "owned_by_another_user" };
    return { ok: true, header };
  }

  header(): AccountHeader | null {
    const row = this.ctx.storage.sql
      .exec<{ user_id: string; created_at: number; opened_at: number }>("SELECT user_id, created_at, opened_at FROM account WHERE id = 1")
      .toArray()[0];
    return row ? { userId: row.user_id, createdAt: row.created_at, openedAt: row.opened_at } : null;
  }

  /** Admits one API request under the per-minute and burst limits, or says when to retry. */
  admitRequest(limits: RateLimits, now = Date.now()): Admission {
    const rules = [
      { name: "minute", rule: { capacity: limits.requestsPerMinute, perMs: 60_000 } },
      { name: "burst", rule: { capacity: limits.burstPerSecond, perMs: 1000 } },
    ];
    const { allowed, results } = takeAll(rules, this.requestBuckets, now);
    if (allowed) for (const r of results) this.requestBuckets.set(r.name, r.result.state);
    const minute = results[0]!.result;
    const retryAfterMs = Math.max(...results.map((r) => r.result.retryAfterMs));
    return {
      allowed,
      limit: limits.requestsPerMinute,
      remaining: Math.min(...results.map((r) => r.result.remaining)),
      resetSec: Math.ceil(minute.resetMs / 1000),
      retryAfterSec: allowed ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000)),
      policy: `${limits.requestsPerMinute};w=60, ${limits.burstPerSecond};w=1`,
    };
  }

  /**
   * Places an order: admission, validation, risk, and — for a market or marketable limit order —
   * the paper fill, in one transaction. Resolves once any resting order or attached stop is armed
   * in the symbol's trigger book.
   */
  async placeOrder(input: PlaceOrderInput): Promise<OrderResult> {
    const mode = this.live.mode();
    if (mode.mode === "live") return this.live.place(input, mode.venue);
    const result = this.submitOrder(input);
    if (result.ok && !result.replayed) {
      this.pushEvents();
      if (this.hasPendingTriggerSync()) await this.flushTriggerSync();
    }
    return result;
  }

  /** placeOrder without waiting for the trigger books (the in-DO benchmark calls this). */
  submitOrder(input: PlaceOrderInput): OrderResult {
    if (!input.requestLimits) return this.executeOrder(input);
    const admission = this.admitRequest(input.requestLimits);
    if (!admission.allowed) {
      return { ...fail(429, "rate_limited", `too many requests; retry in ${admission.retryAfterSec} s`), retryAfterSec: admission.retryAfterSec, admission };
    }
    return { ...this.executeOrder(input), admission };
  }

  private executeOrder(input: PlaceOrderInput): OrderResult {
    return this.transaction((): OrderResult => {
      this.ensureLedger();
      const sql = this.ctx.storage.sql;
      const now = Date.now();
      const o = input.order;
      const reduceOnly = o.reduceOnly === true;

      if (input.idempotencyKey) {
        const prior = sql
          .exec<{ request_hash: string; order_id: string }>("SELECT request_hash, order_id FROM idempotency WHERE key = ?", input.idempotencyKey)
          .toArray()[0];
        if (prior) {
          if (prior.request_hash !== input.requestHash) {
            return fail(409, "idempotency_key_reused", "this Idempotency-Key was used for a different request");
          }
          const order = this.orderRow(prior.order_id);
          if (order) return { ok: true, order: orderView(order), replayed: true };
        }
      }

      // Every new order attempt counts against the trade limit (replays above do not), except
      // reduce-only orders: a trader must always be able to take risk off.
      if (!reduceOnly) {
        const retryAfterSec = this.takeTradeToken(input.tradesPerMinute, now);
        if (retryAfterSec !== undefined) {
          return { ...fail(429, "rate_limited", `at most ${input.tradesPerMinute} orders per minute; retry in ${retryAfterSec} s`), retryAfterSec };
        }
      }

      const rules = symbolRules(o.symbol);
      if (!rules) return fail(404, "unknown_symbol", `unknown symbol ${o.symbol}`);
      const quote = quoteTick(input.quote);
      const book = o.side === "buy" ? quote.ask : quote.bid;
      const limitPrice = o.price !== undefined ? units(o.price) : undefined;
      const stopPrice = o.stopPrice !== undefined ? units(o.stopPrice) : undefined;
      const stopLoss = o.stopLoss !== undefined ? units(o.stopLoss) : undefined;
      const takeProfit = o.takeProfit !== undefined ? units(o.takeProfit) : undefined;
      // The price the order is expected to enter at: its limit, its trigger, or the book.
      const entry = limitPrice ?? stopPrice ?? book;

      const violations: RuleViolation[] = checkPriceTicks(rules, { price: limitPrice, stopPrice, stopLoss, takeProfit });
      if (stopPrice !== undefined && (o.side === "buy" ? stopPrice <= quote.price : stopPrice >= quote.price)) {
        violations.push({
          rule: "STOP_PRICE",
          message: `a ${o.side} stop at ${fmt(stopPrice)} would trigger immediately: the last price is ${fmt(quote.price)} (a ${o.side} stop must be ${o.side === "buy" ? "above" : "below"} it)`,
        });
      }

      const ledger = this.ledger(now);
      const { settings, positions } = ledger;
      const current = positions.get(o.symbol) ?? { ...emptyPosition(o.symbol), mark: book };
      const working = this.workingRows();
      const before = this.exposure(positions, settings.leverage, working);
      const equity = ledger.wallet + before.unrealized;
      const freeMargin = freeMarginOf(ledger.wallet, before);

      // Sized by risk when only a stop is given.
      let qty = o.quantity !== undefined ? units(o.quantity) : undefined;
      if (qty === undefined) {
        const distance = stopLoss !== undefined ? abs(entry - stopLoss) : 0n;
        const budget = mulDiv(equity, units(settings.riskPerTradePct), units("100"), "down");
        qty = distance > 0n ? floorToStep(mulDiv(budget, 10n ** 8n, distance, "down"), rules) : 0n;
        if (qty === 0n) {
          violations.push({ rule: "POSITION_SIZE", message: `no quantity of ${rules.baseAsset} keeps the loss at the stop ${fmt(stopLoss ?? 0n)} within ${settings.riskPerTradePct}% of equity` });
          return rejected("risk_rejected", violations);
        }
      }

      violations.push(...checkSymbolRules(rules, qty, entry).filter((v) => !(reduceOnly && v.rule === "MIN_NOTIONAL")));
      if (violations.length) return rejected("symbol_rule_violation", violations);

      const simulated = applyFill(current, { side: o.side, qty, price: entry });
      const increases = abs(simulated.position.qty) > abs(current.qty);
      if (reduceOnly && (current.qty === 0n || (o.side === "buy") === current.qty > 0n)) {
        violations.push({ rule: "REDUCE_ONLY", message: `a reduce-only ${o.side} needs an open ${o.side === "buy" ? "short" : "long"} ${o.symbol} position (open: ${fmt(current.qty)})` });
      }

      // The exact margin this order needs: for an immediate fill, the change in free margin the
      // fill causes (netting against the position, marks moving to the fill price); for a resting
      // order, margin reserved on the part that would open new exposure.
      const fee = mul(mul(qty, entry, "half-even"), settings.takerFeeRate, "up");
      let marginNeeded: Units;
      if (o.type === "market") {
        const after = new Map(positions);
        after.set(o.symbol, { ...simulated.position, mark: book });
        const a = this.exposure(after, settings.leverage, working);
        const freeAfter = freeMarginOf(ledger.wallet + simulated.realizedPnl - fee, a);
        marginNeeded = freeMargin - freeAfter - fee;
      } else {
        marginNeeded = reduceOnly ? 0n : mulDiv(mul(simulated.openedQty, entry, "half-even"), 1n, BigInt(settings.leverage), "up");
      }
      const risk = assessRisk({
        side: o.side,
        entry,
        quantity: qty,
        ...(stopLoss !== undefined ? { stopLoss } : {}),
        ...(takeProfit !== undefined ? { takeProfit } : {}),
        ...(o.signal ? { confidence: o.signal.confidence } : {}),
        stepSize: units(rules.stepSize),
        settings,
        equity,
        freeMargin,
        openRisk: before.marginUsed,
        openPositions: this.openPositionCount(positions),
        opensNewPosition: current.qty === 0n && !reduceOnly,
        realizedLossToday: ledger.day.loss,
        dailyLossBase: ledger.day.base,
        feeRate: settings.takerFeeRate,
        increasesExposure: increases && !reduceOnly,
        marginNeeded,
      });
      violations.push(...risk.failedChecks.map((c) => ({ rule: c.rule, message: c.message })));
      if (violations.length) return rejected("risk_rejected", violations);

      // Accepted: the order row, then its execution.
      const brackets: Brackets | null =
        stopLoss !== undefined || takeProfit !== undefined || o.trailingStop
          ? {
              ...(o.stopLoss !== undefined ? { stopLoss: fmt(stopLoss!) } : {}),
              ...(o.takeProfit !== undefined ? { takeProfit: fmt(takeProfit!) } : {}),
              ...(o.trailingStop ? { trailingStopCallbackRatePct: fmt(units(o.trailingStop.callbackRatePct)) } : {}),
            }
          : null;
      const orderId = crypto.randomUUID();
      const userId = this.userId();
      // A market order fills at once: its row is written once, already filled (the
      // state machine still takes it pending_new -> filled).
      let row = this.insertOrder({
        id: orderId,
        clientOrderId: o.clientOrderId ?? null,
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        qty,
        price: limitPrice ?? null,
        stopPrice: stopPrice ?? null,
        callbackRate: null,
        timeInForce: o.type === "limit" || o.type === "stop_limit" ? (o.timeInForce ?? "GTC") : null,
        reduceOnly,
        parentId: null,
        ocoGroup: null,
        brackets,
        signalConfidence: o.signal?.confidence ?? null,
        now,
      }, o.type !== "market");
      if (o.type === "market") {
        row = this.execute(row, qty, book, now, ledger, undefined, true);
      } else if (o.type === "limit") {
        const m = marketableLimitFill(o.side, limitPrice!, qty, quote, units(rules.stepSize));
        const tif = o.timeInForce ?? "GTC";
        if (tif === "FOK" && (!m || m.qty < qty)) {
          row = this.setStatus(row, "expire", now, `FOK: the book shows ${fmt(o.side === "buy" ? quote.askQty : quote.bidQty)} at ${fmt(book)}, not the whole ${fmt(qty)} at ${fmt(limitPrice!)} or better`);
        } else {
          if (m) row = this.execute(row, m.qty, m.price, now, ledger);
          if (isWorking(row.status) || row.status === "pending_new") {
            if (tif === "IOC") row = this.setStatus(row, "expire", now, "IOC: the rest was not fillable at once");
            else {
              if (row.status === "pending_new") row = this.setStatus(row, "accept", now);
              this.queueTrigger(this.triggerOf(row, userId));
            }
          }
        }
      } else {
        row = this.setStatus(row, "accept_stop", now);
        this.queueTrigger(this.triggerOf(row, userId));
      }

      if (input.idempotencyKey) {
        sql.exec("INSERT INTO idempotency (key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?)", input.idempotencyKey, input.requestHash, orderId, now);
      }
      return { ok: true, order: orderView(row), replayed: false };
    });
  }

  /** Cancels a working order (and disarms its trigger). */
  async cancelOrder(orderId: string): Promise<{ ok: true; order: OrderView } | Failure> {
    if (this.live.owns(orderId)) return this.live.cancel(orderId);
    const result = this.transaction((): { ok: true; order: OrderView } | Failure => {
      const row = this.orderRow(orderId);
      if (!row) return fail(404, "order_not_found", "order not found");
      if (!isWorking(row.status)) return fail(409, "order_not_cancelable", `the order is ${row.status}; only working orders can be canceled`);
      const next = this.setStatus(row, "cancel", Date.now(), "canceled by the user");
      this.queueRemoval(next);
      return { ok: true, order: orderView(next) };
    });
    this.pushEvents();
    if (this.hasPendingTriggerSync()) await this.flushTriggerSync();
    return result;
  }

  /** Changes a working order's quantity or prices; the trigger book gets the new version. */
  async amendOrder(orderId: string, patch: AmendOrderRequest): Promise<{ ok: true; order: OrderView } | Failure> {
    if (this.live.owns(orderId)) return fail(409, "order_not_amendable", "a live order is amended by canceling it and placing a new one");
    const result = this.transaction((): { ok: true; order: OrderView } | Failure => {
      const row = this.orderRow(orderId);
      if (!row) return fail(404, "order_not_found", "order not found");
      if (!isWorking(row.status)) return fail(409, "order_not_amendable", `the order is ${row.status}; only working orders can be amended`);
      const rules = symbolRules(row.symbol)!;
      const armed = row.status === "pending_trigger";
      const takesPrice = row.type === "limit" || row.type === "stop_limit";
      const takesStop = armed && (row.type === "stop_market" || row.type === "stop_limit" || row.type === "take_profit_market");
      const violations: RuleViolation[] = [];
      if (patch.price !== undefined && !takesPrice) violations.push({ rule: "AMEND", message: `a ${row.type} order has no limit price` });
      if (patch.stopPrice !== undefined && !takesStop) {
        violations.push({ rule: "AMEND", message: row.type === "trailing_stop_market" ? "a trailing stop moves by itself; amend callbackRatePct" : `a ${row.status} ${row.type} order has no stop price to change` });
      }
      if (patch.callbackRatePct !== undefined && row.type !== "trailing_stop_market") violations.push({ rule: "AMEND", message: `a ${row.type} order has no callback rate` });
      const qty = patch.quantity !== undefined ? units(patch.quantity) : BigInt(row.qty);
      const filled = BigInt(row.filled_qty);
      if (qty <= filled) violations.push({ rule: "AMEND", message: `quantity ${fmt(qty)} must exceed the ${fmt(filled)} already filled` });
      const price = patch.price !== undefined ? units(patch.price) : row.price !== null ? BigInt(row.price) : undefined;
      const stopPrice = patch.stopPrice !== undefined ? units(patch.stopPrice) : row.stop_price !== null ? BigInt(row.stop_price) : undefined;
      violations.push(...checkPriceTicks(rules, { price: patch.price !== undefined ? price : undefined, stopPrice: patch.stopPrice !== undefined ? stopPrice : undefined }));
      const reference = price ?? stopPrice ?? 0n;
      violations.push(
        ...checkSymbolRules(rules, qty, reference).filter((v) => !(v.rule === "MIN_NOTIONAL" && (row.reduce_only === 1 || reference === 0n))),
      );
      if (violations.length) return rejected("amend_rejected", violations);

      // An entry that grows must still fit in free margin.
      const now = Date.now();
      if (row.reduce_only === 0) {
        const ledger = this.ledger(now);
        const working = this.workingRows();
        const e = this.exposure(ledger.positions, ledger.settings.leverage, working);
        const oldMargin = this.orderMarginOf(row, ledger.settings.leverage);
        const newMargin = this.orderMarginOf({ ...row, qty: qty.toString(), price: price?.toString() ?? null, stop_price: stopPrice?.toString() ?? null }, ledger.settings.leverage);
        const free = freeMarginOf(ledger.wallet, e) + oldMargin;
        if (newMargin > oldMargin && newMargin > free) {
          return rejected("risk_rejected", [{ rule: "FREE_MARGIN", message: `the amended order needs ${fmt(newMargin)} USDT margin; free margin is ${fmt(free)} USDT` }]);
        }
      }
      this.ctx.storage.sql.exec(
        "UPDATE orders SET qty = ?, price = ?, stop_price = ?, callback_rate = ?, version = version + 1, updated_at = ? WHERE id = ?",
        qty.toString(),
        price?.toString() ?? null,
        stopPrice?.toString() ?? null,
        patch.callbackRatePct !== undefined ? units(patch.callbackRatePct).toString() : row.callback_rate,
        now,
        orderId,
      );
      const next = this.setStatus(this.orderRow(orderId)!, "amend", now);
      this.queueTrigger(this.triggerOf(next, this.userId()));
      return { ok: true, order: orderView(next) };
    });
    this.pushEvents();
    if (this.hasPendingTriggerSync()) await this.flushTriggerSync();
    return result;
  }

  /**
   * A trigger fired in the symbol's hub. Applied at most once per (order, version, fireSeq), in
   * one transaction with the fill and its effects (OCO cancels, brackets armed).
   */
  onTrigger(fire: TriggerFire): FireResult {
    if (this.live.owns(fire.orderId)) return this.live.onTrigger(fire); // a live entry's stop/target
    const result = this.transaction((): FireResult => {
      const row = this.orderRow(fire.orderId);
      const none: Effects = { register: [], cancel: [] };
      if (!row || !isWorking(row.status)) return this.fireResult(true, none, true);
      if (row.version !== fire.version) return this.fireResult(false, none, true);
      if (fire.fireSeq <= row.last_fire) return this.fireResult(!isWorking(row.status), none, true);
      this.ctx.storage.sql.exec("UPDATE orders SET last_fire = ? WHERE id = ?", fire.fireSeq, row.id);
      const now = Date.now();
      const tick = tickFromWire(fire.tick);
      // The fire's tick is the freshest price this account sees for the symbol: mark to it.
      this.storeMark(row.symbol, tick.price);
      const rules = symbolRules(row.symbol)!;
      const step = units(rules.stepSize);
      const ledger = this.ledger(now);
      const effects: Effects = { register: [], cancel: [] };
      let current: OrderRow = { ...row, last_fire: fire.fireSeq };
      const remaining = () => BigInt(current.qty) - BigInt(current.filled_qty);

      if (fire.kind === "limit") {
        const fill = restingLimitFill(row.side, BigInt(row.price!), remaining(), tick, step);
        if (!fill) return this.fireResult(false, effects);
        const refused = this.entryRefusal(current, fill.qty, fill.price, ledger);
        if (refused) {
          this.setStatus(current, "expire", now, refused);
          return this.fireResult(true, effects);
        }
        current = this.execute(current, fill.qty, fill.price, now, ledger, effects);
        return this.fireResult(!isWorking(current.status), effects);
      }

      // A stop, take-profit or trailing stop: triggered now.
      current = this.setStatus(current, "trigger", now);
      if (current.type === "stop_limit") {
        const limit = BigInt(current.price!);
        const m = marketableLimitFill(current.side, limit, remaining(), tick, step);
        if (m) {
          const refused = this.entryRefusal(current, m.qty, m.price, ledger);
          if (refused) {
            this.setStatus(current, "expire", now, refused);
            return this.fireResult(true, effects);
          }
          current = this.execute(current, m.qty, m.price, now, ledger, effects);
        }
        if (!isWorking(current.status)) return this.fireResult(true, effects);
        const replace = this.triggerOf(current, this.userId());
        return { ...this.fireResult(false, effects), ...(replace ? { replace: wireFromSpec(replace) } : {}) };
      }

      const price = triggeredFillPrice(fire.kind, current.side, units(fire.price), tick);
      let qty = remaining();
      if (current.reduce_only === 1) {
        const position = ledger.positions.get(current.symbol);
        const reducible = position && position.qty !== 0n && (current.side === "sell") === position.qty > 0n ? abs(position.qty) : 0n;
        if (reducible === 0n) {
          this.setStatus(current, "cancel", now, "no open position left to reduce");
          return this.fireResult(true, effects);
        }
        if (reducible < qty) qty = reducible;
      } else {
        const refused = this.entryRefusal(current, qty, price, ledger);
        if (refused) {
          this.setStatus(current, "expire", now, refused);
          return this.fireResult(true, effects);
        }
      }
      if (current.type === "trailing_stop_market") {
        this.ctx.storage.sql.exec("UPDATE orders SET stop_price = ? WHERE id = ?", units(fire.price).toString(), current.id);
        current = { ...current, stop_price: units(fire.price).toString() };
      }
      current = this.execute(current, qty, price, now, ledger, effects);
      if (isWorking(current.status)) current = this.setStatus(current, "cancel", now, "the position it protected is smaller than the order");
      return this.fireResult(true, effects);
    });
    this.pushEvents();
    if (this.hasPendingTriggerSync()) void this.flushTriggerSync();
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // The auto-trading bot (account/bot.ts)

  botSettings(): BotSettingsView {
    return this.bot().settings();
  }

  /** Updates the bot's switches; resolves once the symbols' hubs know (or the alarm will retry). */
  async updateBotSettings(patch: BotSettingsUpdate): Promise<BotSettingsView> {
    const view = this.bot().update(patch);
    this.pushEvents();
    if (this.bot().hasPendingSync()) await this.bot().flushSync();
    return view;
  }

  /** A symbol hub delivers a signal: the bot decides (at most once per signal) and logs why. */
  async onSignal(delivery: SignalDelivery): Promise<{ decision: BotDecisionView; replayed: boolean }> {
    const result = await this.bot().decide(delivery);
    if (!result.replayed) this.pushEvents();
    return result;
  }

  botDecisions(options: { limit: number; before?: number; symbol?: string }): { decisions: BotDecisionView[]; nextCursor: string | null } {
    return this.bot().decisions(options);
  }

  private bot(): AccountBot {
    this.botInstance ??= new AccountBot(this.ctx.storage, {
      userId: () => this.userId(),
      placeOrder: (input) => this.placeOrder(input),
      tradingEnabled: () => this.riskSettings().tradingEnabled,
      positionQty: (symbol) => {
        const mode = this.live.mode(); // a live account's bot looks at its live position
        return mode.mode === "live" ? this.live.ledger.positionQty(mode.venue, symbol) : (this.positions().get(symbol)?.qty ?? 0n);
      },
      tradesPerMinute: () => rateLimitsOf(this.env).tradesPerMinute,
      wakeAt: (at) => this.wakeAt(at),
      hub: (symbol) => this.env.SYMBOL_HUB.getByName(symbol),
    });
    return this.botInstance;
  }

  /** The alarm delivers trigger registrations a hub has not confirmed yet, and private events a gateway did not take. */
  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    if (this.hasPendingTriggerSync()) await this.flushTriggerSync();
    if (this.bot().hasPendingSync()) await this.bot().flushSync();
    this.pushEvents();
    await this.pushes.current;
    await this.live.flush();
    await this.drainOutbox();
  }

  /** Paper (default) or live on a venue; the edge checks that the user's keys are stored first. */
  tradingMode(): TradingMode {
    return this.live.mode();
  }

  setTradingMode(mode: TradingMode): TradingMode {
    return this.live.setMode(mode);
  }

  /** The venue's order updates and fills, from the bridge (POST /bridge/executions). */
  applyExecutions(reports: ExecutionReport[]): { applied: number; duplicates: number; unknown: number } {
    return this.live.applyExecutions(reports);
  }

  /** After a change: the outbox is drained by the alarm within DRAIN_DELAY_MS (batched). */
  private scheduleDrain(): void {
    if (this.alarmAt !== undefined && this.alarmAt > Date.now()) return;
    void this.wakeAt(Date.now() + DRAIN_DELAY_MS);
  }

  /** Sets the alarm for `at` unless this instance already has an earlier one set. */
  private async wakeAt(at: number): Promise<void> {
    if (this.alarmAt !== undefined && this.alarmAt <= at && this.alarmAt > Date.now() - 5000) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  // ---------------------------------------------------------------------------------------------
  // The outbox drain to the system of record (the bridge's POST /v1/records)

  /** Outbox rows waiting for the bridge (tests and health). */
  outboxBacklog(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
  }

  /**
   * Sends the oldest outbox rows to the bridge, whole rows only, and deletes what it acknowledged
   * (`ackedThrough`). At-least-once: a row is deleted only after the bridge stored it; the bridge's
   * upserts are idempotent by record id and version (the row id). Failures back off 1 s → 60 s.
   */
  private drainOutbox(): Promise<void> {
    return this.drains.run(async () => {
      for (let round = 0; round < 10; round++) {
        const rows = this.ctx.storage.sql
          .exec<{ id: number; kind: string; record_id: string; payload: string; ts: number }>("SELECT id, kind, record_id, payload, ts FROM outbox ORDER BY id LIMIT ?", DRAIN_MAX_RECORDS)
          .toArray();
        if (rows.length === 0) {
          this.drainBackoffMs = 0;
          return;
        }
        const records: Array<{ outboxId: number; kind: string; recordId: string; payload: unknown; ts: number }> = [];
        for (const row of rows) {
          const rowRecords = this.outboxRecordsOf(row);
          if (records.length > 0 && records.length + rowRecords.length > DRAIN_MAX_RECORDS) break;
          records.push(...rowRecords.map((r) => ({ outboxId: row.id, kind: r.kind, recordId: r.recordId, payload: r.payload, ts: row.ts })));
        }
        const lastRow = records.at(-1)?.outboxId ?? rows[0]!.id;
        const acked = records.length === 0 ? lastRow : await this.postRecords(records);
        if (acked === null) {
          this.drainBackoffMs = Math.min(DRAIN_MAX_BACKOFF_MS, Math.max(1000, this.drainBackoffMs * 2));
          await this.wakeAt(Date.now() + this.drainBackoffMs);
          return;
        }
        this.drainBackoffMs = 0;
        this.ctx.storage.sql.exec("DELETE FROM outbox WHERE id <= ?", Math.min(acked, lastRow));
      }
      await this.wakeAt(Date.now() + DRAIN_DELAY_MS);
    });
  }

  /** The records of one outbox row (rows written before v6 carried one trade event: converted). */
  private outboxRecordsOf(row: { kind: string; record_id: string; payload: string }): Array<{ kind: string; recordId: string; payload: unknown }> {
    if (row.kind === "records") return JSON.parse(row.payload) as Array<{ kind: string; recordId: string; payload: unknown }>;
    if (row.kind === "trade") {
      const old = JSON.parse(row.payload) as { order?: OrderView; fill?: { id: string; price: string; qty: string; fee: string; realizedPnl: string } };
      if (old.order && old.fill) {
        return [{
          kind: "trade",
          recordId: old.fill.id,
          payload: {
            tradeId: old.fill.id, orderId: old.order.orderId, userId: this.userId(), symbol: old.order.symbol, side: old.order.side, quantity: old.fill.qty,
            price: old.fill.price, fee: old.fill.fee, feeAsset: USDT, realizedPnl: old.fill.realizedPnl, time: old.order.updatedAt, mode: "paper",
          },
        }];
      }
    }
    console.warn(JSON.stringify({ level: "warn", msg: "outbox row of an unknown shape skipped", kind: row.kind, recordId: row.record_id }));
    return [];
  }

  /** POSTs one batch; the row id acknowledged through, or null to retry later. */
  private async postRecords(records: Array<{ outboxId: number; kind: string; recordId: string; payload: unknown; ts: number }>): Promise<number | null> {
    if (!this.env.BRIDGE_TOKEN) return null;
    try {
      const res = await bridgeFetch(this.env, "/v1/records", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: this.userId(), records }),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) {
        console.warn(JSON.stringify({ level: "warn", msg: "the bridge refused an outbox batch", status: res.status, body: (await res.text()).slice(0, 500), records: records.length }));
        return null;
      }
      const body = (await res.json()) as { ackedThrough?: unknown };
      return typeof body.ackedThrough === "number" ? body.ackedThrough : null;
    } catch {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The private stream

  /**
   * The gateway shard tells the account where the user's sockets are (`online`) or that the last
   * one closed. Persisted: an evicted account must still push.
   */
  presence(input: { shard: string; online: boolean }): { lastSeq: number } {
    const p = this.presenceState();
    const shard = input.online ? input.shard : p.shard === input.shard ? null : p.shard;
    const lastSeq = this.lastEventSeq();
    // A socket that comes online catches up with `resume`; pushes start after what exists now.
    const delivered = input.online && p.shard === null ? lastSeq : p.delivered;
    this.transaction(() => {
      const upsert = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
      this.ctx.storage.sql.exec(upsert, "gateway_shard", shard ?? "");
      this.ctx.storage.sql.exec(upsert, "delivered_seq", String(delivered));
    });
    this.presenceCache = { shard, delivered };
    return { lastSeq };
  }

  /** Private events after `afterSeq`, in order (a resume's replay, and the gateway's resends). */
  eventsSince(afterSeq: number, limit: number, upToSeq = Number.MAX_SAFE_INTEGER): { events: StoredEvent[]; more: boolean } {
    const n = Math.max(1, Math.min(1000, limit));
    const rows = this.ctx.storage.sql
      .exec<{ seq: number; type: string; payload: string; ts: number }>("SELECT seq, type, payload, ts FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?", afterSeq, upToSeq, n + 1)
      .toArray();
    return { events: rows.slice(0, n), more: rows.length > n };
  }

  private lastEventSeq(): number {
    return this.ctx.storage.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM events").one().s ?? 0;
  }

  private presenceState(): { shard: string | null; delivered: number } {
    if (!this.presenceCache) {
      const rows = new Map(this.ctx.storage.sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta").toArray().map((r) => [r.key, r.value]));
      const shard = rows.get("gateway_shard") || null;
      this.presenceCache = { shard, delivered: Number(rows.get("delivered_seq") ?? 0) };
    }
    return this.presenceCache;
  }

  /**
   * Pushes new events to the user's gateway shard when the user has a socket open; in order, one
   * push at a time; a failed push is retried by the alarm. Never awaited on the order path: a
   * client that misses one sees the gap (sequence numbers) and resumes.
   */
  private pushEvents(): void {
    this.scheduleDrain();
    if (this.presenceState().shard === null) return;
    void this.pushes.run(async () => {
      try {
        for (let round = 0; round < 20; round++) {
          const p = this.presenceState();
          if (p.shard === null) return;
          const { events } = this.eventsSince(p.delivered, 200);
          if (events.length === 0) return;
          await this.env.GATEWAY.getByName(p.shard).deliverEvents({ userId: this.userId(), events });
          const delivered = events.at(-1)!.seq;
          this.ctx.storage.sql.exec("INSERT INTO meta (key, value) VALUES ('delivered_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(delivered));
          this.presenceCache = { ...this.presenceState(), delivered };
        }
      } catch {
        await this.wakeAt(Date.now() + 1000);
      }
    });
  }

  riskSettings(): RiskSettings & { maxLeverage: number } {
    this.ensureLedger();
    const { takerFeeRate: _fee, ...settings } = this.settings();
    return settings;
  }

  /** Updates risk settings; a leverage above the cap or one that would leave free margin negative is refused. */
  updateRiskSettings(patch: Partial<RiskSettings>): { ok: true; settings: RiskSettings & { maxLeverage: number } } | { ok: false; status: 422; code: string; message: string } {
    const result = this.applyRiskSettings(patch);
    if (result.ok) this.pushEvents();
    return result;
  }

  private applyRiskSettings(patch: Partial<RiskSettings>): { ok: true; settings: RiskSettings & { maxLeverage: number } } | { ok: false; status: 422; code: string; message: string } {
    return this.transaction(() => {
      this.ensureLedger();
      const current = this.riskSettings();
      const next = { ...current, ...patch };
      if (patch.leverage !== undefined) {
        if (patch.leverage > current.maxLeverage) {
          return { ok: false as const, status: 422 as const, code: "leverage_rejected", message: `MAX_LEVERAGE: leverage ${patch.leverage} is above this account's maximum of ${current.maxLeverage}` };
        }
        const e = this.exposure(this.positions(), next.leverage, this.workingRows());
        const free = freeMarginOf(this.balance().wallet, e);
        if (free < 0n) {
          return { ok: false as const, status: 422 as const, code: "leverage_rejected", message: `FREE_MARGIN: at leverage ${next.leverage} the open positions and orders need ${fmt(e.marginUsed + e.orderMargin)} USDT margin; free margin would be ${fmt(free)} USDT` };
        }
      }
      this.ctx.storage.sql.exec(
        "UPDATE settings SET trading_enabled = ?, leverage = ?, max_open_positions = ?, risk_per_trade_pct = ?, daily_loss_limit_pct = ? WHERE id = 1",
        next.tradingEnabled ? 1 : 0, next.leverage, next.maxOpenPositions, next.riskPerTradePct, next.dailyLossLimitPct,
      );
      this.settingsCache = undefined;
      this.ctx.storage.sql.exec("INSERT INTO events (type, payload, ts) VALUES ('settings.updated', ?, ?)", JSON.stringify(next), Date.now());
      return { ok: true as const, settings: next };
    });
  }

  /** Pre-trade risk for a hypothetical order at `entry` (POST /api/risk/calculate). */
  assess(input: { symbol: string; side: Side; entry: string; quantity?: string; stopLoss?: string; takeProfit?: string; confidence?: number }): RiskReport | null {
    this.ensureLedger();
    const rules = symbolRules(input.symbol);
    if (!rules) return null;
    const now = Date.now();
    const ledger = this.ledger(now);
    const e = this.exposure(ledger.positions, ledger.settings.leverage, this.workingRows());
    const equity = ledger.wallet + e.unrealized;
    const current = ledger.positions.get(input.symbol);
    return assessRisk({
      side: input.side,
      entry: units(input.entry),
      ...(input.quantity ? { quantity: units(input.quantity) } : {}),
      ...(input.stopLoss ? { stopLoss: units(input.stopLoss) } : {}),
      ...(input.takeProfit ? { takeProfit: units(input.takeProfit) } : {}),
      ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
      stepSize: units(rules.stepSize),
      settings: ledger.settings,
      equity,
      freeMargin: freeMarginOf(ledger.wallet, e),
      openRisk: e.marginUsed,
      openPositions: this.openPositionCount(ledger.positions),
      opensNewPosition: !current || current.qty === 0n,
      realizedLossToday: ledger.day.loss,
      dailyLossBase: ledger.day.base,
      feeRate: ledger.settings.takerFeeRate,
    });
  }

  /** Closes the whole position in a symbol with one market order (reduce-only where the venue has the flag). */
  async closePosition(input: Omit<PlaceOrderInput, "order"> & { symbol: string }): Promise<OrderResult> {
    // A live account closes its position at its venue (the live ledger's), not the paper one.
    const mode = this.live.mode();
    const qty = mode.mode === "live" ? this.live.ledger.positionQty(mode.venue, input.symbol) : (this.positions().get(input.symbol)?.qty ?? 0n);
    if (qty === 0n) return fail(404, "no_position", `no open ${input.symbol} position${mode.mode === "live" ? ` on ${mode.venue}` : ""}`);
    const { symbol, ...rest } = input;
    // Spot has no reduce-only flag: there the order is the position's exact size on the other side.
    const reduceOnly = mode.mode === "paper" || mode.venue === "binance-usdm";
    return this.placeOrder({ ...rest, order: { symbol, side: qty > 0n ? "sell" : "buy", type: "market", quantity: fmt(abs(qty)), ...(reduceOnly ? { reduceOnly: true } : {}) } });
  }

  /** Fills (the trade history), newest first, by symbol, time and ledger (paper/live; both when omitted); `before` is the cursor. */
  history(options: { limit: number; before?: number; symbol?: string; from?: number; to?: number; mode?: "paper" | "live" }): { trades: Array<TradeView & { mode: "paper" | "live"; feeAsset: string }>; nextCursor: string | null } {
    const limit = Math.max(1, Math.min(100, options.limit));
    const rows = this.ctx.storage.sql
      .exec<FillRow & { rid: number; mode: "paper" | "live"; fee_asset: string }>(
        `SELECT rowid AS rid, * FROM fills
         WHERE rowid < ? AND (? IS NULL OR symbol = ?) AND ts >= ? AND ts <= ? AND (? IS NULL OR mode = ?)
         ORDER BY rowid DESC LIMIT ?`,
        options.before ?? Number.MAX_SAFE_INTEGER, options.symbol ?? null, options.symbol ?? null, options.from ?? 0, options.to ?? Number.MAX_SAFE_INTEGER, options.mode ?? null, options.mode ?? null, limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit);
    return { trades: page.map((r) => ({ ...tradeView(r), mode: r.mode, feeAsset: r.fee_asset })), nextCursor: rows.length > limit ? String(page.at(-1)!.rid) : null };
  }

  getOrder(orderId: string): OrderView | null {
    const row = this.orderRow(orderId);
    return row ? orderView(row) : null;
  }

  /** Orders, newest first; `before` is the cursor (an order sequence number); `open` keeps working orders only. */
  listOrders(options: { limit: number; before?: number; symbol?: string; open?: boolean }): { orders: OrderView[]; nextCursor: string | null } {
    const limit = Math.max(1, Math.min(100, options.limit));
    const rows = this.ctx.storage.sql
      .exec<OrderRow>(
        `SELECT * FROM orders WHERE seq < ? AND (? IS NULL OR symbol = ?) ${options.open ? `AND status IN ${WORKING}` : ""} ORDER BY seq DESC LIMIT ?`,
        options.before ?? Number.MAX_SAFE_INTEGER, options.symbol ?? null, options.symbol ?? null, limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit);
    return { orders: page.map(orderView), nextCursor: rows.length > limit ? String(page.at(-1)!.seq) : null };
  }

  /**
   * The account marked to market: each open position's mark is refreshed from its symbol's hub
   * (last price, when younger than MARK_MAX_AGE_MS) and stored, so margin checks of later orders
   * see it too.
   */
  async account(): Promise<AccountView> {
    this.ensureLedger();
    const open = [...this.positions().values()].filter((p) => p.qty !== 0n);
    if (open.length > 0) {
      const now = Date.now();
      const tickers = await Promise.all(open.map((p) => marketFeedOf(this.env).quote(p.symbol).catch(() => null)));
      this.transaction(() => {
        open.forEach((p, i) => {
          const t = tickers[i];
          if (t && now - t.eventTime <= MARK_MAX_AGE_MS) this.storeMark(p.symbol, units(t.price));
        });
      });
    }
    return this.accountView();
  }

  /** The live ledger (positions from live fills, realized PnL, fees per asset), marked to the hubs' last prices. */
  async liveAccount(): Promise<LiveAccountView> {
    return this.live.account();
  }

  private accountView(): AccountView {
    const settings = this.settings();
    const balance = this.balance();
    const positions = this.positions();
    const working = this.workingRows();
    const e = this.exposure(positions, settings.leverage, working);
    const equity = balance.wallet + e.unrealized;
    const open = [...positions.values()].filter((p) => p.qty !== 0n);
    return {
      asset: "USDT",
      walletBalance: fmt(balance.wallet),
      equity: fmt(equity),
      unrealizedPnl: fmt(e.unrealized),
      marginUsed: fmt(e.marginUsed),
      orderMargin: fmt(e.orderMargin),
      freeMargin: fmt(freeMarginOf(balance.wallet, e)),
      realizedPnl: fmt(balance.realizedPnl),
      feesPaid: fmt(balance.feesPaid),
      leverage: settings.leverage,
      maxLeverage: settings.maxLeverage,
      openPositions: open.length,
      openOrders: working.length,
      maxOpenPositions: settings.maxOpenPositions,
      tradingEnabled: settings.tradingEnabled,
      positions: open.map((p) => this.positionView(p, settings.leverage)),
    };
  }

  /** Number of events in the log (tests and health). */
  eventCount(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n;
  }

  /** Trigger registrations not yet confirmed by a hub (tests and health). */
  pendingTriggerSync(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM trigger_sync").one().n;
  }

  // ---------------------------------------------------------------------------------------------
  // Execution

  /**
   * Applies one fill of `order` to the position, balance, daily PnL, order, event log and outbox,
   * then its effects on other orders (brackets armed or resized, OCO siblings and protective
   * orders of a closed position canceled). Runs inside the caller's transaction; `ledger` is
   * updated in place so later fills in the same transaction see it.
   */
  private execute(order: OrderRow, qty: Units, price: Units, now: number, ledger: Ledger, effects: Effects = { register: [], cancel: [] }, unsaved = false): OrderRow {
    const sql = this.ctx.storage.sql;
    const symbol = order.symbol;
    const current = ledger.positions.get(symbol) ?? { ...emptyPosition(symbol), mark: price };
    const fill = applyFill(current, { side: order.side, qty, price });
    const notional = mul(qty, price, "half-even");
    const fee = mul(notional, ledger.settings.takerFeeRate, "up");
    const next: MarkedPosition = { ...fill.position, mark: price };

    const fillId = crypto.randomUUID();
    sql.exec(
      "INSERT INTO fills (id, order_id, symbol, side, qty, price, fee, realized_pnl, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      fillId, order.id, symbol, order.side, qty.toString(), price.toString(), fee.toString(), fill.realizedPnl.toString(), now,
    );
    if (next.qty === 0n) sql.exec("DELETE FROM positions WHERE symbol = ?", symbol);
    else {
      sql.exec(
        "INSERT INTO positions (symbol, qty, cost, mark, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET qty = excluded.qty, cost = excluded.cost, mark = excluded.mark, updated_at = excluded.updated_at",
        symbol, next.qty.toString(), next.cost.toString(), price.toString(), now,
      );
    }
    ledger.positions.set(symbol, next);
    this.recordDailyNet(ledger.day, fill.realizedPnl - fee);
    const net = (ledger.day.net ?? 0n) + fill.realizedPnl - fee;
    ledger.day = { ...ledger.day, net, loss: net < 0n ? -net : 0n };
    ledger.wallet += fill.realizedPnl - fee;
    ledger.realizedPnl += fill.realizedPnl;
    ledger.feesPaid += fee;
    sql.exec(
      "UPDATE balances SET wallet = ?, realized_pnl = ?, fees_paid = ? WHERE asset = ?",
      ledger.wallet.toString(), ledger.realizedPnl.toString(), ledger.feesPaid.toString(), USDT,
    );

    const filledBefore = BigInt(order.filled_qty);
    const filledAfter = filledBefore + qty;
    const avgBefore = order.avg_price === null ? 0n : BigInt(order.avg_price);
    const avg = mulDiv(avgBefore * filledBefore + price * qty, 1n, filledAfter, "half-even");
    const event: OrderEvent = filledAfter === BigInt(order.qty) ? "fill" : "partial_fill";
    const status = transition(order.status, event);
    const updated: OrderRow = {
      ...order, status, filled_qty: filledAfter.toString(), avg_price: avg.toString(), fee: (BigInt(order.fee) + fee).toString(),
      realized_pnl: (BigInt(order.realized_pnl) + fill.realizedPnl).toString(), updated_at: now,
    };
    if (unsaved) this.writeNewOrder(updated);
    else {
      sql.exec(
        "UPDATE orders SET status = ?, filled_qty = ?, avg_price = ?, fee = ?, realized_pnl = ?, updated_at = ? WHERE id = ?",
        updated.status, updated.filled_qty, updated.avg_price, updated.fee, updated.realized_pnl, now, order.id,
      );
    }
    const view = orderView(updated);
    const userId = this.userId();
    const trade = { tradeId: fillId, orderId: order.id, userId, symbol, side: order.side, quantity: fmt(qty), price: fmt(price), fee: fmt(fee), feeAsset: USDT, realizedPnl: fmt(fill.realizedPnl), time: new Date(now).toISOString(), mode: "paper" };
    const position = { userId, symbol, side: next.qty > 0n ? "long" : next.qty < 0n ? "short" : "flat", quantity: fmt(abs(next.qty)), entryPrice: fmt(entryPrice(next)), updatedAt: new Date(now).toISOString() };
    const balance = { userId, asset: USDT, walletBalance: fmt(ledger.wallet), realizedPnl: fmt(ledger.realizedPnl), feesPaid: fmt(ledger.feesPaid), updatedAt: new Date(now).toISOString() };
    sql.exec("INSERT INTO events (type, payload, ts) VALUES ('order.filled', ?, ?)", JSON.stringify({ order: view, fill: trade, position, balance }), now);
    this.outbox(
      [
        { kind: "trade", recordId: fillId, payload: trade },
        { kind: "order", recordId: order.id, payload: this.orderRecord(view, userId) },
        { kind: "position", recordId: symbol, payload: position },
        { kind: "balance", recordId: USDT, payload: balance },
      ],
      now,
    );

    this.afterFill(updated, next, now, effects);
    return updated;
  }

  /** Brackets armed or resized with the entry's fills; OCO siblings and orphaned protection canceled. */
  private afterFill(order: OrderRow, position: MarkedPosition, now: number, effects: Effects): void {
    const userId = this.userId();
    if (order.brackets && order.reduce_only === 0) {
      const b = JSON.parse(order.brackets) as Brackets;
      const filled = BigInt(order.filled_qty);
      const fillPrice = BigInt(order.avg_price!);
      const exit = opposite(order.side);
      const children = this.ctx.storage.sql.exec<OrderRow>("SELECT * FROM orders WHERE parent_id = ?", order.id).toArray();
      const wanted: Array<{ type: OrderType; stopPrice: Units; callbackRate: Units | null }> = [];
      if (b.stopLoss) wanted.push({ type: "stop_market", stopPrice: units(b.stopLoss), callbackRate: null });
      if (b.takeProfit) wanted.push({ type: "take_profit_market", stopPrice: units(b.takeProfit), callbackRate: null });
      if (b.trailingStopCallbackRatePct) {
        const rate = units(b.trailingStopCallbackRatePct);
        wanted.push({ type: "trailing_stop_market", stopPrice: trailingStopPrice(exit, fillPrice, rate), callbackRate: rate });
      }
      for (const w of wanted) {
        const child = children.find((c) => c.type === w.type);
        if (!child) {
          const id = crypto.randomUUID();
          const inserted = this.insertOrder({
            id, clientOrderId: null, symbol: order.symbol, side: exit, type: w.type, qty: filled, price: null, stopPrice: w.stopPrice,
            callbackRate: w.callbackRate, timeInForce: null, reduceOnly: true, parentId: order.id, ocoGroup: order.id, brackets: null, signalConfidence: null, now,
          });
          const armed = this.setStatus(inserted, "accept_stop", now);
          const spec = this.triggerOf(armed, userId, w.type === "trailing_stop_market" ? fillPrice : undefined);
          if (spec) {
            effects.register.push(spec);
            this.queueTrigger(spec);
          }
        } else if (isWorking(child.status) && BigInt(child.qty) !== filled) {
          this.ctx.storage.sql.exec("UPDATE orders SET qty = ?, version = version + 1, updated_at = ? WHERE id = ?", filled.toString(), now, child.id);
          const resized = this.setStatus({ ...child, qty: filled.toString(), version: child.version + 1 }, "amend", now);
          const spec = this.triggerOf(resized, userId);
          if (spec) {
            effects.register.push(spec);
            this.queueTrigger(spec);
          }
        }
      }
    }
    if (order.oco_group && order.status === "filled") {
      for (const sibling of this.ctx.storage.sql.exec<OrderRow>(`SELECT * FROM orders WHERE oco_group = ? AND id != ? AND status IN ${WORKING}`, order.oco_group, order.id).toArray()) {
        this.queueRemoval(this.setStatus(sibling, "cancel", now, `OCO: ${order.type} ${order.id} filled`));
        effects.cancel.push(sibling.id);
      }
    }
    if (position.qty === 0n) {
      for (const guard of this.ctx.storage.sql.exec<OrderRow>(`SELECT * FROM orders WHERE symbol = ? AND reduce_only = 1 AND id != ? AND status IN ${WORKING}`, order.symbol, order.id).toArray()) {
        this.queueRemoval(this.setStatus(guard, "cancel", now, "the position was closed"));
        effects.cancel.push(guard.id);
      }
    }
  }

  /** A resting or triggered entry re-checked when it fills: the reason it may not, or null. */
  private entryRefusal(order: OrderRow, qty: Units, price: Units, ledger: Ledger): string | null {
    if (order.reduce_only === 1) return null;
    const current = ledger.positions.get(order.symbol) ?? emptyPosition(order.symbol);
    const after = applyFill(current, { side: order.side, qty, price });
    if (abs(after.position.qty) <= abs(current.qty)) return null;
    const s = ledger.settings;
    if (!s.tradingEnabled) return "TRADING_ENABLED: trading is disabled for this account";
    if (current.qty === 0n) {
      const open = this.openPositionCount(ledger.positions);
      if (open >= s.maxOpenPositions) return `MAX_OPEN_POSITIONS: ${open} positions are open; the maximum is ${s.maxOpenPositions}`;
    }
    const limit = mulDiv(ledger.day.base, units(s.dailyLossLimitPct), units("100"), "down");
    if (ledger.day.base > 0n && ledger.day.loss >= limit) {
      return `DAILY_LOSS_LIMIT: lost ${fmt(ledger.day.loss)} USDT today; the limit is ${fmt(limit)} USDT (${s.dailyLossLimitPct}%): new entries resume at 00:00 UTC`;
    }
    return null;
  }

  private setStatus(order: OrderRow, event: OrderEvent, now: number, reason?: string): OrderRow {
    const status = transition(order.status, event);
    this.ctx.storage.sql.exec("UPDATE orders SET status = ?, reason = COALESCE(?, reason), updated_at = ? WHERE id = ?", status, reason ?? null, now, order.id);
    const updated: OrderRow = { ...order, status, reason: reason ?? order.reason, updated_at: now };
    const view = orderView(updated);
    this.ctx.storage.sql.exec("INSERT INTO events (type, payload, ts) VALUES ('order.updated', ?, ?)", JSON.stringify({ order: view }), now);
    this.outbox([{ kind: "order", recordId: order.id, payload: this.orderRecord(view, this.userId()) }], now);
    return updated;
  }

  private insertOrder(o: {
    id: string; clientOrderId: string | null; symbol: string; side: Side; type: OrderType; qty: Units; price: Units | null; stopPrice: Units | null;
    callbackRate: Units | null; timeInForce: string | null; reduceOnly: boolean; parentId: string | null; ocoGroup: string | null; brackets: Brackets | null;
    signalConfidence: number | null; now: number;
  }, persist = true): OrderRow {
    const row: OrderRow = {
      seq: 0, id: o.id, client_order_id: o.clientOrderId, symbol: o.symbol, side: o.side, type: o.type, status: "pending_new", qty: o.qty.toString(), filled_qty: "0",
      avg_price: null, fee: "0", realized_pnl: "0", created_at: o.now, updated_at: o.now, price: o.price?.toString() ?? null, stop_price: o.stopPrice?.toString() ?? null,
      callback_rate: o.callbackRate?.toString() ?? null, time_in_force: (o.timeInForce as OrderRow["time_in_force"]) ?? null, reduce_only: o.reduceOnly ? 1 : 0,
      parent_id: o.parentId, oco_group: o.ocoGroup, brackets: o.brackets ? JSON.stringify(o.brackets) : null, version: 1, last_fire: 0, reason: null, signal_confidence: o.signalConfidence,
    };
    if (persist) this.writeNewOrder(row);
    return row;
  }

  /** One INSERT of an order row as it stands (a market order is written once, already filled). */
  private writeNewOrder(r: OrderRow): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO orders (id, client_order_id, symbol, side, type, status, qty, filled_qty, avg_price, fee, realized_pnl, created_at, updated_at,
                           price, stop_price, callback_rate, time_in_force, reduce_only, parent_id, oco_group, brackets, signal_confidence)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      r.id, r.client_order_id, r.symbol, r.side, r.type, r.status, r.qty, r.filled_qty, r.avg_price, r.fee, r.realized_pnl, r.created_at, r.updated_at,
      r.price, r.stop_price, r.callback_rate, r.time_in_force, r.reduce_only, r.parent_id, r.oco_group, r.brackets, r.signal_confidence,
    );
  }

  private orderRecord(view: OrderView, userId: string) {
    return {
      orderId: view.orderId, userId, clientOrderId: view.clientOrderId, symbol: view.symbol, side: view.side, type: view.type, status: view.status,
      quantity: view.quantity, filledQuantity: view.filledQuantity, price: view.price, stopPrice: view.stopPrice, avgPrice: view.avgPrice,
      createdAt: view.createdAt, updatedAt: view.updatedAt,
    };
  }

  /**
   * One outbox row per change, holding every record it touched (a fill: trade, order, position,
   * balance). The drain sends them with the row's id as their version: a record appears at most
   * once per row, and a later row always carries a newer version.
   */
  private outbox(records: Array<{ kind: "trade" | "order" | "position" | "balance"; recordId: string; payload: unknown }>, now: number): void {
    this.ctx.storage.sql.exec("INSERT INTO outbox (kind, record_id, payload, ts) VALUES ('records', ?, ?, ?)", records[0]!.recordId, JSON.stringify(records), now);
  }

  // ---------------------------------------------------------------------------------------------
  // Trigger books

  /** The trigger-book entry of a working order, or null when it has none. */
  private triggerOf(row: OrderRow, userId: string, extreme?: Units): TriggerSpec | null {
    if (!isWorking(row.status)) return null;
    const base = { orderId: row.id, userId, symbol: row.symbol, version: row.version, side: row.side };
    const armed = row.status === "pending_trigger";
    switch (row.type) {
      case "market":
        return null;
      case "limit":
        return { ...base, kind: "limit", price: BigInt(row.price!) };
      case "stop_limit":
        return armed ? { ...base, kind: "stop", price: BigInt(row.stop_price!) } : { ...base, kind: "limit", price: BigInt(row.price!) };
      case "stop_market":
        return { ...base, kind: "stop", price: BigInt(row.stop_price!) };
      case "take_profit_market":
        return { ...base, kind: "take_profit", price: BigInt(row.stop_price!) };
      case "trailing_stop_market":
        return { ...base, kind: "trailing_stop", price: BigInt(row.stop_price!), callbackRatePct: BigInt(row.callback_rate!), ...(extreme !== undefined ? { extreme } : {}) };
    }
  }

  private queueTrigger(spec: TriggerSpec | null): void {
    if (!spec) return;
    this.syncRow(spec.orderId, spec.symbol, "register", JSON.stringify(wireFromSpec(spec)));
  }

  private queueRemoval(row: OrderRow): void {
    if (row.type !== "market") this.syncRow(row.id, row.symbol, "remove", null);
  }

  private syncRow(orderId: string, symbol: string, op: "register" | "remove", spec: string | null): void {
    this.triggerSyncDirty = true;
    this.ctx.storage.sql.exec(
      "INSERT INTO trigger_sync (order_id, symbol, op, spec, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET op = excluded.op, spec = excluded.spec, created_at = excluded.created_at",
      orderId, symbol, op, spec, Date.now(),
    );
  }

  /** Rows were queued in this instance, or may be left from before a restart (checked once). */
  private hasPendingTriggerSync(): boolean {
    if (this.triggerSyncDirty === undefined) this.triggerSyncDirty = this.ctx.storage.sql.exec("SELECT 1 FROM trigger_sync LIMIT 1").toArray().length > 0;
    return this.triggerSyncDirty;
  }

  /**
   * Delivers pending registrations and removals to the symbols' hubs; a row is deleted only when
   * its hub confirmed it and nothing replaced it meanwhile. On failure the alarm retries.
   */
  private flushTriggerSync(): Promise<void> {
    return this.triggerSyncs.run(async () => {
      const rows = this.ctx.storage.sql
        .exec<{ order_id: string; symbol: string; op: "register" | "remove"; spec: string | null; created_at: number }>("SELECT * FROM trigger_sync")
        .toArray();
      const bySymbol = new Map<string, typeof rows>();
      for (const r of rows) bySymbol.set(r.symbol, [...(bySymbol.get(r.symbol) ?? []), r]);
      let failed = false;
      await Promise.all(
        [...bySymbol].map(async ([symbol, list]) => {
          try {
            const hub = this.env.SYMBOL_HUB.getByName(symbol);
            const register = list.filter((r) => r.op === "register").map((r) => JSON.parse(r.spec!) as TriggerWire);
            const remove = list.filter((r) => r.op === "remove").map((r) => r.order_id);
            await hub.syncTriggers({ register, remove });
            for (const r of list) {
              this.ctx.storage.sql.exec("DELETE FROM trigger_sync WHERE order_id = ? AND op = ? AND created_at = ? AND spec IS ?", r.order_id, r.op, r.created_at, r.spec);
            }
          } catch {
            failed = true;
          }
        }),
      );
      this.triggerSyncDirty = undefined;
      if (failed || this.hasPendingTriggerSync()) await this.wakeAt(Date.now() + TRIGGER_SYNC_RETRY_MS);
    });
  }

  private fireResult(done: boolean, effects: Effects, stale = false): FireResult {
    return {
      done,
      ...(stale ? { stale: true } : {}),
      register: effects.register.map(wireFromSpec),
      cancel: effects.cancel,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Ledger reads

  /** Creates settings and the USDT balance on first use (accounts opened before v2 included). */
  private ensureLedger(): void {
    if (this.ledgerReady) return;
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT INTO settings (id, taker_fee_rate) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", units(TAKER_FEE_RATE).toString());
    sql.exec(
      "INSERT INTO balances (asset, wallet, realized_pnl, fees_paid) VALUES (?, ?, '0', '0') ON CONFLICT (asset) DO NOTHING",
      USDT,
      units(startingBalance(this.env.PAPER_STARTING_BALANCE)).toString(),
    );
    this.ledgerReady = true;
  }

  private userId(): string {
    this.userIdCache ??= this.header()?.userId ?? "unknown";
    return this.userIdCache;
  }

  /**
   * The ledger (balance, positions, today's PnL) as committed, kept in memory between
   * transactions: only this object writes its storage, every write to those tables goes through
   * `execute` (which updates this object in place) or a mark update (which updates it too), and a
   * transaction that throws drops it (`transaction`), so it is reloaded from SQL after a rollback
   * or an eviction. Saves three reads per order.
   */
  private ledger(now: number): Ledger {
    let l = this.ledgerState;
    if (!l) {
      this.ensureLedger();
      const r = this.ctx.storage.sql
        .exec<{ wallet: string; realized_pnl: string; fees_paid: string }>("SELECT wallet, realized_pnl, fees_paid FROM balances WHERE asset = ?", USDT)
        .one();
      const positions = new Map<string, MarkedPosition>();
      for (const p of this.ctx.storage.sql.exec<{ symbol: string; qty: string; cost: string; mark: string }>("SELECT symbol, qty, cost, mark FROM positions")) {
        positions.set(p.symbol, { symbol: p.symbol, qty: BigInt(p.qty), cost: BigInt(p.cost), mark: BigInt(p.mark) });
      }
      const wallet = BigInt(r.wallet);
      l = { settings: this.settings(), wallet, realizedPnl: BigInt(r.realized_pnl), feesPaid: BigInt(r.fees_paid), positions, day: this.today(now, wallet) };
      this.ledgerState = l;
    }
    l.settings = this.settings();
    if (l.day.day !== utcDayStart(now)) l.day = this.today(now, l.wallet);
    return l;
  }

  /** Runs `fn` in one storage transaction; if it throws, the in-memory ledger and trade bucket are dropped with the rollback. */
  private transaction<T>(fn: () => T): T {
    try {
      return this.ctx.storage.transactionSync(fn);
    } catch (err) {
      this.ledgerState = undefined;
      this.tradeBucket = undefined;
      throw err;
    }
  }

  /** A position's new mark, in storage and in the in-memory ledger (inside a transaction). */
  private storeMark(symbol: string, mark: Units): void {
    this.ctx.storage.sql.exec("UPDATE positions SET mark = ? WHERE symbol = ?", mark.toString(), symbol);
    const p = this.ledgerState?.positions.get(symbol);
    if (p) this.ledgerState!.positions.set(symbol, { ...p, mark });
  }

  private settings(): Settings {
    if (this.settingsCache) return this.settingsCache;
    const r = this.ctx.storage.sql
      .exec<{ trading_enabled: number; leverage: number; max_open_positions: number; taker_fee_rate: string; risk_per_trade_pct: string; daily_loss_limit_pct: string; max_leverage: number }>(
        "SELECT * FROM settings WHERE id = 1",
      )
      .one();
    this.settingsCache = {
      tradingEnabled: r.trading_enabled === 1,
      leverage: r.leverage,
      maxOpenPositions: r.max_open_positions,
      riskPerTradePct: r.risk_per_trade_pct,
      dailyLossLimitPct: r.daily_loss_limit_pct,
      takerFeeRate: BigInt(r.taker_fee_rate),
      maxLeverage: r.max_leverage,
    };
    return this.settingsCache;
  }

  /**
   * Today's realized net (PnL minus fees) and the wallet at the day's first trade (`wallet`, the
   * caller's current balance, stands in until then).
   */
  private today(now: number, wallet: Units): DayState {
    const day = utcDayStart(now);
    const row = this.ctx.storage.sql.exec<{ net: string; base: string }>("SELECT net, base FROM daily_pnl WHERE day = ?", day).toArray()[0];
    if (!row) return { day, net: undefined, loss: 0n, base: wallet };
    const net = BigInt(row.net);
    return { day, net, loss: net < 0n ? -net : 0n, base: BigInt(row.base) };
  }

  /** Adds a fill's net to the day read by `today()` in the same transaction. */
  private recordDailyNet(day: DayState, delta: Units): void {
    if (day.net === undefined) {
      this.ctx.storage.sql.exec("INSERT INTO daily_pnl (day, net, base) VALUES (?, ?, ?)", day.day, delta.toString(), day.base.toString());
    } else {
      this.ctx.storage.sql.exec("UPDATE daily_pnl SET net = ? WHERE day = ?", (day.net + delta).toString(), day.day);
    }
  }

  private balance(): { wallet: Units; realizedPnl: Units; feesPaid: Units } {
    const l = this.ledger(Date.now());
    return { wallet: l.wallet, realizedPnl: l.realizedPnl, feesPaid: l.feesPaid };
  }

  /** A copy of the open positions (callers may change it freely). */
  private positions(): Map<string, MarkedPosition> {
    return new Map(this.ledger(Date.now()).positions);
  }

  /** Working orders, with what their margin needs (the order-margin part of free margin). */
  private workingRows(): Array<Pick<OrderRow, "reduce_only" | "qty" | "filled_qty" | "price" | "stop_price">> {
    // Live orders reserve nothing here: their money is at the venue, not in the paper wallet.
    return this.ctx.storage.sql
      .exec<Pick<OrderRow, "reduce_only" | "qty" | "filled_qty" | "price" | "stop_price">>(
        `SELECT reduce_only, qty, filled_qty, price, stop_price FROM orders WHERE status IN ${WORKING} AND NOT EXISTS (SELECT 1 FROM live_orders l WHERE l.order_id = orders.id)`,
      )
      .toArray();
  }

  private openPositionCount(positions: Map<string, MarkedPosition>): number {
    let n = 0;
    for (const p of positions.values()) if (p.qty !== 0n) n++;
    return n;
  }

  /** Margin a working entry order reserves: its unfilled quantity at its limit (or trigger) price. */
  private orderMarginOf(row: Pick<OrderRow, "reduce_only" | "qty" | "filled_qty" | "price" | "stop_price">, leverage: number): Units {
    if (row.reduce_only === 1) return 0n;
    const price = row.price ?? row.stop_price;
    if (price === null) return 0n;
    const remaining = BigInt(row.qty) - BigInt(row.filled_qty);
    return mulDiv(mul(remaining, BigInt(price), "half-even"), 1n, BigInt(leverage), "up");
  }

  /** Margin held by positions (at their last mark's cost basis), unrealized PnL, and margin reserved by working orders. */
  private exposure(positions: Map<string, MarkedPosition>, leverage: number, working: ReadonlyArray<Pick<OrderRow, "reduce_only" | "qty" | "filled_qty" | "price" | "stop_price">>): { marginUsed: Units; unrealized: Units; orderMargin: Units } {
    let marginUsed = 0n;
    let unrealized = 0n;
    for (const p of positions.values()) {
      if (p.qty === 0n) continue;
      marginUsed += marginFor(p, leverage);
      unrealized += unrealizedPnl(p, p.mark);
    }
    let orderMargin = 0n;
    for (const row of working) orderMargin += this.orderMarginOf(row, leverage);
    return { marginUsed, unrealized, orderMargin };
  }

  private positionView(p: MarkedPosition, leverage: number): PositionView {
    return {
      symbol: p.symbol,
      side: p.qty > 0n ? "long" : "short",
      quantity: fmt(abs(p.qty)),
      entryPrice: fmt(entryPrice(p)),
      markPrice: fmt(p.mark),
      unrealizedPnl: fmt(unrealizedPnl(p, p.mark)),
      margin: fmt(marginFor(p, leverage)),
    };
  }

  /** Takes a token from the persisted trades/min bucket; returns seconds to wait when empty. */
  private takeTradeToken(perMinute: number, now: number): number | undefined {
    const sql = this.ctx.storage.sql;
    if (this.tradeBucket === undefined) {
      const row = sql.exec<{ tokens: number; updated_at: number }>("SELECT tokens, updated_at FROM rate_buckets WHERE name = 'trades'").toArray()[0];
      this.tradeBucket = row ? { tokens: row.tokens, updatedAt: row.updated_at } : null;
    }
    const r = takeToken({ capacity: perMinute, perMs: 60_000 }, this.tradeBucket ?? undefined, now);
    this.tradeBucket = r.state;
    sql.exec(
      "INSERT INTO rate_buckets (name, tokens, updated_at) VALUES ('trades', ?, ?) ON CONFLICT (name) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at",
      r.state.tokens,
      r.state.updatedAt,
    );
    return r.allowed ? undefined : Math.max(1, Math.ceil(r.retryAfterMs / 1000));
  }

  private orderRow(orderId: string): OrderRow | undefined {
    return this.ctx.storage.sql.exec<OrderRow>("SELECT * FROM orders WHERE id = ?", orderId).toArray()[0];
  }
}

export type { SymbolRules, TickWire };
