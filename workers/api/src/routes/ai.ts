/**
 * Analysis at the edge (signed-in users):
 * POST /api/ai/analyze        {symbol, interval?}      -> the bridge's signal for the symbol
 * POST /api/ai/batch-analyze  {symbols (1-20), interval?} -> one result per symbol
 *
 * The bridge computes (indicators, patterns, ONNX model: containers/exchange-bridge/src/analysis);
 * the edge validates, answers repeated questions from KV for 60 s (the bridge keeps its own cache
 * keyed by the last closed kline), and maps the bridge's answers to the API's: 404 unknown symbol,
 * 503 + Retry-After when the bridge's queue is full or the bridge is unreachable.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { isKnownSymbol, KlineInterval, SymbolName } from "@bot-core/core";
import { bridgeFetch } from "../../../../durable-objects/src/bridge-fetch";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../errors";
import { degraded } from "../telemetry/degradation";
import { requireUser } from "../middleware/auth";
import { userRateLimit } from "../middleware/rate-limit";
import { jsonBody } from "../validation";

/** KV's shortest expiry; also the spec's analysis cache lifetime. */
export const AI_CACHE_TTL_SEC = 60;
const BRIDGE_TIMEOUT_MS = 10_000;

export const AnalyzeRequest = z.strictObject({
  symbol: SymbolName,
  interval: KlineInterval.default("1m"),
});

export const BatchAnalyzeRequest = z.strictObject({
  symbols: z
    .array(SymbolName)
    .min(1)
    .max(20)
    .refine((s) => new Set(s).size === s.length, "symbols must be distinct"),
  interval: KlineInterval.default("1m"),
});

const cacheKey = (symbol: string, interval: string) => `ai:v1:${symbol}:${interval}`;

/**
 * Answers this isolate has already read from (or written to) KV, until the end of their 60 s:
 * a repeated question costs no KV read. Each KV entry carries when it was stored, so an answer
 * is never served past its 60 s from either place; an entry without that metadata is served
 * from KV only.
 */
const NEAR_CACHE_MAX = 512;
const nearCache = new Map<string, { json: string; expiresAt: number }>();

function nearGet(key: string, now: number): string | undefined {
  const hit = nearCache.get(key);
  if (!hit) return undefined;
  if (hit.expiresAt > now) return hit.json;
  nearCache.delete(key);
  return undefined;
}

function nearPut(key: string, json: string, storedAt: number, now: number): void {
  const expiresAt = storedAt + AI_CACHE_TTL_SEC * 1000;
  if (expiresAt <= now) return;
  if (nearCache.size >= NEAR_CACHE_MAX) nearCache.delete(nearCache.keys().next().value!);
  nearCache.set(key, { json, expiresAt });
}

/** A cached answer (JSON text) from this isolate or KV, or null. */
async function cachedAnswer(c: Context<AppEnv>, key: string): Promise<string | null> {
  const now = Date.now();
  const near = nearGet(key, now);
  if (near !== undefined) return near;
  const stored = await c.env.CACHE.getWithMetadata<{ storedAt?: number }>(key, "text").catch((err: unknown) => {
    degraded("ai_cache", "kv_read_failed", err, { requestId: c.get("requestId") });
    return null;
  });
  if (!stored?.value) return null;
  const storedAt = stored.metadata?.storedAt;
  if (typeof storedAt === "number") {
    if (storedAt + AI_CACHE_TTL_SEC * 1000 <= now) return null;
    nearPut(key, stored.value, storedAt, now);
  }
  return stored.value;
}

/** Calls the bridge; its 4xx/503 answers keep their code and message, anything else is a 503. */
async function askBridge(c: Context<AppEnv>, path: string, body: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await bridgeFetch(c.env, path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(BRIDGE_TIMEOUT_MS),
    });
  } catch (err) {
    degraded("analysis", "bridge_unreachable", err, { path, requestId: c.get("requestId") });
    throw new ApiError(503, "analysis_unavailable", "the analysis service cannot be reached; try again shortly", undefined, { "Retry-After": "5" });
  }
  const payload = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (res.ok && payload) return payload;
  const code = payload?.error?.code ?? "analysis_failed";
  const message = payload?.error?.message ?? "the analysis failed";
  if (res.status === 404) throw notFound(message);
  if (res.status === 400 || res.status === 422) throw new ApiError(422, code, message);
  throw new ApiError(503, code === "overloaded" ? "overloaded" : "analysis_unavailable", message, undefined, { "Retry-After": res.headers.get("retry-after") ?? "5" });
}

export const aiRoutes = new Hono<AppEnv>()
  .post("/ai/analyze", requireUser(), userRateLimit(), async (c) => {
    const body = await jsonBody(c, AnalyzeRequest);
    if (!isKnownSymbol(body.symbol)) throw notFound(`unknown symbol ${body.symbol}`);
    const key = cacheKey(body.symbol, body.interval);
    const cached = await cachedAnswer(c, key);
    if (cached !== null) {
      c.header("X-Cache", "hit");
      return c.body(cached, 200, { "content-type": "application/json" });
    }
    const result = (await askBridge(c, "/v1/analyze", { symbol: body.symbol, interval: body.interval })) as { signal: unknown };
    const json = JSON.stringify({ signal: result.signal });
    const storedAt = Date.now();
    nearPut(key, json, storedAt, storedAt);
    c.executionCtx.waitUntil(c.env.CACHE.put(key, json, { expirationTtl: AI_CACHE_TTL_SEC, metadata: { storedAt } }).catch((err: unknown) => degraded("ai_cache", "kv_write_failed", err)));
    c.header("X-Cache", "miss");
    return c.body(json, 200, { "content-type": "application/json" });
  })
  .post("/ai/batch-analyze", requireUser(), userRateLimit(), async (c) => {
    const body = await jsonBody(c, BatchAnalyzeRequest);
    const unknown = body.symbols.filter((s) => !isKnownSymbol(s));
    if (unknown.length) throw notFound(`unknown symbol(s) ${unknown.join(", ")}`);
    return c.json(await askBridge(c, "/v1/batch-analyze", { symbols: body.symbols, interval: body.interval }));
  });
