/**
 * The embedded system of record: one SQLite file (`<DATA_DIR>/records.sqlite`), WAL mode,
 * prepared statements, numbered migrations (sqlite-migrations.ts). The default store.
 *
 * An outbox batch is one transaction: either all of its records land or none do, and it is
 * fsynced before `applyOutbox` returns (synchronous=FULL), so an acknowledged batch is on disk.
 *
 * @example
 * const store = SqliteRecordStore.open(path.join(config.dataDir, "records.sqlite"));
 * await store.applyOutbox(userId, records);
 */
import type {
  BalanceRecordPayload,
  KlineInterval,
  OrderRecordPayload,
  OutboxRecord,
  OutboxRecordKind,
  PositionRecordPayload,
  TradeRecordPayload,
} from "@bot-core/core";
import { payloadReader } from "./payload-reader";
import { migrate } from "./sqlite-migrations";
import { openSqlite, transaction, type DatabaseSync, type SqliteOptions, type StatementSync } from "./sqlite-driver";
import {
  ANALYSIS_TTL_MS,
  decodeCursor,
  epochMs,
  MARKET_DATA_TTL_MS,
  MAX_PAGE_LIMIT,
  pageLimit,
  pageOfTrades,
  positionStatus,
  RecordConflictError,
  type AnalysisRecord,
  type KlineQuery,
  type KlineRecord,
  type OutboxWriteResult,
  type Page,
  type PageQuery,
  type RecordCounts,
  type RecordStore,
  type StoredRecord,
  userBatch,
} from "./record-store";

export const SQLITE_FILE_NAME = "records.sqlite";
const MIN_TIME = -8_640_000_000_000_000;
const MAX_TIME = 8_640_000_000_000_000;

type Row = Record<string, unknown>;

export interface SqliteRecordStoreOptions extends SqliteOptions {
  readonly now?: () => number;
}

const TRADE_COLUMNS = "trade_id, user_id, order_id, symbol, side, quantity, price, fee, fee_asset, realized_pnl, entry_time, mode, outbox_id";
const ORDER_COLUMNS =
  "order_id, user_id, client_order_id, symbol, side, type, status, quantity, filled_quantity, price, stop_price, avg_price, created_at, updated_at, outbox_id";
const POSITION_COLUMNS = "user_id, symbol, side, quantity, entry_price, updated_at, outbox_id";
const BALANCE_COLUMNS = "user_id, asset, wallet_balance, realized_pnl, fees_paid, updated_at, outbox_id";
const KLINE_COLUMNS = "symbol, interval, timestamp, close_time, open, high, low, close, volume";

/** `SET a = excluded.a, ...` for an upsert. */
const setExcluded = (columns: string[]) => columns.map((c) => `${c} = excluded.${c}`).join(", ");

export class SqliteRecordStore implements RecordStore {
  readonly kind = "sqlite" as const;
  private readonly now: () => number;
  private readonly st: Record<string, StatementSync>;
  private closed = false;

  /** Opens (creating if needed) the store file and brings its schema up to date. */
  static open(file: string, options: SqliteRecordStoreOptions = {}): SqliteRecordStore {
    const db = openSqlite(file, options);
    try {
      migrate(db);
      return new SqliteRecordStore(db, options);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private constructor(
    private readonly db: DatabaseSync,
    options: SqliteRecordStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    const pageWhere = "entry_time BETWEEN ? AND ? AND (entry_time < ? OR (entry_time = ? AND trade_id < ?)) ORDER BY entry_time DESC, trade_id DESC LIMIT ?";
    const prepare = (sql: string) => db.prepare(sql);
    this.st = {
      upsertTrade: prepare(
        `INSERT INTO trades (${TRADE_COLUMNS}, status, strategy_used, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'filled', NULL, ?)
         ON CONFLICT (trade_id) DO UPDATE SET ${setExcluded(["order_id", "symbol", "side", "quantity", "price", "fee", "fee_asset", "realized_pnl", "entry_time", "mode", "outbox_id", "recorded_at"])}
         WHERE trades.user_id = excluded.user_id AND trades.outbox_id < excluded.outbox_id`,
      ),
      upsertOrder: prepare(
        `INSERT INTO orders (${ORDER_COLUMNS}, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (order_id) DO UPDATE SET ${setExcluded(["client_order_id", "symbol", "side", "type", "status", "quantity", "filled_quantity", "price", "stop_price", "avg_price", "created_at", "updated_at", "outbox_id", "recorded_at"])}
         WHERE orders.user_id = excluded.user_id AND orders.outbox_id < excluded.outbox_id`,
      ),
      upsertPosition: prepare(
        `INSERT INTO positions (${POSITION_COLUMNS}, status, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, symbol) DO UPDATE SET ${setExcluded(["side", "status", "quantity", "entry_price", "updated_at", "outbox_id", "recorded_at"])}
         WHERE positions.outbox_id < excluded.outbox_id`,
      ),
      upsertBalance: prepare(
        `INSERT INTO balances (${BALANCE_COLUMNS}, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, asset) DO UPDATE SET ${setExcluded(["wallet_balance", "realized_pnl", "fees_paid", "updated_at", "outbox_id", "recorded_at"])}
         WHERE balances.outbox_id < excluded.outbox_id`,
      ),
      tradeOwner: prepare("SELECT user_id FROM trades WHERE trade_id = ?"),
      orderOwner: prepare("SELECT user_id FROM orders WHERE order_id = ?"),
      trade: prepare(`SELECT ${TRADE_COLUMNS} FROM trades WHERE trade_id = ? AND user_id = ?`),
      order: prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE order_id = ? AND user_id = ?`),
      position: prepare(`SELECT ${POSITION_COLUMNS} FROM positions WHERE user_id = ? AND symbol = ?`),
      balance: prepare(`SELECT ${BALANCE_COLUMNS} FROM balances WHERE user_id = ? AND asset = ?`),
      tradesByUser: prepare(`SELECT ${TRADE_COLUMNS} FROM trades WHERE user_id = ? AND ${pageWhere}`),
      tradesBySymbol: prepare(`SELECT ${TRADE_COLUMNS} FROM trades WHERE symbol = ? AND ${pageWhere}`),
      ordersByUser: prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE user_id = ? ORDER BY created_at DESC, order_id DESC LIMIT ${MAX_PAGE_LIMIT}`),
      positionsByUser: prepare(`SELECT ${POSITION_COLUMNS} FROM positions WHERE user_id = ? AND status = 'open' ORDER BY symbol`),
      balancesByUser: prepare(`SELECT ${BALANCE_COLUMNS} FROM balances WHERE user_id = ? ORDER BY asset`),
      counts: prepare(
        "SELECT (SELECT count(*) FROM trades) AS trade, (SELECT count(*) FROM orders) AS 'order', (SELECT count(*) FROM positions) AS position, (SELECT count(*) FROM balances) AS balance",
      ),
      upsertKline: prepare(
        `INSERT INTO market_data (${KLINE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (symbol, interval, timestamp) DO UPDATE SET ${setExcluded(["close_time", "open", "high", "low", "close", "volume"])}`,
      ),
      klines: prepare(`SELECT ${KLINE_COLUMNS} FROM market_data WHERE symbol = ? AND interval = ? AND timestamp BETWEEN ? AND ? ORDER BY timestamp DESC LIMIT ?`),
      saveAnalysis: prepare(
        `INSERT INTO ai_analysis (analysis_id, symbol, user_id, timestamp, result) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (analysis_id) DO UPDATE SET ${setExcluded(["symbol", "user_id", "timestamp", "result"])}`,
      ),
      latestAnalysis: prepare(
        "SELECT analysis_id, symbol, user_id, timestamp, result FROM ai_analysis WHERE symbol = ? AND user_id IS ? AND timestamp >= ? ORDER BY timestamp DESC LIMIT 1",
      ),
      purgeMarketData: prepare("DELETE FROM market_data WHERE timestamp < ?"),
      purgeAnalysis: prepare("DELETE FROM ai_analysis WHERE timestamp < ?"),
    };
  }

  async applyOutbox(userId: string, records: readonly OutboxRecord[]): Promise<OutboxWriteResult> {
    this.assertOpen();
    const batch = userBatch(userId, records);
    const recordedAt = this.now();
    const stored = transaction(this.db, () => {
      let n = 0;
      for (const r of batch.records) {
        if (this.upsert(r, recordedAt)) n++;
        else if (r.kind === "trade" || r.kind === "order") {
          const owner = (r.kind === "trade" ? this.st.tradeOwner! : this.st.orderOwner!).get(r.recordId) as { user_id: string } | undefined;
          if (owner && owner.user_id !== userId) throw new RecordConflictError(r.kind, r.recordId);
        }
      }
      return n;
    });
    return batch.result(stored);
  }

  /** True when the row was written (new, or a newer version). */
  private upsert(r: OutboxRecord, recordedAt: number): boolean {
    switch (r.kind) {
      case "trade": {
        const p = r.payload;
        return (
          this.st.upsertTrade!.run(p.tradeId, p.userId, p.orderId, p.symbol, p.side, p.quantity, p.price, p.fee, p.feeAsset, p.realizedPnl, epochMs(p.time), p.mode, r.outboxId, recordedAt)
            .changes === 1
        );
      }
      case "order": {
        const p = r.payload;
        return (
          this.st.upsertOrder!.run(
            p.orderId, p.userId, p.clientOrderId, p.symbol, p.side, p.type, p.status, p.quantity, p.filledQuantity, p.price, p.stopPrice, p.avgPrice,
            epochMs(p.createdAt), epochMs(p.updatedAt), r.outboxId, recordedAt,
          ).changes === 1
        );
      }
      case "position": {
        const p = r.payload;
        return this.st.upsertPosition!.run(p.userId, p.symbol, p.side, p.quantity, p.entryPrice, epochMs(p.updatedAt), r.outboxId, positionStatus(p.side), recordedAt).changes === 1;
      }
      case "balance": {
        const p = r.payload;
        return this.st.upsertBalance!.run(p.userId, p.asset, p.walletBalance, p.realizedPnl, p.feesPaid, epochMs(p.updatedAt), r.outboxId, recordedAt).changes === 1;
      }
    }
  }

  async getRecord<K extends OutboxRecordKind>(userId: string, kind: K, recordId: string): Promise<StoredRecord<K> | null> {
    this.assertOpen();
    const row = (
      kind === "trade"
        ? this.st.trade!.get(recordId, userId)
        : kind === "order"
          ? this.st.order!.get(recordId, userId)
          : kind === "position"
            ? this.st.position!.get(userId, recordId)
            : this.st.balance!.get(userId, recordId)
    ) as Row | undefined;
    if (!row) return null;
    return { kind, outboxId: Number(row.outbox_id), payload: readRow.payload(kind, row) };
  }

  async countRecords(): Promise<RecordCounts> {
    this.assertOpen();
    const row = this.st.counts!.get() as Record<OutboxRecordKind, number>;
    return { trade: row.trade, order: row.order, position: row.position, balance: row.balance };
  }

  async tradesByUser(userId: string, query: PageQuery = {}): Promise<Page<TradeRecordPayload>> {
    return this.tradePage(this.st.tradesByUser!, userId, query);
  }

  async tradesBySymbol(symbol: string, query: PageQuery = {}): Promise<Page<TradeRecordPayload>> {
    return this.tradePage(this.st.tradesBySymbol!, symbol, query);
  }

  private tradePage(statement: StatementSync, key: string, query: PageQuery): Page<TradeRecordPayload> {
    this.assertOpen();
    const limit = pageLimit(query.limit);
    const after = query.cursor ? decodeCursor(query.cursor) : { time: MAX_TIME + 1, tradeId: "" };
    const rows = statement.all(key, query.from ?? MIN_TIME, query.to ?? MAX_TIME, after.time, after.time, after.tradeId, limit + 1) as Row[];
    return pageOfTrades(rows, limit, readRow.trade);
  }

  async ordersByUser(userId: string): Promise<OrderRecordPayload[]> {
    this.assertOpen();
    return (this.st.ordersByUser!.all(userId) as Row[]).map(readRow.order);
  }

  async positionsByUser(userId: string): Promise<PositionRecordPayload[]> {
    this.assertOpen();
    return (this.st.positionsByUser!.all(userId) as Row[]).map(readRow.position);
  }

  async balancesByUser(userId: string): Promise<BalanceRecordPayload[]> {
    this.assertOpen();
    return (this.st.balancesByUser!.all(userId) as Row[]).map(readRow.balance);
  }

  async upsertKlines(klines: readonly KlineRecord[]): Promise<number> {
    this.assertOpen();
    if (klines.length === 0) return 0;
    transaction(this.db, () => {
      for (const k of klines) this.st.upsertKline!.run(k.symbol, k.interval, k.openTime, k.closeTime, k.open, k.high, k.low, k.close, k.volume);
    });
    return klines.length;
  }

  async klines(symbol: string, interval: KlineInterval, query: KlineQuery = {}): Promise<KlineRecord[]> {
    this.assertOpen();
    const rows = this.st.klines!.all(symbol, interval, query.from ?? MIN_TIME, query.to ?? MAX_TIME, pageLimit(query.limit)) as Row[];
    return rows.reverse().map(readRow.kline);
  }

  async saveAnalysis(a: AnalysisRecord): Promise<void> {
    this.assertOpen();
    this.st.saveAnalysis!.run(a.analysisId, a.symbol, a.userId, a.timestamp, JSON.stringify(a.result));
  }

  async latestAnalysis(symbol: string, userId: string | null = null): Promise<AnalysisRecord | null> {
    this.assertOpen();
    const row = this.st.latestAnalysis!.get(symbol, userId, this.now() - ANALYSIS_TTL_MS) as Row | undefined;
    return row ? readRow.analysis({ ...row, result: JSON.parse(String(row.result)) }) : null;
  }

  async purgeExpired(): Promise<{ marketData: number; analysis: number }> {
    this.assertOpen();
    const now = this.now();
    const marketData = Number(this.st.purgeMarketData!.run(now - MARKET_DATA_TTL_MS).changes);
    const analysis = Number(this.st.purgeAnalysis!.run(now - ANALYSIS_TTL_MS).changes);
    return { marketData, analysis };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("the record store is closed");
  }
}

const ID_COLUMN = { trade: "trade_id", order: "order_id", analysis: "analysis_id" } as const;
/** Stored SQLite rows back into records. */
export const readRow = payloadReader({ idOf: (r, kind) => r[ID_COLUMN[kind]], epochMs: Number });
