/**
 * The bridge's GET /metrics on a whole bridge (real socket on 127.0.0.1, real SQLite store in a temp
 * dir, real analysis workers with the committed ONNX model): the token, the spec's series moving
 * with real traffic, the analysis cache hit/miss logs. The MongoDB pool gauge is driven by an
 * EventEmitter standing in for MongoClient (no MongoDB server can run here), emitting the
 * driver's own event names.
 */
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultModelPath } from "./analysis/model";
import { startBridge, type RunningBridge } from "./bridge";
import { loadConfig } from "./config";
import { createLogger } from "./log";
import { createBridgeMetrics } from "./metrics";
import { mixedStream } from "./records/testing/fixtures";

const TOKEN = "metrics-test-token-0123456789";
let bridge: RunningBridge;
let dir: string;
const lines: string[] = [];
const url = (p: string) => `http://127.0.0.1:${bridge.port}${p}`;
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "bridge-metrics-"));
  const config = loadConfig({ BRIDGE_TOKEN: TOKEN, PORT: "0", EDGE_URL: "http://127.0.0.1:9", SIM_UPDATES_PER_SEC: "20", DATA_DIR: dir, LOG_LEVEL: "debug" });
  bridge = await startBridge(config, {
    log: createLogger({ level: "debug", write: (l) => lines.push(l), redact: [TOKEN] }),
    analysis: { workers: 1, modelPath: defaultModelPath(), queueCapacity: 100, explainer: null },
  });
});
afterAll(async () => {
  await bridge.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The value of the sample `name{labels}` (label order ignored; `service="bridge"` implied). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = JSON.stringify(Object.entries({ ...labels, service: "bridge" }).sort());
  for (const line of text.split("\n")) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]);
    if (JSON.stringify(got.sort()) === want) return Number(m[3]);
  }
  return undefined;
}

describe("GET /metrics (bridge)", () => {
  it("refuses a missing or wrong token with 401 JSON", async () => {
    const none = await fetch(url("/metrics"));
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    const wrong = await fetch(url("/metrics"), { headers: { authorization: "Bearer not-the-bridge-token-at-all" } });
    expect(wrong.status).toBe(401);
    await wrong.arrayBuffer();
  });

  it("exposes query durations by store, analysis durations, cache hits and misses, queue depth and process metrics", async () => {
    const before = await (await fetch(url("/metrics"), { headers: auth })).text();
    expect(sample(before, "ai_cache_hit_rate")).toBe(0);

    const records = await fetch(url("/v1/records"), {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ userId: "user-m", records: mixedStream("user-m", 8) }),
    });
    expect(records.status).toBe(200);
    await records.arrayBuffer();
    const trades = await fetch(url("/v1/trades?userId=user-m"), { headers: auth });
    expect(trades.status).toBe(200);
    await trades.arrayBuffer();

    const analyze = async () => {
      const res = await fetch(url("/v1/analyze"), {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ symbol: "ETHUSDT", interval: "1m" }),
        signal: AbortSignal.timeout(15_000),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { cached: boolean }).cached;
    };
    // The second call hits the cache unless a 1m candle closed in between; then a third one hits.
    const first = await analyze();
    let hit = await analyze();
    if (!hit) hit = await analyze();
    expect(first).toBe(false);
    expect(hit).toBe(true);

    const res = await fetch(url("/metrics"), { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of ["mongodb_query_duration_ms", "ai_analysis_duration_ms", "ai_cache_hit_rate", "ai_cache_hits_total", "ai_cache_misses_total", "ai_queue_depth", "process_cpu_seconds_total", "nodejs_eventloop_lag_seconds"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, "mongodb_query_duration_ms_count", { store: "sqlite", collection: "outbox", operation: "applyOutbox" })).toBe(1);
    expect(sample(text, "mongodb_query_duration_ms_count", { store: "sqlite", collection: "trades", operation: "tradesByUser" })).toBe(1);
    expect(sample(text, "mongodb_query_duration_ms_bucket", { le: "+Inf", store: "sqlite", collection: "trades", operation: "tradesByUser" })).toBe(1);
    const misses = sample(text, "ai_cache_misses_total", { symbol: "ETHUSDT" }) ?? 0;
    expect(misses).toBeGreaterThanOrEqual(1);
    expect(sample(text, "ai_cache_hits_total", { symbol: "ETHUSDT" })).toBe(1);
    expect(sample(text, "ai_analysis_duration_ms_count", { symbol: "ETHUSDT", model: "signal-mlp-v1" })).toBe(misses);
    expect(sample(text, "ai_cache_hit_rate")).toBeCloseTo(1 / (1 + misses), 6);
    expect(sample(text, "ai_queue_depth")).toBe(0);
    // SQLite: no pool gauge; no ids, tokens or user ids in the text
    expect(text).not.toContain("mongodb_connections_active");
    expect(text).not.toContain("user-m");
    expect(text).not.toContain(TOKEN);

    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ level: "debug", msg: "analysis cache miss", event: "analysis_cache_miss", symbol: "ETHUSDT", interval: "1m", component: "analysis" }));
    expect(logged).toContainEqual(expect.objectContaining({ level: "debug", msg: "analysis cache hit", event: "analysis_cache_hit", symbol: "ETHUSDT", interval: "1m", component: "analysis" }));
  });
});

describe("mongodb_connections_active", () => {
  it("follows the driver's pool events: checked out minus checked in, and open connections", async () => {
    const metrics = createBridgeMetrics({ defaultMetrics: false });
    expect(await metrics.registry.metrics()).not.toContain("mongodb_connections_active");
    const client = new EventEmitter();
    metrics.trackMongoPool(client);
    for (let i = 0; i < 3; i++) client.emit("connectionCreated");
    client.emit("connectionCheckedOut");
    client.emit("connectionCheckedOut");
    client.emit("connectionCheckedIn");
    let text = await metrics.registry.metrics();
    expect(sample(text, "mongodb_connections_active")).toBe(1);
    expect(sample(text, "mongodb_connections_open")).toBe(3);
    client.emit("connectionCheckedIn");
    client.emit("connectionCheckedIn"); // a stray event never drives it below zero
    client.emit("connectionClosed");
    text = await metrics.registry.metrics();
    expect(sample(text, "mongodb_connections_active")).toBe(0);
    expect(sample(text, "mongodb_connections_open")).toBe(2);
  });
});
