/**
 * Reconciliation against the fake Binance on 127.0.0.1 (it stands in for Binance's network, the
 * one thing that cannot run here): fills the user data stream never delivered are found with the
 * venue's order query + trade list and reported once each. Execution reports go to a real HTTP
 * receiver on 127.0.0.1 in place of the edge; the outbox is a real SQLite file (setup:
 * testing/live-bridge.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLiveBridge, type LiveBridge } from "./testing/live-bridge";

const TOKEN = "reconciler-token-0123456789abc";
const USER = "user-reconcile-1";

let bridge: LiveBridge;
let fake: LiveBridge["fake"];
let live: LiveBridge["live"];

beforeEach(async () => {
  bridge = await startLiveBridge({ token: TOKEN, userId: USER, env: { LIVE_RECONCILE_AFTER_MS: "1000" } });
  ({ fake, live } = bridge);
});
afterEach(() => bridge.close());

const received = () => bridge.edge.reports();

async function placeLimit(clientOrderId: string): Promise<number> {
  const res = await bridge.app.request("/v1/orders", {
    method: "POST",
    headers: bridge.headers,
    body: JSON.stringify({ userId: USER, venue: "binance-spot", attempt: 0, order: { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.010", price: "59000", timeInForce: "GTC", clientOrderId } }),
  });
  expect(res.status).toBe(200);
  return Number(((await res.json()) as { order: { orderId: string } }).order.orderId);
}

const fillsOf = (id: string) => received().filter((r) => r.clientOrderId === id && r.fill).map((r) => r.fill!.tradeId);

describe("Reconciler", () => {
  it("reports fills the user data stream missed (once each, in order), then the order's status; the stream's own fills are not repeated", async () => {
    const id = "rec-0000-0001";
    const orderId = await placeLimit(id);
    await expect.poll(() => fake.userSockets.length).toBeGreaterThan(0);
    fake.fill(orderId, "0.004"); // seen by the stream
    await expect.poll(() => fillsOf(id).length).toBe(1);

    await live.accounts!.forget(USER, "binance-spot"); // the user's stream is gone (as in a dropped socket)
    fake.fill(orderId, "0.003");
    fake.fill(orderId, "0.003"); // FILLED, nobody listening
    await new Promise((r) => setTimeout(r, 100));
    expect(fillsOf(id)).toHaveLength(1);

    const pass = await live.reconciler!.pass({ all: true });
    expect(pass).toEqual({ lookedUp: 1, reported: 3 });
    expect(await live.reporter.drained(5000)).toBe(true);
    expect(fillsOf(id)).toEqual(fake.trades.map((t) => String(t.id)));
    expect(received().filter((r) => r.clientOrderId === id).at(-1)).toMatchObject({ executionType: "RECONCILED", status: "FILLED", executedQty: "0.01000000" });
    // FILLED is final: nothing is tracked any more, a second pass looks nothing up.
    expect(await live.reconciler!.pass({ all: true })).toEqual({ lookedUp: 0, reported: 0 });
    expect(fake.calls("/api/v3/myTrades", "GET")).toHaveLength(1);
  });

  it("looks up only orders with no update for LIVE_RECONCILE_AFTER_MS, and reports nothing when nothing changed", async () => {
    await placeLimit("rec-0000-0002");
    expect(await live.reconciler!.pass({ all: false })).toEqual({ lookedUp: 0, reported: 0 });
    await new Promise((r) => setTimeout(r, 1100));
    const before = received().length;
    expect(await live.reconciler!.pass({ all: false })).toEqual({ lookedUp: 1, reported: 0 });
    expect(received().length).toBe(before);
    expect(fake.calls("/api/v3/order", "GET")).toHaveLength(1);
    // Looked up just now: not stale again yet.
    expect(await live.reconciler!.pass({ all: false })).toEqual({ lookedUp: 0, reported: 0 });
  });
});
