/**
 * Wires the bridge together: market source -> edge link (and closed candles -> record store), the
 * system of record, and the HTTP server. No process-level concerns here (signals, exit codes: see
 * main.ts), so tests can start and stop a whole bridge.
 *
 * @example
 * const bridge = await startBridge(loadConfig(process.env), { log });
 * // ...
 * await bridge.stop();
 */
import type { AddressInfo } from "node:net";
import { createAdaptorServer, type ServerType } from "@hono/node-server";
import { AnalysisService, KlineFeed, WorkerPool } from "./analysis";
import { SignalTrigger } from "./analysis/signal-trigger";
import type { AnalysisConfig } from "./analysis/config";
import type { BridgeConfig } from "./config";
import { EdgeLink } from "./edge-link";
import { createApp } from "./http";
import { createBinanceMarketSource } from "./binance/source-factory";
import { startLiveTrading } from "./exchange/live";
import type { Logger } from "./log";
import type { MarketSource } from "./market-source";
import { createBridgeMetrics, type BridgeMetrics } from "./metrics";
import { KlineRecorder } from "./records/kline-recorder";
import { openRecordStore } from "./records/open-store";
import type { RecordStore } from "./records/record-store";
import { recordRoutes } from "./records/routes";
import { MarketSimulator, monotonicClock, SimulatorSource } from "./simulator";

/** How often expired market data and analyses are deleted from the embedded store. */
const PURGE_INTERVAL_MS = 3_600_000;

export interface BridgeDeps {
  readonly log: Logger;
  /** Clock of the simulator (default: wall clock that never steps back). */
  readonly clock?: () => number;
  /** Analysis settings (analysis/config.ts); false: no analysis endpoints, no workers. */
  readonly analysis?: AnalysisConfig | false;
  /** Prometheus metrics served at GET /metrics (default: a fresh registry with process metrics). */
  readonly metrics?: BridgeMetrics;
}

export interface RunningBridge {
  /** The port the HTTP server listens on (useful with PORT=0). */
  readonly port: number;
  readonly link: EdgeLink;
  readonly source: MarketSource & { readonly updatesPerSec: number };
  readonly analysis: AnalysisService | undefined;
  /** Signals on kline close (undefined without analysis, or with no signal intervals). */
  readonly signals: SignalTrigger | undefined;
  /** The system of record (SQLite file under DATA_DIR, or MongoDB). */
  readonly records: RecordStore;
  readonly metrics: BridgeMetrics;
  /** Stops the source, flushes and closes the edge socket, closes the HTTP server and the record store. */
  stop(): Promise<void>;
}

export async function startBridge(config: BridgeConfig, deps: BridgeDeps): Promise<RunningBridge> {
  const { log } = deps;
  const clock = deps.clock ?? monotonicClock();
  const startedAt = clock();

  // The simulator is the default; MARKET_SOURCE=binance streams from Binance instead.
  const source =
    config.marketSource === "binance"
      ? createBinanceMarketSource(config.binance, log.child({ component: "binance" }))
      : new SimulatorSource({
          simulator: new MarketSimulator({ seed: config.simSeed, startTime: startedAt }),
          clock,
          updatesPerSec: config.simUpdatesPerSec,
          log: log.child({ component: "simulator" }),
        });
  const link = new EdgeLink({
    edgeUrl: config.edgeUrl,
    token: config.bridgeToken,
    bridgeId: config.bridgeId,
    source: source.kind,
    symbols: source.symbols,
    batchIntervalMs: config.batchIntervalMs,
    log,
  });
  const metrics = deps.metrics ?? createBridgeMetrics();
  const recordsLog = log.child({ component: "records" });
  const records = await openRecordStore(config, { log: recordsLog, metrics });
  const klines = new KlineRecorder({ store: records, log: recordsLog });
  const live = await startLiveTrading(config, { log });
  const unsubscribe = source.onUpdate((update) => {
    link.push(update);
    klines.push(update);
  });

  // Analysis: workers load the model in the background (requests queue until one is ready).
  let pool: WorkerPool | undefined;
  let analysis: AnalysisService | undefined;
  let signals: SignalTrigger | undefined;
  let unsubscribeFeed = () => {};
  let unsubscribeSignals = () => {};
  if (deps.analysis) {
    const alog = log.child({ component: "analysis" });
    pool = new WorkerPool({ size: deps.analysis.workers, modelPath: deps.analysis.modelPath, queueCapacity: deps.analysis.queueCapacity, log: alog });
    pool.start().then(
      () => alog.info("analysis workers ready", { workers: deps.analysis ? deps.analysis.workers : 0, model: pool?.modelVersion ?? null }),
      (err: unknown) => alog.error("analysis workers failed to start", { err }),
    );
    const feed = new KlineFeed({ seed: config.simSeed, now: clock });
    unsubscribeFeed = source.onUpdate((update) => feed.onUpdate(update));
    // 1-minute history for every symbol, generated in small chunks in the background.
    feed.warm(source.symbols, "1m").catch((err: unknown) => alog.error("warming the kline feed failed", { err }));
    const service = (analysis = new AnalysisService({ pool, feed, explainer: deps.analysis.explainer, log: alog, metrics }));
    const queueOf = pool;
    metrics.setQueueDepthSource(() => queueOf.stats().queued);
    const intervals = deps.analysis.signalIntervals ?? ["1m"];
    if (intervals.length > 0) {
      const workers = pool;
      signals = new SignalTrigger({
        analysis: { analyze: (req, priority) => service.analyze(req, priority), queueLoad: () => workers.stats() },
        intervals,
        publish: (update) => link.push(update),
        log: alog.child({ component: "signals" }),
      });
      const trigger = signals;
      // After the feed's listener: the feed holds the closed candle when the trigger sees it.
      unsubscribeSignals = source.onUpdate((update) => trigger.onUpdate(update));
    }
  }

  const app = createApp({
    startedAt,
    now: clock,
    source,
    edge: () => link.state(),
    log: log.child({ component: "http" }),
    ...(analysis ? { analysis: { service: analysis, token: config.bridgeToken } } : {}),
    records: recordRoutes({ store: records, token: config.bridgeToken, log: recordsLog }),
    exchange: live.routes,
    metrics: { registry: metrics.registry, token: config.bridgeToken },
  });
  const server = createAdaptorServer({ fetch: app.fetch });
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (err) {
    await live.close();
    await records.close();
    throw err;
  }
  server.on("error", (err) => log.error("http server error", { err }));
  log.info("http server listening", { host: config.host, port });

  const purge = setInterval(() => {
    records.purgeExpired().then(
      (purged) => recordsLog.debug("expired records purged", purged),
      (err: unknown) => recordsLog.warn("purging expired records failed", { err }),
    );
  }, PURGE_INTERVAL_MS);
  purge.unref();

  link.start();
  klines.start();
  await source.start();
  log.info("bridge started", { source: source.kind, symbols: source.symbols.length, updatesPerSec: source.updatesPerSec, edge: link.url });

  let stopped: Promise<void> | undefined;
  return {
    port,
    link,
    source,
    analysis,
    signals,
    records,
    metrics,
    stop: () =>
      (stopped ??= (async () => {
        await source.stop();
        unsubscribe();
        unsubscribeFeed();
        unsubscribeSignals();
        await signals?.idle();
        await pool?.close();
        await link.close();
        await closeServer(server);
        clearInterval(purge);
        await klines.stop();
        await live.close();
        await records.close();
      })()),
  };
}

function listen(server: ServerType, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections; idle keep-alive sockets are closed, busy ones get `graceMs`. */
function closeServer(server: ServerType, graceMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if ("closeAllConnections" in server) server.closeAllConnections();
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  });
}
