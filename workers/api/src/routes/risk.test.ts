import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuthResponse, TickerUpdate } from "@bot-core/core";
import { call, register, publishTicker } from "../../test/helpers";

type ErrorBody = { error: { code: string; message: string; details?: { violations?: Array<{ rule: string; message: string }> } } };
type Report = { entryPrice: string; suggestedQuantity: string | null; quantity: string; positionRisk: string; totalRisk: string; riskReward: string | null; allowed: boolean; failedChecks: Array<{ rule: string }> };

async function setPrice(symbol: string, bid: string, ask: string): Promise<void> {
  const t: TickerUpdate = { kind: "ticker", symbol, price: ask, bid, ask, bidQty: "5", askQty: "5", eventTime: Date.now(), bridgeTime: Date.now() };
  await publishTicker(t);
}
const auth = (u: AuthResponse) => ({ authorization: `Bearer ${u.accessToken}` });
const post = (u: AuthResponse, path: string, json: unknown) => call(path, { method: "POST", json, headers: auth(u) });
const put = (u: AuthResponse, json: unknown) => call("/api/trading/settings", { method: "PUT", json, headers: auth(u) });

beforeAll(async () => {
  await setPrice("BTCUSDT", "64000.00", "64000.10");
});

describe("POST /api/risk/calculate", () => {
  it("sizes by 1% of equity at the stop and returns the spec's fields", async () => {
    const user = await register();
    const res = await post(user, "/api/risk/calculate", { symbol: "BTCUSDT", side: "buy", stopLoss: "63000", takeProfit: "66000" });
    expect(res.status).toBe(200);
    const r = await res.json<Report>();
    expect(r.entryPrice).toBe("64000.1"); // the live ask
    expect(r.suggestedQuantity).toBe("0.09999"); // 100 USDT / 1,000.1 distance, down to the step
    expect(r.totalRisk).toBeDefined();
    expect(r.positionRisk).toBeDefined();
    expect(r.riskReward).toBe("1.99");
    expect(r.allowed).toBe(true);
  });

  it("lists every failed check", async () => {
    const user = await register();
    const r = await (await post(user, "/api/risk/calculate", { symbol: "BTCUSDT", side: "buy", quantity: "1", stopLoss: "64500", confidence: 0.4 })).json<Report>();
    expect(r.allowed).toBe(false);
    // a stop above a long's entry, 1 BTC risking ~500 USDT against a 100 USDT budget, too little margin
    expect(r.failedChecks.map((c) => c.rule).sort()).toEqual(["FREE_MARGIN", "MIN_CONFIDENCE", "POSITION_SIZE", "STOP_SIDE"]);
  });

  it("rejects bad input with 4xx", async () => {
    const user = await register();
    for (const [body, status] of [
      [{ symbol: "BTCUSDT", side: "buy", stopLoss: 63000 }, 400],
      [{ symbol: "BTCUSDT", side: "buy", confidence: 2 }, 400],
      [{ symbol: "BTCUSDT", side: "buy", stopLoss: "63000.123456789" }, 400],
      [{ symbol: "BTCUSDT", side: "long" }, 400],
      [{ symbol: "NOPEUSDT", side: "buy" }, 404],
    ] as const) {
      expect((await post(user, "/api/risk/calculate", body)).status, JSON.stringify(body)).toBe(status);
    }
  });
});

describe("risk settings", () => {
  it("has the defaults and applies a new leverage to margin", async () => {
    const user = await register();
    const defaults = await (await call("/api/trading/settings", { headers: auth(user) })).json<Record<string, unknown>>();
    expect(defaults).toEqual({ tradingEnabled: true, leverage: 1, maxLeverage: 20, maxOpenPositions: 10, riskPerTradePct: "1", dailyLossLimitPct: "5" });
    expect((await put(user, { leverage: 5 })).status).toBe(200);
    await post(user, "/api/orders", { symbol: "BTCUSDT", side: "buy", quantity: "0.01" });
    const acct = await (await call("/api/trading/account", { headers: auth(user) })).json<{ marginUsed: string; leverage: number }>();
    expect(acct).toMatchObject({ leverage: 5, marginUsed: "128.0002" });
  });

  it("refuses a leverage above the account's maximum, naming it", async () => {
    const user = await register();
    const res = await put(user, { leverage: 21 });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorBody>()).error).toMatchObject({ code: "leverage_rejected", message: expect.stringMatching(/^MAX_LEVERAGE: leverage 21 is above this account's maximum of 20/) });
    expect((await put(user, { leverage: 20 })).status).toBe(200);
  });

  it("refuses a leverage cut that the open positions cannot carry", async () => {
    const user = await register();
    await put(user, { leverage: 5 });
    expect((await post(user, "/api/orders", { symbol: "BTCUSDT", side: "buy", quantity: "0.5" })).status).toBe(201);
    const res = await put(user, { leverage: 1 });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorBody>()).error.code).toBe("leverage_rejected");
  });

  it("rejects invalid settings with 400", async () => {
    const user = await register();
    for (const body of [{}, { leverage: 0 }, { leverage: 126 }, { riskPerTradePct: "20" }, { maxOpenPositions: 1.5 }, { leverage: 2, admin: true }]) {
      expect((await put(user, body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it("disabling trading refuses new entries but still allows closing", async () => {
    const user = await register();
    await post(user, "/api/orders", { symbol: "BTCUSDT", side: "buy", quantity: "0.001" });
    await put(user, { tradingEnabled: false });
    const res = await post(user, "/api/orders", { symbol: "BTCUSDT", side: "buy", quantity: "0.001" });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorBody>()).error.details?.violations?.map((v) => v.rule)).toEqual(["TRADING_ENABLED"]);
    expect((await post(user, "/api/trading/positions/BTCUSDT/close", {})).status).toBe(201);
  });
});

describe("daily loss limit", () => {
  it("halts new entries after a 5% realized loss in the UTC day, but allows reducing", async () => {
    const user = await register();
    await setPrice("SOLUSDT", "149.99", "150.00");
    expect((await post(user, "/api/orders", { symbol: "SOLUSDT", side: "buy", quantity: "60" })).status).toBe(201);
    await setPrice("SOLUSDT", "140.00", "140.01");
    expect((await post(user, "/api/orders", { symbol: "SOLUSDT", side: "sell", quantity: "50" })).status).toBe(201); // -500 + fees
    const entry = await post(user, "/api/orders", { symbol: "SOLUSDT", side: "buy", quantity: "1" });
    expect(entry.status).toBe(422);
    const body = await entry.json<ErrorBody>();
    expect(body.error.details?.violations?.[0]?.rule).toBe("DAILY_LOSS_LIMIT");
    expect(body.error.message).toMatch(/limit is 500 USDT \(5%\)/);
    expect((await post(user, "/api/orders", { symbol: "SOLUSDT", side: "sell", quantity: "10" })).status).toBe(201);
  });
});
