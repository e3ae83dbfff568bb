/**
 * Optimistic order placement: the order shows at once as "placing", then becomes the server's
 * order, or is rolled back with the server's reason. A network failure or a 503 (stale quote) is
 * retried with the SAME Idempotency-Key, so a retry can never place the order twice.
 */
import { ApiError } from "./api";
import { newIdempotencyKey, type OrderView, type PlaceOrderInput, type TradingEndpoints } from "./trading-api";
import type { OrderBook } from "../stores/orders";

export const MAX_RETRIES = 2;

export type PlaceOutcome = { ok: true; order: OrderView } | { ok: false; error: ApiError };

function draftOf(order: PlaceOrderInput, key: string, now: Date): OrderView {
  return {
    orderId: `pending-${key}`,
    clientOrderId: null,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    status: "pending_new",
    quantity: order.quantity ?? "(by risk)",
    filledQuantity: "0",
    price: order.price ?? null,
    stopPrice: order.stopPrice ?? null,
    callbackRatePct: null,
    timeInForce: order.timeInForce ?? null,
    reduceOnly: order.reduceOnly ?? false,
    avgPrice: null,
    fee: "0",
    feeAsset: "USDT",
    realizedPnl: "0",
    parentOrderId: null,
    ocoGroup: null,
    attached: null,
    reason: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

const retryable = (e: ApiError) => e.status === 0 || e.status === 503 || e.status === 502 || e.status === 504;

export async function placeOptimistically(
  trading: Pick<TradingEndpoints, "placeOrder">,
  book: OrderBook,
  order: PlaceOrderInput,
  options: { key?: string; sleep?: (ms: number) => Promise<void> } = {},
): Promise<PlaceOutcome> {
  const key = options.key ?? newIdempotencyKey();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pending = book.addOptimistic(draftOf(order, key, new Date()));
  for (let attempt = 0; ; attempt++) {
    try {
      const placed = await trading.placeOrder(order, key);
      book.confirm(pending, placed);
      return { ok: true, order: placed };
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, "client_error", "Something went wrong. Please try again.");
      if (retryable(error) && attempt < MAX_RETRIES) {
        await sleep(Math.min(5, error.retryAfterSec ?? 1) * 1000);
        continue;
      }
      book.rollback(pending);
      return { ok: false, error };
    }
  }
}

/** "Rejected by MIN_NOTIONAL: order value 0.6 USDT is below the minimum 5 USDT" and friends. */
export function rejectionText(error: ApiError): string {
  const rules = error.violations;
  if (rules.length > 0) return rules.map((v) => `${v.rule}: ${v.message}`).join("; ");
  return `${error.code}: ${error.message}`;
}
