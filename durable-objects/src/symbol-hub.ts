/**
 * SymbolHub: one per symbol. Holds the last ticker, the kline window of its symbol, and the
 * trigger book: every user's resting limit orders and armed stops, take-profits and trailing stops
 * on this symbol.
 *
 * The last ticker is kept in memory and persisted at most once a second (it is re-sent by the
 * bridge many times a second; persisting each would cost a disk commit per tick locally);
 * closed klines are persisted as they close; triggers are persisted as they change.
 *
 * Firing is exactly-once with the account's help (trigger-wire.ts): a crossed trigger is marked
 * firing with its fire number and the tick, persisted, and sent to the user's account; until the
 * account answers, later ticks skip it. A failed call (account evicted, hub restarted) is retried
 * by the alarm with the same fire, which the account applies at most once.
 */
import { DurableObject } from "cloudflare:workers";
import { crosses, fmt, KlineUpdate, TickerUpdate, trail, units, type KlineInterval, type MarketUpdate, type SignalUpdate, type Tick, type TriggerSpec } from "@bot-core/core";
import type { Env } from "../../workers/api/src/env";
import { SingleFlight } from "./single-flight";
import { migrate, type Migration } from "./sql-migrations";
import type { SignalDelivery } from "./account/bot";
import { specFromWire, wireFromSpec, wireFromTick, type FireResult, type TickWire, type TriggerWire } from "./trigger-wire";
import { marketFeedOf } from "./market-feed";

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE last_ticker (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, event_time INTEGER NOT NULL);
          CREATE TABLE klines (
            interval TEXT NOT NULL,
            open_time INTEGER NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (interval, open_time)
          )`,
  },
  {
    version: 2,
    sql: `CREATE TABLE triggers (
            order_id TEXT PRIMARY KEY,
            spec TEXT NOT NULL,
            fires INTEGER NOT NULL DEFAULT 0,
            firing INTEGER NOT NULL DEFAULT 0,
            fire_price TEXT,
            fire_tick TEXT
          )`,
  },
  {
    // The accounts auto-trading this symbol, and signal deliveries to them not yet answered.
    version: 3,
    sql: `CREATE TABLE bot_accounts (user_id TEXT PRIMARY KEY, since INTEGER NOT NULL);
          CREATE TABLE bot_signals (id TEXT PRIMARY KEY, delivery TEXT NOT NULL);
          CREATE TABLE bot_deliveries (
            signal_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (signal_id, user_id)
          );`,
  },
];

/** Closed klines kept per interval. */
export const KLINE_WINDOW = 1000;
const TICKER_PERSIST_INTERVAL_MS = 1000;
/** A fire the account did not answer is retried after this long. */
const FIRE_RETRY_MS = 500;
/** Accounts called at once for one signal (the rest wait their turn). */
export const BOT_FANOUT_CONCURRENCY = 8;
/** A signal delivery that failed this often is given up (logged). */
const BOT_MAX_ATTEMPTS = 5;

interface TriggerState {
  spec: TriggerSpec;
  /** Fires so far; the current fire's number while `firing`. */
  fires: number;
  firing: boolean;
  inFlight: boolean;
  firePrice?: string;
  fireTick?: TickWire;
}

export interface TriggerBookEntry extends TriggerWire {
  fires: number;
  firing: boolean;
}

export class SymbolHub extends DurableObject<Env> {
  private lastTicker: TickerUpdate | null = null;
  private lastSignal: SignalUpdate | null = null;
  private botAccounts = new Set<string>();
  private readonly signalDeliveries = new SingleFlight();
  private lastPersistedAt = 0;
  private liveKlines = new Map<KlineInterval, KlineUpdate>();
  private triggers = new Map<string, TriggerState>();
  /** This hub's symbol, once a trigger or a ticker has named it. */
  private symbol: string | undefined;
  /** What the feed was last told (undefined: not yet since this instance started). */
  private watching: boolean | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, MIGRATIONS);
      const row = ctx.storage.sql.exec<{ json: string }>("SELECT json FROM last_ticker WHERE id = 1").toArray()[0];
      if (row) this.lastTicker = TickerUpdate.parse(JSON.parse(row.json));
      this.symbol = this.lastTicker?.symbol;
      let unanswered = false;
      for (const t of ctx.storage.sql.exec<{ order_id: string; spec: string; fires: number; firing: number; fire_price: string | null; fire_tick: string | null }>("SELECT * FROM triggers")) {
        const state: TriggerState = { spec: specFromWire(JSON.parse(t.spec) as TriggerWire), fires: t.fires, firing: t.firing === 1, inFlight: false };
        if (t.fire_price) state.firePrice = t.fire_price;
        if (t.fire_tick) state.fireTick = JSON.parse(t.fire_tick) as TickWire;
        this.triggers.set(t.order_id, state);
        this.symbol ??= state.spec.symbol;
        unanswered ||= state.firing;
      }
      for (const r of ctx.storage.sql.exec<{ user_id: string }>("SELECT user_id FROM bot_accounts")) this.botAccounts.add(r.user_id);
      unanswered ||= ctx.storage.sql.exec("SELECT 1 FROM bot_deliveries LIMIT 1").toArray().length > 0;
      if (unanswered) await ctx.storage.setAlarm(Date.now());
    });
  }

  /** Applies a batch of this symbol's updates (already validated at the bridge boundary). */
  applyUpdates(updates: MarketUpdate[]): void {
    const sql = this.ctx.storage.sql;
    let high: bigint | undefined;
    let low: bigint | undefined;
    for (const u of updates) {
      if (u.kind === "ticker") {
        this.symbol ??= u.symbol;
        if (!this.lastTicker || u.eventTime >= this.lastTicker.eventTime) this.lastTicker = u;
        if (this.triggers.size > 0) {
          const h = units(u.high ?? u.price);
          const l = units(u.low ?? u.price);
          if (high === undefined || h > high) high = h;
          if (low === undefined || l < low) low = l;
        }
      } else if (u.kind === "signal") {
        this.onSignal(u);
      } else if (u.closed) {
        sql.exec(
          "INSERT INTO klines (interval, open_time, json) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET json = excluded.json",
          u.interval,
          u.openTime,
          JSON.stringify(u),
        );
        sql.exec(
          `DELETE FROM klines WHERE interval = ? AND open_time <= (
             SELECT open_time FROM klines WHERE interval = ? ORDER BY open_time DESC LIMIT 1 OFFSET ?)`,
          u.interval,
          u.interval,
          KLINE_WINDOW,
        );
        this.liveKlines.delete(u.interval);
      } else {
        this.liveKlines.set(u.interval, u);
      }
    }
    const now = Date.now();
    if (this.lastTicker && now - this.lastPersistedAt >= TICKER_PERSIST_INTERVAL_MS) {
      sql.exec(
        "INSERT INTO last_ticker (id, json, event_time) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json, event_time = excluded.event_time",
        JSON.stringify(this.lastTicker),
        this.lastTicker.eventTime,
      );
      this.lastPersistedAt = now;
    }
    if (high !== undefined && low !== undefined && this.lastTicker) {
      const t = this.lastTicker;
      this.evaluate({ price: units(t.price), high, low, bid: units(t.bid), ask: units(t.ask), bidQty: units(t.bidQty), askQty: units(t.askQty), time: t.eventTime });
    }
  }

  latest(): TickerUpdate | null {
    return this.lastTicker;
  }

  /** The last signal published for this symbol (any interval), or null. */
  latestSignal(): SignalUpdate | null {
    return this.lastSignal;
  }

  /** Closed klines, oldest first, plus the open one at the end when known. */
  klines(interval: KlineInterval, limit: number): KlineUpdate[] {
    const rows = this.ctx.storage.sql
      .exec<{ json: string }>(
        "SELECT json FROM klines WHERE interval = ? ORDER BY open_time DESC LIMIT ?",
        interval,
        Math.max(1, Math.min(limit, KLINE_WINDOW)),
      )
      .toArray();
    const closed = rows.map((r) => KlineUpdate.parse(JSON.parse(r.json))).reverse();
    const live = this.liveKlines.get(interval);
    return live ? [...closed, live].slice(-limit) : closed;
  }

  /**
   * Arms, re-arms (a newer version replaces an older one) and disarms triggers. Idempotent: the
   * accounts re-send until this returns.
   */
  async syncTriggers(change: { register: TriggerWire[]; remove: string[] }): Promise<{ armed: number }> {
    this.ctx.storage.transactionSync(() => {
      for (const w of change.register) this.arm(specFromWire(w));
      for (const id of change.remove) this.disarm(id);
    });
    this.symbol ??= change.register[0]?.symbol;
    await this.declareWatch();
    return { armed: this.triggers.size };
  }

  /**
   * Tells the feed whether this hub needs every tick (its trigger book is not empty) or only its
   * state now and then (hub-forwarding.ts). On the way in, the newest ticker is judged at once.
   * Throws when the feed cannot be reached; the accounts re-send the change until it returns.
   */
  private async declareWatch(): Promise<void> {
    // Other calls run while this one waits for the feed (a trigger armed, a fire settled): after
    // each answer the book is read again, so the last declaration to land matches it.
    for (;;) {
      const on = this.triggers.size > 0;
      if (on === this.watching || this.symbol === undefined) return;
      const newest = await marketFeedOf(this.env).watch(this.symbol, on);
      this.watching = on;
      if (on && newest) this.applyUpdates([newest]);
    }
  }

  /** The trigger book (tests, operations). */
  triggerBook(): TriggerBookEntry[] {
    return [...this.triggers.values()].map((s) => ({ ...wireFromSpec(s.spec), fires: s.fires, firing: s.firing }));
  }

  /**
   * Registers and removes accounts that auto-trade this symbol (idempotent: the accounts re-send
   * until this returns).
   */
  syncBotAccounts(change: { register: string[]; remove: string[] }): { accounts: number } {
    this.ctx.storage.transactionSync(() => {
      for (const id of change.register) {
        this.ctx.storage.sql.exec("INSERT INTO bot_accounts (user_id, since) VALUES (?, ?) ON CONFLICT DO NOTHING", id, Date.now());
        this.botAccounts.add(id);
      }
      for (const id of change.remove) {
        this.ctx.storage.sql.exec("DELETE FROM bot_accounts WHERE user_id = ?", id);
        this.botAccounts.delete(id);
      }
    });
    return { accounts: this.botAccounts.size };
  }

  /** The accounts auto-trading this symbol and the deliveries still waiting (tests, operations). */
  botState(): { accounts: string[]; pendingDeliveries: number } {
    const pending = this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM bot_deliveries").one().n;
    return { accounts: [...this.botAccounts].sort(), pendingDeliveries: pending };
  }

  /** Retries fires whose account did not answer, and signal deliveries that failed. */
  override async alarm(): Promise<void> {
    const retries = [...this.triggers.values()].filter((s) => s.firing && !s.inFlight);
    await Promise.all([...retries.map((s) => this.fire(s)), this.deliverSignals()]);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A signal: kept as the latest, and — when accounts auto-trade this symbol — persisted as one
   * delivery per account and sent to them after this batch returns (never on the market-data
   * path), with the price this hub saw last.
   */
  private onSignal(signal: SignalUpdate): void {
    if (!this.lastSignal || signal.closeTime >= this.lastSignal.closeTime) this.lastSignal = signal;
    if (this.botAccounts.size === 0) return;
    const t = this.lastTicker;
    const quote = t ? { price: t.price, bid: t.bid, ask: t.ask, bidQty: t.bidQty, askQty: t.askQty, time: t.eventTime } : null;
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      sql.exec("INSERT INTO bot_signals (id, delivery) VALUES (?, ?) ON CONFLICT DO NOTHING", signal.id, JSON.stringify({ signal, quote }));
      for (const userId of this.botAccounts) sql.exec("INSERT INTO bot_deliveries (signal_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", signal.id, userId);
    });
    void this.deliverSignals();
  }

  /**
   * Sends waiting signal deliveries to their accounts, BOT_FANOUT_CONCURRENCY at a time. A delivery
   * is deleted once its account answered (the account decides at most once per signal); a failed
   * one is retried by the alarm, up to BOT_MAX_ATTEMPTS.
   */
  private deliverSignals(): Promise<void> {
    return this.signalDeliveries.run(async () => {
      const sql = this.ctx.storage.sql;
      let failed = false;
      for (let round = 0; round < 20; round++) {
        const rows = sql
          .exec<{ signal_id: string; user_id: string; attempts: number; delivery: string }>(
            "SELECT d.signal_id, d.user_id, d.attempts, s.delivery FROM bot_deliveries d JOIN bot_signals s ON s.id = d.signal_id WHERE d.attempts < ? ORDER BY d.rowid LIMIT 64",
            BOT_MAX_ATTEMPTS,
          )
          .toArray();
        if (rows.length === 0) break;
        let next = 0;
        const worker = async () => {
          while (next < rows.length) {
            const r = rows[next++]!;
            try {
              await this.env.USER_ACCOUNT.getByName(r.user_id).onSignal(JSON.parse(r.delivery) as SignalDelivery);
              sql.exec("DELETE FROM bot_deliveries WHERE signal_id = ? AND user_id = ?", r.signal_id, r.user_id);
            } catch (err) {
              failed = true;
              sql.exec("UPDATE bot_deliveries SET attempts = attempts + 1 WHERE signal_id = ? AND user_id = ?", r.signal_id, r.user_id);
              if (r.attempts + 1 >= BOT_MAX_ATTEMPTS) console.error(JSON.stringify({ level: "error", msg: "signal delivery given up", signalId: r.signal_id, error: String(err) }));
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(BOT_FANOUT_CONCURRENCY, rows.length) }, worker));
        if (failed) break;
      }
      sql.exec("DELETE FROM bot_deliveries WHERE attempts >= ?", BOT_MAX_ATTEMPTS);
      sql.exec("DELETE FROM bot_signals WHERE id NOT IN (SELECT signal_id FROM bot_deliveries)");
      if (failed) await this.ctx.storage.setAlarm(Date.now() + FIRE_RETRY_MS);
    });
  }

  /** Arms `spec` unless the same or a newer version is armed; the fire count carries over (fire numbers never repeat). */
  private arm(spec: TriggerSpec, firesSoFar = 0): void {
    const existing = this.triggers.get(spec.orderId);
    if (existing && existing.spec.version >= spec.version && existing.spec.kind === spec.kind) return;
    const state: TriggerState = { spec, fires: Math.max(existing?.fires ?? 0, firesSoFar), firing: false, inFlight: false };
    this.triggers.set(spec.orderId, state);
    this.persist(state);
  }

  private disarm(orderId: string): void {
    this.triggers.delete(orderId);
    this.ctx.storage.sql.exec("DELETE FROM triggers WHERE order_id = ?", orderId);
  }

  private persist(s: TriggerState): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO triggers (order_id, spec, fires, firing, fire_price, fire_tick) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (order_id) DO UPDATE SET spec = excluded.spec, fires = excluded.fires, firing = excluded.firing,
         fire_price = excluded.fire_price, fire_tick = excluded.fire_tick`,
      s.spec.orderId,
      JSON.stringify(wireFromSpec(s.spec)),
      s.fires,
      s.firing ? 1 : 0,
      s.firePrice ?? null,
      s.fireTick ? JSON.stringify(s.fireTick) : null,
    );
  }

  /** Moves trailing stops and fires every trigger the tick crossed (each once). */
  private evaluate(tick: Tick): void {
    const fired: TriggerState[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const state of this.triggers.values()) {
        if (state.firing) continue;
        const moved = trail(state.spec, tick);
        if (moved !== state.spec) {
          state.spec = moved;
          this.persist(state);
        }
        if (!crosses(state.spec, tick)) continue;
        state.firing = true;
        state.fires += 1;
        state.firePrice = fmt(state.spec.price);
        state.fireTick = wireFromTick(tick);
        this.persist(state);
        fired.push(state);
      }
    });
    for (const s of fired) void this.fire(s);
  }

  private async fire(state: TriggerState): Promise<void> {
    if (state.inFlight || !state.fireTick || !state.firePrice) return;
    state.inFlight = true;
    const { spec } = state;
    try {
      const result = await this.env.USER_ACCOUNT.getByName(spec.userId).onTrigger({
        orderId: spec.orderId,
        version: spec.version,
        fireSeq: state.fires,
        kind: spec.kind,
        price: state.firePrice,
        tick: state.fireTick,
      });
      state.inFlight = false;
      this.settle(state, result);
    } catch {
      state.inFlight = false;
      await this.ctx.storage.setAlarm(Date.now() + FIRE_RETRY_MS);
      return;
    }
    // A fire that emptied the book (or armed a bracket) changes what this hub needs from the feed.
    try {
      await this.declareWatch();
    } catch (err) {
      // Only costs CPU (the feed keeps sending every batch); the next trigger change declares again.
      console.warn(JSON.stringify({ level: "warn", msg: "watch declaration after a fire failed", symbol: this.symbol, error: err instanceof Error ? err.message : String(err) }));
    }
  }

  /** Applies the account's answer to a fire: drop, replace, or re-arm the trigger; arm and drop others. */
  private settle(state: TriggerState, result: FireResult): void {
    this.ctx.storage.transactionSync(() => {
      const current = this.triggers.get(state.spec.orderId);
      if (current === state) {
        if (result.replace) {
          this.triggers.delete(state.spec.orderId);
          this.arm(specFromWire(result.replace), state.fires);
        } else if (result.done) {
          this.disarm(state.spec.orderId);
        } else {
          state.firing = false;
          delete state.firePrice;
          delete state.fireTick;
          this.persist(state);
        }
      }
      for (const w of result.register) this.arm(specFromWire(w));
      for (const id of result.cancel) this.disarm(id);
    });
  }
}
