import { describe, expect, it } from "vitest";
import { FLUSH_AFTER_MS, FLUSH_SAMPLES, TelemetryRecorder } from "./recorder";

describe("TelemetryRecorder", () => {
  it("aggregates samples per label set and drains them once", () => {
    const r = new TelemetryRecorder();
    r.recordRequest("GET", "/health", 200, 2, 1000);
    r.recordRequest("GET", "/health", 200, 4, 1001);
    r.recordRequest("GET", "/api/orders/:id", 500, 40, 1002);
    r.recordTrade("BTCUSDT", "buy", "market", "filled", 3, 1003);
    const batch = r.drain(1004);
    expect(batch?.series).toHaveLength(3);
    const health = batch?.series.find((s) => s.labels.endpoint === "/health");
    expect(health?.hist.count).toBe(2);
    expect(health?.errors).toBe(0);
    expect(batch?.series.find((s) => s.labels.endpoint === "/api/orders/:id")?.errors).toBe(1);
    expect(batch?.series.find((s) => s.name === "trade")?.labels).toEqual({ symbol: "BTCUSDT", side: "buy", type: "market", status: "filled" });
    expect(r.drain(1005)).toBeNull();
  });

  it("asks for a flush after FLUSH_SAMPLES samples or FLUSH_AFTER_MS of waiting", () => {
    const r = new TelemetryRecorder();
    expect(r.shouldFlush(0)).toBe(false);
    r.recordRequest("GET", "/health", 200, 1, 10_000);
    expect(r.shouldFlush(10_000)).toBe(false);
    expect(r.shouldFlush(10_000 + FLUSH_AFTER_MS)).toBe(true);
    r.drain(0);
    for (let i = 0; i < FLUSH_SAMPLES - 1; i++) r.recordRequest("GET", "/health", 200, 1, 20_000);
    expect(r.shouldFlush(20_000)).toBe(false);
    r.recordRequest("GET", "/health", 200, 1, 20_000);
    expect(r.shouldFlush(20_000)).toBe(true);
  });

  it("re-queues an undelivered batch so nothing is counted twice or lost", () => {
    const r = new TelemetryRecorder();
    r.recordRequest("GET", "/health", 200, 1, 0);
    const batch = r.drain(0)!;
    r.recordRequest("GET", "/health", 200, 1, 1);
    r.restore(batch);
    const again = r.drain(2)!;
    expect(again.series).toHaveLength(1);
    expect(again.series.reduce((n, s) => n + s.hist.count, 0)).toBe(2);
  });

  it("reports this isolate's last five minutes for /health", () => {
    const r = new TelemetryRecorder();
    r.recordRequest("GET", "/health", 200, 2, 0);
    r.recordRequest("GET", "/x", 503, 2, 60_000);
    expect(r.indicators(60_000)).toMatchObject({ requests: 2, errorRate: 0.5 });
    expect(r.indicators(5 * 60_000).requests).toBe(1);
    expect(r.indicators(20 * 60_000).requests).toBe(0);
  });
});
