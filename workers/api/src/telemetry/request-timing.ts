/**
 * The request timing middleware, free of Worker bindings (so it can be benchmarked in Node):
 * method, route pattern (Hono's matched route, never the raw path), status and duration go into
 * the isolate's TelemetryRecorder; when the recorder asks for a flush the batch is handed to
 * `ship` through ctx.waitUntil, after the response. Slow requests are logged with context.
 * middleware/request-metrics.ts binds it to the edge's env.
 */
import type { Context, Env as HonoEnv, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { categoryOf } from "./categories";
import { logJson } from "./log";
import { LogBudget } from "./log-budget";
import { recorder, type TelemetryBatch } from "./recorder";

/** Spec: requests slower than this are logged with full context. */
export const SLOW_REQUEST_MS = 200;
/** At most this many slow-request lines per second per isolate; the rest are counted (see LogBudget). */
export const SLOW_REQUEST_LOGS_PER_SEC = 10;
const slowRequestLogs = new LogBudget(SLOW_REQUEST_LOGS_PER_SEC, 1000);

export interface AnalyticsBinding {
  writeDataPoint(point: { blobs?: string[]; doubles?: number[]; indexes?: string[] }): void;
}

export interface RequestTimingOptions<E extends HonoEnv> {
  enabled(c: Context<E>): boolean;
  /** Delivers a batch; on failure it should `recorder.restore(batch)`. */
  ship(c: Context<E>, batch: TelemetryBatch): Promise<void>;
  /** Workers Analytics Engine dataset, when bound. */
  analytics?(c: Context<E>): AnalyticsBinding | undefined;
  requestId?(c: Context<E>): string | undefined;
}

/** The route pattern that matched (e.g. /api/orders/:id), "unmatched" for a 404 with no route. */
export function routePatternOf(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i];
    if (r && r.method !== "ALL") return r.path;
  }
  return "unmatched";
}

export function requestTiming<E extends HonoEnv>(options: RequestTimingOptions<E>): MiddlewareHandler<E> {
  return async function requestTimingMiddleware(c, next) {
    if (!options.enabled(c)) return next();
    const t0 = performance.now();
    await next();
    const ms = performance.now() - t0;
    const now = Date.now();
    const endpoint = routePatternOf(c as unknown as Context);
    const status = c.res.status;
    recorder.recordRequest(c.req.method, endpoint, status, ms, now);
    const analytics = options.analytics?.(c);
    if (analytics) {
      analytics.writeDataPoint({ indexes: [categoryOf(c.req.method, endpoint)], blobs: [c.req.method, endpoint, String(status)], doubles: [ms, status] });
    }
    const dropped = ms > SLOW_REQUEST_MS ? slowRequestLogs.take(now) : null;
    if (dropped !== null) {
      const url = new URL(c.req.url);
      logJson("warn", "slow request", {
        requestId: options.requestId?.(c),
        method: c.req.method,
        endpoint,
        path: url.pathname,
        queryKeys: [...url.searchParams.keys()],
        status,
        durationMs: Math.round(ms),
        thresholdMs: SLOW_REQUEST_MS,
        serverTiming: c.res.headers.get("server-timing") ?? undefined,
        ...(dropped > 0 ? { slowRequestsNotLogged: dropped } : {}),
      });
    }
    if (!recorder.shouldFlush(now)) return;
    const batch = recorder.drain(now);
    if (!batch) return;
    try {
      c.executionCtx.waitUntil(options.ship(c, batch));
    } catch {
      recorder.restore(batch); // no execution context (plain unit test): keep it for later
    }
  };
}
