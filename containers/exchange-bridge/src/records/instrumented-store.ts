/**
 * A RecordStore that times every call into `mongodb_query_duration_ms{store,collection,operation}`
 * (the spec's name; `store` says whether SQLite or MongoDB answered, see metrics.ts) and logs a
 * failed write (`record store write failed`, with store, operation, collection and the error) as a
 * degradation event. Refusals that are the caller's fault (RecordConflictError, RecordQueryError)
 * are timed but not logged as failures.
 *
 * `operation` is the store method (tradesByUser, applyOutbox, ...); `collection` is the spec's
 * collection it reads or writes (`outbox` for a batch that may touch trades, orders, positions and
 * balances at once; `expired` for the purge over market_data and ai_analysis).
 *
 * @example
 * const store = instrumentRecordStore(await openRecordStore(config, { log }), { metrics, log });
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
import type { Logger } from "../log";
import type { QueryMetricsHook } from "../metrics";
import {
  RecordConflictError,
  RecordQueryError,
  type AnalysisRecord,
  type KlineQuery,
  type KlineRecord,
  type OutboxWriteResult,
  type Page,
  type PageQuery,
  type RecordCounts,
  type RecordStore,
  type RecordStoreKind,
  type StoredRecord,
} from "./record-store";

const COLLECTION_OF_KIND: Record<OutboxRecordKind, string> = { trade: "trades", order: "orders", position: "positions", balance: "balances" };

export interface InstrumentDeps {
  readonly metrics: QueryMetricsHook;
  readonly log: Logger;
}

export function instrumentRecordStore(store: RecordStore, deps: InstrumentDeps): RecordStore {
  return new InstrumentedRecordStore(store, deps);
}

class InstrumentedRecordStore implements RecordStore {
  readonly kind: RecordStoreKind;

  constructor(
    private readonly inner: RecordStore,
    private readonly deps: InstrumentDeps,
  ) {
    this.kind = inner.kind;
  }

  async #timed<T>(collection: string, operation: string, write: { records: number } | null, run: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await run();
    } catch (err) {
      if (write && !(err instanceof RecordConflictError) && !(err instanceof RecordQueryError)) {
        this.deps.log.error("record store write failed", { event: "record_store_write_failed", store: this.kind, collection, operation, records: write.records, err });
      }
      throw err;
    } finally {
      this.deps.metrics.observeQuery(this.kind, collection, operation, performance.now() - t0);
    }
  }

  applyOutbox(userId: string, records: readonly OutboxRecord[]): Promise<OutboxWriteResult> {
    return this.#timed("outbox", "applyOutbox", { records: records.length }, () => this.inner.applyOutbox(userId, records));
  }

  getRecord<K extends OutboxRecordKind>(userId: string, kind: K, recordId: string): Promise<StoredRecord<K> | null> {
    return this.#timed(COLLECTION_OF_KIND[kind] ?? "outbox", "getRecord", null, () => this.inner.getRecord(userId, kind, recordId));
  }

  countRecords(): Promise<RecordCounts> {
    return this.#timed("outbox", "countRecords", null, () => this.inner.countRecords());
  }

  tradesByUser(userId: string, query?: PageQuery): Promise<Page<TradeRecordPayload>> {
    return this.#timed("trades", "tradesByUser", null, () => this.inner.tradesByUser(userId, query));
  }

  tradesBySymbol(symbol: string, query?: PageQuery): Promise<Page<TradeRecordPayload>> {
    return this.#timed("trades", "tradesBySymbol", null, () => this.inner.tradesBySymbol(symbol, query));
  }

  ordersByUser(userId: string): Promise<OrderRecordPayload[]> {
    return this.#timed("orders", "ordersByUser", null, () => this.inner.ordersByUser(userId));
  }

  positionsByUser(userId: string): Promise<PositionRecordPayload[]> {
    return this.#timed("positions", "positionsByUser", null, () => this.inner.positionsByUser(userId));
  }

  balancesByUser(userId: string): Promise<BalanceRecordPayload[]> {
    return this.#timed("balances", "balancesByUser", null, () => this.inner.balancesByUser(userId));
  }

  upsertKlines(klines: readonly KlineRecord[]): Promise<number> {
    return this.#timed("market_data", "upsertKlines", { records: klines.length }, () => this.inner.upsertKlines(klines));
  }

  klines(symbol: string, interval: KlineInterval, query?: KlineQuery): Promise<KlineRecord[]> {
    return this.#timed("market_data", "klines", null, () => this.inner.klines(symbol, interval, query));
  }

  saveAnalysis(analysis: AnalysisRecord): Promise<void> {
    return this.#timed("ai_analysis", "saveAnalysis", { records: 1 }, () => this.inner.saveAnalysis(analysis));
  }

  latestAnalysis(symbol: string, userId?: string | null): Promise<AnalysisRecord | null> {
    return this.#timed("ai_analysis", "latestAnalysis", null, () => this.inner.latestAnalysis(symbol, userId));
  }

  purgeExpired(): Promise<{ marketData: number; analysis: number }> {
    return this.#timed("expired", "purgeExpired", { records: 0 }, () => this.inner.purgeExpired());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
