/**
 * Live orders at the edge on workerd: the account in live mode, the venue's filters from the KV
 * copy of the bridge's exchangeInfo (they differ from core's static table), the order persisted
 * before it is sent, and the venue's updates applied through POST /bridge/executions exactly
 * once per trade id. The bridge is down here (BRIDGE_URL is a closed port), so a placement stays
 * pending_new until the venue reports on it; the bridge path itself is e2e/live-trading.e2e.test.ts.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthResponse, TickerUpdate } from "@bot-core/core";
import { call, register, publishTicker } from "../../test/helpers";

const BRIDGE = { authorization: `Bearer ${env.BRIDGE_TOKEN}` };
type Order = { orderId: string; status: string; filledQuantity: string; avgPrice: string | null; reason: string | null };
type ErrorBody = { error: { code: string; message: string; details?: { violations: Array<{ rule: string }> } } };

async function setPrice(symbol: string, bid: string, ask: string): Promise<void> {
  const t: TickerUpdate = { kind: "ticker", symbol, price: ask, bid, ask, bidQty: "5", askQty: "5", eventTime: Date.now(), bridgeTime: Date.now() };
  await publishTicker(t);
}

let user: AuthResponse;
const auth = () => ({ authorization: `Bearer ${user.accessToken}` });
const report = (orderId: string, extra: Record<string, unknown>) => ({
  userId: user.user.id, venue: "binance-spot", clientOrderId: orderId, venueOrderId: "7001", symbol: "BTCUSDT", status: "NEW", executedQty: "0", executionType: "NEW", eventTime: Date.now(), ...extra,
});
const executions = (reports: unknown[], headers: Record<string, string> = BRIDGE) => call("/bridge/executions", { method: "POST", json: { reports }, headers });

beforeAll(async () => {
  user = await register();
  await setPrice("BTCUSDT", "60000", "60000.5");
  // The venue's BTCUSDT filters (core's: tick 0.01, step 0.00001, min notional 5).
  await env.CACHE.put("xinfo:v1:binance-spot", JSON.stringify({ BTCUSDT: { symbol: "BTCUSDT", baseAsset: "BTC", quoteAsset: "USDT", tickSize: "0.5", stepSize: "0.001", minQty: "0.002", maxQty: "50", minNotional: "20" } }));
  await env.USER_ACCOUNT.getByName(user.user.id).setTradingMode({ mode: "live", venue: "binance-spot" });
});

describe("live orders at the edge", () => {
  it("switching to live needs stored keys (asked of the bridge: down here, 503); the mode is readable", async () => {
    const other = await register();
    const h = { authorization: `Bearer ${other.accessToken}` };
    expect(await (await call("/api/trading/mode", { headers: h })).json()).toEqual({ mode: "paper" });
    expect((await call("/api/trading/mode", { method: "PUT", json: { mode: "live", venue: "binance-spot" }, headers: h })).status).toBe(503);
    expect((await call("/api/trading/mode", { method: "PUT", json: { mode: "live", venue: "kraken" }, headers: h })).status).toBe(400);
    expect(await (await call("/api/trading/mode", { method: "PUT", json: { mode: "paper" }, headers: h })).json()).toEqual({ mode: "paper" });
    expect(await (await call("/api/trading/mode", { headers: auth() })).json()).toEqual({ mode: "live", venue: "binance-spot" });
  });

  it("checks live orders against the venue's filters, named as Binance names them", async () => {
    // Valid under core's table (step 0.00001, tick 0.01), refused by the venue's.
    const res = await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "limit", quantity: "0.0015", price: "59000.25" }, headers: auth() });
    expect(res.status).toBe(422);
    const rules = (await res.json<ErrorBody>()).error.details!.violations.map((v) => v.rule).sort();
    expect(rules).toEqual(["LOT_SIZE.minQty", "LOT_SIZE.stepSize", "PRICE_FILTER.tickSize"]);
    const small = await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.0002" }, headers: auth() });
    expect((await small.json<ErrorBody>()).error.details!.violations.map((v) => v.rule)).toContain("NOTIONAL");
    const stop = await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "stop_market", quantity: "0.002", stopPrice: "70000" }, headers: auth() });
    expect(stop.status).toBe(422);
    expect((await stop.json<ErrorBody>()).error.code).toBe("live_order_unsupported");
  });

  it("persists a live order pending_new, then applies the venue's acceptance and partial fills once each", async () => {
    const res = await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "limit", quantity: "0.010", price: "59000.5" }, headers: auth() });
    expect(res.status).toBe(201);
    const placed = await res.json<Order>();
    expect(placed.status).toBe("pending_new"); // the bridge is unreachable: sent again by the alarm

    expect((await executions([report(placed.orderId, {})], {})).status).toBe(401);
    expect((await executions([{ ...report(placed.orderId, {}), status: "BOGUS" }])).status).toBe(400);

    const accepted = await executions([report(placed.orderId, { executionType: "PLACEMENT" })]);
    expect(await accepted.json()).toEqual({ applied: 1, duplicates: 0, unknown: 0 });
    const fill1 = report(placed.orderId, { status: "PARTIALLY_FILLED", executedQty: "0.004", executionType: "TRADE", fill: { tradeId: "501", price: "59000.5", quantity: "0.004", commission: "0", commissionAsset: "USDT" } });
    expect(await (await executions([fill1])).json()).toEqual({ applied: 1, duplicates: 0, unknown: 0 });
    // The bridge resends the same batch: nothing is applied twice.
    expect(await (await executions([fill1, report("00000000-0000-4000-8000-000000000000", {})])).json()).toEqual({ applied: 0, duplicates: 1, unknown: 1 });
    let order = await (await call(`/api/orders/${placed.orderId}`, { headers: auth() })).json<Order>();
    expect(order).toMatchObject({ status: "partially_filled", filledQuantity: "0.004", avgPrice: "59000.5" });

    const fill2 = report(placed.orderId, { status: "FILLED", executedQty: "0.01", executionType: "TRADE", fill: { tradeId: "502", price: "59000", quantity: "0.006", commission: "0", commissionAsset: "USDT" } });
    expect(await (await executions([fill2, fill2])).json()).toEqual({ applied: 1, duplicates: 1, unknown: 0 });
    order = await (await call(`/api/orders/${placed.orderId}`, { headers: auth() })).json<Order>();
    expect(order).toMatchObject({ status: "filled", filledQuantity: "0.01", avgPrice: "59000.2" });

    const history = await (await call("/api/trading/history?symbol=BTCUSDT", { headers: auth() })).json<{ trades: Array<{ tradeId: string; quantity: string }> }>();
    expect(history.trades.map((t) => [t.tradeId, t.quantity])).toEqual([
      ["binance-spot:BTCUSDT:502", "0.006"],
      ["binance-spot:BTCUSDT:501", "0.004"],
    ]);
    const events = await env.USER_ACCOUNT.getByName(user.user.id).eventsSince(0, 100);
    expect(events.events.filter((e) => e.type === "order.filled")).toHaveLength(2);
  });

  it("cancels a live order that never reached the venue locally, and one the venue has through the bridge (pending while it is down)", async () => {
    const never = await (await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "sell", type: "limit", quantity: "0.002", price: "70000" }, headers: auth() })).json<Order>();
    // The first send failed (bridge down), so it may be at the venue: the cancel goes to the venue.
    const res = await call(`/api/orders/${never.orderId}`, { method: "DELETE", headers: auth() });
    expect(res.status).toBe(200);
    expect((await res.json<Order>()).status).toBe("pending_new");
    await executions([report(never.orderId, { status: "CANCELED", executionType: "CANCELED" })]);
    expect((await (await call(`/api/orders/${never.orderId}`, { headers: auth() })).json<Order>()).status).toBe("canceled");
    expect((await call(`/api/orders/${never.orderId}`, { method: "PATCH", json: { quantity: "0.003" }, headers: auth() })).status).toBe(409);
  });

  it("runs the risk checks that need no equity on live orders: kill switch, confidence, risk-reward; taking risk off passes the kill switch", async () => {
    const trader = await register();
    const h = { authorization: `Bearer ${trader.accessToken}` };
    await env.USER_ACCOUNT.getByName(trader.user.id).setTradingMode({ mode: "live", venue: "binance-spot" });
    await setPrice("BTCUSDT", "60000", "60000.5");
    const place = (body: Record<string, unknown>) => call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", type: "market", quantity: "0.004", ...body }, headers: h });
    const refusedBy = async (res: Response) => {
      expect(res.status).toBe(422);
      const body = await res.json<ErrorBody>();
      expect(body.error.code).toBe("risk_rejected");
      return body.error.details!.violations.map((v) => v.rule);
    };
    const orders = async () => (await (await call("/api/orders", { headers: h })).json<{ orders: Order[] }>()).orders;

    expect(await refusedBy(await place({ side: "buy", signal: { confidence: 0.6 } }))).toEqual(["MIN_CONFIDENCE"]);
    // Entry 60000.5 (the ask): stop 1000.5 away, target 999.5 away: risk-reward 0.99.
    expect(await refusedBy(await place({ side: "buy", stopLoss: "59000", takeProfit: "61000" }))).toEqual(["MIN_RISK_REWARD"]);
    expect(await orders()).toEqual([]);

    // A long of 0.004 from a live fill, then the kill switch.
    const buy = await (await place({ side: "buy" })).json<Order>();
    const fill = { ...report(buy.orderId, { status: "FILLED", executedQty: "0.004", executionType: "TRADE", fill: { tradeId: "701", price: "60000.5", quantity: "0.004", commission: "0.24", commissionAsset: "USDT" } }), userId: trader.user.id };
    expect(await (await executions([fill])).json()).toEqual({ applied: 1, duplicates: 0, unknown: 0 });
    expect((await call("/api/trading/settings", { method: "PUT", json: { tradingEnabled: false }, headers: h })).status).toBe(200);

    const more = await place({ side: "buy" });
    expect(await refusedBy(more)).toEqual(["TRADING_ENABLED"]);
    expect(await refusedBy(await place({ side: "sell", quantity: "0.010" }))).toEqual(["TRADING_ENABLED"]); // flips to a short: more risk
    expect(await orders()).toHaveLength(1);
    const exit = await place({ side: "sell", quantity: "0.004" });
    expect(exit.status).toBe(201);
    expect((await exit.json<Order>()).status).toBe("pending_new");
  });

  it("closes the live position at its venue with one market order of its size (the paper ledger is not asked)", async () => {
    const trader = await register();
    const h = { authorization: `Bearer ${trader.accessToken}` };
    await env.USER_ACCOUNT.getByName(trader.user.id).setTradingMode({ mode: "live", venue: "binance-spot" });
    await setPrice("BTCUSDT", "60000", "60000.5");
    const close = () => call("/api/trading/positions/BTCUSDT/close", { method: "POST", headers: h });
    const flat = await close();
    expect(flat.status).toBe(404);
    expect((await flat.json<ErrorBody>()).error.message).toBe("no open BTCUSDT position on binance-spot");

    const buy = await (await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.006" }, headers: h })).json<Order>();
    const fill = { ...report(buy.orderId, { status: "FILLED", executedQty: "0.006", executionType: "TRADE", fill: { tradeId: "801", price: "60000.5", quantity: "0.006", commission: "0.36", commissionAsset: "USDT" } }), userId: trader.user.id };
    expect(await (await executions([fill])).json()).toEqual({ applied: 1, duplicates: 0, unknown: 0 });

    const res = await close();
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ symbol: "BTCUSDT", side: "sell", type: "market", quantity: "0.006", status: "pending_new", reduceOnly: false });
  });

  it("builds a live ledger from live fills (positions, realized PnL, fees per venue asset) apart from the paper ledger, whose free margin live orders do not touch", async () => {
    const trader = await register();
    const h = { authorization: `Bearer ${trader.accessToken}` };
    await env.USER_ACCOUNT.getByName(trader.user.id).setTradingMode({ mode: "live", venue: "binance-spot" });
    const fillOf = (orderId: string, tradeId: string, quantity: string, price: string, commission: string, commissionAsset: string) =>
      ({ ...report(orderId, { status: "FILLED", executedQty: quantity, executionType: "TRADE", fill: { tradeId, price, quantity, commission, commissionAsset } }), userId: trader.user.id });
    type PaperAccount = { mode: string; walletBalance: string; freeMargin: string; orderMargin: string; openOrders: number; positions: unknown[] };
    const paperBefore = await (await call("/api/trading/account", { headers: h })).json<PaperAccount>();

    const buy = await (await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "limit", quantity: "0.010", price: "59000.5" }, headers: h })).json<Order>();
    expect(await (await executions([{ ...report(buy.orderId, { executionType: "PLACEMENT" }), userId: trader.user.id }])).json()).toEqual({ applied: 1, duplicates: 0, unknown: 0 });
    expect((await (await call(`/api/orders/${buy.orderId}`, { headers: h })).json<Order>()).status).toBe("open");
    // A working live order reserves no paper margin (it used to: 0.01 x 59000.5 counted as order margin).
    const paperWorking = await (await call("/api/trading/account", { headers: h })).json<PaperAccount>();
    expect(paperWorking).toMatchObject({ mode: "paper", freeMargin: paperBefore.freeMargin, orderMargin: "0", openOrders: 0 });
    expect((await (await call("/api/trading/account?mode=live", { headers: h })).json<{ openOrders: number }>()).openOrders).toBe(1);

    expect(await (await executions([fillOf(buy.orderId, "601", "0.01", "59000", "0.00001", "BNB")])).json()).toEqual({ applied: 1, duplicates: 0, unknown: 0 });
    const sell = await (await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "sell", type: "limit", quantity: "0.004", price: "61000" }, headers: h })).json<Order>();
    const sold = fillOf(sell.orderId, "602", "0.004", "61000", "0.244", "USDT");
    expect(await (await executions([sold, sold])).json()).toEqual({ applied: 1, duplicates: 1, unknown: 0 });

    await setPrice("BTCUSDT", "60000", "60000.5");
    const positions = await (await call("/api/trading/positions?mode=live", { headers: h })).json<{ positions: unknown[] }>();
    expect(positions.positions).toEqual([
      { mode: "live", venue: "binance-spot", symbol: "BTCUSDT", side: "long", quantity: "0.006", entryPrice: "59000", markPrice: "60000.5", unrealizedPnl: "6.003", realizedPnl: "8" },
    ]);
    const live = await (await call("/api/trading/account?mode=live", { headers: h })).json<Record<string, unknown>>();
    expect(live).toMatchObject({ mode: "live", venue: "binance-spot", asset: "USDT", realizedPnl: "8", unrealizedPnl: "6.003", openPositions: 1, openOrders: 0 });
    expect(live.fees).toEqual([
      { venue: "binance-spot", asset: "BNB", amount: "0.00001" },
      { venue: "binance-spot", asset: "USDT", amount: "0.244" },
    ]);
    // The paper ledger did not move; the dashboard's default calls read it as before.
    const paperAfter = await (await call("/api/trading/account", { headers: h })).json<PaperAccount>();
    expect(paperAfter).toMatchObject({ mode: "paper", walletBalance: paperBefore.walletBalance, freeMargin: paperBefore.freeMargin, positions: [] });
    expect(await (await call("/api/trading/positions", { headers: h })).json()).toEqual({ positions: [] });

    type Trade = { tradeId: string; mode: string; fee: string; feeAsset: string; realizedPnl: string };
    const liveTrades = (await (await call("/api/trading/history?mode=live", { headers: h })).json<{ trades: Trade[] }>()).trades;
    expect(liveTrades.map((t) => [t.tradeId, t.mode, t.fee, t.feeAsset, t.realizedPnl])).toEqual([
      ["binance-spot:BTCUSDT:602", "live", "0.244", "USDT", "8"],
      ["binance-spot:BTCUSDT:601", "live", "0.00001", "BNB", "0"],
    ]);
    expect((await (await call("/api/trading/history?mode=paper", { headers: h })).json<{ trades: Trade[] }>()).trades).toEqual([]);
    expect((await call("/api/trading/history?mode=demo", { headers: h })).status).toBe(400);
    expect((await call("/api/trading/positions?mode=demo", { headers: h })).status).toBe(400);

    // The private stream carries live fills like paper ones, with the live position.
    const events = (await env.USER_ACCOUNT.getByName(trader.user.id).eventsSince(0, 100)).events.filter((e) => e.type === "order.filled");
    expect(events.map((e) => JSON.parse(e.payload) as { mode: string; position: unknown }).map((p) => [p.mode, p.position])).toEqual([
      ["live", { mode: "live", venue: "binance-spot", symbol: "BTCUSDT", side: "long", quantity: "0.01", entryPrice: "59000", realizedPnl: "0" }],
      ["live", { mode: "live", venue: "binance-spot", symbol: "BTCUSDT", side: "long", quantity: "0.006", entryPrice: "59000", realizedPnl: "8" }],
    ]);
  });

  it("protects a live entry with its stop-loss/take-profit in the hub's trigger book: a fire sends one reduce-only market order through the live path and cancels the sibling", async () => {
    const trader = await register();
    const h = { authorization: `Bearer ${trader.accessToken}` };
    const acct = env.USER_ACCOUNT.getByName(trader.user.id);
    await acct.setTradingMode({ mode: "live", venue: "binance-spot" });
    await setPrice("BTCUSDT", "60000", "60000.5");
    const wrong = await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.010", stopLoss: "61000", takeProfit: "62000.25" }, headers: h });
    expect(wrong.status).toBe(422);
    expect((await wrong.json<ErrorBody>()).error.details!.violations.map((v) => v.rule).sort()).toEqual(["PRICE_FILTER.tickSize", "STOP_SIDE"]);
    expect((await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.010", stopLoss: "59000", trailingStop: { callbackRatePct: "1" } }, headers: h })).status).toBe(422);

    const res = await call("/api/orders", { method: "POST", json: { symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.010", stopLoss: "59000", takeProfit: "62000" }, headers: h });
    expect(res.status).toBe(201);
    const entry = await res.json<Order & { attached: unknown }>();
    expect(entry).toMatchObject({ status: "pending_new", attached: { stopLoss: "59000", takeProfit: "62000" } });
    const mine = (r: Record<string, unknown>) => ({ ...report(entry.orderId, r), userId: trader.user.id });
    await executions([mine({ executionType: "PLACEMENT" })]);
    // Partial fill: both protective orders armed for 0.004; the rest of the fill resizes them.
    await executions([mine({ status: "PARTIALLY_FILLED", executedQty: "0.004", executionType: "TRADE", fill: { tradeId: "701", price: "60000.5", quantity: "0.004", commission: "0", commissionAsset: "USDT" } })]);
    await executions([mine({ status: "FILLED", executedQty: "0.01", executionType: "TRADE", fill: { tradeId: "702", price: "60000.5", quantity: "0.006", commission: "0", commissionAsset: "USDT" } })]);
    type Child = Order & { type: string; side: string; quantity: string; reduceOnly: boolean; stopPrice: string; parentOrderId: string | null };
    const open = (await (await call("/api/orders?open=true", { headers: h })).json<{ orders: Child[] }>()).orders;
    expect(open.map((o) => [o.type, o.side, o.status, o.quantity, o.stopPrice, o.reduceOnly, o.parentOrderId]).sort()).toEqual([
      ["stop_market", "sell", "pending_trigger", "0.01", "59000", true, entry.orderId],
      ["take_profit_market", "sell", "pending_trigger", "0.01", "62000", true, entry.orderId],
    ]);
    const stop = open.find((o) => o.type === "stop_market")!;
    const target = open.find((o) => o.type === "take_profit_market")!;
    await expect.poll(() => acct.pendingTriggerSync(), { timeout: 5000 }).toBe(0); // registered with the BTCUSDT hub

    await setPrice("BTCUSDT", "58900", "58900.5"); // through the stop
    const byId = async (id: string) => (await call(`/api/orders/${id}`, { headers: h })).json<Child>();
    await expect.poll(async () => (await byId(stop.orderId)).status, { timeout: 5000 }).toBe("open");
    expect((await byId(stop.orderId)).reason).toMatch(/stop-loss at 59000 fired .*market order sent to binance-spot/);
    expect(await byId(target.orderId)).toMatchObject({ status: "canceled", reason: expect.stringMatching(/^OCO/) });
    // The hub retrying the same fire changes nothing (one firing = one order at the venue).
    expect(await acct.onTrigger({ orderId: stop.orderId, version: 2, fireSeq: 1, kind: "stop", price: "59000", tick: { price: "58900.5", high: "58900.5", low: "58900.5", bid: "58900", ask: "58900.5", bidQty: "5", askQty: "5", time: Date.now() } })).toMatchObject({ done: true, stale: true });

    // The venue fills the market order (client order id = the stop's id): the live position is flat.
    const exit = { ...report(stop.orderId, { status: "FILLED", executedQty: "0.01", executionType: "TRADE", fill: { tradeId: "703", price: "58900", quantity: "0.01", commission: "0.01", commissionAsset: "USDT" } }), userId: trader.user.id };
    expect(await (await executions([exit])).json()).toEqual({ applied: 1, duplicates: 0, unknown: 0 });
    expect((await byId(stop.orderId)).status).toBe("filled");
    expect(await (await call("/api/trading/positions?mode=live", { headers: h })).json()).toEqual({ positions: [] });
    expect(await (await call("/api/trading/account?mode=live", { headers: h })).json()).toMatchObject({ realizedPnl: "-11.005", openPositions: 0, openOrders: 0 });
    await setPrice("BTCUSDT", "60000", "60000.5");
  });
});
