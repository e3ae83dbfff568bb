/**
 * Smoke: one user, one pass over every endpoint — /health, /api/health, sign-in and refresh,
 * latest price, klines, positions and account, a risk check and an order, and the market-data
 * WebSocket until its first update. Strict: every check must pass and no request may fail.
 * Run it first against a fresh deployment: a minute, and it says whether the load tests can work.
 *
 *   BASE_URL=https://edge.example.com k6 run perf/k6/smoke.ts
 */
import { group } from "k6";
import type { Options } from "k6/options";
import { setupRun, signInAndRefresh, userOf, type SetupData } from "./lib/auth.ts";
import { COMMON_OPTIONS } from "./lib/options.ts";
import { SMOKE } from "./lib/stages.ts";
import { summaryOutputs, type SummaryData } from "./lib/summary.ts";
import { checkHealth, readKlines, readLatestPrice, readPortfolio, tradeOnce } from "./lib/trading.ts";
import { marketDataSession } from "./lib/ws.ts";

export const options: Options = {
  ...COMMON_OPTIONS,
  scenarios: {
    smoke: { executor: "per-vu-iterations", vus: SMOKE.vus, iterations: SMOKE.iterations, maxDuration: SMOKE.maxDuration, exec: "smoke" },
  },
  thresholds: {
    checks: ["rate==1"],
    http_req_failed: ["rate==0"],
    "http_req_failed{name:order_placement}": ["rate==0"],
    // Ours: a sanity bound for one request at a time, not a performance target.
    http_req_duration: ["p(95)<1000"],
    orders_rejected: ["rate==0"],
    ws_subscribe_failed: ["rate==0"],
    ws_market_updates: ["count>0"],
  },
};

export function setup(): SetupData {
  return setupRun();
}

export function smoke(data: SetupData): void {
  group("health", () => checkHealth());
  const token = group("auth", () => signInAndRefresh(userOf(data))) ?? userOf(data).accessToken;
  group("market data", () => {
    readLatestPrice();
    readKlines();
  });
  group("portfolio", () => readPortfolio(token));
  group("trade", () => tradeOnce(token, data.runId));
  marketDataSession(token, { holdMs: 15_000, closeOnFirstUpdate: true });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs("smoke", data);
}
