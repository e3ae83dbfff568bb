/**
 * The MongoDB system of record (official `mongodb` driver), used when MONGODB_URI is set.
 *
 * Collections and indexes are the spec's (NFR-PERFORMANCE-003), created at start-up:
 *   trades       {user_id:1,entry_time:-1} {symbol:1,entry_time:-1} {user_id:1,status:1,entry_time:-1}
 *                {user_id:1,strategy_used:1,entry_time:-1}
 *   positions    {user_id:1,symbol:1} unique, {user_id:1,status:1}
 *   market_data  {symbol:1,timestamp:-1} {symbol:1,interval:1,timestamp:-1} {timestamp:1} TTL 7 days
 *   users        {email:1} unique, {api_key:1} unique sparse
 *   ai_analysis  {symbol:1,timestamp:-1} {user_id:1,symbol:1,timestamp:-1} {timestamp:1} TTL 1 hour
 * plus the outbox's own: orders {user_id:1,created_at:-1}, balances {user_id:1,asset:1} unique.
 *
 * Writes fed by the outbox (trades, orders, positions, balances) use write concern "majority"
 * (an acknowledged batch survives a primary failover); retryable writes are on; the pool size
 * comes from MONGODB_POOL_SIZE. A versioned upsert is `updateOne({key, outbox_id: {$lt: v}},
 * {$set}, {upsert: true})`: when a same-or-newer version is stored, the filter misses and the
 * upsert's insert hits the unique key (E11000), which counts as a duplicate.
 *
 * Unlike the SQLite store, one batch is not atomic here (no transaction: the spec keeps them
 * for where they are needed); every record is idempotent on its own, and the sender retries.
 *
 * Not run on these machines: no MongoDB server can be installed here (docs/decisions.md).
 *
 * @example
 * const store = await MongoRecordStore.connect({ uri, poolSize: 100 });
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
import { MongoBulkWriteError, MongoClient, type AnyBulkWriteOperation, type Collection, type Db, type Document, type ObjectId, type WriteError } from "mongodb";

/** Documents keyed by a string id (trades, orders, market_data, ai_analysis) or a server ObjectId (positions, balances). */
interface RecordDoc extends Document {
  _id: string | ObjectId;
}
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

export const DEFAULT_MONGODB_DATABASE = "bot_core";
const DUPLICATE_KEY = 11000;

/** Index specs exactly as created (the contract test checks them against the server). */
export const MONGO_INDEXES: Readonly<Record<string, ReadonlyArray<{ key: Record<string, 1 | -1>; unique?: true; sparse?: true; expireAfterSeconds?: number }>>> = {
  trades: [
    { key: { user_id: 1, entry_time: -1 } },
    { key: { symbol: 1, entry_time: -1 } },
    { key: { user_id: 1, status: 1, entry_time: -1 } },
    { key: { user_id: 1, strategy_used: 1, entry_time: -1 } },
  ],
  positions: [{ key: { user_id: 1, symbol: 1 }, unique: true }, { key: { user_id: 1, status: 1 } }],
  market_data: [
    { key: { symbol: 1, timestamp: -1 } },
    { key: { symbol: 1, interval: 1, timestamp: -1 } },
    { key: { timestamp: 1 }, expireAfterSeconds: MARKET_DATA_TTL_MS / 1000 },
  ],
  users: [{ key: { email: 1 }, unique: true }, { key: { api_key: 1 }, unique: true, sparse: true }],
  ai_analysis: [
    { key: { symbol: 1, timestamp: -1 } },
    { key: { user_id: 1, symbol: 1, timestamp: -1 } },
    { key: { timestamp: 1 }, expireAfterSeconds: ANALYSIS_TTL_MS / 1000 },
  ],
  orders: [{ key: { user_id: 1, created_at: -1 } }],
  balances: [{ key: { user_id: 1, asset: 1 }, unique: true }],
};

export interface MongoRecordStoreOptions {
  readonly uri: string;
  /** maxPoolSize; minPoolSize is min(10, this) (the spec: min 10, max 100). */
  readonly poolSize: number;
  /** Database name; default: the one in the URI, else "bot_core". */
  readonly database?: string;
  /** How long to look for a server before an operation (and the start-up) fails; default 10 s (the spec's query timeout). */
  readonly serverSelectionTimeoutMS?: number;
  readonly now?: () => number;
  /** Called with the client before it connects (metrics.ts counts the pool's connections from its events). */
  readonly onClient?: (client: MongoClient) => void;
}

/** The database named in a mongodb:// or mongodb+srv:// URI, if any. */
export function databaseOf(uri: string): string | undefined {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

type OutboxCollection = "trades" | "orders" | "positions" | "balances";
const COLLECTION_OF: Record<OutboxRecordKind, OutboxCollection> = { trade: "trades", order: "orders", position: "positions", balance: "balances" };

export class MongoRecordStore implements RecordStore {
  readonly kind = "mongodb" as const;
  private readonly now: () => number;
  private readonly outbox: Record<OutboxCollection, Collection<RecordDoc>>;
  private readonly marketData: Collection<RecordDoc>;
  private readonly analysis: Collection<RecordDoc>;

  /**
   * Connects, warms the pool up and creates the indexes (idempotent). Rejects when no server
   * answers within the selection timeout: the bridge then fails to start (exit 1) and its
   * orchestrator restarts it; the edge keeps its outbox meanwhile. After the first connection
   * the driver reconnects on its own, and failed requests answer 503.
   */
  static async connect(options: MongoRecordStoreOptions): Promise<MongoRecordStore> {
    const client = new MongoClient(options.uri, {
      maxPoolSize: options.poolSize,
      minPoolSize: Math.min(10, options.poolSize),
      maxIdleTimeMS: 60_000,
      retryWrites: true,
      retryReads: true,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
      appName: "bot-core-exchange-bridge",
    });
    options.onClient?.(client);
    await client.connect();
    try {
      const db = client.db(options.database ?? databaseOf(options.uri) ?? DEFAULT_MONGODB_DATABASE);
      const store = new MongoRecordStore(client, db, options);
      await store.createIndexes();
      return store;
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  private constructor(
    private readonly client: MongoClient,
    readonly db: Db,
    options: MongoRecordStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    const majority = { writeConcern: { w: "majority" as const } };
    this.outbox = {
      trades: db.collection<RecordDoc>("trades", majority),
      orders: db.collection<RecordDoc>("orders", majority),
      positions: db.collection<RecordDoc>("positions", majority),
      balances: db.collection<RecordDoc>("balances", majority),
    };
    this.marketData = db.collection<RecordDoc>("market_data");
    this.analysis = db.collection<RecordDoc>("ai_analysis");
  }

  private async createIndexes(): Promise<void> {
    for (const [name, specs] of Object.entries(MONGO_INDEXES)) {
      await this.db.collection(name).createIndexes(specs.map((s) => ({ ...s, key: { ...s.key } })));
    }
  }

  async applyOutbox(userId: string, records: readonly OutboxRecord[]): Promise<OutboxWriteResult> {
    const batch = userBatch(userId, records);
    const recordedAt = new Date(this.now());
    const byCollection = new Map<OutboxCollection, OutboxRecord[]>();
    for (const r of batch.records) {
      const name = COLLECTION_OF[r.kind];
      byCollection.set(name, [...(byCollection.get(name) ?? []), r]);
    }
    const results = await Promise.all(
      [...byCollection].map(async ([name, rs]) => {
        const ops = rs.map((r) => versionedUpsert(r, recordedAt));
        let stored: number;
        let rejected: OutboxRecord[] = [];
        try {
          const res = await this.outbox[name].bulkWrite(ops, { ordered: false });
          stored = res.upsertedCount + res.matchedCount;
        } catch (err) {
          if (!(err instanceof MongoBulkWriteError)) throw err;
          const errors: WriteError[] = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
          const other = errors.find((e) => e.code !== DUPLICATE_KEY);
          if (other || err.writeConcernError) throw err;
          stored = err.result.upsertedCount + err.result.matchedCount;
          rejected = errors.map((e) => rs[e.index]!);
        }
        await this.assertOwnedBy(userId, name, rejected);
        return stored;
      }),
    );
    return batch.result(results.reduce((a, b) => a + b, 0));
  }

  /** A trade/order id whose upsert hit the unique key may be another user's: that is a conflict, not a duplicate. */
  private async assertOwnedBy(userId: string, name: OutboxCollection, rejected: OutboxRecord[]): Promise<void> {
    if (rejected.length === 0 || (name !== "trades" && name !== "orders")) return;
    const foreign = await this.outbox[name].findOne({ _id: { $in: rejected.map((r) => r.recordId) }, user_id: { $ne: userId } }, {
      projection: { _id: 1 },
    });
    if (foreign) throw new RecordConflictError(name === "trades" ? "trade" : "order", String(foreign._id));
  }

  async getRecord<K extends OutboxRecordKind>(userId: string, kind: K, recordId: string): Promise<StoredRecord<K> | null> {
    const filter: Document =
      kind === "position" ? { user_id: userId, symbol: recordId } : kind === "balance" ? { user_id: userId, asset: recordId } : { _id: recordId, user_id: userId };
    const doc = await this.outbox[COLLECTION_OF[kind]].findOne(filter);
    if (!doc) return null;
    return { kind, outboxId: Number(doc.outbox_id), payload: readDocument.payload(kind, doc) };
  }

  async countRecords(): Promise<RecordCounts> {
    const [trade, order, position, balance] = await Promise.all(
      (["trades", "orders", "positions", "balances"] as const).map((n) => this.outbox[n].countDocuments({})),
    );
    return { trade: trade!, order: order!, position: position!, balance: balance! };
  }

  async tradesByUser(userId: string, query: PageQuery = {}): Promise<Page<TradeRecordPayload>> {
    return this.tradePage({ user_id: userId }, query);
  }

  async tradesBySymbol(symbol: string, query: PageQuery = {}): Promise<Page<TradeRecordPayload>> {
    return this.tradePage({ symbol }, query);
  }

  private async tradePage(key: Document, query: PageQuery): Promise<Page<TradeRecordPayload>> {
    const limit = pageLimit(query.limit);
    const and: Document[] = [key];
    if (query.from !== undefined || query.to !== undefined) {
      and.push({ entry_time: { ...(query.from !== undefined ? { $gte: new Date(query.from) } : {}), ...(query.to !== undefined ? { $lte: new Date(query.to) } : {}) } });
    }
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      and.push({ $or: [{ entry_time: { $lt: new Date(c.time) } }, { entry_time: new Date(c.time), _id: { $lt: c.tradeId } }] });
    }
    const docs = await this.outbox.trades
      .find({ $and: and })
      .sort({ entry_time: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    return pageOfTrades(docs, limit, readDocument.trade);
  }

  async ordersByUser(userId: string): Promise<OrderRecordPayload[]> {
    const docs = await this.outbox.orders.find({ user_id: userId }).sort({ created_at: -1, _id: -1 }).limit(MAX_PAGE_LIMIT).toArray();
    return docs.map(readDocument.order);
  }

  async positionsByUser(userId: string): Promise<PositionRecordPayload[]> {
    const docs = await this.outbox.positions.find({ user_id: userId, status: "open" }).sort({ symbol: 1 }).toArray();
    return docs.map(readDocument.position);
  }

  async balancesByUser(userId: string): Promise<BalanceRecordPayload[]> {
    const docs = await this.outbox.balances.find({ user_id: userId }).sort({ asset: 1 }).toArray();
    return docs.map(readDocument.balance);
  }

  async upsertKlines(klines: readonly KlineRecord[]): Promise<number> {
    if (klines.length === 0) return 0;
    await this.marketData.bulkWrite(
      klines.map((k) => ({
        replaceOne: {
          filter: { _id: `${k.symbol}:${k.interval}:${k.openTime}` },
          replacement: {
            symbol: k.symbol,
            interval: k.interval,
            timestamp: new Date(k.openTime),
            close_time: new Date(k.closeTime),
            open: k.open,
            high: k.high,
            low: k.low,
            close: k.close,
            volume: k.volume,
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    return klines.length;
  }

  async klines(symbol: string, interval: KlineInterval, query: KlineQuery = {}): Promise<KlineRecord[]> {
    const time: Document = {};
    if (query.from !== undefined) time.$gte = new Date(query.from);
    if (query.to !== undefined) time.$lte = new Date(query.to);
    const docs = await this.marketData
      .find({ symbol, interval, ...(Object.keys(time).length ? { timestamp: time } : {}) })
      .sort({ timestamp: -1 })
      .limit(pageLimit(query.limit))
      .toArray();
    return docs.reverse().map(readDocument.kline);
  }

  async saveAnalysis(a: AnalysisRecord): Promise<void> {
    await this.analysis.replaceOne(
      { _id: a.analysisId },
      { symbol: a.symbol, user_id: a.userId, timestamp: new Date(a.timestamp), result: a.result },
      { upsert: true },
    );
  }

  async latestAnalysis(symbol: string, userId: string | null = null): Promise<AnalysisRecord | null> {
    // The TTL monitor runs once a minute: filter on the expiry too, like the SQLite store.
    const doc = await this.analysis.findOne(
      { symbol, user_id: userId, timestamp: { $gte: new Date(this.now() - ANALYSIS_TTL_MS) } },
      { sort: { timestamp: -1 } },
    );
    return doc ? readDocument.analysis(doc) : null;
  }

  /** The TTL indexes delete on their own (once a minute); this removes what is already due now. */
  async purgeExpired(): Promise<{ marketData: number; analysis: number }> {
    const now = this.now();
    const [m, a] = await Promise.all([
      this.marketData.deleteMany({ timestamp: { $lt: new Date(now - MARKET_DATA_TTL_MS) } }),
      this.analysis.deleteMany({ timestamp: { $lt: new Date(now - ANALYSIS_TTL_MS) } }),
    ]);
    return { marketData: m.deletedCount, analysis: a.deletedCount };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function versionedUpsert(r: OutboxRecord, recordedAt: Date): AnyBulkWriteOperation<RecordDoc> {
  const newer = { $lt: r.outboxId };
  const common = { outbox_id: r.outboxId, recorded_at: recordedAt };
  switch (r.kind) {
    case "trade": {
      const p = r.payload;
      return {
        updateOne: {
          filter: { _id: p.tradeId, user_id: p.userId, outbox_id: newer },
          update: {
            $set: {
              user_id: p.userId, order_id: p.orderId, symbol: p.symbol, side: p.side, quantity: p.quantity, price: p.price, fee: p.fee,
              fee_asset: p.feeAsset, realized_pnl: p.realizedPnl, entry_time: new Date(epochMs(p.time)), status: "filled", strategy_used: null, mode: p.mode, ...common,
            },
          },
          upsert: true,
        },
      };
    }
    case "order": {
      const p = r.payload;
      return {
        updateOne: {
          filter: { _id: p.orderId, user_id: p.userId, outbox_id: newer },
          update: {
            $set: {
              user_id: p.userId, client_order_id: p.clientOrderId, symbol: p.symbol, side: p.side, type: p.type, status: p.status, quantity: p.quantity,
              filled_quantity: p.filledQuantity, price: p.price, stop_price: p.stopPrice, avg_price: p.avgPrice,
              created_at: new Date(epochMs(p.createdAt)), updated_at: new Date(epochMs(p.updatedAt)), ...common,
            },
          },
          upsert: true,
        },
      };
    }
    case "position": {
      const p = r.payload;
      return {
        updateOne: {
          filter: { user_id: p.userId, symbol: p.symbol, outbox_id: newer },
          update: {
            $set: {
              user_id: p.userId, symbol: p.symbol, side: p.side, status: positionStatus(p.side), quantity: p.quantity, entry_price: p.entryPrice,
              updated_at: new Date(epochMs(p.updatedAt)), ...common,
            },
          },
          upsert: true,
        },
      };
    }
    case "balance": {
      const p = r.payload;
      return {
        updateOne: {
          filter: { user_id: p.userId, asset: p.asset, outbox_id: newer },
          update: {
            $set: {
              user_id: p.userId, asset: p.asset, wallet_balance: p.walletBalance, realized_pnl: p.realizedPnl, fees_paid: p.feesPaid,
              updated_at: new Date(epochMs(p.updatedAt)), ...common,
            },
          },
          upsert: true,
        },
      };
    }
  }
}

/** Stored MongoDB documents back into records. */
export const readDocument = payloadReader({ idOf: (d) => d._id, epochMs: (d) => (d as Date).getTime() });
