/**
 * UserAccount: one per user. Owns the user's trading state in its own SQLite: settings,
 * balances, positions, orders, fills, the idempotency keys, the event log (per-user sequence
 * numbers) and the outbox drained to the system of record.
 *
 * Money is stored as integer strings of 1e-8 units (DO SQLite hands INTEGER columns to JS as
 * numbers, exact only up to 2^53 units ≈ 90M USDT). Every order runs in ONE synchronous
 * transaction with no await inside, so concurrent requests to one account are serialized and can
 * never overdraw it.
 */
import { DurableObject } from "cloudflare:workers";
import {
  applyFill,
  takeAll,
  takeToken,
  type BucketState,
  checkSymbolRules,
  entryPrice,
  fmt,
  marginFor,
  mul,
  symbolRules,
  transition,
  unrealizedPnl,
  units,
  assessRisk,
  utcDayStart,
  type Position,
  type RiskReport,
  type RiskSettings,
  type RuleViolation,
  type Side,
  type Units,
} from "@bot-core/core";
import type { Env } from "../../workers/api/src/env";
import { migrate, type Migration } from "./sql-migrations";

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE account (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      user_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      opened_at INTEGER NOT NULL
    )`,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        trading_enabled INTEGER NOT NULL DEFAULT 1,
        leverage INTEGER NOT NULL DEFAULT 1,
        max_open_positions INTEGER NOT NULL DEFAULT 10,
        taker_fee_rate TEXT NOT NULL
      );
      CREATE TABLE balances (asset TEXT PRIMARY KEY, wallet TEXT NOT NULL, realized_pnl TEXT NOT NULL, fees_paid TEXT NOT NULL);
      CREATE TABLE positions (symbol TEXT PRIMARY KEY, qty TEXT NOT NULL, cost TEXT NOT NULL, mark TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE orders (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        client_order_id TEXT,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        qty TEXT NOT NULL,
        filled_qty TEXT NOT NULL,
        avg_price TEXT,
        fee TEXT NOT NULL,
        realized_pnl TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX orders_symbol ON orders (symbol, seq);
      CREATE TABLE fills (
        id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        qty TEXT NOT NULL,
        price TEXT NOT NULL,
        fee TEXT NOT NULL,
        realized_pnl TEXT NOT NULL,
        ts INTEGER NOT NULL
      );
      CREATE TABLE idempotency (key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, order_id TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, payload TEXT NOT NULL, ts INTEGER NOT NULL);
      CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, record_id TEXT NOT NULL, payload TEXT NOT NULL, ts INTEGER NOT NULL);
    `,
  },
  { version: 3, sql: "CREATE TABLE rate_buckets (name TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at INTEGER NOT NULL)" },
  {
    version: 4,
    sql: `ALTER TABLE settings ADD COLUMN risk_per_trade_pct TEXT NOT NULL DEFAULT '1';
          ALTER TABLE settings ADD COLUMN daily_loss_limit_pct TEXT NOT NULL DEFAULT '5';
          CREATE TABLE daily_pnl (day INTEGER PRIMARY KEY, net TEXT NOT NULL, base TEXT NOT NULL);`,
  },
];

/** Per-user limits (spec: 100 requests/min with bursts of 20/s; 10 trades/min). */
export interface RateLimits {
  requestsPerMinute: number;
  burstPerSecond: number;
  tradesPerMinute: number;
}

export interface Admission {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the per-minute bucket is full again. */
  resetSec: number;
  retryAfterSec: number;
  policy: string;
}

/** Paper accounts start with this much USDT. */
export const PAPER_STARTING_BALANCE = "10000";
/** Binance's default taker fee: 0.1%. */
export const TAKER_FEE_RATE = "0.001";

export interface AccountHeader {
  userId: string;
  createdAt: number;
  openedAt: number;
}

export interface OrderView {
  orderId: string;
  clientOrderId: string | null;
  symbol: string;
  side: Side;
  type: "market";
  status: string;
  quantity: string;
  filledQuantity: string;
  avgPrice: string | null;
  fee: string;
  feeAsset: "USDT";
  realizedPnl: string;
  createdAt: string;
  updatedAt: string;
}

export interface PositionView {
  symbol: string;
  side: "long" | "short";
  quantity: string;
  entryPrice: string;
  markPrice: string;
  unrealizedPnl: string;
  margin: string;
}

export interface AccountView {
  asset: "USDT";
  walletBalance: string;
  equity: string;
  unrealizedPnl: string;
  marginUsed: string;
  freeMargin: string;
  realizedPnl: string;
  feesPaid: string;
  leverage: number;
  openPositions: number;
  maxOpenPositions: number;
  tradingEnabled: boolean;
  positions: PositionView[];
}

export interface MarketOrderInput {
  symbol: string;
  side: Side;
  quantity: string;
  clientOrderId?: string;
  idempotencyKey?: string;
  /** Hash of the request body: a reused key with another body is refused. */
  requestHash: string;
  /** Best bid/ask from the symbol's hub when the request arrived. */
  bid: string;
  ask: string;
  /** Orders per minute allowed for this user. */
  tradesPerMinute: number;
  /**
   * When given, the request-rate admission happens inside this call (one RPC instead of two on
   * the order path); the admission comes back in the result for the RateLimit-* headers.
   */
  requestLimits?: RateLimits;
  /**
   * Only reduce the position (never open or flip). Reduce-only orders are not counted against
   * the trade limit and skip MIN_NOTIONAL: a trader must always be able to take risk off.
   */
  reduceOnly?: boolean;
}

export type OrderResult = (
  | { ok: true; order: OrderView; replayed: boolean }
  | { ok: false; status: 404 | 409 | 422 | 429; code: string; message: string; violations?: RuleViolation[]; retryAfterSec?: number }
) & { admission?: Admission };

type OrderRow = {
  id: string;
  client_order_id: string | null;
  symbol: string;
  side: string;
  type: string;
  status: string;
  qty: string;
  filled_qty: string;
  avg_price: string | null;
  fee: string;
  realized_pnl: string;
  created_at: number;
  updated_at: number;
};

type FillRow = {
  id: string;
  order_id: string;
  symbol: string;
  side: string;
  qty: string;
  price: string;
  fee: string;
  realized_pnl: string;
  ts: number;
};

export interface TradeView {
  tradeId: string;
  orderId: string;
  symbol: string;
  side: Side;
  quantity: string;
  price: string;
  fee: string;
  realizedPnl: string;
  time: string;
}

type PositionRow = {
  symbol: string;
  qty: string;
  cost: string;
  mark: string;
};

/** One UTC day's realized net; `net` is undefined before the day's first trade. */
interface DayState {
  day: number;
  net: Units | undefined;
  loss: Units;
  base: Units;
}

interface Settings extends RiskSettings {
  takerFeeRate: Units;
}

const USDT = "USDT";

function orderView(r: OrderRow): OrderView {
  return {
    orderId: r.id,
    clientOrderId: r.client_order_id,
    symbol: r.symbol,
    side: r.side as Side,
    type: "market",
    status: r.status,
    quantity: fmt(BigInt(r.qty)),
    filledQuantity: fmt(BigInt(r.filled_qty)),
    avgPrice: r.avg_price === null ? null : fmt(BigInt(r.avg_price)),
    fee: fmt(BigInt(r.fee)),
    feeAsset: "USDT",
    realizedPnl: fmt(BigInt(r.realized_pnl)),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export class UserAccount extends DurableObject<Env> {
  /** Request buckets live in memory: an evicted account was idle, and a fresh bucket is full. */
  private requestBuckets = new Map<string, BucketState>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, MIGRATIONS);
    });
  }

  /**
   * Creates the account on registration with its paper balance; idempotent (a retry returns the
   * existing header). Returns a result rather than throwing across the RPC boundary.
   */
  open(input: { userId: string; createdAt: number }): { ok: true; header: AccountHeader } | { ok: false; error: "owned_by_another_user" } {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
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

  /** Places a market order and fills it on paper at the best bid/ask, in one transaction. */
  placeMarketOrder(input: MarketOrderInput): OrderResult {
    if (!input.requestLimits) return this.executeMarketOrder(input);
    const admission = this.admitRequest(input.requestLimits);
    if (!admission.allowed) {
      return { ok: false, status: 429, code: "rate_limited", message: `too many requests; retry in ${admission.retryAfterSec} s`, retryAfterSec: admission.retryAfterSec, admission };
    }
    return { ...this.executeMarketOrder(input), admission };
  }

  private executeMarketOrder(input: MarketOrderInput): OrderResult {
    return this.ctx.storage.transactionSync((): OrderResult => {
      this.ensureLedger();
      const sql = this.ctx.storage.sql;
      const now = Date.now();

      if (input.idempotencyKey) {
        const prior = sql
          .exec<{ request_hash: string; order_id: string }>("SELECT request_hash, order_id FROM idempotency WHERE key = ?", input.idempotencyKey)
          .toArray()[0];
        if (prior) {
          if (prior.request_hash !== input.requestHash) {
            return { ok: false, status: 409, code: "idempotency_key_reused", message: "this Idempotency-Key was used for a different request" };
          }
          const order = this.orderRow(prior.order_id);
          if (order) return { ok: true, order: orderView(order), replayed: true };
        }
      }

      // Every new order attempt counts against the trade limit (replays above do not), except
      // reduce-only orders.
      if (!input.reduceOnly) {
        const retryAfterSec = this.takeTradeToken(input.tradesPerMinute, now);
        if (retryAfterSec !== undefined) {
          return { ok: false, status: 429, code: "rate_limited", message: `at most ${input.tradesPerMinute} orders per minute; retry in ${retryAfterSec} s`, retryAfterSec };
        }
      }

      const rules = symbolRules(input.symbol);
      if (!rules) return { ok: false, status: 404, code: "unknown_symbol", message: `unknown symbol ${input.symbol}` };
      const qty = units(input.quantity);
      const price = units(input.side === "buy" ? input.ask : input.bid);
      const filterViolations = checkSymbolRules(rules, qty, price).filter((v) => !(input.reduceOnly && v.rule === "MIN_NOTIONAL"));
      if (filterViolations.length) {
        return { ok: false, status: 422, code: "symbol_rule_violation", message: filterViolations.map((v) => `${v.rule}: ${v.message}`).join("; "), violations: filterViolations };
      }

      const settings = this.settings();
      const balance = this.balance();
      const positions = this.positions();
      const current = positions.get(input.symbol) ?? { symbol: input.symbol, qty: 0n, cost: 0n, mark: price };
      const fill = applyFill(current, { side: input.side, qty, price });
      const notional = mul(qty, price, "half-even");
      const fee = mul(notional, settings.takerFeeRate, "up");
      const next: Position & { mark: Units } = { ...fill.position, mark: price };

      // Risk: every check names the rule and the numbers.
      const violations: RuleViolation[] = [];
      if (input.reduceOnly && (current.qty === 0n || fill.openedQty > 0n)) {
        violations.push({ rule: "REDUCE_ONLY", message: `a reduce-only order may not open or flip a position (open: ${fmt(current.qty)})` });
      }
      const increases = (next.qty < 0n ? -next.qty : next.qty) > (current.qty < 0n ? -current.qty : current.qty);
      if (!settings.tradingEnabled && increases) violations.push({ rule: "TRADING_ENABLED", message: "trading is disabled for this account" });
      const openNow = [...positions.values()].filter((p) => p.qty !== 0n).length;
      if (current.qty === 0n && next.qty !== 0n && openNow >= settings.maxOpenPositions) {
        violations.push({ rule: "MAX_OPEN_POSITIONS", message: `${openNow} positions are open; the maximum is ${settings.maxOpenPositions}` });
      }
      const day = this.today(now, balance.wallet);
      const dailyLimit = (day.base * units(settings.dailyLossLimitPct)) / units("100");
      if (increases && day.base > 0n && day.loss >= dailyLimit) {
        violations.push({ rule: "DAILY_LOSS_LIMIT", message: `lost ${fmt(day.loss)} USDT today; the limit is ${fmt(dailyLimit)} USDT (${settings.dailyLossLimitPct}%): new entries resume at 00:00 UTC` });
      }
      const after = new Map(positions);
      after.set(input.symbol, next);
      const walletAfter = balance.wallet + fill.realizedPnl - fee;
      const { marginUsed, unrealized } = this.exposure(after, settings.leverage);
      const freeAfter = walletAfter + unrealized - marginUsed;
      if (increases && freeAfter < 0n) {
        const { marginUsed: marginBefore, unrealized: uBefore } = this.exposure(positions, settings.leverage);
        violations.push({
          rule: "FREE_MARGIN",
          message: `needs ${fmt(marginUsed - marginBefore)} USDT margin + ${fmt(fee)} USDT fee; free margin is ${fmt(balance.wallet + uBefore - marginBefore)} USDT`,
        });
      }
      if (violations.length) {
        return { ok: false, status: 422, code: "risk_rejected", message: violations.map((v) => `${v.rule}: ${v.message}`).join("; "), violations };
      }

      // Execute: order, fill, position, balance, event log and outbox, all in this transaction.
      const orderId = crypto.randomUUID();
      const status = transition("pending_new", "fill");
      sql.exec(
        `INSERT INTO orders (id, client_order_id, symbol, side, type, status, qty, filled_qty, avg_price, fee, realized_pnl, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'market', ?, ?, ?, ?, ?, ?, ?, ?)`,
        orderId, input.clientOrderId ?? null, input.symbol, input.side, status, qty.toString(), qty.toString(), price.toString(), fee.toString(), fill.realizedPnl.toString(), now, now,
      );
      const fillId = crypto.randomUUID();
      sql.exec(
        "INSERT INTO fills (id, order_id, symbol, side, qty, price, fee, realized_pnl, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        fillId, orderId, input.symbol, input.side, qty.toString(), price.toString(), fee.toString(), fill.realizedPnl.toString(), now,
      );
      if (next.qty === 0n) sql.exec("DELETE FROM positions WHERE symbol = ?", input.symbol);
      else {
        sql.exec(
          "INSERT INTO positions (symbol, qty, cost, mark, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET qty = excluded.qty, cost = excluded.cost, mark = excluded.mark, updated_at = excluded.updated_at",
          input.symbol, next.qty.toString(), next.cost.toString(), price.toString(), now,
        );
      }
      this.recordDailyNet(day, fill.realizedPnl - fee);
      sql.exec(
        "UPDATE balances SET wallet = ?, realized_pnl = ?, fees_paid = ? WHERE asset = ?",
        walletAfter.toString(), (balance.realizedPnl + fill.realizedPnl).toString(), (balance.feesPaid + fee).toString(), USDT,
      );
      if (input.idempotencyKey) {
        sql.exec("INSERT INTO idempotency (key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?)", input.idempotencyKey, input.requestHash, orderId, now);
      }
      const order = orderView(this.orderRow(orderId)!);
      const event = JSON.stringify({ order, fill: { id: fillId, price: fmt(price), qty: fmt(qty), fee: fmt(fee), realizedPnl: fmt(fill.realizedPnl) }, walletBalance: fmt(walletAfter) });
      sql.exec("INSERT INTO events (type, payload, ts) VALUES ('order.filled', ?, ?)", event, now);
      sql.exec("INSERT INTO outbox (kind, record_id, payload, ts) VALUES ('trade', ?, ?, ?)", fillId, event, now);
      return { ok: true, order, replayed: false };
    });
  }

  riskSettings(): RiskSettings {
    this.ensureLedger();
    const { takerFeeRate: _fee, ...settings } = this.settings();
    return settings;
  }

  /** Updates risk settings; a leverage that would leave free margin negative is refused. */
  updateRiskSettings(patch: Partial<RiskSettings>): { ok: true; settings: RiskSettings } | { ok: false; status: 422; code: string; message: string } {
    return this.ctx.storage.transactionSync(() => {
      this.ensureLedger();
      const next = { ...this.riskSettings(), ...patch };
      if (patch.leverage !== undefined) {
        const { marginUsed, unrealized } = this.exposure(this.positions(), next.leverage);
        const free = this.balance().wallet + unrealized - marginUsed;
        if (free < 0n) return { ok: false as const, status: 422 as const, code: "leverage_rejected", message: `at leverage ${next.leverage} the open positions need ${fmt(marginUsed)} USDT margin; free margin would be ${fmt(free)} USDT` };
      }
      this.ctx.storage.sql.exec(
        "UPDATE settings SET trading_enabled = ?, leverage = ?, max_open_positions = ?, risk_per_trade_pct = ?, daily_loss_limit_pct = ? WHERE id = 1",
        next.tradingEnabled ? 1 : 0, next.leverage, next.maxOpenPositions, next.riskPerTradePct, next.dailyLossLimitPct,
      );
      this.ctx.storage.sql.exec("INSERT INTO events (type, payload, ts) VALUES ('settings.updated', ?, ?)", JSON.stringify(next), Date.now());
      return { ok: true as const, settings: next };
    });
  }

  /** Pre-trade risk for a hypothetical order at `entry` (POST /api/risk/calculate). */
  assess(input: { symbol: string; side: Side; entry: string; quantity?: string; stopLoss?: string; takeProfit?: string; confidence?: number }): RiskReport | null {
    this.ensureLedger();
    const rules = symbolRules(input.symbol);
    if (!rules) return null;
    const settings = this.settings();
    const positions = this.positions();
    const { marginUsed, unrealized } = this.exposure(positions, settings.leverage);
    const wallet = this.balance().wallet;
    const equity = wallet + unrealized;
    const now = Date.now();
    const day = this.today(now, wallet);
    const current = positions.get(input.symbol);
    return assessRisk({
      side: input.side,
      entry: units(input.entry),
      ...(input.quantity ? { quantity: units(input.quantity) } : {}),
      ...(input.stopLoss ? { stopLoss: units(input.stopLoss) } : {}),
      ...(input.takeProfit ? { takeProfit: units(input.takeProfit) } : {}),
      ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
      stepSize: units(rules.stepSize),
      settings,
      equity,
      freeMargin: equity - marginUsed,
      openRisk: marginUsed,
      openPositions: [...positions.values()].filter((p) => p.qty !== 0n).length,
      opensNewPosition: !current || current.qty === 0n,
      realizedLossToday: day.loss,
      dailyLossBase: day.base,
      feeRate: settings.takerFeeRate,
    });
  }

  /** Closes the whole position in a symbol with a reduce-only market order. */
  closePosition(input: Omit<MarketOrderInput, "side" | "quantity" | "reduceOnly">): OrderResult {
    const position = this.positions().get(input.symbol);
    if (!position || position.qty === 0n) return { ok: false, status: 404, code: "no_position", message: `no open ${input.symbol} position` };
    const long = position.qty > 0n;
    return this.placeMarketOrder({ ...input, side: long ? "sell" : "buy", quantity: fmt(long ? position.qty : -position.qty), reduceOnly: true });
  }

  /** Fills (the trade history), newest first, by symbol and time; `before` is the cursor. */
  history(options: { limit: number; before?: number; symbol?: string; from?: number; to?: number }): { trades: TradeView[]; nextCursor: string | null } {
    const limit = Math.max(1, Math.min(100, options.limit));
    const rows = this.ctx.storage.sql
      .exec<FillRow & { rid: number }>(
        `SELECT rowid AS rid, * FROM fills
         WHERE rowid < ? AND (? IS NULL OR symbol = ?) AND ts >= ? AND ts <= ?
         ORDER BY rowid DESC LIMIT ?`,
        options.before ?? Number.MAX_SAFE_INTEGER, options.symbol ?? null, options.symbol ?? null, options.from ?? 0, options.to ?? Number.MAX_SAFE_INTEGER, limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit);
    return {
      trades: page.map((r) => ({
        tradeId: r.id,
        orderId: r.order_id,
        symbol: r.symbol,
        side: r.side as Side,
        quantity: fmt(BigInt(r.qty)),
        price: fmt(BigInt(r.price)),
        fee: fmt(BigInt(r.fee)),
        realizedPnl: fmt(BigInt(r.realized_pnl)),
        time: new Date(r.ts).toISOString(),
      })),
      nextCursor: rows.length > limit ? String(page.at(-1)!.rid) : null,
    };
  }

  getOrder(orderId: string): OrderView | null {
    const row = this.orderRow(orderId);
    return row ? orderView(row) : null;
  }

  /** Orders, newest first; `before` is the cursor (an order sequence number). */
  listOrders(options: { limit: number; before?: number; symbol?: string }): { orders: OrderView[]; nextCursor: string | null } {
    const limit = Math.max(1, Math.min(100, options.limit));
    const rows = this.ctx.storage.sql
      .exec<OrderRow & { seq: number }>(
        `SELECT * FROM orders WHERE seq < ? AND (? IS NULL OR symbol = ?) ORDER BY seq DESC LIMIT ?`,
        options.before ?? Number.MAX_SAFE_INTEGER, options.symbol ?? null, options.symbol ?? null, limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit);
    return { orders: page.map(orderView), nextCursor: rows.length > limit ? String(page.at(-1)!.seq) : null };
  }

  account(): AccountView {
    this.ensureLedger();
    const settings = this.settings();
    const balance = this.balance();
    const positions = this.positions();
    const { marginUsed, unrealized } = this.exposure(positions, settings.leverage);
    const equity = balance.wallet + unrealized;
    const open = [...positions.values()].filter((p) => p.qty !== 0n);
    return {
      asset: "USDT",
      walletBalance: fmt(balance.wallet),
      equity: fmt(equity),
      unrealizedPnl: fmt(unrealized),
      marginUsed: fmt(marginUsed),
      freeMargin: fmt(equity - marginUsed),
      realizedPnl: fmt(balance.realizedPnl),
      feesPaid: fmt(balance.feesPaid),
      leverage: settings.leverage,
      openPositions: open.length,
      maxOpenPositions: settings.maxOpenPositions,
      tradingEnabled: settings.tradingEnabled,
      positions: open.map((p) => this.positionView(p, settings.leverage)),
    };
  }

  /** Number of events in the log (tests and health). */
  eventCount(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n;
  }

  // -------------------------------------------------------------------------------------------

  /** Creates settings and the USDT balance on first use (accounts opened before v2 included). */
  private ensureLedger(): void {
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT INTO settings (id, taker_fee_rate) VALUES (1, ?) ON CONFLICT (id) DO NOTHING", units(TAKER_FEE_RATE).toString());
    sql.exec(
      "INSERT INTO balances (asset, wallet, realized_pnl, fees_paid) VALUES (?, ?, '0', '0') ON CONFLICT (asset) DO NOTHING",
      USDT,
      units(PAPER_STARTING_BALANCE).toString(),
    );
  }

  private settings(): Settings {
    const r = this.ctx.storage.sql
      .exec<{ trading_enabled: number; leverage: number; max_open_positions: number; taker_fee_rate: string; risk_per_trade_pct: string; daily_loss_limit_pct: string }>(
        "SELECT * FROM settings WHERE id = 1",
      )
      .one();
    return {
      tradingEnabled: r.trading_enabled === 1,
      leverage: r.leverage,
      maxOpenPositions: r.max_open_positions,
      riskPerTradePct: r.risk_per_trade_pct,
      dailyLossLimitPct: r.daily_loss_limit_pct,
      takerFeeRate: BigInt(r.taker_fee_rate),
    };
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
    const r = this.ctx.storage.sql
      .exec<{ wallet: string; realized_pnl: string; fees_paid: string }>("SELECT wallet, realized_pnl, fees_paid FROM balances WHERE asset = ?", USDT)
      .one();
    return { wallet: BigInt(r.wallet), realizedPnl: BigInt(r.realized_pnl), feesPaid: BigInt(r.fees_paid) };
  }

  private positions(): Map<string, Position & { mark: Units }> {
    const out = new Map<string, Position & { mark: Units }>();
    for (const r of this.ctx.storage.sql.exec<PositionRow>("SELECT symbol, qty, cost, mark FROM positions")) {
      out.set(r.symbol, { symbol: r.symbol, qty: BigInt(r.qty), cost: BigInt(r.cost), mark: BigInt(r.mark) });
    }
    return out;
  }

  /** Margin held and unrealized PnL at each position's last known mark. */
  private exposure(positions: Map<string, Position & { mark: Units }>, leverage: number): { marginUsed: Units; unrealized: Units } {
    let marginUsed = 0n;
    let unrealized = 0n;
    for (const p of positions.values()) {
      if (p.qty === 0n) continue;
      marginUsed += marginFor(p, leverage);
      unrealized += unrealizedPnl(p, p.mark);
    }
    return { marginUsed, unrealized };
  }

  private positionView(p: Position & { mark: Units }, leverage: number): PositionView {
    return {
      symbol: p.symbol,
      side: p.qty > 0n ? "long" : "short",
      quantity: fmt(p.qty < 0n ? -p.qty : p.qty),
      entryPrice: fmt(entryPrice(p)),
      markPrice: fmt(p.mark),
      unrealizedPnl: fmt(unrealizedPnl(p, p.mark)),
      margin: fmt(marginFor(p, leverage)),
    };
  }

  /** Takes a token from the persisted trades/min bucket; returns seconds to wait when empty. */
  private takeTradeToken(perMinute: number, now: number): number | undefined {
    const sql = this.ctx.storage.sql;
    const row = sql.exec<{ tokens: number; updated_at: number }>("SELECT tokens, updated_at FROM rate_buckets WHERE name = 'trades'").toArray()[0];
    const r = takeToken({ capacity: perMinute, perMs: 60_000 }, row ? { tokens: row.tokens, updatedAt: row.updated_at } : undefined, now);
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
