/**
 * Live orders through the bridge against the fake Binance on 127.0.0.1 (it stands in for
 * Binance's network, the one thing that cannot run here). Execution reports go to a real HTTP
 * receiver on 127.0.0.1 in place of the edge. Nothing else is mocked.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { createApp } from "../http";
import { createLogger } from "../log";
import { startFakeBinance, type FakeBinance } from "../testing/fake-binance";
import type { ExecutionReport } from "./execution-reports";
import { startLiveTrading, type LiveTrading } from "./live";
import { exchangeInfoWithVenueRules, VENUE_BTCUSDT } from "./testing/venue-info";

const TOKEN = "order-routes-token-0123456789";
const ACCOUNT = { apiKey: "fakeUserApiKey0123456789abcdefXYZ9", secret: "fakeUserSecret0123456789abcdef0123" };
const USER = "user-live-1";

let dir: string;
let fake: FakeBinance;
let receiver: Server;
let received: ExecutionReport[];
let lines: string[];
let live: LiveTrading;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "order-routes-"));
  fake = await startFakeBinance({ accounts: [ACCOUNT], exchangeInfo: exchangeInfoWithVenueRules() });
  fake.setPrice("BTCUSDT", "60000");
  received = [];
  receiver = createServer((req, res) => {
    let text = "";
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      if (req.url === "/bridge/executions" && req.headers.authorization === `Bearer ${TOKEN}`) received.push(...(JSON.parse(text) as { reports: ExecutionReport[] }).reports);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const config = loadConfig({
    BRIDGE_TOKEN: TOKEN,
    EXCHANGE_KEYS_SECRET: "exchange-keys-secret-0123456789abcdef",
    EDGE_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
    DATA_DIR: dir,
    BINANCE_REST_URL: fake.url,
    BINANCE_WS_URL: fake.wsUrl,
    BINANCE_RECV_WINDOW: "500",
  });
  lines = [];
  const log = createLogger({ level: "debug", write: (l) => lines.push(l) });
  live = await startLiveTrading(config, { log });
  app = createApp({
    startedAt: 0,
    now: () => 1000,
    source: { kind: "simulator", symbols: ["BTCUSDT"], updatesPerSec: 40 },
    edge: () => ({ connected: false, lastSentAt: null, batchesSent: 0, updatesSent: 0, reconnects: 0, pending: 0, droppedClosedKlines: 0 }),
    log,
    exchange: live.routes,
  });
  const put = await app.request("/v1/exchange/keys", { method: "PUT", headers: json, body: JSON.stringify({ userId: USER, venue: "binance-spot", apiKey: ACCOUNT.apiKey, apiSecret: ACCOUNT.secret }) });
  expect(put.status).toBe(200);
});
afterEach(async () => {
  await live.close();
  await fake.close();
  await new Promise((r) => receiver.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const json = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
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
      const t = received.filter((r) => r.fill);
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
