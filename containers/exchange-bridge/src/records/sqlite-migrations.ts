/**
 * Numbered schema migrations of the embedded record store. Migration N is applied once, in its
 * own transaction, and `PRAGMA user_version` records N in the same transaction, so a crash
 * mid-migration leaves the previous version intact. Never edit a shipped migration: add one.
 *
 * The tables mirror the spec's MongoDB collections (trades, positions, market_data, users,
 * ai_analysis) and their indexes, plus orders and balances from the outbox. Amounts are TEXT
 * decimal strings; times are INTEGER epoch ms.
 *
 * @example
 * migrate(db); // -> { from: 0, to: 1 }
 */
import { transaction, type DatabaseSync } from "./sqlite-driver";

export const MIGRATIONS: readonly string[] = [
  // 1: the collections of the spec + outbox records
  `
  CREATE TABLE trades (
    trade_id      TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    order_id      TEXT NOT NULL,
    symbol        TEXT NOT NULL,
    side          TEXT NOT NULL,
    quantity      TEXT NOT NULL,
    price         TEXT NOT NULL,
    fee           TEXT NOT NULL,
    fee_asset     TEXT NOT NULL,
    realized_pnl  TEXT NOT NULL,
    entry_time    INTEGER NOT NULL,
    status        TEXT NOT NULL,
    strategy_used TEXT,
    mode          TEXT NOT NULL,
    outbox_id     INTEGER NOT NULL,
    recorded_at   INTEGER NOT NULL
  );
  CREATE INDEX trades_user_time ON trades (user_id, entry_time DESC, trade_id DESC);
  CREATE INDEX trades_symbol_time ON trades (symbol, entry_time DESC, trade_id DESC);
  CREATE INDEX trades_user_status_time ON trades (user_id, status, entry_time DESC);
  CREATE INDEX trades_user_strategy_time ON trades (user_id, strategy_used, entry_time DESC);

  CREATE TABLE orders (
    order_id        TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL,
    client_order_id TEXT,
    symbol          TEXT NOT NULL,
    side            TEXT NOT NULL,
    type            TEXT NOT NULL,
    status          TEXT NOT NULL,
    quantity        TEXT NOT NULL,
    filled_quantity TEXT NOT NULL,
    price           TEXT,
    stop_price      TEXT,
    avg_price       TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    outbox_id       INTEGER NOT NULL,
    recorded_at     INTEGER NOT NULL
  );
  CREATE INDEX orders_user_created ON orders (user_id, created_at DESC, order_id DESC);

  CREATE TABLE positions (
    user_id     TEXT NOT NULL,
    symbol      TEXT NOT NULL,
    side        TEXT NOT NULL,
    status      TEXT NOT NULL,
    quantity    TEXT NOT NULL,
    entry_price TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    outbox_id   INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, symbol)
  ) WITHOUT ROWID;
  CREATE INDEX positions_user_status ON positions (user_id, status);

  CREATE TABLE balances (
    user_id        TEXT NOT NULL,
    asset          TEXT NOT NULL,
    wallet_balance TEXT NOT NULL,
    realized_pnl   TEXT NOT NULL,
    fees_paid      TEXT NOT NULL,
    updated_at     INTEGER NOT NULL,
    outbox_id      INTEGER NOT NULL,
    recorded_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, asset)
  ) WITHOUT ROWID;

  CREATE TABLE market_data (
    symbol     TEXT NOT NULL,
    interval   TEXT NOT NULL,
    timestamp  INTEGER NOT NULL,
    close_time INTEGER NOT NULL,
    open       TEXT NOT NULL,
    high       TEXT NOT NULL,
    low        TEXT NOT NULL,
    close      TEXT NOT NULL,
    volume     TEXT NOT NULL,
    PRIMARY KEY (symbol, interval, timestamp)
  ) WITHOUT ROWID;
  CREATE INDEX market_data_symbol_time ON market_data (symbol, timestamp DESC);
  CREATE INDEX market_data_time ON market_data (timestamp);

  CREATE TABLE users (
    user_id    TEXT PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,
    api_key    TEXT UNIQUE, -- NULLs do not collide: MongoDB's unique sparse index
    created_at INTEGER NOT NULL
  );

  CREATE TABLE ai_analysis (
    analysis_id TEXT PRIMARY KEY,
    symbol      TEXT NOT NULL,
    user_id     TEXT,
    timestamp   INTEGER NOT NULL,
    result      TEXT NOT NULL
  );
  CREATE INDEX ai_analysis_symbol_time ON ai_analysis (symbol, timestamp DESC);
  CREATE INDEX ai_analysis_user_symbol_time ON ai_analysis (user_id, symbol, timestamp DESC);
  CREATE INDEX ai_analysis_time ON ai_analysis (timestamp);
  `,
];

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/** Applies the migrations the file has not seen yet. Refuses a file from a newer bridge. */
export function migrate(db: DatabaseSync, migrations: readonly string[] = MIGRATIONS): { from: number; to: number } {
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new Error(`the record store file is at schema version ${from}, newer than this bridge knows (${migrations.length})`);
  }
  for (let v = from; v < migrations.length; v++) {
    transaction(db, () => {
      db.exec(migrations[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    });
  }
  return { from, to: migrations.length };
}
