/**
 * Typed endpoints of the trading REST API, bound to a session's {@link ApiClient}.
 *
 * The response shapes are core's (`packages/core/src/account-views.ts`, the same types the edge's
 * UserAccount returns), imported as types only: nothing of core reaches the browser bundle.
 * Every amount is a decimal string, never a float.
 *
 * Endpoints other engineers are still building (`/api/ai/*`, `/api/performance/*`, the exchange
 * key store) go through {@link optional}: a 404 becomes `{ available: false }` so a page can say
 * "not available yet" instead of failing.
 *
 * @example
 * const trading = tradingEndpoints(session.api);
 * const account = await trading.account();
 */
import type { AccountView, OrderView, PlaceOrderRequest, RiskCalculateRequest, RiskReport as CoreRiskReport, RiskSettings, Side, TradeView } from "@bot-core/core";
import { ApiError, type ApiClient } from "./api";

export type { AccountView, OrderView, PositionView, TradeView } from "@bot-core/core";

/** POST /api/risk/calculate: core's report plus the symbol and side it was asked about. */
export type RiskReport = CoreRiskReport & { symbol: string; side: Side };

export interface Kline {
  openTime: number;
  closeTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  closed: boolean;
  interval: string;
  symbol: string;
}

/** Input of order placement: the wire body (before the server's normalization). */
export type PlaceOrderInput = Omit<PlaceOrderRequest, "type"> & { type: PlaceOrderRequest["type"] };
export type AmendOrderInput = { quantity?: string; price?: string; stopPrice?: string; callbackRatePct?: string };

export interface HistoryFilter {
  symbol?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  to?: number;
}

/** An endpoint that may not exist yet: its value, or why it is missing. */
export type Optional<T> = { available: true; value: T } | { available: false; status: number; message: string };

/**
 * Calls `load`; a 404 (or 501) means "not built yet". Other failures are unavailable too, with
 * their status (0: unreachable), so a page never throws on them.
 */
export async function optional<T>(load: () => Promise<T>): Promise<Optional<T>> {
  try {
    return { available: true, value: await load() };
  } catch (err) {
    if (err instanceof ApiError) return { available: false, status: err.status, message: err.message };
    return { available: false, status: 0, message: "unexpected failure" };
  }
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function tradingEndpoints(api: ApiClient) {
  const auth = { auth: true } as const;
  return {
    account: () => api.get<AccountView>("/api/trading/account", auth),
    openOrders: (symbol?: string) =>
      api.get<{ orders: OrderView[]; nextCursor: string | null }>(`/api/orders${query({ open: "true", symbol, limit: 100 })}`, auth),
    placeOrder: (order: PlaceOrderInput, idempotencyKey: string) =>
      api.post<OrderView>("/api/orders", order, { ...auth, headers: { "Idempotency-Key": idempotencyKey } }),
    cancelOrder: (orderId: string) => api.delete<OrderView>(`/api/orders/${encodeURIComponent(orderId)}`, auth),
    amendOrder: (orderId: string, patch: AmendOrderInput) => api.patch<OrderView>(`/api/orders/${encodeURIComponent(orderId)}`, patch, auth),
    closePosition: (symbol: string, idempotencyKey: string) =>
      api.post<OrderView>(`/api/trading/positions/${encodeURIComponent(symbol)}/close`, {}, { ...auth, headers: { "Idempotency-Key": idempotencyKey } }),
    history: (filter: HistoryFilter, cursor?: string | null, limit = 100) =>
      api.get<{ trades: TradeView[]; nextCursor: string | null }>(
        `/api/trading/history${query({ limit, cursor: cursor ?? undefined, symbol: filter.symbol, from: filter.from, to: filter.to })}`,
        auth,
      ),
    settings: () => api.get<RiskSettings>("/api/trading/settings", auth),
    updateSettings: (patch: Partial<RiskSettings>) => api.put<RiskSettings>("/api/trading/settings", patch, auth),
    calculateRisk: (input: RiskCalculateRequest, signal?: AbortSignal) =>
      api.post<RiskReport>("/api/risk/calculate", input, { ...auth, ...(signal ? { signal } : {}) }),
    klines: (symbol: string, interval = "1m", limit = 500) =>
      api.get<{ symbol: string; interval: string; klines: Kline[] }>(`/api/market-data/klines/${encodeURIComponent(symbol)}${query({ interval, limit })}`),
  };
}
export type TradingEndpoints = ReturnType<typeof tradingEndpoints>;

/** A fresh id for an Idempotency-Key (1-64 of [A-Za-z0-9_.:-]). */
export function newIdempotencyKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `k-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
