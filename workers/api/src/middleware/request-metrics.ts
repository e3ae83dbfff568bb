/**
 * Request timing on every route (telemetry/request-timing.ts) bound to the edge: batches go to
 * the Telemetry DO off the critical path (ctx.waitUntil); with an `ANALYTICS` binding (Workers
 * Analytics Engine, production) each request is also one data point. `TELEMETRY_ENABLED="false"`
 * turns it off.
 *
 * workerd's clock only advances across I/O (whole milliseconds locally, frozen during
 * synchronous code in production): durations are wall time across the request's awaits, so a
 * request that does no I/O reads as 0 ms. That is the runtime's design, not a bug here.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv, Env } from "../env";
import { logJson } from "../telemetry/log";
import { recorder, type TelemetryBatch } from "../telemetry/recorder";
import { type AnalyticsBinding, requestTiming } from "../telemetry/request-timing";

export { routePatternOf, SLOW_REQUEST_MS } from "../telemetry/request-timing";

export function telemetryEnabled(env: Env): boolean {
  return String(env.TELEMETRY_ENABLED) !== "false";
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

export function requestMetrics(): MiddlewareHandler<AppEnv> {
  return requestTiming<AppEnv>({
    enabled: (c) => telemetryEnabled(c.env),
    ship: (c, batch) => shipBatch(c.env, batch),
    analytics: (c) => (c.env as { ANALYTICS?: AnalyticsBinding }).ANALYTICS,
    requestId: (c) => c.get("requestId"),
  });
}
