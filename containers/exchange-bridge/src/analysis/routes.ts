/**
 * The bridge's analysis endpoints (Bearer BRIDGE_TOKEN; the edge calls them):
 *
 * - `POST /v1/analyze` `{ symbol, interval?, klines?, explain? }` -> 200 `{ signal, cached }`
 * - `POST /v1/batch-analyze` `{ symbols (1-20, distinct), interval? }` -> 200 `{ results: [...] }`,
 *   analysed in parallel; an item that failed carries its own `error`
 * - `GET /v1/analysis/stats` -> cache hit rate, queue and workers, analysis durations
 *
 * Errors are `{ error: { code, message } }`: 400 malformed JSON or body, 401 missing or wrong
 * token, 404 unknown symbol, 413 body over 2 MB, 422 too few or unordered klines, 503 + Retry-After
 * when the queue is full (`overloaded`) or the analysis timed out (`timeout`).
 *
 * @example
 * app.route("/", analysisRoutes({ service, token: config.bridgeToken }));
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { AnalysisKline } from "@bot-core/analysis";
import { isKnownSymbol, KlineInterval, SymbolName } from "@bot-core/core";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { AnalysisFailedError, AnalysisTimeoutError, OverloadedError } from "./pool";
import { NotEnoughKlinesError, UnknownSymbolError, type AnalysisService } from "./service";

export const MAX_BATCH = 20;
export const MAX_KLINES = 1_000;
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export const AnalyzeBody = z.object({
  symbol: SymbolName,
  interval: KlineInterval.default("1m"),
  klines: z.array(AnalysisKline).max(MAX_KLINES).optional(),
  explain: z.boolean().optional(),
});

export const BatchBody = z.object({
  symbols: z
    .array(SymbolName)
    .min(1)
    .max(MAX_BATCH)
    .refine((s) => new Set(s).size === s.length, "symbols must be distinct"),
  interval: KlineInterval.default("1m"),
});

export interface AnalysisRoutesDeps {
  readonly service: AnalysisService;
  readonly token: string;
}

interface Failure {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly message: string;
  readonly retryAfterSec?: number;
}

/** Maps an analysis error to its HTTP answer; anything unexpected is a 503, never a 500 with details. */
export function failureOf(err: unknown): Failure {
  if (err instanceof UnknownSymbolError) return { status: 404, code: "unknown_symbol", message: err.message };
  if (err instanceof NotEnoughKlinesError) return { status: 422, code: "not_enough_klines", message: err.message };
  if (err instanceof OverloadedError) return { status: 503, code: "overloaded", message: err.message, retryAfterSec: err.retryAfterSec };
  if (err instanceof AnalysisTimeoutError) return { status: 503, code: "timeout", message: err.message, retryAfterSec: err.retryAfterSec };
  if (err instanceof AnalysisFailedError && err.code === "bad_input") return { status: 422, code: "unprocessable", message: err.message };
  return { status: 503, code: "analysis_failed", message: "the analysis failed; retry shortly", retryAfterSec: 1 };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

function fail(c: Context, f: Failure) {
  if (f.retryAfterSec !== undefined) c.header("Retry-After", String(f.retryAfterSec));
  return c.json({ error: { code: f.code, message: f.message, ...(f.retryAfterSec !== undefined ? { retryAfterSec: f.retryAfterSec } : {}) } }, f.status);
}

async function body<T extends z.ZodType>(c: Context, schema: T): Promise<{ ok: true; value: z.infer<T> } | { ok: false; failure: Failure }> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, failure: { status: 400, code: "bad_request", message: "the body must be JSON" } };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
      .join("; ");
    return { ok: false, failure: { status: 400, code: "invalid_request", message } };
  }
  return { ok: true, value: parsed.data };
}

export function analysisRoutes(deps: AnalysisRoutesDeps): Hono {
  const app = new Hono();
  const expected = digest(deps.token);

  app.use("/v1/*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7) : "";
    if (!token || !timingSafeEqual(digest(token), expected)) {
      c.header("WWW-Authenticate", "Bearer");
      return fail(c, { status: 401, code: "unauthorized", message: "a valid Bearer token is required" });
    }
    await next();
  });
  app.use(
    "/v1/*",
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => fail(c, { status: 413, code: "payload_too_large", message: `the body must be at most ${MAX_BODY_BYTES} bytes` }) }),
  );

  app.post("/v1/analyze", async (c) => {
    const b = await body(c, AnalyzeBody);
    if (!b.ok) return fail(c, b.failure);
    try {
      const result = await deps.service.analyze(b.value, "user");
      c.header("Server-Timing", serverTiming(result.signal.timingsMs));
      c.header("Cache-Control", "no-store");
      return c.json(result);
    } catch (err) {
      return fail(c, failureOf(err));
    }
  });

  app.get("/v1/analysis/stats", (c) => {
    c.header("Cache-Control", "no-store");
    return c.json(deps.service.stats());
  });

  app.post("/v1/batch-analyze", async (c) => {
    const b = await body(c, BatchBody);
    if (!b.ok) return fail(c, b.failure);
    const { symbols, interval } = b.value;
    const unknown = symbols.filter((s) => !isKnownSymbol(s));
    if (unknown.length) return fail(c, { status: 404, code: "unknown_symbol", message: `unknown symbol(s): ${unknown.join(", ")}` });
    const t0 = performance.now();
    const settled = await Promise.allSettled(symbols.map((symbol) => deps.service.analyze({ symbol, interval }, "batch")));
    const failures = settled.map((s) => (s.status === "rejected" ? failureOf(s.reason) : undefined));
    if (failures.every((f) => f?.status === 503)) return fail(c, failures.reduce((a, f) => ((f!.retryAfterSec ?? 1) > (a!.retryAfterSec ?? 1) ? f : a))!);
    const results = settled.map((s, i) =>
      s.status === "fulfilled" ? { symbol: symbols[i]!, signal: s.value.signal, cached: s.value.cached } : { symbol: symbols[i]!, error: { code: failures[i]!.code, message: failures[i]!.message } },
    );
    c.header("Cache-Control", "no-store");
    return c.json({ interval, results, timingsMs: { total: Math.round((performance.now() - t0) * 1000) / 1000 } });
  });

  return app;
}

function serverTiming(t: Readonly<Record<string, number>>): string {
  return Object.entries(t)
    .map(([k, v]) => `${k};dur=${v}`)
    .join(", ");
}
