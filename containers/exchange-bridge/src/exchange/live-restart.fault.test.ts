/**
 * Fault test: the real bridge process (`node --import tsx src/main.ts`) is SIGKILLed after the
 * venue filled a live order but before the report reached the edge, and restarted on the same
 * DATA_DIR. Two fills are at stake:
 *
 * - fill 1 reached the bridge over the user data stream while the edge was refusing reports
 *   (503): it waits in the SQLite outbox when the process dies;
 * - fill 2 happens while the bridge is dead: no stream delivers it; only the reconciliation after
 *   the restart can find it (order query + trade list at the venue).
 *
 * After the restart the edge accepts again and must receive each fill exactly once, in order,
 * followed by the order's FILLED status. The venue is the fake Binance on 127.0.0.1 (Binance's
 * network cannot be reached here); the edge is a real HTTP server on 127.0.0.1 that records what
 * it accepts (the real edge applies each trade id once anyway — see the e2e test; here the bridge
 * itself must not send a fill twice).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { killBridges, spawnBridge, type BridgeProcess } from "../testing/bridge-process";
import { startExecutionsEdge, type ExecutionsEdge } from "../testing/executions-edge";
import { startFakeBinance, type FakeBinance } from "../testing/fake-binance";
import { LIVE_ACCOUNT as ACCOUNT } from "./testing/live-bridge";
import { exchangeInfoWithVenueRules } from "./testing/venue-info";

const TOKEN = "live-restart-token-0123456789abcdef";
const USER = "user-live-fault";
const ORDER_ID = "fault-order-0001";

const dataDir = mkdtempSync(path.join(tmpdir(), "live-restart-fault-"));
const processes: BridgeProcess[] = [];
let fake: FakeBinance | undefined;
let edge: ExecutionsEdge | undefined;

afterAll(async () => {
  killBridges(processes);
  await fake?.close();
  await edge?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function startBridgeProcess(env: Record<string, string>): BridgeProcess {
  const p = spawnBridge({ BRIDGE_TOKEN: TOKEN, PORT: "0", DATA_DIR: dataDir, SIM_UPDATES_PER_SEC: "20", LOG_LEVEL: "info", ...env });
  processes.push(p);
  return p;
}

const waitUntil = async (cond: () => boolean, what: string, timeoutMs = 20_000) => {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("live execution reports across a bridge SIGKILL", () => {
  it("delivers a fill queued before the kill and a fill made while the bridge was dead, each exactly once", async () => {
    fake = await startFakeBinance({ accounts: [ACCOUNT], exchangeInfo: exchangeInfoWithVenueRules() });
    let accepting = false;
    edge = await startExecutionsEdge({ token: TOKEN, refuse: () => !accepting });
    const refused = () => edge!.refused.flat();
    const accepted = () => edge!.reports();
    const env = {
      EDGE_URL: edge.url,
      EXCHANGE_KEYS_SECRET: "exchange-keys-secret-0123456789abcdef",
      BINANCE_REST_URL: fake.url,
      BINANCE_WS_URL: fake.wsUrl,
      BINANCE_RECV_WINDOW: "1000",
    };
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

    let bridge = startBridgeProcess(env);
    const base = await bridge.url;
    expect((await fetch(`${base}/v1/exchange/keys`, { method: "PUT", headers, body: JSON.stringify({ userId: USER, venue: "binance-spot", apiKey: ACCOUNT.apiKey, apiSecret: ACCOUNT.secret }) })).status).toBe(200);
    const placed = await fetch(`${base}/v1/orders`, {
      method: "POST",
      headers,
      body: JSON.stringify({ userId: USER, venue: "binance-spot", attempt: 0, order: { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.010", price: "59000", timeInForce: "GTC", clientOrderId: ORDER_ID } }),
    });
    expect(placed.status).toBe(200);
    const venueOrderId = Number(((await placed.json()) as { order: { orderId: string } }).order.orderId);
    await waitUntil(() => fake!.userSockets.some((u) => u.socket.readyState === u.socket.OPEN), "the user data stream");

    // Fill 1: the bridge hears it and tries to report it; the edge refuses, so it waits on disk.
    fake.fill(venueOrderId, "0.004");
    const trade1 = String(fake.trades[0]!.id);
    await waitUntil(() => refused().some((r) => r.fill?.tradeId === trade1), "fill 1 offered to the (refusing) edge");
    bridge.child.kill("SIGKILL");
    expect(await bridge.exit).toBeNull();
    expect(bridge.child.signalCode).toBe("SIGKILL");

    // Fill 2 while the bridge is dead: no stream carries it.
    fake.fill(venueOrderId, "0.006");
    const trade2 = String(fake.trades[1]!.id);
    expect(accepted()).toEqual([]);

    accepting = true;
    bridge = startBridgeProcess(env);
    await bridge.url;
    await waitUntil(() => accepted().some((r) => r.executionType === "RECONCILED" && r.status === "FILLED"), "the reconciled FILLED status");
    await new Promise((r) => setTimeout(r, 1000)); // anything sent twice would arrive by now

    const fills = accepted().filter((r) => r.fill).map((r) => r.fill!.tradeId);
    expect(fills).toEqual([trade1, trade2]);
    expect(accepted().filter((r) => r.fill).map((r) => [r.clientOrderId, r.fill!.quantity])).toEqual([
      [ORDER_ID, "0.004"],
      [ORDER_ID, "0.006"],
    ]);
    expect(fake.calls("/api/v3/order", "POST")).toHaveLength(1);
    expect(fake.calls("/api/v3/myTrades", "GET").length).toBeGreaterThanOrEqual(1);

    bridge.child.kill("SIGTERM");
    expect(await bridge.exit).toBe(0);
    const all = processes.flatMap((p) => p.lines);
    expect(all.filter((l) => l.startsWith("stderr:"))).toEqual([]);
    expect(all.join("\n")).not.toContain(ACCOUNT.secret);
    console.log(`live restart fault test: fill ${trade1} refused ${refused().filter((r) => r.fill?.tradeId === trade1).length}x before the SIGKILL, fill ${trade2} made while the bridge was dead; after the restart the edge received ${accepted().length} reports, each fill once`);
  }, 60_000);
});
