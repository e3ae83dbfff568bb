import { createRoot } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { orderView } from "../test/fixtures";
import { createOrderBook } from "../stores/orders";
import { ApiError } from "./api";
import { placeOptimistically, rejectionText } from "./place";
import { createPolled } from "./poll";
import type { OrderView } from "./trading-api";

function book() {
  return createRoot(() => {
    const server = createPolled<{ orders: OrderView[] }>(async () => ({ orders: [] }), { intervalMs: 1000 });
    return createOrderBook(server);
  });
}

const ORDER = { symbol: "BTCUSDT", side: "buy" as const, type: "limit" as const, quantity: "0.01", price: "50000", timeInForce: "GTC" as const };

describe("placeOptimistically", () => {
  it("shows the order as placing at once, then as the server's order", async () => {
    const b = book();
    let answer!: (o: OrderView) => void;
    const placeOrder = vi.fn(() => new Promise<OrderView>((r) => (answer = r)));
    const done = placeOptimistically({ placeOrder }, b, ORDER, { key: "k1" });
    expect(b.working()).toHaveLength(1);
    expect(b.working()[0]).toMatchObject({ orderId: "pending-k1", status: "pending_new", pending: true });
    const placed = orderView({ type: "limit", status: "open", price: "50000", filledQuantity: "0" });
    answer(placed);
    expect(await done).toEqual({ ok: true, order: placed });
    expect(b.working()).toEqual([placed]);
    expect(b.recent()).toEqual([placed]);
  });

  it("rolls back a refused order and keeps the server's rule", async () => {
    const b = book();
    const refusal = new ApiError(422, "order_rejected", "order rejected", undefined, undefined, {
      violations: [{ rule: "MIN_NOTIONAL", message: "order value 0.6 USDT is below the minimum 5 USDT" }],
    });
    const outcome = await placeOptimistically({ placeOrder: async () => Promise.reject(refusal) }, b, ORDER);
    expect(b.working()).toEqual([]);
    expect(b.recent()).toEqual([]);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(rejectionText(outcome.error)).toBe("MIN_NOTIONAL: order value 0.6 USDT is below the minimum 5 USDT");
  });

  it("retries a network failure with the same Idempotency-Key, never a new one", async () => {
    const b = book();
    const keys: string[] = [];
    const placed = orderView();
    let calls = 0;
    const placeOrder = async (_o: unknown, key: string) => {
      keys.push(key);
      if (++calls === 1) throw new ApiError(0, "network_error", "offline");
      return placed;
    };
    const outcome = await placeOptimistically({ placeOrder }, b, ORDER, { sleep: async () => {} });
    expect(outcome).toEqual({ ok: true, order: placed });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });
});
