import { describe, expect, it } from "vitest";
import { units } from "./money";
import { checkSymbolRules, PlaceOrderRequest } from "./orders";
import { symbolRules } from "./symbols";

const btc = symbolRules("BTCUSDT")!;

describe("PlaceOrderRequest", () => {
  it("accepts a market order, any case", () => {
    expect(PlaceOrderRequest.parse({ symbol: "btcusdt", side: "BUY", type: "MARKET", quantity: "0.001" })).toEqual({
      symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.001",
    });
  });

  it("rejects bad quantities, fields and types", () => {
    for (const body of [
      { symbol: "BTCUSDT", side: "buy", quantity: 0.001 },
      { symbol: "BTCUSDT", side: "buy", quantity: "0" },
      { symbol: "BTCUSDT", side: "buy", quantity: "-1" },
      { symbol: "BTCUSDT", side: "buy", quantity: "NaN" },
      { symbol: "BTCUSDT", side: "buy", quantity: "1e3" },
      { symbol: "BTCUSDT", side: "hold", quantity: "1" },
      { symbol: "BTCUSDT", side: "buy", quantity: "1", type: "limit" },
      { symbol: "BTCUSDT", side: "buy", quantity: "1", leverage: 100 },
      { symbol: "BTC", side: "buy", quantity: "1" },
      { symbol: "BTCUSDT", side: "buy", quantity: "0.123456789" },
    ]) {
      expect(PlaceOrderRequest.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });
});

describe("checkSymbolRules", () => {
  it("passes a valid order", () => {
    expect(checkSymbolRules(btc, units("0.001"), units("64000"))).toEqual([]);
  });

  it("names each violated filter", () => {
    expect(checkSymbolRules(btc, units("0.000015"), units("64000")).map((v) => v.rule)).toContain("LOT_SIZE.stepSize");
    expect(checkSymbolRules(btc, units("0.00001"), units("64000")).map((v) => v.rule)).toEqual(["MIN_NOTIONAL"]);
    expect(checkSymbolRules(btc, units("10000"), units("64000")).map((v) => v.rule)).toEqual(["LOT_SIZE.maxQty"]);
    const v = checkSymbolRules(btc, units("0.00005"), units("64000"));
    expect(v[0]?.message).toBe("order value 3.2 USDT is below the minimum 5 USDT");
  });
});
