/**
 * POST /v1/analyze and /v1/batch-analyze on the bridge's real HTTP app, with real worker threads
 * and the committed ONNX model; the overload case also over a real socket on 127.0.0.1.
 */
import type { AddressInfo } from "node:net";
import { Signal, type AnalysisKline } from "@bot-core/analysis";
import { randomWalkCandles } from "@bot-core/analysis/testing";
import { createAdaptorServer } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../log";
import { routesApp } from "../testing/routes-app";
import { KlineFeed } from "./kline-feed";
import { defaultModelPath } from "./model";
import { WorkerPool } from "./pool";
import { AnalysisService } from "./service";

const TOKEN = "analysis-test-token-0123456789";
const NOW = Date.UTC(2024, 4, 1, 12, 0, 30);
let pool: WorkerPool;
let service: AnalysisService;
let app: ReturnType<typeof routesApp>;

beforeAll(async () => {
  pool = new WorkerPool({ size: 2, modelPath: defaultModelPath() });
  await pool.start();
  service = new AnalysisService({ pool, feed: new KlineFeed({ seed: 42, now: () => NOW, capacity: 500 }) });
  app = routesApp({ log: createLogger({ write: () => {} }), analysis: { service, token: TOKEN } });
});
afterAll(async () => {
  await pool.close();
});

const post = (path: string, body: unknown, token: string | null = TOKEN) =>
  app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

function wireKlines(n: number, seed = 3): AnalysisKline[] {
  return randomWalkCandles(n, seed, 64_000, 0.002).map((c) => ({ openTime: c.openTime, open: c.open.toFixed(2), high: c.high.toFixed(2), low: c.low.toFixed(2), close: c.close.toFixed(2), volume: c.volume.toFixed(2) }));
}

describe("POST /v1/analyze", () => {
  it("analyses the klines sent: a valid signal on the tick, with stage timings; the same klines again come from the cache", async () => {
    const klines = wireKlines(500);
    const res = await post("/v1/analyze", { symbol: "btcusdt", interval: "1m", klines });
    expect(res.status).toBe(200);
    expect(res.headers.get("server-timing")).toMatch(/indicators;dur=.*inference;dur=/);
    const body = (await res.json()) as { signal: unknown; cached: boolean };
    const signal = Signal.parse(body.signal);
    expect(body.cached).toBe(false);
    expect(signal).toMatchObject({ symbol: "BTCUSDT", interval: "1m", candles: 500, lastClosedOpenTime: klines.at(-1)!.openTime, entry: klines.at(-1)!.close });
    expect(signal.model?.version).toBe("signal-mlp-v1");
    for (const k of ["indicators", "patterns", "inference", "signal", "queue", "total"]) expect(signal.timingsMs[k], k).toBeGreaterThanOrEqual(0);
    const again = (await (await post("/v1/analyze", { symbol: "BTCUSDT", klines })).json()) as { signal: Signal; cached: boolean };
    expect(again.cached).toBe(true);
    expect(again.signal.action).toBe(signal.action);
    // A new closed candle is a new key.
    const next = [...klines.slice(1), { ...klines.at(-1)!, openTime: klines.at(-1)!.openTime + 60_000 }];
    expect(((await (await post("/v1/analyze", { symbol: "BTCUSDT", klines: next })).json()) as { cached: boolean }).cached).toBe(false);
  });

  it("without klines analyses the bridge's own window", async () => {
    const res = await post("/v1/analyze", { symbol: "ETHUSDT", interval: "15m" });
    expect(res.status).toBe(200);
    const { signal } = (await res.json()) as { signal: Signal };
    expect(signal.candles).toBe(500);
    expect(signal.lastClosedOpenTime).toBe(Math.floor(NOW / 900_000) * 900_000 - 900_000);
  });

  it("answers bad requests with 4xx JSON errors", async () => {
    const cases: [unknown, string | null, number, string][] = [
      [{ symbol: "BTCUSDT" }, null, 401, "unauthorized"],
      [{ symbol: "BTCUSDT" }, "wrong-token-wrong-token", 401, "unauthorized"],
      ["{not json", TOKEN, 400, "bad_request"],
      [{ symbol: "BTCUSDT", interval: "7m" }, TOKEN, 400, "invalid_request"],
      [{ interval: "1m" }, TOKEN, 400, "invalid_request"],
      [{ symbol: "BTCUSDT", klines: [{ openTime: 1, open: "1", high: "0.5", low: "1", close: "1", volume: "1" }] }, TOKEN, 400, "invalid_request"],
      [{ symbol: "FOOUSDT" }, TOKEN, 404, "unknown_symbol"],
      [{ symbol: "BTCUSDT", klines: wireKlines(20) }, TOKEN, 422, "not_enough_klines"],
      [{ symbol: "BTCUSDT", klines: wireKlines(50).reverse() }, TOKEN, 422, "not_enough_klines"],
    ];
    for (const [body, token, status, code] of cases) {
      const res = await post("/v1/analyze", body, token);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it("asks no explainer and calls no network when none is configured", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    try {
      const res = await post("/v1/analyze", { symbol: "SOLUSDT", explain: true });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { signal: Signal }).signal.explanation).toBeUndefined();
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe("POST /v1/batch-analyze", () => {
  it("analyses up to 20 symbols in parallel", async () => {
    const symbols = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "DOGEUSDT", "AVAXUSDT", "DOTUSDT", "LINKUSDT", "LTCUSDT", "TRXUSDT", "MATICUSDT", "ATOMUSDT", "UNIUSDT", "NEARUSDT", "APTUSDT", "ARBUSDT", "OPUSDT", "FILUSDT"];
    const res = await post("/v1/batch-analyze", { symbols, interval: "1h" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { symbol: string; signal?: Signal; error?: unknown }[] };
    expect(body.results.map((r) => r.symbol)).toEqual(symbols);
    for (const r of body.results) expect(Signal.parse(r.signal).symbol).toBe(r.symbol);
  });

  it("refuses more than 20, repeats, and unknown symbols", async () => {
    const many = Array.from({ length: 21 }, (_, i) => `SYM${i}USDT`);
    expect((await post("/v1/batch-analyze", { symbols: many })).status).toBe(400);
    expect((await post("/v1/batch-analyze", { symbols: ["BTCUSDT", "BTCUSDT"] })).status).toBe(400);
    expect((await post("/v1/batch-analyze", { symbols: [] })).status).toBe(400);
    const unknown = await post("/v1/batch-analyze", { symbols: ["BTCUSDT", "FOOUSDT"] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain("FOOUSDT");
  });
});

describe("GET /v1/analysis/stats", () => {
  it("reports the cache hit rate, the pool and analysis durations", async () => {
    const res = await app.request("/v1/analysis/stats", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const stats = (await res.json()) as { cache: { hits: number; misses: number; hitRate: number }; pool: { workers: number; capacity: number }; durationMs: { count: number; p95: number }; model: string };
    expect(stats.cache.hits).toBeGreaterThanOrEqual(1);
    expect(stats.cache.hitRate).toBeCloseTo(stats.cache.hits / (stats.cache.hits + stats.cache.misses), 3);
    expect(stats.pool).toMatchObject({ workers: 2, capacity: 100 });
    expect(stats.durationMs.count).toBeGreaterThan(0);
    expect(stats.durationMs.p95).toBeGreaterThan(0);
    expect(stats.model).toBe("signal-mlp-v1");
    expect((await app.request("/v1/analysis/stats")).status).toBe(401);
  });
});

describe("overload", () => {
  it("a full queue answers 503 with Retry-After at once over a real socket, and the queued work still completes", async () => {
    const small = new WorkerPool({ size: 1, modelPath: defaultModelPath(), queueCapacity: 2 });
    await small.start();
    const svc = new AnalysisService({ pool: small, feed: new KlineFeed({ seed: 1, now: () => NOW, capacity: 200 }) });
    const server = createAdaptorServer({
      fetch: routesApp({ log: createLogger({ write: () => {} }), analysis: { service: svc, token: TOKEN } }).fetch,
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = (seed: number) =>
      fetch(`${url}/v1/analyze`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ symbol: "BTCUSDT", klines: wireKlines(300, seed) }),
        signal: AbortSignal.timeout(5_000),
      });
    try {
      small.pause();
      const queued = [call(11), call(12)];
      await expect.poll(() => small.stats().queued).toBe(2);
      const t0 = performance.now();
      const res = await call(13);
      expect(performance.now() - t0).toBeLessThan(1_000);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await res.json()).toMatchObject({ error: { code: "overloaded" } });
      // A batch that finds the queue full is a 503 as a whole.
      const batch = await fetch(`${url}/v1/batch-analyze`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ symbols: ["ETHUSDT"] }) });
      expect(batch.status).toBe(503);
      expect(batch.headers.get("retry-after")).not.toBeNull();
      small.resume();
      expect((await Promise.all(queued)).map((r) => r.status)).toEqual([200, 200]);
    } finally {
      await small.close();
      await new Promise((r) => server.close(r));
    }
  });
});
