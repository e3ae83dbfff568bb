/**
 * GET /health: cheap liveness, no I/O (load balancers, k6 setup).
 * GET /api/health: readiness of each component with its latency. Never hangs: every probe has
 * a timeout. The bridge being down degrades (market data stops) but accounts keep working;
 * D1 or the Durable Objects being down makes the edge unable to serve (503).
 */
import { Hono } from "hono";
import type { ApiHealthResponse, ComponentHealth } from "@bot-core/core";
import type { AppEnv, Env } from "../env";
import { bridgeFetch } from "../../../../durable-objects/src/bridge-fetch";
import { CATEGORY_TARGET_P95_MS } from "../telemetry/categories";
import { componentWatch } from "../telemetry/degradation";
import { recorder } from "../telemetry/recorder";

export const PROBE_TIMEOUT_MS = 2000;
let startedAt: number | undefined;

async function probe(check: (signal: AbortSignal) => Promise<unknown>): Promise<ComponentHealth> {
  const t0 = performance.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      check(controller.signal),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new Error(`timed out after ${PROBE_TIMEOUT_MS} ms`));
        }, PROBE_TIMEOUT_MS);
      }),
    ]);
    return { status: "up", latencyMs: Math.round(performance.now() - t0) };
  } catch (err) {
    return { status: "down", latencyMs: Math.round(performance.now() - t0), error: err instanceof Error ? err.message : String(err) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export async function checkComponents(env: Env): Promise<ApiHealthResponse> {
  const [d1, kv, durableObject, bridge] = await Promise.all([
    probe(() => env.DB.prepare("SELECT 1 AS ok").first()),
    probe(() => env.CACHE.get("health:probe")),
    probe(async () => {
      const pong = await env.TELEMETRY.getByName("main").ping();
      if (!pong.ok) throw new Error("unexpected answer");
    }),
    probe(async (signal) => {
      const res = await bridgeFetch(env, "/health", { signal });
      if (!res.ok) throw new Error(`bridge answered ${res.status}`);
      await res.body?.cancel();
    }),
  ]);
  const core = d1.status === "up" && durableObject.status === "up";
  const all = core && kv.status === "up" && bridge.status === "up";
  return {
    status: all ? "ok" : core ? "degraded" : "down",
    time: new Date().toISOString(),
    components: { d1, kv, durableObject, bridge },
  };
}

export const healthRoutes = new Hono<AppEnv>()
  .get("/health", (c) => {
    // Performance indicators of this isolate's last 5 minutes (no I/O; the aggregate over all
    // isolates is GET /api/performance/stats).
    const perf = recorder.indicators(Date.now());
    return c.json({
      status: "ok",
      service: "bot-core-edge",
      environment: c.env.ENVIRONMENT,
      uptimeSec: Math.floor((Date.now() - (startedAt ??= Date.now())) / 1000),
      performance: { scope: "isolate", ...perf, targetP95Ms: CATEGORY_TARGET_P95_MS.other, withinTarget: perf.latencyMs.p95 <= CATEGORY_TARGET_P95_MS.other },
    });
  })
  .get("/api/health", async (c) => {
    const report = await checkComponents(c.env);
    componentWatch.observe(report.components, c.get("requestId")); // logs bridge/KV/D1/DO down and up transitions
    return c.json(report, report.status === "down" ? 503 : 200);
  });
