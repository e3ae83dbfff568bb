/**
 * The OpenAPI 3.1 document of the REST API, generated from the same zod schemas that validate the
 * requests (`z.toJSONSchema`, input side), so the document cannot drift from what the edge accepts.
 * A test checks that every route of the app is documented and every documented route exists.
 */
import { z } from "zod";
import {
  AmendOrderRequest,
  BotSettingsUpdate,
  LoginRequest,
  PlaceOrderRequest,
  RefreshRequest,
  RegisterRequest,
  RiskCalculateRequest,
  RiskSettingsUpdate,
  SYMBOL_NAMES,
} from "@bot-core/core";
import { AnalyzeRequest, BatchAnalyzeRequest } from "../routes/ai";
import { DecisionsQuery } from "../routes/bot";
import { LIVE_VENUES, PutExchangeKeysRequest, TradingModeRequest } from "../routes/exchange-keys";
import { ExecutionsRequest } from "../routes/internal-executions";
import { KlinesQuery } from "../routes/market-data";
import { HistoryQuery, ListQuery } from "../routes/orders";
import { PerformanceHistoryQuery } from "../routes/metrics";
import { RumReport } from "../routes/rum";

type Method = "get" | "post" | "put" | "patch" | "delete";

export interface RouteDoc {
  method: Method;
  /** OpenAPI form: /api/orders/{id}. */
  path: string;
  summary: string;
  tag: "system" | "auth" | "market data" | "orders" | "account" | "risk" | "analysis" | "realtime";
  /** Needs `Authorization: Bearer <access token>`. */
  auth: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Accepts an Idempotency-Key header. */
  idempotent?: boolean;
  /** Counted against the 10 orders/min limit. */
  trade?: boolean;
  responses: Record<number, string>;
}

const common = { 400: "Malformed JSON or a schema violation (names the field)", 401: "Missing or invalid access token", 429: "Rate limited (Retry-After, RateLimit-* headers)" };

export const ROUTES: readonly RouteDoc[] = [
  { method: "get", path: "/health", summary: "Liveness (no I/O)", tag: "system", auth: false, responses: { 200: "Alive" } },
  { method: "get", path: "/api/health", summary: "Readiness of D1, KV, Durable Objects and the bridge", tag: "system", auth: false, responses: { 200: "ok or degraded (bridge down)", 503: "D1 or Durable Objects down" } },
  { method: "get", path: "/api/openapi.json", summary: "This document", tag: "system", auth: false, responses: { 200: "OpenAPI 3.1 document" } },
  { method: "get", path: "/api/docs", summary: "API reference page (HTML)", tag: "system", auth: false, responses: { 200: "HTML" } },
  { method: "get", path: "/metrics", summary: "Prometheus text exposition (Bearer METRICS_TOKEN, not a user token; 30 scrapes/min); appends the bridge's /metrics", tag: "system", auth: false, responses: { 200: "text/plain; version=0.0.4", 401: "Missing or wrong metrics token", 429: "Scrape limit (Retry-After)" } },
  { method: "get", path: "/api/performance/stats", summary: "Last 5 min: totals and per endpoint category { category, requests, throughputRps, errorRate, latencyMs {p50,p95,p99}, targetP95Ms, withinTarget }, trades, websocket, websocketLatency (p50/p95/p99 per message type vs 100 ms), webVitals (p75 of lcp/inp/cls vs target)", tag: "system", auth: true, responses: { 200: "PerformanceStats", 401: common[401], 429: common[429] } },
  { method: "post", path: "/api/rum", summary: "Dashboard web vitals { page, lcp?, inp?, cls? } (ms; CLS unitless) into the web_vitals_* histograms by page; no user, URL or IP recorded; 20/min per client", tag: "system", auth: false, body: RumReport, responses: { 204: "Recorded", 400: common[400], 415: "Not application/json", 429: common[429] } },
  { method: "get", path: "/api/performance/history", summary: "Aggregated buckets { t, requests, throughputRps, errorRate, latencyMs, trades }: resolution=1m (24 h) or 1h (30 days), optional category", tag: "system", auth: true, query: PerformanceHistoryQuery, responses: { 200: "{ resolution, category?, buckets }", 400: common[400], 401: common[401], 429: common[429] } },
  { method: "post", path: "/auth/register", summary: "Create an account (paper balance 10,000 USDT)", tag: "auth", auth: false, body: RegisterRequest, responses: { 201: "Tokens and the user", 400: common[400], 409: "Email already registered", 429: common[429] } },
  { method: "post", path: "/auth/login", summary: "Sign in", tag: "auth", auth: false, body: LoginRequest, responses: { 200: "Tokens and the user", 400: common[400], 401: "Wrong email or password", 429: common[429] } },
  { method: "post", path: "/auth/refresh", summary: "Rotate the refresh token (body or HttpOnly cookie)", tag: "auth", auth: false, body: RefreshRequest, responses: { 200: "New tokens", 401: "Invalid, expired or reused refresh token (reuse revokes the family)" } },
  { method: "post", path: "/auth/logout", summary: "Revoke the refresh token", tag: "auth", auth: false, body: RefreshRequest, responses: { 204: "Signed out" } },
  { method: "get", path: "/api/me", summary: "The signed-in user", tag: "account", auth: true, responses: { 200: "The user", 401: common[401] } },
  { method: "get", path: "/api/market-data/latest/{symbol}", summary: "Last ticker (price, best bid/ask) and its age", tag: "market data", auth: false, responses: { 200: "Ticker", 404: "Unknown symbol", 503: "No price yet (Retry-After)" } },
  { method: "get", path: "/api/market-data/klines/{symbol}", summary: "Closed klines of the window, plus the open one", tag: "market data", auth: false, query: KlinesQuery, responses: { 200: "Klines, oldest first", 400: common[400], 404: "Unknown symbol" } },
  {
    method: "post", path: "/api/orders", summary: "Place an order: market, limit, stop_market, stop_limit; attached stopLoss / takeProfit / trailingStop (OCO)", tag: "orders", auth: true, body: PlaceOrderRequest, idempotent: true, trade: true,
    responses: { 201: "The order (filled, open, partially_filled, pending_trigger or expired)", 400: common[400], 401: common[401], 404: "Unknown symbol", 409: "Idempotency-Key reused with another body", 422: "A symbol rule or risk check failed (each violation names the rule and the numbers)", 429: common[429], 503: "No fresh price (Retry-After)" },
  },
  { method: "post", path: "/api/trading/execute", summary: "Same as POST /api/orders (the spec's older path)", tag: "orders", auth: true, body: PlaceOrderRequest, idempotent: true, trade: true, responses: { 201: "The order", 400: common[400], 401: common[401], 422: "Rejected by a rule", 429: common[429] } },
  { method: "get", path: "/api/orders", summary: "Orders, newest first (cursor pagination; open=true for working orders)", tag: "orders", auth: true, query: ListQuery, responses: { 200: "{ orders, nextCursor }", 400: common[400], 401: common[401] } },
  { method: "get", path: "/api/orders/{id}", summary: "One order", tag: "orders", auth: true, responses: { 200: "The order", 401: common[401], 404: "No such order for this user" } },
  { method: "delete", path: "/api/orders/{id}", summary: "Cancel a working order", tag: "orders", auth: true, responses: { 200: "The canceled order", 401: common[401], 404: "No such order for this user", 409: "The order is no longer working" } },
  { method: "patch", path: "/api/orders/{id}", summary: "Amend a working order's quantity, price, stop price or callback rate", tag: "orders", auth: true, body: AmendOrderRequest, responses: { 200: "The amended order", 400: common[400], 404: "No such order for this user", 409: "The order is no longer working", 422: "A rule failed" } },
  { method: "get", path: "/api/trading/account", summary: "Balance, equity, margin used, order margin, free margin, PnL and positions (paper; ?mode=live: the live ledger built from live fills)", tag: "account", auth: true, responses: { 200: "The account", 401: common[401] } },
  { method: "get", path: "/api/trading/positions", summary: "Open positions, each with its mode (paper; ?mode=live: live positions)", tag: "account", auth: true, responses: { 200: "{ positions }", 401: common[401] } },
  { method: "post", path: "/api/trading/positions/{symbol}/close", summary: "Close a whole position (reduce-only market order; never rate limited by the trade limit)", tag: "orders", auth: true, idempotent: true, responses: { 201: "The closing order", 404: "No open position or unknown symbol", 503: "No fresh price" } },
  { method: "get", path: "/api/trading/history", summary: "Trades (fills), newest first; filters by symbol and time; cursor pagination, limit ≤ 100", tag: "account", auth: true, query: HistoryQuery, responses: { 200: "{ trades, nextCursor }", 400: common[400], 401: common[401] } },
  { method: "get", path: "/api/trading/settings", summary: "Risk settings", tag: "risk", auth: true, responses: { 200: "Settings", 401: common[401] } },
  { method: "put", path: "/api/trading/settings", summary: "Change risk settings (leverage up to the account's maximum)", tag: "risk", auth: true, body: RiskSettingsUpdate, responses: { 200: "Settings", 400: common[400], 422: "Leverage above the maximum, or positions could not carry it" } },
  { method: "put", path: "/api/exchange/keys", summary: "Store exchange API keys (write-only; sealed with AES-GCM in the bridge; never returned)", tag: "account", auth: true, body: PutExchangeKeysRequest, responses: { 200: "{ venue, storedAt, apiKeyLast4 }", 400: common[400], 401: common[401], 429: common[429], 503: "Bridge or key store unavailable (Retry-After)" } },
  { method: "get", path: "/api/exchange/keys", summary: "Which venues have keys stored: { keys: [{ venue, storedAt, apiKeyLast4 }] } (never a secret or a whole key)", tag: "account", auth: true, responses: { 200: "{ keys }", 401: common[401], 429: common[429], 503: "Bridge unavailable" } },
  { method: "delete", path: "/api/exchange/keys/{venue}", summary: "Delete a venue's keys (a live account on it goes back to paper)", tag: "account", auth: true, responses: { 200: "{ venue, deleted }", 401: common[401], 404: "Unknown venue", 503: "Bridge unavailable" } },
  { method: "get", path: "/api/trading/mode", summary: "Paper (default) or live on a venue", tag: "account", auth: true, responses: { 200: "{ mode } or { mode: live, venue }", 401: common[401] } },
  { method: "put", path: "/api/trading/mode", summary: "Switch between paper and live (live needs keys stored for the venue; live orders: market and limit, checked against the venue's exchangeInfo filters)", tag: "account", auth: true, body: TradingModeRequest, responses: { 200: "The mode", 400: common[400], 401: common[401], 409: "No keys stored for the venue", 503: "Bridge unavailable" } },
  { method: "post", path: "/bridge/executions", summary: "Internal (the bridge only, Bearer BRIDGE_TOKEN): live order updates and fills, applied once per venue trade id", tag: "system", auth: false, body: ExecutionsRequest, responses: { 200: "{ applied, duplicates, unknown }", 400: common[400], 401: "Missing or wrong bridge token" } },
  { method: "post", path: "/api/risk/calculate", summary: "Pre-trade risk: totalRisk, positionRisk, suggested size, every check and the failed ones", tag: "risk", auth: true, body: RiskCalculateRequest, responses: { 200: "The risk report", 400: common[400], 404: "Unknown symbol" } },
  { method: "post", path: "/api/ai/analyze", summary: "Signal for a symbol: action, confidence, entry, ATR stop, target, risk-reward, reasons, model version, timings (cached 60 s)", tag: "analysis", auth: true, body: AnalyzeRequest, responses: { 200: "{ signal } (X-Cache: hit|miss)", 400: common[400], 401: common[401], 404: "Unknown symbol", 429: common[429], 503: "Analysis queue full or unreachable (Retry-After)" } },
  { method: "post", path: "/api/ai/batch-analyze", summary: "Signals for up to 20 symbols, analysed in parallel", tag: "analysis", auth: true, body: BatchAnalyzeRequest, responses: { 200: "{ results }", 400: common[400], 401: common[401], 404: "Unknown symbol", 429: common[429], 503: "Analysis queue full or unreachable (Retry-After)" } },
  { method: "get", path: "/api/bot/settings", summary: "Auto-trading per symbol: { autoTrading: { SYMBOL: on/off }, symbols: { SYMBOL: { enabled, minConfidence, quoteAmount } } }", tag: "analysis", auth: true, responses: { 200: "Bot settings", 401: common[401], 429: common[429] } },
  { method: "put", path: "/api/bot/settings", summary: "Switch auto-trading per symbol; confidence threshold 0.7-1 (default 0.7); size: quoteAmount in USDT, or null to size by the risk per trade at the signal's stop", tag: "analysis", auth: true, body: BotSettingsUpdate, responses: { 200: "Bot settings", 400: common[400], 401: common[401], 404: "Unknown symbol", 429: common[429] } },
  { method: "get", path: "/api/bot/decisions", summary: "The bot's decision log, newest first: each signal taken (with its order id) or skipped and why; cursor pagination", tag: "analysis", auth: true, query: DecisionsQuery, responses: { 200: "{ decisions, nextCursor }", 400: common[400], 401: common[401], 429: common[429] } },
  { method: "get", path: "/ws", summary: "WebSocket: market data and the user's private stream (subprotocols bot-core.v1 + bearer.<token>)", tag: "realtime", auth: true, responses: { 101: "Switching protocols", 401: "Invalid token", 426: "Not a WebSocket upgrade" } },
];

/** JSON Schema of what a client may send (the input side of transforms and defaults). */
function inputSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

function queryParameters(schema: z.ZodType): unknown[] {
  const json = inputSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    schema: s,
    ...(typeof s.description === "string" ? { description: s.description } : {}),
  }));
}

const ErrorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", examples: ["invalid_request", "risk_rejected", "rate_limited"] },
        message: { type: "string" },
        requestId: { type: "string" },
        details: { description: "e.g. { violations: [{ rule, message }] } for 422" },
      },
    },
  },
};

export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const parameters: unknown[] = [];
    for (const m of r.path.matchAll(/\{(\w+)\}/g)) {
      const name = m[1]!;
      parameters.push({ name, in: "path", required: true, schema: name === "symbol" ? { type: "string", enum: SYMBOL_NAMES } : name === "venue" ? { type: "string", enum: LIVE_VENUES } : { type: "string", format: "uuid" } });
    }
    if (r.query) parameters.push(...queryParameters(r.query));
    if (r.idempotent) {
      parameters.push({ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", pattern: "^[A-Za-z0-9_.:-]{1,64}$" }, description: "A retry with the same key returns the first result and never fills twice" });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(r.responses)) {
      const code = Number(status);
      responses[status] = code >= 400 ? { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } } : { description };
    }
    paths[r.path] ??= {};
    paths[r.path]![r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ""))}`,
      ...(r.auth ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: inputSchema(r.body) } } } } : {}),
      ...(r.trade ? { "x-rate-limit": "10 orders/min per user, plus 100 requests/min with bursts of 20/s" } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Bot Core Edge API",
      version: "1.0.0",
      description:
        "AI-assisted crypto trading at the edge. Amounts are decimal strings (never binary floats). Errors are { error: { code, message } }. Rate limits: 100 requests/min per user with bursts of 20/s; 10 orders/min.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT (HS256, 15 min)" } },
      schemas: { Error: ErrorBody },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
