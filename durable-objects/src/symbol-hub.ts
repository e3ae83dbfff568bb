/**
 * SymbolHub: one per symbol. Holds the last ticker and the kline window of its symbol (and, with
 * the trading core, the trigger book of stops and targets).
 *
 * The last ticker is kept in memory and persisted at most once a second (it is re-sent by the
 * bridge many times a second; persisting each would cost a disk commit per tick locally);
 * closed klines are persisted as they close.
 */
import { DurableObject } from "cloudflare:workers";
import { KlineUpdate, TickerUpdate, type KlineInterval, type MarketUpdate } from "@bot-core/core";
import type { Env } from "../../workers/api/src/env";
import { migrate, type Migration } from "./sql-migrations";

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
];

/** Closed klines kept per interval. */
export const KLINE_WINDOW = 1000;
const TICKER_PERSIST_INTERVAL_MS = 1000;

export class SymbolHub extends DurableObject<Env> {
  private lastTicker: TickerUpdate | null = null;
  private lastPersistedAt = 0;
  private liveKlines = new Map<KlineInterval, KlineUpdate>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, MIGRATIONS);
      const row = ctx.storage.sql.exec<{ json: string }>("SELECT json FROM last_ticker WHERE id = 1").toArray()[0];
      if (row) this.lastTicker = TickerUpdate.parse(JSON.parse(row.json));
    });
  }

  /** Applies a batch of this symbol's updates (already validated at the bridge boundary). */
  applyUpdates(updates: MarketUpdate[]): void {
    const sql = this.ctx.storage.sql;
    for (const u of updates) {
      if (u.kind === "ticker") {
        if (!this.lastTicker || u.eventTime >= this.lastTicker.eventTime) this.lastTicker = u;
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
  }

  latest(): TickerUpdate | null {
    return this.lastTicker;
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
}
