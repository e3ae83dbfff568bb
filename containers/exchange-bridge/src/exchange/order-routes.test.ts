/**
 * Live orders through the bridge against the fake Binance on 127.0.0.1 (it stands in for
 * Binance's network, the one thing that cannot run here). Execution reports go to a real HTTP
 * receiver on 127.0.0.1 in place of the edge. Nothing else is mocked (setup: testing/live-bridge.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { LIVE_ACCOUNT as ACCOUNT, startLiveBridge, type LiveBridge } from "./testing/live-bridge";
import { VENUE_BTCUSDT } from "./testing/venue-info";

const TOKEN = "order-routes-token-0123456789";
const USER = "user-live-1";

let bridge: LiveBridge;
let fake: LiveBridge["fake"];
let app: LiveBridge["app"];
let json: LiveBridge["headers"];
let lines: string[];

beforeEach(async () => {
  lines = [];
  bridge = await startLiveBridge({ token: TOKEN, userId: USER, log: createLogger({ level: "debug", write: (l) => lines.push(l) }) });
  ({ fake, app, headers: json } = bridge);
});
afterEach(() => bridge.close());

const place = (order: Record<string, unknown>, attempt = 0, userId = USER) =>
  app.request("/v1/orders", { method: "POST", headers: json, body: JSON.stringify({ userId, venue: "binance-spot", attempt, order }) });

async function until<T>(what: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("POST /v1/orders", () => {
  it("places with the user's own keys and reports partial fills from the user data stream, each with its venue trade id", async () => {
    const res = await place({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.010", price: "59000.5", timeInForce: "GTC", clientOrderId: "0b6a1d1e-0000-4000-8000-000000000001" });
    expect(res.status).toBe(200);
    const { order } = (await res.json()) as { order: { orderId: string; status: string; clientOrderId: string } };
    expect(order).toMatchObject({ status: "NEW", clientOrderId: "0b6a1d1e-0000-4000-8000-000000000001" });
    expect(fake.calls("/api/v3/order", "POST").map((r) => r.apiKey)).toEqual([ACCOUNT.apiKey]);

    await until(() => (fake.userSockets.length > 0 ? true : undefined));
    fake.fill(Number(order.orderId), "0.004");
    fake.fill(Number(order.orderId), "0.006");
    const trades = await until(() => {
      const t = bridge.edge.reports().filter((r) => r.fill);
      return t.length === 2 ? t : undefined;
    });
    expect(trades.map((t) => [t.status, t.fill!.quantity, t.executedQty])).toEqual([
      ["PARTIALLY_FILLED", "0.004", "0.00400000"],
      ["FILLED", "0.006", "0.01000000"],
    ]);
    expect(new Set(trades.map((t) => t.fill!.tradeId)).size).toBe(2);
    expect(trades.every((t) => t.userId === USER && t.clientOrderId === order.clientOrderId)).toBe(true);
    const logs = lines.join("\n");
    expect(logs).not.toContain(ACCOUNT.secret);
    expect(logs).not.toContain(ACCOUNT.apiKey);
  });

  it("after a 5XX on the order it queries by client order id and never sends a second order; a resend does the same", async () => {
    const id = "0b6a1d1e-0000-4000-8000-000000000002";
    fake.inject({ method: "POST", path: "/api/v3/order", status: 503, process: "before" });
    const res = await place({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.003", clientOrderId: id });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { order: { status: string } }).order.status).toBe("FILLED");
    expect(fake.orders.filter((o) => o.clientOrderId === id)).toHaveLength(1);
    expect(fake.calls("/api/v3/order", "GET").length).toBeGreaterThanOrEqual(1);

    // The account did not hear the answer and sends it again (attempt 1): looked up, not placed.
    const again = await place({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.003", clientOrderId: id }, 1);
    expect(again.status).toBe(200);
    expect(fake.orders.filter((o) => o.clientOrderId === id)).toHaveLength(1);
    expect(fake.calls("/api/v3/order", "POST")).toHaveLength(1);
  });

  it("refuses what the venue's filters refuse (422), a user without keys (409), and bad input (400)", async () => {
    const bad = await place({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.0105", price: "59000", timeInForce: "GTC", clientOrderId: "x-1" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/LOT_SIZE stepSize 0.001/);
    expect((await place({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.003", clientOrderId: "x-2" }, 0, "someone-else")).status).toBe(409);
    expect((await place({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "-1", clientOrderId: "x-3" })).status).toBe(400);
    expect((await app.request("/v1/orders", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(401);
    expect(fake.calls("/api/v3/order", "POST")).toHaveLength(0);
  });

  it("cancels through the venue and serves the venue's filters", async () => {
    const id = "0b6a1d1e-0000-4000-8000-000000000004";
    expect((await place({ symbol: "BTCUSDT", side: "SELL", type: "LIMIT", quantity: "0.005", price: "70000", timeInForce: "GTC", clientOrderId: id })).status).toBe(200);
    const cancel = await app.request("/v1/orders/cancel", { method: "POST", headers: json, body: JSON.stringify({ userId: USER, venue: "binance-spot", symbol: "BTCUSDT", clientOrderId: id }) });
    expect(cancel.status).toBe(200);
    expect(((await cancel.json()) as { order: { status: string } }).order.status).toBe("CANCELED");
    const info = await app.request("/v1/exchange-info?venue=binance-spot", { headers: json });
    const rules = ((await info.json()) as { rules: Record<string, Record<string, string>> }).rules;
    expect(rules.BTCUSDT).toMatchObject(VENUE_BTCUSDT);
    const paper = await app.request("/v1/exchange-info?venue=paper", { headers: json });
    expect(((await paper.json()) as { rules: Record<string, Record<string, string>> }).rules.BTCUSDT).toMatchObject({ stepSize: "0.00001" });
  });
});
