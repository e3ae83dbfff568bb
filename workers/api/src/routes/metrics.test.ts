import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TickerUpdate } from "@bot-core/core";
import { FLUSH_SAMPLES } from "../telemetry/recorder";
import { SCRAPES_PER_MINUTE } from "../../../../durable-objects/src/telemetry";
import { call, register } from "../../test/helpers";

const TOKEN = "test-metrics-token-0123456789abcdef";
const telemetry = () => env.TELEMETRY.getByName("main");

async function requestCount(endpoint: string, status: string): Promise<number> {
  const rows = await telemetry().cumulative();
  return rows.filter((r) => r.name === "http" && r.labels.endpoint === endpoint && r.labels.status === status).reduce((n, r) => n + r.hist.count, 0);
}

/** Drives enough requests for the isolate to flush, then waits for the DO to hold them. */
async function driveAndFlush(extra: () => Promise<unknown> = async () => undefined): Promise<void> {
  const before = await requestCount("/health", "200");
  for (let i = 0; i < FLUSH_SAMPLES + 1; i++) await (await call("/health")).arrayBuffer();
  await extra();
  for (let i = 0; i < FLUSH_SAMPLES + 1; i++) await (await call("/health")).arrayBuffer();
  const deadline = Date.now() + 5000;
  while ((await requestCount("/health", "200")) <= before) {
    if (Date.now() > deadline) throw new Error("telemetry never reached the DO");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("GET /metrics", () => {
  it("refuses a missing or wrong token with 401 JSON", async () => {
    const none = await call("/metrics");
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "invalid_metrics_token" } });
    const wrong = await call("/metrics", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
  });

  it("exposes the spec's names with route patterns, never raw paths or ids", async () => {
    const orderId = "0b7e3f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    await driveAndFlush(async () => {
      await (await call(`/api/orders/${orderId}`)).arrayBuffer(); // 401, route /api/orders/:id
      await (await call("/no/such/path/4711")).arrayBuffer(); // 404, no route
    });
    const res = await call("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of ["http_request_duration_seconds", "http_requests_total", "trade_execution_duration_ms", "trades_executed_total", "order_processing_duration_seconds", "orders_total", "websocket_connections_active", "websocket_messages_sent_total", "websocket_message_latency_ms", "bot_core_bridge_up"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/http_requests_total\{method="GET",endpoint="\/health",status="200",service="edge"\} \d+/);
    expect(text).toContain('endpoint="/api/orders/:id",status="401"');
    expect(text).toContain('endpoint="unmatched",status="404"');
    expect(text).not.toContain(orderId);
    expect(text).not.toContain("4711");
    expect(text).toMatch(/http_request_duration_seconds_bucket\{method="GET",endpoint="\/health",status="200",service="edge",le="\+Inf"\} \d+/);
    expect(text).toContain("bot_core_bridge_up 0"); // nothing listens at BRIDGE_URL in tests
  });

  it("records order placements as trade metrics by symbol, side, type and outcome", async () => {
    const user = await register();
    const t: TickerUpdate = { kind: "ticker", symbol: "BTCUSDT", price: "50001", bid: "50000", ask: "50001", bidQty: "5", askQty: "5", eventTime: Date.now(), bridgeTime: Date.now() };
    await env.SYMBOL_HUB.getByName("BTCUSDT").applyUpdates([t]);
    await driveAndFlush(async () => {
      const res = await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.001" }, headers: { authorization: `Bearer ${user.accessToken}` } });
      expect(res.status).toBe(201);
      await res.arrayBuffer();
    });
    const rows = await telemetry().cumulative();
    const trade = rows.find((r) => r.name === "trade" && r.labels.symbol === "BTCUSDT" && r.labels.side === "buy" && r.labels.status === "filled");
    expect(trade?.labels.type).toBe("market");
    expect(trade?.hist.count).toBeGreaterThanOrEqual(1);
    const text = await (await call("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(text).toMatch(/trades_executed_total\{symbol="BTCUSDT",status="filled"\} [1-9]/);
    expect(text).toMatch(/trade_execution_duration_ms_count\{symbol="BTCUSDT",side="buy"\} [1-9]/);
    expect(text).toMatch(/orders_total\{status="filled",side="buy",type="market",symbol="BTCUSDT"\} [1-9]/);
    expect(text).not.toContain(user.user.id);
  });

  it("limits scrapes per minute over all scrapers", async () => {
    const stub = env.TELEMETRY.getByName("scrape-limit-test");
    const minute = 1_000 * 60_000;
    for (let i = 0; i < SCRAPES_PER_MINUTE; i++) expect((await stub.scrape(minute + i)).allowed).toBe(true);
    const refused = await stub.scrape(minute + 30_000);
    expect(refused).toEqual({ allowed: false, retryAfterSec: 30 });
    expect((await stub.scrape(minute + 60_000)).allowed).toBe(true);
  });

  it("drops malformed series instead of corrupting the aggregates", async () => {
    const stub = env.TELEMETRY.getByName("ingest-validation-test");
    const good = { name: "http" as const, labels: { method: "GET", endpoint: "/health", status: "200" }, errors: 0, hist: { count: 1, sumMs: 2, buckets: [0, 1, ...new Array<number>(14).fill(0)] } };
    const bad = { ...good, hist: { count: 5, sumMs: -1, buckets: [1] } };
    expect(await stub.ingest({ at: Date.now(), series: [good, bad] })).toEqual({ accepted: 1, rejected: 1 });
    expect((await stub.cumulative()).map((s) => s.hist.count)).toEqual([1]);
  });
});

describe("GET /api/performance/stats and /history", () => {
  it("need a signed-in user", async () => {
    expect((await call("/api/performance/stats")).status).toBe(401);
    expect((await call("/api/performance/history")).status).toBe(401);
  });

  it("refuse an unknown resolution or category with 400", async () => {
    const user = await register();
    const auth = { authorization: `Bearer ${user.accessToken}` };
    expect((await call("/api/performance/history?resolution=5s", { headers: auth })).status).toBe(400);
    expect((await call("/api/performance/history?category=admin", { headers: auth })).status).toBe(400);
  });

  it("satisfy the spec's validation rules under load: non-negative, p50 <= p95 <= p99, monotonic counters", async () => {
    const user = await register();
    const auth = { authorization: `Bearer ${user.accessToken}` };
    const scrape = async () => (await call("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const totalOf = (text: string) => [...text.matchAll(/^http_requests_total\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    const first = totalOf(await scrape());
    await driveAndFlush(async () => {
      await Promise.all(Array.from({ length: 60 }, async (_, i) => (await call(i % 3 ? "/api/health" : "/auth/me-not-here")).arrayBuffer()));
    });
    const second = totalOf(await scrape());
    expect(second).toBeGreaterThan(first);

    const stats = await (await call("/api/performance/stats", { headers: auth })).json<{
      windowSec: number;
      totals: { requests: number; throughputRps: number; errorRate: number; latencyMs: { p50: number; p95: number; p99: number } };
      endpoints: { category: string; requests: number; throughputRps: number; errorRate: number; targetP95Ms: number; withinTarget: boolean; latencyMs: { p50: number; p95: number; p99: number } }[];
      trades: { requests: number; latencyMs: { p50: number; p95: number; p99: number } };
    }>();
    expect(stats.windowSec).toBe(300);
    expect(stats.totals.requests).toBeGreaterThan(2 * 65);
    expect(stats.endpoints.map((e) => e.category)).toEqual(expect.arrayContaining(["health", "auth"]));
    for (const f of [stats.totals, stats.trades, ...stats.endpoints]) {
      expect(f.requests).toBeGreaterThanOrEqual(0);
      expect(f.latencyMs.p50).toBeGreaterThanOrEqual(0);
      expect(f.latencyMs.p50).toBeLessThanOrEqual(f.latencyMs.p95);
      expect(f.latencyMs.p95).toBeLessThanOrEqual(f.latencyMs.p99);
    }
    for (const e of stats.endpoints) {
      expect(e.errorRate).toBeGreaterThanOrEqual(0);
      expect(e.errorRate).toBeLessThanOrEqual(1);
      expect(e.withinTarget).toBe(e.latencyMs.p95 <= e.targetP95Ms);
    }

    for (const resolution of ["1m", "1h"]) {
      const history = await (await call(`/api/performance/history?resolution=${resolution}`, { headers: auth })).json<{ resolution: string; buckets: { t: string; requests: number; latencyMs: { p50: number; p95: number; p99: number } }[] }>();
      expect(history.resolution).toBe(resolution);
      expect(history.buckets.length).toBeGreaterThan(0);
      const times = history.buckets.map((b) => Date.parse(b.t));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      for (const b of history.buckets) {
        expect(b.requests).toBeGreaterThanOrEqual(0);
        expect(b.latencyMs.p50).toBeLessThanOrEqual(b.latencyMs.p95);
        expect(b.latencyMs.p95).toBeLessThanOrEqual(b.latencyMs.p99);
      }
    }
    const health = await (await call("/api/performance/history?category=health", { headers: auth })).json<{ buckets: { requests: number }[] }>();
    expect(health.buckets.reduce((n, b) => n + b.requests, 0)).toBeGreaterThan(2 * 65);
  });
});
