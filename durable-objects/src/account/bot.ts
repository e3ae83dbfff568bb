/**
 * The auto-trading bot inside a user's account: per-symbol settings, the decision on each signal,
 * the decision log, and the registrations that tell each symbol's hub which accounts to call.
 *
 * A decision, in order: auto-trading off for the symbol, trading disabled in the risk settings, a
 * neutral signal, confidence under the threshold, no stop/target, a signal older than
 * MAX_SIGNAL_AGE_MS, no or a stale price, a position already open in the signal's direction (or
 * the opposite one: the bot never flips a position) — each is "skipped" with its reason. Otherwise a
 * market order goes through the account's own placeOrder (the same risk manager, symbol rules and
 * idempotency as a manual order) with the signal's stop-loss and take-profit; the Idempotency-Key is
 * `bot:<signal id>`, so a redelivered signal never places a second order. A refusal by the order path
 * is logged as skipped with its code and message. Every decision is one row (unique per signal) and
 * one private event `bot.decision`.
 *
 * @example
 * const bot = new AccountBot(ctx.storage, { userId, placeOrder, tradingEnabled, positionQty, tradesPerMinute, wakeAt });
 * const { decision } = await bot.decide({ signal, quote });
 */
import {
  DEFAULT_BOT_MIN_CONFIDENCE,
  floorToStep,
  fmt,
  mulDiv,
  PlaceOrderRequest,
  symbolRules,
  units,
  type BotDecisionView,
  type BotSettingsUpdate,
  type BotSettingsView,
  type BotSymbolSettings,
  type SignalUpdate,
} from "@bot-core/core";
import type { OrderResult, Quote } from "./views";
import { SingleFlight } from "../single-flight";

/** A signal older than this (from its candle's close) is not traded. */
export const MAX_SIGNAL_AGE_MS = 60_000;
/** A price older than this is not traded on (the manual order path's limit). */
export const MAX_QUOTE_AGE_MS = 10_000;
const SYNC_RETRY_MS = 1_000;

/** What a symbol hub sends the account for one signal. */
export interface SignalDelivery {
  signal: SignalUpdate;
  quote: Quote | null;
}

export interface BotPlaceOrder {
  order: PlaceOrderRequest;
  idempotencyKey: string;
  requestHash: string;
  quote: Quote;
  tradesPerMinute: number;
}

export interface AccountBotDeps {
  userId(): string;
  /** The account's own placeOrder (manual orders take the same path). */
  placeOrder(input: BotPlaceOrder): Promise<OrderResult>;
  tradingEnabled(): boolean;
  /** Signed base quantity of the open position (0n when flat). */
  positionQty(symbol: string): bigint;
  tradesPerMinute(): number;
  /** Sets the account's alarm (retries of hub registrations). */
  wakeAt(at: number): Promise<void>;
  hub(symbol: string): { syncBotAccounts(change: { register: string[]; remove: string[] }): Promise<unknown> };
  now?(): number;
}

type SettingsRow = {
  symbol: string;
  enabled: number;
  min_confidence: number;
  quote_amount: string | null;
};

type DecisionRow = {
  seq: number;
  signal_id: string;
  symbol: string;
  interval: string;
  signal_action: string;
  confidence: number;
  taken: number;
  reason_code: string;
  reason: string;
  order_id: string | null;
  ts: number;
};

type Outcome = { taken: true; orderId: string; reason: string } | { taken: false; code: string; reason: string };

const decisionView = (r: DecisionRow): BotDecisionView => ({
  id: r.seq,
  time: new Date(r.ts).toISOString(),
  symbol: r.symbol,
  interval: r.interval,
  signalId: r.signal_id,
  signalAction: r.signal_action,
  confidence: r.confidence,
  action: r.taken === 1 ? "taken" : "skipped",
  taken: r.taken === 1,
  reasonCode: r.reason_code,
  reason: r.reason,
  orderId: r.order_id,
});

export class AccountBot {
  readonly #syncs = new SingleFlight();
  /** Decisions under way (placeOrder awaits the trigger books): a concurrent delivery of the same signal waits for it. */
  readonly #deciding = new Map<string, Promise<{ decision: BotDecisionView; replayed: boolean }>>();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly deps: AccountBotDeps,
  ) {}

  settings(): BotSettingsView {
    const rows = this.storage.sql.exec<SettingsRow>("SELECT symbol, enabled, min_confidence, quote_amount FROM bot_settings ORDER BY symbol").toArray();
    const view: BotSettingsView = { autoTrading: {}, symbols: {} };
    for (const r of rows) {
      view.autoTrading[r.symbol] = r.enabled === 1;
      view.symbols[r.symbol] = { enabled: r.enabled === 1, minConfidence: r.min_confidence, quoteAmount: r.quote_amount };
    }
    return view;
  }

  /** Applies a validated update (known symbols only); queues hub registrations for switches that changed. */
  update(patch: BotSettingsUpdate): BotSettingsView {
    const now = this.#now();
    const sql = this.storage.sql;
    this.storage.transactionSync(() => {
      const symbols = new Set([...Object.keys(patch.autoTrading ?? {}), ...Object.keys(patch.symbols ?? {})]);
      for (const symbol of symbols) {
        const current = this.#symbol(symbol);
        const p = patch.symbols?.[symbol] ?? {};
        const next: BotSymbolSettings = {
          enabled: patch.autoTrading?.[symbol] ?? p.enabled ?? current.enabled,
          minConfidence: p.minConfidence ?? current.minConfidence,
          quoteAmount: p.quoteAmount === undefined ? current.quoteAmount : p.quoteAmount === null ? null : fmt(units(p.quoteAmount)),
        };
        sql.exec(
          `INSERT INTO bot_settings (symbol, enabled, min_confidence, quote_amount, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (symbol) DO UPDATE SET enabled = excluded.enabled, min_confidence = excluded.min_confidence, quote_amount = excluded.quote_amount, updated_at = excluded.updated_at`,
          symbol, next.enabled ? 1 : 0, next.minConfidence, next.quoteAmount, now,
        );
        if (next.enabled !== current.enabled) {
          sql.exec(
            "INSERT INTO bot_sync (symbol, op, created_at) VALUES (?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET op = excluded.op, created_at = excluded.created_at",
            symbol, next.enabled ? "register" : "remove", now,
          );
        }
      }
      const view = this.settings();
      sql.exec("INSERT INTO events (type, payload, ts) VALUES ('bot.settings.updated', ?, ?)", JSON.stringify(view), now);
    });
    return this.settings();
  }

  /** Decides on one signal, at most once per signal id (a redelivery gets the stored decision). */
  async decide(delivery: SignalDelivery): Promise<{ decision: BotDecisionView; replayed: boolean }> {
    const { signal } = delivery;
    const prior = this.#decisionOf(signal.id);
    if (prior) return { decision: prior, replayed: true };
    const running = this.#deciding.get(signal.id);
    if (running) return { decision: (await running).decision, replayed: true };
    const work = this.#decide(delivery);
    this.#deciding.set(signal.id, work);
    try {
      return await work;
    } finally {
      this.#deciding.delete(signal.id);
    }
  }

  async #decide(delivery: SignalDelivery): Promise<{ decision: BotDecisionView; replayed: boolean }> {
    const { signal } = delivery;
    const skip = this.#precheck(delivery);
    if (skip) return this.#record(signal, skip);

    const settings = this.#symbol(signal.symbol);
    const quote = delivery.quote!;
    const side = signal.action === "buy" || signal.action === "strong_buy" ? "buy" : "sell";
    let quantity: string | undefined;
    if (settings.quoteAmount !== null) {
      const rules = symbolRules(signal.symbol)!;
      const price = units(side === "buy" ? quote.ask : quote.bid);
      const qty = price > 0n ? floorToStep(mulDiv(units(settings.quoteAmount), 10n ** 8n, price, "down"), rules) : 0n;
      if (qty === 0n) return this.#record(signal, { taken: false, code: "size_too_small", reason: `${settings.quoteAmount} USDT buys less than one step (${rules.stepSize}) of ${rules.baseAsset}` });
      quantity = fmt(qty);
    }
    const order = PlaceOrderRequest.parse({
      symbol: signal.symbol,
      side,
      type: "market",
      ...(quantity ? { quantity } : {}),
      stopLoss: signal.stopLoss!,
      takeProfit: signal.takeProfit!,
      signal: { confidence: signal.confidence, source: signal.id },
    });
    const key = `bot:${signal.id}`;
    const result = await this.deps.placeOrder({ order, idempotencyKey: key, requestHash: key, quote, tradesPerMinute: this.deps.tradesPerMinute() });
    const outcome: Outcome = result.ok
      ? { taken: true, orderId: result.order.orderId, reason: `${signal.label} ${signal.confidence} >= ${settings.minConfidence}: ${side} ${result.order.quantity} ${signal.symbol} at market (${result.order.status}), stop ${signal.stopLoss}, target ${signal.takeProfit}` }
      : { taken: false, code: result.code, reason: result.message };
    return this.#record(signal, outcome);
  }

  /** The decision log, newest first; `before` is the cursor (a decision id). */
  decisions(options: { limit: number; before?: number; symbol?: string }): { decisions: BotDecisionView[]; nextCursor: string | null } {
    const n = Math.max(1, Math.min(100, options.limit));
    const rows = this.storage.sql
      .exec<DecisionRow>(
        "SELECT * FROM bot_decisions WHERE seq < ? AND (? IS NULL OR symbol = ?) ORDER BY seq DESC LIMIT ?",
        options.before ?? Number.MAX_SAFE_INTEGER,
        options.symbol ?? null,
        options.symbol ?? null,
        n + 1,
      )
      .toArray();
    const page = rows.slice(0, n);
    return { decisions: page.map(decisionView), nextCursor: rows.length > n ? String(page[page.length - 1]!.seq) : null };
  }

  hasPendingSync(): boolean {
    return this.storage.sql.exec("SELECT 1 FROM bot_sync LIMIT 1").toArray().length > 0;
  }

  /** Tells the hubs about switches that changed; a row goes only when its hub confirmed it. On failure the alarm retries. */
  flushSync(): Promise<void> {
    return this.#syncs.run(async () => {
      const rows = this.storage.sql.exec<{ symbol: string; op: "register" | "remove"; created_at: number }>("SELECT symbol, op, created_at FROM bot_sync").toArray();
      let failed = false;
      await Promise.all(
        rows.map(async (r) => {
          try {
            const userId = this.deps.userId();
            await this.deps.hub(r.symbol).syncBotAccounts(r.op === "register" ? { register: [userId], remove: [] } : { register: [], remove: [userId] });
            this.storage.sql.exec("DELETE FROM bot_sync WHERE symbol = ? AND op = ? AND created_at = ?", r.symbol, r.op, r.created_at);
          } catch {
            failed = true;
          }
        }),
      );
      if (failed) await this.deps.wakeAt(this.#now() + SYNC_RETRY_MS);
    });
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  #symbol(symbol: string): BotSymbolSettings {
    const r = this.storage.sql.exec<SettingsRow>("SELECT symbol, enabled, min_confidence, quote_amount FROM bot_settings WHERE symbol = ?", symbol).toArray()[0];
    return r ? { enabled: r.enabled === 1, minConfidence: r.min_confidence, quoteAmount: r.quote_amount } : { enabled: false, minConfidence: DEFAULT_BOT_MIN_CONFIDENCE, quoteAmount: null };
  }

  #decisionOf(signalId: string): BotDecisionView | undefined {
    const r = this.storage.sql.exec<DecisionRow>("SELECT * FROM bot_decisions WHERE signal_id = ?", signalId).toArray()[0];
    return r ? decisionView(r) : undefined;
  }

  #precheck({ signal, quote }: SignalDelivery): Outcome | null {
    const skip = (code: string, reason: string): Outcome => ({ taken: false, code, reason });
    const now = this.#now();
    const settings = this.#symbol(signal.symbol);
    if (!settings.enabled) return skip("auto_trading_off", `auto-trading is off for ${signal.symbol}`);
    if (!this.deps.tradingEnabled()) return skip("trading_disabled", "trading is disabled in the risk settings");
    if (signal.action === "neutral") return skip("neutral_signal", `${signal.label}: nothing to trade`);
    if (signal.confidence < settings.minConfidence) return skip("below_threshold", `confidence ${signal.confidence} < ${settings.minConfidence}`);
    if (signal.stopLoss === null || signal.takeProfit === null) return skip("no_levels", "the signal carries no stop-loss or take-profit");
    if (now - signal.closeTime > MAX_SIGNAL_AGE_MS) return skip("stale_signal", `the signal is ${Math.round((now - signal.closeTime) / 1000)} s old (limit ${MAX_SIGNAL_AGE_MS / 1000} s)`);
    if (!quote) return skip("no_price", `no price for ${signal.symbol} yet`);
    if (now - quote.time > MAX_QUOTE_AGE_MS) return skip("stale_price", `the last ${signal.symbol} price is ${Math.round((now - quote.time) / 1000)} s old`);
    const long = signal.action === "buy" || signal.action === "strong_buy";
    const position = this.deps.positionQty(signal.symbol);
    if (position !== 0n && position > 0n === long) return skip("already_positioned", `already ${long ? "long" : "short"} ${fmt(position < 0n ? -position : position)} ${signal.symbol}`);
    if (position !== 0n) return skip("opposite_position", `a ${long ? "short" : "long"} ${signal.symbol} position is open; the bot does not flip positions`);
    return null;
  }

  /** Stores the decision (once per signal) with its private event; returns what is stored. */
  #record(signal: SignalUpdate, outcome: Outcome): { decision: BotDecisionView; replayed: boolean } {
    const now = this.#now();
    return this.storage.transactionSync(() => {
      const inserted = this.storage.sql
        .exec<{ seq: number }>(
          `INSERT INTO bot_decisions (signal_id, symbol, interval, signal_action, confidence, taken, reason_code, reason, order_id, ts)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (signal_id) DO NOTHING RETURNING seq`,
          signal.id, signal.symbol, signal.interval, signal.action, signal.confidence,
          outcome.taken ? 1 : 0, outcome.taken ? "taken" : outcome.code, outcome.reason.slice(0, 500), outcome.taken ? outcome.orderId : null, now,
        )
        .toArray();
      const decision = this.#decisionOf(signal.id)!;
      if (inserted.length > 0) this.storage.sql.exec("INSERT INTO events (type, payload, ts) VALUES ('bot.decision', ?, ?)", JSON.stringify(decision), now);
      return { decision, replayed: inserted.length === 0 };
    });
  }
}
