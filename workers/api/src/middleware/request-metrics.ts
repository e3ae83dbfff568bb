/**
 * Request timing on every route: method, route pattern (Hono's matched route, never the raw
 * path: no ids in labels), status and duration go into the isolate's TelemetryRecorder; batches
 * are shipped to the Telemetry DO through ctx.waitUntil, after the response, so the request
 * never waits for telemetry. With an `ANALYTICS` binding (Workers Analytics Engine, production)
 * each request is also written as one data point (non-blocking by design of that API).
 * Requests slower than SLOW_REQUEST_MS are logged as structured JSON with their context.
 *
 * workerd's clock only advances across I/O (whole milliseconds locally, frozen during
 * synchronous code in production): durations are wall time across the request's awaits, so a
 * request that does no I/O reads as 0 ms. That is the runtime's design (timing side channels),
 * not a bug here.
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv, Env } from "../env";
import { categoryOf } from "../telemetry/categories";
import { recorder, type TelemetryBatch } from "../telemetry/recorder";
import { logJson } from "../telemetry/log";

/** Spec: requests slower than this are logged with full context. */
export const SLOW_REQUEST_MS = 200;

/** The route pattern that matched (e.g. /api/orders/:id), "unmatched" for a 404 with no route. */
export function routePatternOf(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i];
    if (r && r.method !== "ALL") return r.path;
  }
  return "unmatched";
}

export function telemetryEnabled(env: Env): boolean {
  return String(env.TELEMETRY_ENABLED) !== "false";
}

interface AnalyticsBinding {
  writeDataPoint(point: { blobs?: string[]; doubles?: number[]; indexes?: string[] }): void;
}

/** Ships the isolate's batch to the Telemetry DO; on failure the batch waits for the next flush. */
export async function shipBatch(env: Env, batch: TelemetryBatch): Promise<void> {
  try {
    await env.TELEMETRY.getByName("main").ingest(batch);
  } catch (err) {
    recorder.restore(batch);
    logJson("warn", "telemetry flush failed", { error: err instanceof Error ? err.message : String(err) });
  }
}

/** Flushes when the recorder asks for it, after the response (waitUntil). */
export function flushSoon(c: Context<AppEnv>, now: number): void {
  if (!recorder.shouldFlush(now)) return;
  const batch = recorder.drain(now);
  if (!batch) return;
  try {
    c.executionCtx.waitUntil(shipBatch(c.env, batch));
  } catch {
    recorder.restore(batch); // no execution context (plain unit test): keep it for later
  }
}

export function requestMetrics(): MiddlewareHandler<AppEnv> {
  return async function requestMetricsMiddleware(c, next) {
    if (!telemetryEnabled(c.env)) return next();
    const t0 = performance.now();
    await next();
    const ms = performance.now() - t0;
    const now = Date.now();
    const endpoint = routePatternOf(c);
    const status = c.res.status;
    recorder.recordRequest(c.req.method, endpoint, status, ms, now);
    const analytics = (c.env as { ANALYTICS?: AnalyticsBinding }).ANALYTICS;
    if (analytics) {
      analytics.writeDataPoint({ indexes: [categoryOf(c.req.method, endpoint)], blobs: [c.req.method, endpoint, String(status)], doubles: [ms, status] });
    }
    if (ms > SLOW_REQUEST_MS) {
      const url = new URL(c.req.url);
      logJson("warn", "slow request", {
        requestId: c.get("requestId"),
        method: c.req.method,
        endpoint,
        path: url.pathname,
        queryKeys: [...url.searchParams.keys()],
        status,
        durationMs: Math.round(ms),
        thresholdMs: SLOW_REQUEST_MS,
        serverTiming: c.res.headers.get("server-timing") ?? undefined,
      });
    }
    flushSoon(c, now);
  };
}
