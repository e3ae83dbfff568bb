/** The UserAccount's SQLite schema: numbered migrations, each applied once (sql-migrations.ts). */
import type { Migration } from "../sql-migrations";

export const MIGRATIONS: readonly Migration[] = [
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
  {
    // Resting and triggered orders, attached brackets (OCO), amend versions and idempotent fires;
    // the per-user leverage cap; registrations for the symbol hubs' trigger books (an outbox of its own).
    version: 5,
    sql: `ALTER TABLE orders ADD COLUMN price TEXT;
          ALTER TABLE orders ADD COLUMN stop_price TEXT;
          ALTER TABLE orders ADD COLUMN callback_rate TEXT;
          ALTER TABLE orders ADD COLUMN time_in_force TEXT;
          ALTER TABLE orders ADD COLUMN reduce_only INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE orders ADD COLUMN parent_id TEXT;
          ALTER TABLE orders ADD COLUMN oco_group TEXT;
          ALTER TABLE orders ADD COLUMN brackets TEXT;
          ALTER TABLE orders ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
          ALTER TABLE orders ADD COLUMN last_fire INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE orders ADD COLUMN reason TEXT;
          ALTER TABLE orders ADD COLUMN signal_confidence REAL;
          CREATE INDEX orders_working ON orders (symbol) WHERE status IN ('pending_trigger', 'open', 'partially_filled');
          CREATE INDEX orders_parent ON orders (parent_id) WHERE parent_id IS NOT NULL;
          ALTER TABLE settings ADD COLUMN max_leverage INTEGER NOT NULL DEFAULT 20;
          CREATE TABLE trigger_sync (order_id TEXT PRIMARY KEY, symbol TEXT NOT NULL, op TEXT NOT NULL, spec TEXT, created_at INTEGER NOT NULL);`,
  },
  {
    // Where the user's sockets are (the gateway shard) and how far the private stream was delivered.
    version: 6,
    sql: "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  },
  {
    // The auto-trading bot (account/bot.ts): per-symbol settings, the decision log (one row per
    // signal: taken or skipped and why) and registrations for the symbol hubs (an outbox of its own).
    version: 7,
    sql: `CREATE TABLE bot_settings (symbol TEXT PRIMARY KEY, enabled INTEGER NOT NULL, min_confidence REAL NOT NULL, quote_amount TEXT, updated_at INTEGER NOT NULL);
          CREATE TABLE bot_decisions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            signal_id TEXT NOT NULL UNIQUE,
            symbol TEXT NOT NULL,
            interval TEXT NOT NULL,
            signal_action TEXT NOT NULL,
            confidence REAL NOT NULL,
            taken INTEGER NOT NULL,
            reason_code TEXT NOT NULL,
            reason TEXT NOT NULL,
            order_id TEXT,
            ts INTEGER NOT NULL
          );
          CREATE TABLE bot_sync (symbol TEXT PRIMARY KEY, op TEXT NOT NULL, created_at INTEGER NOT NULL);`,
  },
  {
    // Live orders (account/live-execution.ts): what still has to be sent to the venue through the
    // bridge, and the venue trade ids already applied (each fill exactly once). The account's
    // trading mode lives in `meta` ('trading_mode').
    version: 8,
    sql: `CREATE TABLE live_orders (
            order_id TEXT PRIMARY KEY,
            venue TEXT NOT NULL,
            symbol TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at INTEGER NOT NULL
          );
          CREATE INDEX live_orders_due ON live_orders (next_at) WHERE state IN ('submit', 'cancel');
          CREATE TABLE live_fills (trade_key TEXT PRIMARY KEY, order_id TEXT NOT NULL, ts INTEGER NOT NULL);`,
  },
  {
    // The live ledger (account/live-ledger.ts): positions from live fills per venue and symbol with
    // their realized PnL, and the venue's fees per asset. Fills say which ledger they belong to and
    // in which asset their fee was charged (paper: USDT).
    version: 9,
    sql: `CREATE TABLE live_positions (
            venue TEXT NOT NULL,
            symbol TEXT NOT NULL,
            qty TEXT NOT NULL,
            cost TEXT NOT NULL,
            realized_pnl TEXT NOT NULL,
            mark TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (venue, symbol)
          );
          CREATE TABLE live_fees (venue TEXT NOT NULL, asset TEXT NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (venue, asset));
          ALTER TABLE fills ADD COLUMN mode TEXT NOT NULL DEFAULT 'paper';
          ALTER TABLE fills ADD COLUMN fee_asset TEXT NOT NULL DEFAULT 'USDT';`,
  },
];
