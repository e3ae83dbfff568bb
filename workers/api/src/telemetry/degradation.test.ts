import { afterEach, describe, expect, it, vi } from "vitest";
import { call, register } from "../../test/helpers";
import { ComponentWatch, componentWatch, degraded, DEGRADED_LOG_INTERVAL_MS, resetDegradedThrottle } from "./degradation";

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const grab = (line: unknown) => {
    if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
  };
  for (const level of ["log", "warn", "error"] as const) vi.spyOn(console, level).mockImplementation(grab);
  return lines;
}
afterEach(() => {
  vi.restoreAllMocks();
});

describe("ComponentWatch", () => {
  it("logs a component going down and coming back once per transition, with the error and the downtime", () => {
    const lines = captureLogs();
    let now = 1_000;
    const watch = new ComponentWatch(() => now);
    const up = { status: "up" as const, latencyMs: 2 };
    const down = { status: "down" as const, latencyMs: 2000, error: "timed out after 2000 ms" };
    expect(watch.observe({ bridge: up, kv: up }, "r1")).toEqual([]);
    now = 2_000;
    expect(watch.observe({ bridge: down, kv: up }, "r2")).toEqual([{ component: "bridge", from: "up", to: "down" }]);
    expect(watch.observe({ bridge: down, kv: up }, "r3")).toEqual([]);
    now = 9_500;
    expect(watch.observe({ bridge: up, kv: up }, "r4")).toEqual([{ component: "bridge", from: "down", to: "up" }]);
    expect(lines.map((l) => [l.level, l.event, l.component])).toEqual([
      ["warn", "component_down", "bridge"],
      ["info", "component_up", "bridge"],
    ]);
    expect(lines[0]).toMatchObject({ msg: "bridge is down", from: "up", to: "down", error: "timed out after 2000 ms", requestId: "r2" });
    expect(lines[1]).toMatchObject({ msg: "bridge is up again", downForMs: 7_500, requestId: "r4" });
  });
});

describe("degraded", () => {
  it("logs a feature running without a dependency at most once a minute, counting what it left out", () => {
    const lines = captureLogs();
    const t = 5_000_000;
    degraded("test_feature", "kv_read_failed", new Error("KV GET failed: 500"), { requestId: "a" }, t);
    degraded("test_feature", "kv_read_failed", new Error("again"), {}, t + 10);
    degraded("test_feature", "kv_read_failed", new Error("again"), {}, t + 20);
    degraded("test_feature", "kv_read_failed", new Error("later"), {}, t + DEGRADED_LOG_INTERVAL_MS);
    expect(lines.map((l) => [l.level, l.event, l.feature, l.cause, l.error, l.suppressedSinceLast])).toEqual([
      ["warn", "feature_degraded", "test_feature", "kv_read_failed", "KV GET failed: 500", 0],
      ["warn", "feature_degraded", "test_feature", "kv_read_failed", "later", 2],
    ]);
    expect(lines[0]).toMatchObject({ requestId: "a" });
  });
});

describe("degradation seen by the Worker", () => {
  it("/api/health logs the bridge (nothing listens at BRIDGE_URL) as down once, with the request id", async () => {
    componentWatch.reset();
    const lines = captureLogs();
    const first = await call("/api/health");
    await first.arrayBuffer();
    await (await call("/api/health")).arrayBuffer();
    const downs = lines.filter((l) => l.event === "component_down");
    expect(downs).toEqual([expect.objectContaining({ level: "warn", component: "bridge", to: "down", requestId: first.headers.get("x-request-id") })]);
    expect(typeof downs[0]?.error).toBe("string");
  });

  it("an analysis request while the bridge is unreachable answers 503 and logs the degradation", async () => {
    const user = await register();
    resetDegradedThrottle();
    const lines = captureLogs();
    const res = await call("/api/ai/analyze", { method: "POST", json: { symbol: "BTCUSDT", interval: "1m" }, headers: { authorization: `Bearer ${user.accessToken}` } });
    expect(res.status).toBe(503);
    await res.arrayBuffer();
    const logged = lines.filter((l) => l.event === "feature_degraded" && l.feature === "analysis");
    expect(logged).toEqual([expect.objectContaining({ level: "warn", cause: "bridge_unreachable", path: "/v1/analyze", requestId: res.headers.get("x-request-id") })]);
  });
});
