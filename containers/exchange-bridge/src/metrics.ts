/**
 * The bridge's Prometheus metrics (prom-client, one registry per bridge so tests do not share
 * state), served at `GET /metrics` behind the bridge token (metrics-route.ts). The edge appends
 * this text to its own `/metrics`.
 *
 * Series (the spec's names):
 * - `mongodb_query_duration_ms{store,collection,operation}`: every record-store call, for BOTH
 *   stores; `store="sqlite"` or `store="mongodb"` says which one answered (records/instrumented-store.ts);
 * - `mongodb_connections_active`: pool connections checked out (in use) and `mongodb_connections_open`
 *   (created minus closed), from the MongoDB driver's pool events (absent with SQLite);
 * - `ai_analysis_duration_ms{symbol,model}`: analyses that ran (cache misses), end to end;
 * - `ai_cache_hit_rate` (hits / lookups since start), `ai_cache_hits_total`, `ai_cache_misses_total`;
 * - `ai_queue_depth`: analyses waiting for a worker;
 * - prom-client's default process and Node.js metrics (`process_*`, `nodejs_*`).
 * Every series carries `service="bridge"`. Labels hold store, collection, operation, symbol and
 * model names only: no user ids, record ids or signals.
 *
 * @example
 * const metrics = createBridgeMetrics();
 * metrics.observeQuery("sqlite", "trades", "tradesByUser", 0.8);
 * const text = await metrics.registry.metrics();
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RecordStoreKind } from "./records/record-store";

/** ms; the spec's database target is p95 < 50 ms. */
export const QUERY_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
/** ms; the spec's analysis target is p95 < 5 s. */
export const ANALYSIS_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000] as const;

/** What the analysis service reports (analysis/service.ts); no-ops when metrics are off. */
export interface AnalysisMetricsHooks {
  cacheHit(symbol: string): void;
  cacheMiss(symbol: string): void;
  analysisDone(symbol: string, model: string, ms: number): void;
}

/** What the record store wrapper reports. */
export interface QueryMetricsHook {
  observeQuery(store: RecordStoreKind, collection: string, operation: string, ms: number): void;
}

/** The MongoDB driver's pool events used here (MongoClient is an EventEmitter of them). */
export interface PoolEventSource {
  on(event: "connectionCreated" | "connectionClosed" | "connectionCheckedOut" | "connectionCheckedIn", listener: () => void): unknown;
}

export interface BridgeMetrics extends AnalysisMetricsHooks, QueryMetricsHook {
  readonly registry: Registry;
  /** Counts the pool's connections from the driver's events (call before `connect()`). */
  trackMongoPool(client: PoolEventSource): void;
  /** Where `ai_queue_depth` is read at scrape time. */
  setQueueDepthSource(read: () => number): void;
}

export interface BridgeMetricsOptions {
  /** prom-client's process/Node.js metrics (default true). */
  readonly defaultMetrics?: boolean;
}

export function createBridgeMetrics(options: BridgeMetricsOptions = {}): BridgeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: "bridge" });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const query = new Histogram({
    name: "mongodb_query_duration_ms",
    help: "System-of-record query duration in ms by store (sqlite or mongodb), collection and operation.",
    labelNames: ["store", "collection", "operation"] as const,
    buckets: [...QUERY_BUCKETS_MS],
    registers: [registry],
  });

  let checkedOut = 0;
  let open = 0;
  let poolTracked = false;
  const active = new Gauge({ name: "mongodb_connections_active", help: "MongoDB pool connections checked out (in use).", registers: [] });
  const opened = new Gauge({ name: "mongodb_connections_open", help: "MongoDB pool connections open (created minus closed).", registers: [] });

  const analysis = new Histogram({
    name: "ai_analysis_duration_ms",
    help: "Analysis duration in ms (cache misses, end to end) by symbol and model.",
    labelNames: ["symbol", "model"] as const,
    buckets: [...ANALYSIS_BUCKETS_MS],
    registers: [registry],
  });
  const hits = new Counter({ name: "ai_cache_hits_total", help: "Analysis cache hits by symbol.", labelNames: ["symbol"] as const, registers: [registry] });
  const misses = new Counter({ name: "ai_cache_misses_total", help: "Analysis cache misses by symbol.", labelNames: ["symbol"] as const, registers: [registry] });
  let hitCount = 0;
  let lookupCount = 0;
  new Gauge({
    name: "ai_cache_hit_rate",
    help: "Analysis cache hits / lookups since the bridge started (0 before the first lookup).",
    registers: [registry],
    collect() {
      this.set(lookupCount ? hitCount / lookupCount : 0);
    },
  });
  let readQueueDepth: () => number = () => 0;
  new Gauge({
    name: "ai_queue_depth",
    help: "Analyses waiting for a worker.",
    registers: [registry],
    collect() {
      this.set(readQueueDepth());
    },
  });

  return {
    registry,
    observeQuery(store, collection, operation, ms) {
      query.observe({ store, collection, operation }, ms);
    },
    trackMongoPool(client) {
      if (!poolTracked) {
        poolTracked = true;
        registry.registerMetric(active);
        registry.registerMetric(opened);
        active.set(0);
        opened.set(0);
      }
      client.on("connectionCreated", () => opened.set(++open));
      client.on("connectionClosed", () => opened.set((open = Math.max(0, open - 1))));
      client.on("connectionCheckedOut", () => active.set(++checkedOut));
      client.on("connectionCheckedIn", () => active.set((checkedOut = Math.max(0, checkedOut - 1))));
    },
    setQueueDepthSource(read) {
      readQueueDepth = read;
    },
    cacheHit(symbol) {
      hitCount++;
      lookupCount++;
      hits.inc({ symbol });
    },
    cacheMiss(symbol) {
      lookupCount++;
      misses.inc({ symbol });
    },
    analysisDone(symbol, model, ms) {
      analysis.observe({ symbol, model }, ms);
    },
  };
}
