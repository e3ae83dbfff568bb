/**
 * GET /metrics                    Prometheus text (Bearer METRICS_TOKEN, 30 scrapes/min in all):
 *                                 the edge's series, the gateway shards' WebSocket figures and
 *                                 the bridge's own /metrics (prom-client) appended when reachable.
 * GET /api/performance/stats      last 5 minutes per endpoint category against the spec's targets
 * GET /api/performance/history    ?resolution=1m (24 h) | 1h (30 days) [&category=]: aggregated buckets
 * The performance routes need a signed-in user (the dashboard) and count against their rate limit.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { bridgeFetch } from "../../../../durable-objects/src/bridge-fetch";
import { RESOLUTION_MS, RETENTION_MS } from "../../../../durable-objects/src/telemetry";
import type { AppEnv, Env } from "../env";
import { ApiError, unauthorized } from "../errors";
import { requireUser } from "../middleware/auth";
import { userRateLimit } from "../middleware/rate-limit";
import { CATEGORIES } from "../telemetry/categories";
import { scrapeText, type WebSocketFigures } from "../telemetry/exposition";
import { computeHistory, computeStats } from "../telemetry/performance";
import { queryOf } from "../validation";

export const STATS_WINDOW_SEC = 300;
const PROBE_TIMEOUT_MS = 1000;

export const PerformanceHistoryQuery = z.strictObject({
  resolution: z.enum(["1m", "1h"]).default("1m"),
  category: z.enum(CATEGORIES as [string, ...string[]]).optional(),
});

async function sameSecret(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([crypto.subtle.digest("SHA-256", enc.encode(a)), crypto.subtle.digest("SHA-256", enc.encode(b))]);
  return crypto.subtle.timingSafeEqual(da, db);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p.catch(() => null), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

/** Sums every gateway shard's stats (shards that do not answer in time are left out). */
export async function websocketFigures(env: Env): Promise<WebSocketFigures | null> {
  const shards = Math.max(1, Number(env.GATEWAY_SHARDS) || 1);
  const stats = await Promise.all(Array.from({ length: shards }, (_, i) => withTimeout(env.GATEWAY.getByName(`shard-${i}`).stats(), PROBE_TIMEOUT_MS)));
  const answered = stats.filter((s) => s !== null);
  if (answered.length === 0) return null;
  const sent: Record<string, number> = {};
  for (const s of answered) for (const [k, v] of Object.entries(s.sent)) sent[k] = (sent[k] ?? 0) + v;
  return {
    connectionsActive: answered.reduce((n, s) => n + s.sockets, 0),
    sent,
    lagMs: Math.max(...answered.map((s) => s.lagMs)),
    slowConsumersClosed: answered.reduce((n, s) => n + s.slowConsumersClosed, 0),
  };
}

/** The bridge's own exposition (mongodb_*, ai_*), or null when it is unreachable. */
async function bridgeMetrics(env: Env): Promise<string | null> {
  const res = await withTimeout(bridgeFetch(env, "/metrics"), PROBE_TIMEOUT_MS);
  if (!res) return null;
  if (!res.ok) {
    await res.body?.cancel();
    return null;
  }
  return withTimeout(res.text(), PROBE_TIMEOUT_MS);
}

async function requireMetricsToken(c: Context<AppEnv>): Promise<void> {
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!presented || !c.env.METRICS_TOKEN || !(await sameSecret(presented, c.env.METRICS_TOKEN))) {
    throw unauthorized("the metrics token is missing or wrong", "invalid_metrics_token");
  }
}

export const metricsRoutes = new Hono<AppEnv>()
  .get("/metrics", async (c) => {
    await requireMetricsToken(c);
    const scrape = await c.env.TELEMETRY.getByName("main").scrape();
    if (!scrape.allowed) {
      throw new ApiError(429, "rate_limited", `too many scrapes; retry in ${scrape.retryAfterSec} s`, undefined, { "Retry-After": String(scrape.retryAfterSec) });
    }
    const [ws, bridge] = await Promise.all([websocketFigures(c.env), bridgeMetrics(c.env)]);
    const text = scrapeText(scrape.series, ws, bridge);
    return c.body(text, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
  })
  .get("/api/performance/stats", requireUser(), userRateLimit(), async (c) => {
    const now = Date.now();
    const from = Math.floor((now - STATS_WINDOW_SEC * 1000) / RESOLUTION_MS["1m"]) * RESOLUTION_MS["1m"];
    const [rows, ws] = await Promise.all([c.env.TELEMETRY.getByName("main").rollups("1m", from), websocketFigures(c.env)]);
    return c.json(
      computeStats(rows, STATS_WINDOW_SEC, now, ws && { connectionsActive: ws.connectionsActive, messagesSent: ws.sent, lagMs: ws.lagMs, slowConsumersClosed: ws.slowConsumersClosed }),
    );
  })
  .get("/api/performance/history", requireUser(), userRateLimit(), async (c) => {
    const q = queryOf(c, PerformanceHistoryQuery);
    const now = Date.now();
    const rows = await c.env.TELEMETRY.getByName("main").rollups(q.resolution, now - RETENTION_MS[q.resolution]);
    const category = q.category as (typeof CATEGORIES)[number] | undefined;
    return c.json({ resolution: q.resolution, ...(category ? { category } : {}), buckets: computeHistory(rows, RESOLUTION_MS[q.resolution] / 1000, category) });
  });
