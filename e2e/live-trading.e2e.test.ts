/**
 * Live trading end to end on the real stack: the edge (wrangler dev: Worker + UserAccount DO), the
 * bridge (Node process) and a fake Binance on 127.0.0.1 in place of Binance's network (the one
 * thing that cannot run here; it checks signatures like Binance). Nothing else is mocked.
 *
 * Keys go in through the edge and are never returned or logged (both processes' output is
 * captured); live orders go DO -> bridge -> venue with the user's keys; partial fills come back
 * from the user data stream; a 5XX on the order does not produce a second order; the venue's
 * filters (which differ from core's table) decide what is accepted. A live entry's stop-loss fires
 * in the edge's trigger book and closes the live position through the venue; a fill made while
 * the bridge was SIGKILLed reaches the account once after its restart (reconciliation).
 *
 * Market data comes from the fake Binance too (MARKET_SOURCE=binance, bookTicker only), so the
 * test decides the price the edge's trigger book sees.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBinance, type FakeBinance } from "../containers/exchange-bridge/src/testing/fake-binance";
import { exchangeInfoWithVenueRules } from "../containers/exchange-bridge/src/exchange/testing/venue-info";
import { startStack } from "../scripts/stack.mjs";
import { freePort, until } from "./support";

const ACCOUNT = { apiKey: "e2eLiveApiKey0123456789abcdefQWERTY", secret: "e2eLiveSecret0123456789abcdefASDFGH" };

type Stack = { edgeUrl: string; ready(ms?: number): Promise<void>; stop(): Promise<void> };
type Order = { orderId: string; status: string; filledQuantity: string };

let fake: FakeBinance;
let stack: Stack & { processes(): { bridge: { child: { pid?: number }; exited: boolean } }; startBridge(): Promise<void> };
/** The book the fake Binance streams for BTCUSDT (the edge's price is its mid before any trade). */
let book = { bid: "60000", ask: "60000.5" };
let bookTimer: NodeJS.Timeout | undefined;
let bookUpdateId = 1;
let stateDir: string;
const logs: string[] = [];
let auth: Record<string, string>;

const api = (path: string, init: { method?: string; json?: unknown } = {}) =>
  fetch(`${stack.edgeUrl}${path}`, {
    method: init.method ?? "GET",
    headers: { ...auth, ...(init.json !== undefined ? { "content-type": "application/json" } : {}) },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
const orderOf = async (id: string) => (await (await api(`/api/orders/${id}`)).json()) as Order;

beforeAll(async () => {
  fake = await startFakeBinance({ accounts: [ACCOUNT], exchangeInfo: exchangeInfoWithVenueRules() });
  fake.setPrice("BTCUSDT", "60000");
  stateDir = mkdtempSync(join(tmpdir(), "bot-core-live-"));
  stack = (await startStack({
    edgePort: await freePort(),
    bridgePort: await freePort(),
    stateDir,
    build: false,
    log: (line: string) => logs.push(line),
    bridgeEnv: {
      EXCHANGE_KEYS_SECRET: "e2e-exchange-keys-secret-0123456789abcdef",
      BINANCE_REST_URL: fake.url,
      BINANCE_WS_URL: fake.wsUrl,
      BINANCE_RECV_WINDOW: "500",
      LOG_LEVEL: "debug",
      MARKET_SOURCE: "binance",
      BINANCE_SYMBOLS: "BTCUSDT",
      BINANCE_STREAMS: "bookTicker",
      LIVE_RECONCILE_AFTER_MS: "60000",
    },
  })) as typeof stack;
  bookTimer = setInterval(() => fake.publish("btcusdt@bookTicker", { u: bookUpdateId++, s: "BTCUSDT", b: book.bid, B: "5.00000000", a: book.ask, A: "5.00000000" }), 200);
  try {
    await stack.ready(180_000);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : err}\n--- stack output ---\n${logs.slice(-40).join("\n")}`);
  }
  const reg = await fetch(`${stack.edgeUrl}/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `live-${Date.now()}@example.com`, password: "correct horse battery" }),
  });
  auth = { authorization: `Bearer ${((await reg.json()) as { accessToken: string }).accessToken}` };
  await until("a BTCUSDT price", async () => ((await fetch(`${stack.edgeUrl}/api/market-data/latest/BTCUSDT`)).ok ? true : undefined), 60_000);
}, 240_000);

afterAll(async () => {
  if (bookTimer) clearInterval(bookTimer);
  // LIVE_E2E_LOG=<file>: keep both processes' output for a look after a failure.
  if (process.env.LIVE_E2E_LOG) writeFileSync(process.env.LIVE_E2E_LOG, logs.join("\n"));
  await stack?.stop();
  await fake?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe("live trading through the bridge", () => {
  const answers: string[] = [];

  it("stores keys write-only and switches the account to live", async () => {
    expect((await api("/api/trading/mode", { method: "PUT", json: { mode: "live", venue: "binance-spot" } })).status).toBe(409);
    const put = await api("/api/exchange/keys", { method: "PUT", json: { venue: "binance-spot", apiKey: ACCOUNT.apiKey, apiSecret: ACCOUNT.secret, testnet: true } });
    answers.push(await put.clone().text());
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ venue: "binance-spot", storedAt: expect.any(Number), apiKeyLast4: "ERTY" });
    const list = await api("/api/exchange/keys");
    answers.push(await list.clone().text());
    expect(((await list.json()) as { keys: Array<{ venue: string }> }).keys.map((k) => k.venue)).toEqual(["binance-spot"]);
    const mode = await api("/api/trading/mode", { method: "PUT", json: { mode: "live", venue: "binance-spot" } });
    expect(await mode.json()).toEqual({ mode: "live", venue: "binance-spot" });
  });

  it("refuses what the venue's filters refuse (not core's table), before anything is sent", async () => {
    const res = await api("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "limit", quantity: "0.0105", price: "59000.25" } });
    expect(res.status).toBe(422);
    const rules = ((await res.json()) as { error: { details: { violations: Array<{ rule: string }> } } }).error.details.violations.map((v) => v.rule);
    expect(rules.sort()).toEqual(["LOT_SIZE.stepSize", "PRICE_FILTER.tickSize"]);
    expect(fake.calls("/api/v3/order", "POST")).toHaveLength(0);
  });

  let limitId: string;
  it("places a live limit order with the user's keys and applies partial fills from the user data stream", async () => {
    const res = await api("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "limit", quantity: "0.010", price: "59000.5" } });
    expect(res.status).toBe(201);
    const placed = (await res.json()) as Order;
    limitId = placed.orderId;
    expect(placed.status).toBe("open");
    const atVenue = fake.orders.filter((o) => o.clientOrderId === limitId);
    expect(atVenue.map((o) => [o.apiKey, o.type, o.origQty, o.price])).toEqual([[ACCOUNT.apiKey, "LIMIT", "0.01", "59000.5"]]);

    await until("the user data stream", async () => (fake.userSockets.length > 0 ? true : undefined));
    fake.fill(atVenue[0]!.orderId, "0.004");
    const partial = await until("the partial fill", async () => {
      const o = await orderOf(limitId);
      return o.status === "partially_filled" ? o : undefined;
    });
    expect(partial.filledQuantity).toBe("0.004");
    const history = (await (await api("/api/trading/history?symbol=BTCUSDT")).json()) as { trades: Array<{ orderId: string; quantity: string }> };
    expect(history.trades.filter((t) => t.orderId === limitId).map((t) => t.quantity)).toEqual(["0.004"]);
  });

  it("a 5XX on the order is looked up, not resent: one order at the venue, filled", async () => {
    fake.inject({ method: "POST", path: "/api/v3/order", status: 500, process: "before" });
    const before = fake.calls("/api/v3/order", "POST").length;
    const res = await api("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.003" } });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as Order).orderId;
    const filled = await until("the market order's fill", async () => {
      const o = await orderOf(id);
      return o.status === "filled" ? o : undefined;
    });
    expect(filled.filledQuantity).toBe("0.003");
    expect(fake.orders.filter((o) => o.clientOrderId === id)).toHaveLength(1);
    expect(fake.calls("/api/v3/order", "POST").length - before).toBe(1);
    expect(fake.calls("/api/v3/order", "GET").filter((r) => r.params.origClientOrderId === id).length).toBeGreaterThanOrEqual(1);
  });

  it("a live entry's stop-loss fires in the edge's trigger book: one reduce-size market order at the venue, the target canceled, the live position reduced", async () => {
    const before = ((await (await api("/api/trading/positions?mode=live")).json()) as { positions: Array<{ quantity: string }> }).positions;
    const res = await api("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.010", stopLoss: "59000", takeProfit: "62000" } });
    expect(res.status).toBe(201);
    const entryId = ((await res.json()) as Order).orderId;
    await until("the entry's fill", async () => ((await orderOf(entryId)).status === "filled" ? true : undefined));
    type Child = Order & { type: string; side: string; quantity: string; parentOrderId: string | null; reason: string | null };
    const children = await until("both protective orders armed", async () => {
      const open = ((await (await api("/api/orders?open=true")).json()) as { orders: Child[] }).orders.filter((o) => o.parentOrderId === entryId);
      return open.length === 2 ? open : undefined;
    });
    const stop = children.find((o) => o.type === "stop_market")!;
    const target = children.find((o) => o.type === "take_profit_market")!;
    expect(fake.orders.filter((o) => o.clientOrderId === stop.orderId)).toHaveLength(0); // nothing at the venue until it fires
    await new Promise((r) => setTimeout(r, 1000)); // the hub has the registrations (delivered right after the fill)

    fake.setPrice("BTCUSDT", "58900");
    book = { bid: "58900", ask: "58901" };
    const closed = await until("the stop's market order filled", async () => {
      const o = (await orderOf(stop.orderId)) as Child;
      return o.status === "filled" ? o : undefined;
    });
    expect(closed).toMatchObject({ side: "sell", filledQuantity: "0.01" });
    expect(((await orderOf(target.orderId)) as Child).status).toBe("canceled");
    const atVenue = fake.orders.filter((o) => o.clientOrderId === stop.orderId);
    expect(atVenue.map((o) => [o.type, o.side, o.origQty, o.status])).toEqual([["MARKET", "SELL", "0.01", "FILLED"]]);
    const after = ((await (await api("/api/trading/positions?mode=live")).json()) as { positions: Array<{ symbol: string; quantity: string; mode: string }> }).positions;
    expect(after.map((p) => [p.mode, p.symbol, p.quantity])).toEqual(before.map((p) => ["live", "BTCUSDT", p.quantity]));
    book = { bid: "60000", ask: "60000.5" };
    fake.setPrice("BTCUSDT", "60000");
  });

  it("a fill made while the bridge is SIGKILLed reaches the account exactly once after the restart", async () => {
    const res = await api("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "limit", quantity: "0.005", price: "59500" } });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as Order).orderId;
    expect((await orderOf(id)).status).toBe("open");
    const venueOrder = fake.orders.find((o) => o.clientOrderId === id)!;

    const bridge = stack.processes().bridge;
    process.kill(-bridge.child.pid!, "SIGKILL"); // the bridge's process group (tsx + node), started by this test's stack
    await until("the bridge to die", async () => (bridge.exited ? true : undefined), 10_000);
    fake.fill(venueOrder.orderId, "0.005"); // nobody listens to the user data stream now
    expect((await orderOf(id)).status).toBe("open");

    await stack.startBridge();
    const filled = await until("the fill after the restart", async () => {
      const o = await orderOf(id);
      return o.status === "filled" ? o : undefined;
    }, 30_000);
    expect(filled.filledQuantity).toBe("0.005");
    await new Promise((r) => setTimeout(r, 1500)); // a second delivery would land by now
    const history = (await (await api("/api/trading/history?mode=live&symbol=BTCUSDT")).json()) as { trades: Array<{ orderId: string; quantity: string; tradeId: string }> };
    const trades = history.trades.filter((t) => t.orderId === id);
    expect(trades.map((t) => [t.tradeId, t.quantity])).toEqual([[`binance-spot:BTCUSDT:${fake.trades.at(-1)!.id}`, "0.005"]]);
    expect(fake.calls("/api/v3/myTrades", "GET").length).toBeGreaterThanOrEqual(1);
    expect(logs.some((l) => l.includes("live order reconciled from the venue"))).toBe(true);
  });

  it("cancels through the venue; deleting the keys returns the account to paper; no answer or log line holds the key or secret", async () => {
    const res = await api(`/api/orders/${limitId}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Order).status).toBe("canceled");
    expect(fake.orders.find((o) => o.clientOrderId === limitId)?.status).toBe("CANCELED");

    const del = await api("/api/exchange/keys/binance-spot", { method: "DELETE" });
    expect(await del.json()).toEqual({ venue: "binance-spot", deleted: true });
    expect(await (await api("/api/trading/mode")).json()).toEqual({ mode: "paper" });

    expect(logs.some((l) => l.includes("exchange API key stored"))).toBe(true);
    for (const text of [...answers, logs.join("\n")]) {
      expect(text).not.toContain(ACCOUNT.secret);
      expect(text).not.toContain(ACCOUNT.apiKey);
    }
  });
});
