/**
 * The spec's endpoint categories (NFR-PERFORMANCE-001) and their p95 targets, from a request's
 * method and route pattern (never a raw path).
 */
export const CATEGORY_TARGET_P95_MS = {
  health: 10,
  auth: 100,
  trading: 150,
  market: 100,
  ai: 500,
  execution: 300,
  websocket: 50,
  other: 200,
} as const;

export type EndpointCategory = keyof typeof CATEGORY_TARGET_P95_MS;
export const CATEGORIES = Object.keys(CATEGORY_TARGET_P95_MS) as EndpointCategory[];

/** Spec: trade execution p95 alert above 1 s. */
export const TRADE_TARGET_P95_MS = 1000;

export function categoryOf(method: string, endpoint: string): EndpointCategory {
  if (endpoint === "/health" || endpoint === "/api/health") return "health";
  if (endpoint.startsWith("/auth/")) return "auth";
  if (endpoint === "/ws") return "websocket";
  if (endpoint.startsWith("/api/market-data")) return "market";
  if (endpoint.startsWith("/api/ai") || endpoint.startsWith("/api/analysis")) return "ai";
  if (method === "POST" && (endpoint === "/api/orders" || endpoint === "/api/trading/execute" || endpoint.endsWith("/close"))) return "execution";
  if (endpoint.startsWith("/api/orders") || endpoint.startsWith("/api/trading") || endpoint.startsWith("/api/risk")) return "trading";
  return "other";
}
