/**
 * The auto-trading bot on workerd: settings through the API, signals through the symbol's hub
 * (the same RPC the MarketFeed makes for a bridge batch) to each registered account, orders
 * through the account's own placeOrder, the decision log through the API.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signalIdOf, type AuthResponse, type BotDecisionView, type SignalUpdate, type TickerUpdate } from "@bot-core/core";
import { call, register, publishTicker } from "../../test/helpers";

type ErrorBody = { error: { code: string; message: string } };
type Settings = { autoTrading: Record<string, boolean>; symbols: Record<string, { enabled: boolean; minConfidence: number; quoteAmount: string | null }> };
type Decisions = { decisions: BotDecisionView[]; nextCursor: string | null };

const bearer = (u: AuthResponse) => ({ authorization: `Bearer ${u.accessToken}` });
const putSettings = (u: AuthResponse, body: unknown) => call("/api/bot/settings", { method: "PUT", json: body, headers: bearer(u) });
const getJson = async <T,>(u: AuthResponse, path: string): Promise<T> => {
  const res = await call(path, { headers: bearer(u) });
  expect(res.status, path).toBe(200);
  return res.json<T>();
};

async function setPrice(symbol: string, bid: string, ask: string): Promise<void> {
  const t: TickerUpdate = { kind: "ticker", symbol, price: ask, bid, ask, bidQty: "50", askQty: "50", eventTime: Date.now(), bridgeTime: Date.now() };
  await publishTicker(t);
}

let tick = 0;
/** A signal of `symbol` with its own close time (and so its own id) per call. */
function nextSignal(symbol: string, over: Partial<SignalUpdate> = {}): SignalUpdate {
  const closeTime = over.closeTime ?? Date.now() - 1_000 - tick++;
  return {
    kind: "signal",
    symbol,
    interval: "1m",
    action: "buy",
    label: "Buy",
    confidence: 0.8,
    score: 0.4,
    entry: "100",
    stopLoss: "99",
    takeProfit: "102",
    riskReward: 2,
    reasons: [{ source: "indicator", name: "RSI(14)", says: "bullish", detail: "oversold" }],
    modelVersion: "signal-mlp-v1",
    timingsMs: { total: 1 },
    eventTime: Date.now(),
    bridgeTime: Date.now(),
    ...over,
    id: signalIdOf(symbol, "1m", closeTime),
    openTime: closeTime - 59_999,
    closeTime,
  };
}

/** Publishes through the hub (as the MarketFeed does) and waits for the user's decision on it. */
async function publish(u: AuthResponse, s: SignalUpdate): Promise<BotDecisionView> {
  await env.SYMBOL_HUB.getByName(s.symbol).applyUpdates([s]);
  for (let i = 0; i < 200; i++) {
    const { decisions } = await getJson<Decisions>(u, `/api/bot/decisions?symbol=${s.symbol}&limit=100`);
    const d = decisions.find((x) => x.signalId === s.id);
    if (d) return d;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no decision on ${s.id}`);
}

describe("PUT /api/bot/settings", () => {
  it("validates: unknown symbol 404, bad threshold / amount / shape 400, no token 401", async () => {
    const u = await register();
    const cases: Array<[unknown, number]> = [
      [{ autoTrading: { NOPEUSDT: true } }, 404],
      [{ symbols: { BTCUSDT: { minConfidence: 0.5 } } }, 400],
      [{ symbols: { BTCUSDT: { minConfidence: 1.5 } } }, 400],
      [{ symbols: { BTCUSDT: { minConfidence: "0.8" } } }, 400],
      [{ symbols: { BTCUSDT: { quoteAmount: "-5" } } }, 400],
      [{ symbols: { BTCUSDT: { quoteAmount: 100 } } }, 400],
      [{ autoTrading: { "BTC-USDT": true } }, 400],
      [{ autoTrading: { BTCUSDT: "yes" } }, 400],
      [{}, 400],
      [{ autoTrading: { BTCUSDT: true }, leverage: 5 }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await putSettings(u, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json<ErrorBody>()).error.code).toBeTruthy();
    }
    expect((await call("/api/bot/settings", { method: "PUT", json: { autoTrading: { BTCUSDT: true } } })).status).toBe(401);
    expect(await getJson<Settings>(u, "/api/bot/settings")).toEqual({ autoTrading: {}, symbols: {} });
  });

  it("switches a symbol on with the default threshold, registers the account with the symbol's hub, and off again", async () => {
    const u = await register();
    const res = await putSettings(u, { autoTrading: { LINKUSDT: true }, symbols: { LTCUSDT: { enabled: true, minConfidence: 0.85, quoteAmount: "250.50" } } });
    expect(res.status).toBe(200);
    const view = await res.json<Settings>();
    expect(view.autoTrading).toEqual({ LINKUSDT: true, LTCUSDT: true });
    expect(view.symbols.LINKUSDT).toEqual({ enabled: true, minConfidence: 0.7, quoteAmount: null });
    expect(view.symbols.LTCUSDT).toEqual({ enabled: true, minConfidence: 0.85, quoteAmount: "250.5" });
    expect(await getJson<Settings>(u, "/api/bot/settings")).toEqual(view);
    expect((await env.SYMBOL_HUB.getByName("LINKUSDT").botState()).accounts).toContain(u.user.id);

    // Changing only the threshold keeps the switch; switching off deregisters.
    await putSettings(u, { symbols: { LINKUSDT: { minConfidence: 0.9 } } });
    await putSettings(u, { autoTrading: { LINKUSDT: false } });
    const after = await getJson<Settings>(u, "/api/bot/settings");
    expect(after.symbols.LINKUSDT).toEqual({ enabled: false, minConfidence: 0.9, quoteAmount: null });
    expect((await env.SYMBOL_HUB.getByName("LINKUSDT").botState()).accounts).not.toContain(u.user.id);
    expect((await env.SYMBOL_HUB.getByName("LTCUSDT").botState()).accounts).toContain(u.user.id);
  });
});

describe("the bot's decisions", () => {
  it("takes a signal above the threshold: a market order through the account's risk path with the signal's stop and target", async () => {
    const u = await register();
    await setPrice("ETHUSDT", "3400.00", "3400.05");
    await putSettings(u, { symbols: { ETHUSDT: { enabled: true, quoteAmount: "500" } } });
    const s = nextSignal("ETHUSDT", { entry: "3400.05", stopLoss: "3380.00", takeProfit: "3440.00", confidence: 0.81 });
    const d = await publish(u, s);
    expect(d).toMatchObject({ symbol: "ETHUSDT", signalAction: "buy", confidence: 0.81, action: "taken", taken: true, reasonCode: "taken" });
    expect(d.orderId).toMatch(/^[0-9a-f-]{36}$/);
    const order = await getJson<{ status: string; side: string; quantity: string; attached: { stopLoss?: string; takeProfit?: string } }>(u, `/api/orders/${d.orderId}`);
    // 500 USDT at the 3400.05 ask, floored to the 0.0001 step.
    expect(order).toMatchObject({ status: "filled", side: "buy", quantity: "0.147", attached: { stopLoss: "3380", takeProfit: "3440" } });
    // The protective stop and target are armed in the symbol's trigger book.
    const book = await env.SYMBOL_HUB.getByName("ETHUSDT").triggerBook();
    expect(book.filter((t) => t.userId === u.user.id).length).toBeGreaterThanOrEqual(2);
    // Logged as a private event.
    const { events } = await env.USER_ACCOUNT.getByName(u.user.id).eventsSince(0, 200);
    const logged = events.filter((e) => e.type === "bot.decision").map((e) => JSON.parse(e.payload) as BotDecisionView);
    expect(logged).toEqual([d]);

    // Already long: the next buy signal is skipped; a sell signal is not allowed to flip it.
    expect(await publish(u, nextSignal("ETHUSDT", { entry: "3400.05", stopLoss: "3380.00", takeProfit: "3440.00" }))).toMatchObject({ action: "skipped", reasonCode: "already_positioned", orderId: null });
    expect(await publish(u, nextSignal("ETHUSDT", { action: "strong_sell", label: "Strong Sell", confidence: 0.9, entry: "3400.00", stopLoss: "3420.00", takeProfit: "3360.00" }))).toMatchObject({ action: "skipped", reasonCode: "opposite_position" });
  });

  it("skips with the reason: neutral, below threshold, stale, no levels, risk refused, trading disabled", async () => {
    const u = await register();
    await setPrice("SOLUSDT", "150.00", "150.01");
    await putSettings(u, { symbols: { SOLUSDT: { enabled: true, minConfidence: 0.8 } } });
    const sol = { entry: "150.01", stopLoss: "149.90", takeProfit: "150.30" };
    const expectations: Array<[Partial<SignalUpdate>, string]> = [
      [{ action: "neutral", label: "Neutral", confidence: 0.95, stopLoss: null, takeProfit: null, riskReward: null }, "neutral_signal"],
      [{ ...sol, confidence: 0.79 }, "below_threshold"],
      [{ ...sol, closeTime: Date.now() - 120_000 }, "stale_signal"],
      // Sized by 1% risk at a 0.11 stop distance: ~909 SOL, far beyond 10,000 USDT of margin.
      [{ ...sol, confidence: 0.85 }, "risk_rejected"],
    ];
    for (const [over, code] of expectations) {
      const d = await publish(u, nextSignal("SOLUSDT", over));
      expect(d, code).toMatchObject({ action: "skipped", taken: false, reasonCode: code, orderId: null });
      expect(d.reason.length).toBeGreaterThan(5);
    }
    expect((await call("/api/trading/settings", { method: "PUT", json: { tradingEnabled: false }, headers: bearer(u) })).status).toBe(200);
    expect(await publish(u, nextSignal("SOLUSDT", { ...sol, confidence: 0.9 }))).toMatchObject({ action: "skipped", reasonCode: "trading_disabled" });

    // No order was placed; the log pages newest first.
    expect((await getJson<{ orders: unknown[] }>(u, "/api/orders")).orders).toEqual([]);
    const page1 = await getJson<Decisions>(u, "/api/bot/decisions?limit=2");
    expect(page1.decisions.map((d) => d.reasonCode)).toEqual(["trading_disabled", "risk_rejected"]);
    const page2 = await getJson<Decisions>(u, `/api/bot/decisions?limit=10&cursor=${page1.nextCursor}`);
    expect(page2.decisions.map((d) => d.reasonCode)).toEqual(["stale_signal", "below_threshold", "neutral_signal"]);
    expect(page2.nextCursor).toBeNull();
    expect((await call("/api/bot/decisions?limit=0", { headers: bearer(u) })).status).toBe(400);
  });

  it("never places twice for a redelivered signal, nor for two deliveries at once", async () => {
    const u = await register();
    await setPrice("BNBUSDT", "600.00", "600.10");
    await putSettings(u, { symbols: { BNBUSDT: { enabled: true, quoteAmount: "300" } } });
    const s = nextSignal("BNBUSDT", { entry: "600.10", stopLoss: "597.00", takeProfit: "606.00" });
    const quote = { price: "600.10", bid: "600.00", ask: "600.10", bidQty: "5", askQty: "5", time: Date.now() };
    const account = env.USER_ACCOUNT.getByName(u.user.id);
    // Two deliveries at the same moment (the first one awaits the trigger books while placing).
    const [x, y] = await Promise.all([account.onSignal({ signal: s, quote }), account.onSignal({ signal: s, quote })]);
    expect(x.decision).toEqual(y.decision);
    expect([x.replayed, y.replayed].sort()).toEqual([false, true]);
    const first = x.decision;
    expect(first).toMatchObject({ action: "taken" });
    // The hub delivers it again (a retry after a lost answer), and the account is asked again directly.
    expect(await publish(u, s)).toEqual(first);
    const again = await account.onSignal({ signal: s, quote });
    expect(again).toEqual({ decision: first, replayed: true });
    for (let i = 0; i < 50 && (await env.SYMBOL_HUB.getByName("BNBUSDT").botState()).pendingDeliveries > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const orders = (await getJson<{ orders: Array<{ orderId: string; parentOrderId: string | null }> }>(u, "/api/orders")).orders.filter((o) => o.parentOrderId === null);
    expect(orders.map((o) => o.orderId)).toEqual([first.orderId]);
    expect((await getJson<Decisions>(u, "/api/bot/decisions")).decisions).toHaveLength(1);
  });

  it("keeps users apart: only the account that switched the symbol on trades it, and only it sees its log", async () => {
    const a = await register();
    const b = await register();
    await setPrice("AVAXUSDT", "30.00", "30.01");
    await putSettings(a, { symbols: { AVAXUSDT: { enabled: true, quoteAmount: "100" } } });
    await putSettings(b, { symbols: { AVAXUSDT: { enabled: false, minConfidence: 0.95 } } });
    const d = await publish(a, nextSignal("AVAXUSDT", { entry: "30.01", stopLoss: "29.80", takeProfit: "30.50" }));
    expect(d.action).toBe("taken");
    expect((await getJson<Decisions>(b, "/api/bot/decisions")).decisions).toEqual([]);
    expect((await call(`/api/orders/${d.orderId}`, { headers: bearer(b) })).status).toBe(404);
    expect((await getJson<Settings>(b, "/api/bot/settings")).symbols.AVAXUSDT).toEqual({ enabled: false, minConfidence: 0.95, quoteAmount: null });
    expect((await getJson<Settings>(a, "/api/bot/settings")).symbols.AVAXUSDT?.enabled).toBe(true);
  });
});
