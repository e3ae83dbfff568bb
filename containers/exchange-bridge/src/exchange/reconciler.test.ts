/**
 * Reconciliation against the fake Binance on 127.0.0.1 (it stands in for Binance's network, the
 * one thing that cannot run here): fills the user data stream never delivered are found with the
 * venue's order query + trade list and reported once each. Execution reports go to a real HTTP
 * receiver on 127.0.0.1 in place of the edge; the outbox is a real SQLite file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { createApp } from "../http";
import { createLogger } from "../log";
import { startFakeBinance, type FakeBinance } from "../testing/fake-binance";
import type { ExecutionReport } from "./execution-reports";
import { startLiveTrading, type LiveTrading } from "./live";
import { exchangeInfoWithVenueRules } from "./testing/venue-info";

const TOKEN = "reconciler-token-0123456789abc";
const ACCOUNT = { apiKey: "fakeUserApiKey0123456789abcdefXYZ9", secret: "fakeUserSecret0123456789abcdef0123" };
const USER = "user-reconcile-1";
const json = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

let dir: string;
let fake: FakeBinance;
let receiver: Server;
let received: ExecutionReport[];
let live: LiveTrading;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "reconciler-"));
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
    LIVE_RECONCILE_AFTER_MS: "1000",
  });
  live = await startLiveTrading(config, { log: createLogger({ write: () => {} }) });
  app = createApp({
    startedAt: 0,
    now: () => 1000,
    source: { kind: "simulator", symbols: ["BTCUSDT"], updatesPerSec: 40 },
    edge: () => ({ connected: false, lastSentAt: null, batchesSent: 0, updatesSent: 0, reconnects: 0, pending: 0, droppedClosedKlines: 0 }),
    log: createLogger({ write: () => {} }),
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

async function placeLimit(clientOrderId: string): Promise<number> {
  const res = await app.request("/v1/orders", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ userId: USER, venue: "binance-spot", attempt: 0, order: { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.010", price: "59000", timeInForce: "GTC", clientOrderId } }),
  });
  expect(res.status).toBe(200);
  return Number(((await res.json()) as { order: { orderId: string } }).order.orderId);
}

const fillsOf = (id: string) => received.filter((r) => r.clientOrderId === id && r.fill).map((r) => r.fill!.tradeId);

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
    expect(received.filter((r) => r.clientOrderId === id).at(-1)).toMatchObject({ executionType: "RECONCILED", status: "FILLED", executedQty: "0.01000000" });
    // FILLED is final: nothing is tracked any more, a second pass looks nothing up.
    expect(await live.reconciler!.pass({ all: true })).toEqual({ lookedUp: 0, reported: 0 });
    expect(fake.calls("/api/v3/myTrades", "GET")).toHaveLength(1);
  });

  it("looks up only orders with no update for LIVE_RECONCILE_AFTER_MS, and reports nothing when nothing changed", async () => {
    await placeLimit("rec-0000-0002");
    expect(await live.reconciler!.pass({ all: false })).toEqual({ lookedUp: 0, reported: 0 });
    await new Promise((r) => setTimeout(r, 1100));
    const before = received.length;
    expect(await live.reconciler!.pass({ all: false })).toEqual({ lookedUp: 1, reported: 0 });
    expect(received.length).toBe(before);
    expect(fake.calls("/api/v3/order", "GET")).toHaveLength(1);
    // Looked up just now: not stale again yet.
    expect(await live.reconciler!.pass({ all: false })).toEqual({ lookedUp: 0, reported: 0 });
  });
});
