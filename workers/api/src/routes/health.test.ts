import { describe, expect, it } from "vitest";
import { call } from "../../test/helpers";

describe("GET /health", () => {
  it("answers 200 JSON without touching any storage", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = await res.json<{ status: string; service: string }>();
    expect(body).toMatchObject({ status: "ok", service: "bot-core-edge" });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("carries this isolate's performance indicators (last 5 minutes)", async () => {
    for (let i = 0; i < 3; i++) await (await call("/health")).arrayBuffer();
    const body = await (await call("/health")).json<{ performance: { scope: string; windowSec: number; requests: number; errorRate: number; latencyMs: { p50: number; p95: number; p99: number }; targetP95Ms: number; withinTarget: boolean } }>();
    expect(body.performance.scope).toBe("isolate");
    expect(body.performance.windowSec).toBe(300);
    expect(body.performance.requests).toBeGreaterThanOrEqual(3);
    expect(body.performance.errorRate).toBeGreaterThanOrEqual(0);
    expect(body.performance.latencyMs.p50).toBeLessThanOrEqual(body.performance.latencyMs.p95);
    expect(body.performance.latencyMs.p95).toBeLessThanOrEqual(body.performance.latencyMs.p99);
    expect(body.performance.targetP95Ms).toBe(200);
  });
});

describe("GET /api/health", () => {
  it("reports every component, and the bridge as down when nothing listens at BRIDGE_URL", async () => {
    const t0 = Date.now();
    const res = await call("/api/health");
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(res.status).toBe(200);
    const body = await res.json<{ status: string; components: Record<string, { status: string; latencyMs: number; error?: string }> }>();
    expect(Object.keys(body.components).sort()).toEqual(["bridge", "d1", "durableObject", "kv"]);
    expect(body.components.d1?.status).toBe("up");
    expect(body.components.kv?.status).toBe("up");
    expect(body.components.durableObject?.status).toBe("up");
    expect(body.components.bridge?.status).toBe("down");
    expect(body.components.bridge?.error).toBeTruthy();
    expect(body.status).toBe("degraded");
    for (const c of Object.values(body.components)) expect(c.latencyMs).toBeGreaterThanOrEqual(0);
  });
});
