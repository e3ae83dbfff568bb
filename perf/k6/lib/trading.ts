/**
 * What a trader does against the edge, one function per action, each request tagged with the
 * `name` the thresholds filter on:
 *
 * | name               | requests                                                   |
 * |--------------------|------------------------------------------------------------|
 * | `market_data`      | GET /api/market-data/latest/:symbol, /klines/:symbol       |
 * | `portfolio_update` | GET /api/trading/positions, /api/trading/account           |
 * | `risk_calculation` | POST /api/risk/calculate                                   |
 * | `order_placement`  | POST /api/orders (also tagged `critical: "true"`)          |
 * | `auth`, `health`   | sign-in/refresh (lib/auth.ts), /health, /api/health        |
 *
 * Checks look at status codes and body fields only; latency is the thresholds' job.
 */
import http, { type RefinedResponse, type ResponseType } from "k6/http";
import { check, group, sleep } from "k6";
import { BASE_URL, ORDER_QTY, ORDER_RATIO, SYMBOL, THINK_MAX_S, THINK_MIN_S } from "./config.ts";
import { accessToken, type SetupData } from "./auth.ts";
import {
  edgeComponentLatency,
  edgeProcessingDuration,
  marketDataFreshness,
  orderFlowDuration,
  orderPlacementDuration,
  ordersPlaced,
  ordersRejected,
  riskCalculationDuration,
} from "./metrics.ts";

export const REQUEST_NAMES = ["order_placement", "risk_calculation", "market_data", "portfolio_update", "auth", "health"] as const;
export type RequestName = (typeof REQUEST_NAMES)[number];

export type Side = "buy" | "sell";
type Res = RefinedResponse<ResponseType | undefined>;
type Json = Record<string, unknown>;

const DECIMAL = /^-?\d+(\.\d+)?$/;

function bodyOf(res: Res): Json | undefined {
  if (typeof res.body !== "string" || res.body === "") return undefined;
  try {
    const v: unknown = JSON.parse(res.body);
    return typeof v === "object" && v !== null ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

function isDecimal(v: unknown): boolean {
  return typeof v === "string" && DECIMAL.test(v);
}

/** A risk figure: a decimal string (preferred) or a number. */
function isRiskFigure(v: unknown): boolean {
  return isDecimal(v) || (typeof v === "number" && Number.isFinite(v));
}

function authHeaders(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${token}`, ...extra };
}

/** Records the edge's own time (`Server-Timing: app;dur=…`) under the request's name. */
function recordEdgeTime(res: Res, name: RequestName): void {
  const header = res.headers["Server-Timing"];
  const m = header ? /(?:^|,)\s*app;dur=([\d.]+)/.exec(header) : null;
  if (m) edgeProcessingDuration.add(Number(m[1]), { name });
}

/** Waits like a person between actions: uniform in [THINK_MIN, THINK_MAX] seconds. */
export function think(minS: number = THINK_MIN_S, maxS: number = THINK_MAX_S): void {
  sleep(minS + Math.random() * (maxS - minS));
}

// --- Market data (public) ---------------------------------------------------------------------

export function readLatestPrice(): boolean {
  const res = http.get(`${BASE_URL}/api/market-data/latest/${SYMBOL}`, { tags: { name: "market_data", endpoint: "latest" } });
  const body = bodyOf(res);
  recordEdgeTime(res, "market_data");
  if (res.status === 200 && typeof body?.ageMs === "number") marketDataFreshness.add(body.ageMs);
  return check(
    res,
    {
      "market data: latest answers 200": (r) => r.status === 200,
      "market data: price, bid and ask are decimal strings": () => isDecimal(body?.price) && isDecimal(body?.bid) && isDecimal(body?.ask),
    },
    { name: "market_data" },
  );
}

export function readKlines(): boolean {
  const res = http.get(`${BASE_URL}/api/market-data/klines/${SYMBOL}?interval=1m&limit=100`, {
    tags: { name: "market_data", endpoint: "klines" },
  });
  const body = bodyOf(res);
  recordEdgeTime(res, "market_data");
  return check(
    res,
    {
      "market data: klines answer 200": (r) => r.status === 200,
      "market data: klines is a list": () => Array.isArray(body?.klines),
    },
    { name: "market_data" },
  );
}

// --- Portfolio ---------------------------------------------------------------------------------

/** Positions and account together, as the dashboard loads them. */
export function readPortfolio(token: string): boolean {
  const params = (endpoint: string) => ({ headers: authHeaders(token), tags: { name: "portfolio_update", endpoint } });
  const res = http.batch({
    positions: { method: "GET", url: `${BASE_URL}/api/trading/positions`, params: params("positions") },
    account: { method: "GET", url: `${BASE_URL}/api/trading/account`, params: params("account") },
  });
  recordEdgeTime(res.positions, "portfolio_update");
  recordEdgeTime(res.account, "portfolio_update");
  const positions = bodyOf(res.positions);
  const account = bodyOf(res.account);
  return check(
    res,
    {
      "portfolio: positions answer 200": (r) => r.positions.status === 200,
      "portfolio: positions are a list": () => Array.isArray(positions) || Array.isArray(positions?.positions),
      "portfolio: account answers 200": (r) => r.account.status === 200,
      "portfolio: account is an object": () => account !== undefined && !Array.isArray(account),
    },
    { name: "portfolio_update" },
  );
}

// --- Risk and orders ---------------------------------------------------------------------------

/** The risk of the order about to be placed; true when the edge computed it. */
export function calculateRisk(token: string, side: Side): boolean {
  const res = http.post(
    `${BASE_URL}/api/risk/calculate`,
    JSON.stringify({ symbol: SYMBOL, side, type: "market", quantity: ORDER_QTY }),
    { headers: authHeaders(token, { "Content-Type": "application/json" }), tags: { name: "risk_calculation" } },
  );
  const body = bodyOf(res);
  recordEdgeTime(res, "risk_calculation");
  if (res.status === 200) riskCalculationDuration.add(res.timings.duration);
  return check(
    res,
    {
      "risk: calculation answers 200": (r) => r.status === 200,
      "risk: totalRisk and positionRisk present": () => isRiskFigure(body?.totalRisk) && isRiskFigure(body?.positionRisk),
    },
    { name: "risk_calculation" },
  );
}

let orderSeq = 0;

/** A market order with a unique Idempotency-Key; true when the edge accepted it (201 + orderId). */
export function placeOrder(token: string, side: Side, runId: string): boolean {
  orderSeq += 1;
  const res = http.post(
    `${BASE_URL}/api/orders`,
    JSON.stringify({ symbol: SYMBOL, side, type: "market", quantity: ORDER_QTY }),
    {
      headers: authHeaders(token, { "Content-Type": "application/json", "Idempotency-Key": `${runId}-${__VU}-${orderSeq}` }),
      tags: { name: "order_placement", critical: "true" },
    },
  );
  const body = bodyOf(res);
  recordEdgeTime(res, "order_placement");
  const orderId = body?.orderId;
  const accepted = res.status === 201 && (typeof orderId === "string" || typeof orderId === "number");
  ordersRejected.add(!accepted);
  if (accepted) {
    ordersPlaced.add(1);
    orderPlacementDuration.add(res.timings.duration);
  }
  check(
    res,
    {
      "order: accepted (201)": (r) => r.status === 201,
      "order: orderId returned": () => typeof orderId === "string" || typeof orderId === "number",
    },
    { name: "order_placement", critical: "true" },
  );
  return accepted;
}

/**
 * Net lots this VU bought minus sold. A VU sells only what it bought before, so the shared pool
 * accounts never go short because of this test.
 */
let netLots = 0;

export function nextSide(): Side {
  return netLots > 0 ? "sell" : "buy";
}

/** Risk check, then the order if the risk check passed, then the portfolio as it changed. */
export function tradeOnce(token: string, runId: string): boolean {
  const side = nextSide();
  const started = Date.now();
  if (!calculateRisk(token, side)) return false;
  if (!placeOrder(token, side, runId)) return false;
  netLots += side === "buy" ? 1 : -1;
  orderFlowDuration.add(Date.now() - started);
  return true;
}

// --- Health ------------------------------------------------------------------------------------

/** GET /health and GET /api/health (with each component's latency recorded). */
export function checkHealth(): boolean {
  const live = http.get(`${BASE_URL}/health`, { tags: { name: "health" } });
  const ready = http.get(`${BASE_URL}/api/health`, { tags: { name: "health", endpoint: "api" } });
  const body = bodyOf(ready);
  const components = body?.components;
  if (components && typeof components === "object") {
    for (const [component, c] of Object.entries(components as Record<string, { latencyMs?: unknown }>)) {
      if (typeof c?.latencyMs === "number") edgeComponentLatency.add(c.latencyMs, { component });
    }
  }
  return check(
    { live, ready },
    {
      "health: /health answers 200": (r) => r.live.status === 200,
      "health: /api/health answers 200": (r) => r.ready.status === 200,
      "health: every component up": () => body?.status === "ok",
    },
    { name: "health" },
  );
}

// --- Mixes -------------------------------------------------------------------------------------

export interface TradingProfile {
  /** Share of iterations that place an order. */
  readonly orderRatio: number;
  /** Share of iterations that look at the portfolio. */
  readonly portfolioRatio: number;
  /** Share of iterations that load the chart (klines) next to the price. */
  readonly chartRatio: number;
}

export const NORMAL_PROFILE: TradingProfile = { orderRatio: ORDER_RATIO, portfolioRatio: 0.5, chartRatio: 0.3 };
/** A flash crash or the open: more orders, everyone checking positions. */
export const PANIC_PROFILE: TradingProfile = { orderRatio: Math.min(1, ORDER_RATIO * 2.5), portfolioRatio: 0.9, chartRatio: 0.5 };

/**
 * One user's minute: watch the price (always), sometimes the chart and the portfolio, sometimes
 * trade (risk check first), with think time between actions. For VU-based executors.
 */
export function tradingSession(data: SetupData, profile: TradingProfile = NORMAL_PROFILE): void {
  const token = accessToken(data);
  group("market data", () => {
    readLatestPrice();
    if (Math.random() < profile.chartRatio) readKlines();
  });
  think();
  if (Math.random() < profile.portfolioRatio) {
    group("portfolio", () => readPortfolio(token));
    think();
  }
  if (Math.random() < profile.orderRatio) {
    group("trade", () => tradeOnce(token, data.runId));
    think();
  }
}

/**
 * One API call (two for a trade: risk check, then order), without think time: for arrival-rate
 * executors, where k6 paces the iterations. Weights: market data 65 %, portfolio 20 %, a risk
 * check alone 8 %, a trade 7 %.
 */
export function apiCall(data: SetupData): void {
  const token = accessToken(data);
  const r = Math.random();
  if (r < 0.55) readLatestPrice();
  else if (r < 0.65) readKlines();
  else if (r < 0.85) readPortfolio(token);
  else if (r < 0.93) calculateRisk(token, nextSide());
  else tradeOnce(token, data.runId);
}
