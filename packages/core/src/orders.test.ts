import { describe, expect, it } from "vitest";
import { units } from "./money";
import { AmendOrderRequest, checkPriceTicks, checkSymbolRules, floorToStep, PlaceOrderRequest } from "./orders";
import { symbolRules } from "./symbols";

const btc = symbolRules("BTCUSDT")!;

describe("PlaceOrderRequest", () => {
  it("accepts a market order, any case", () => {
    expect(PlaceOrderRequest.parse({ symbol: "btcusdt", side: "BUY", type: "MARKET", quantity: "0.001" })).toEqual({
      symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.001",
    });
  });

  it("accepts limit, stop and stop-limit orders with their prices, and brackets", () => {
    expect(PlaceOrderRequest.parse({ symbol: "BTCUSDT", side: "sell", type: "LIMIT", price: "70000", quantity: "1", timeInForce: "ioc" })).toMatchObject({ type: "limit", timeInForce: "IOC" });
    expect(PlaceOrderRequest.parse({ symbol: "BTCUSDT", side: "sell", type: "stop_limit", price: "60000", stopPrice: "60100", quantity: "1" }).type).toBe("stop_limit");
    expect(PlaceOrderRequest.parse({ symbol: "BTCUSDT", side: "buy", stopLoss: "60000", takeProfit: "70000", trailingStop: { callbackRatePct: "1.5" } })).not.toHaveProperty("quantity");
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
      { symbol: "BTCUSDT", side: "buy", quantity: "1", type: "market", price: "1" },
      { symbol: "BTCUSDT", side: "buy", quantity: "1", type: "stop_limit", price: "1" },
      { symbol: "BTCUSDT", side: "buy", quantity: "1", type: "market", timeInForce: "GTC" },
      { symbol: "BTCUSDT", side: "buy" },
      { symbol: "BTCUSDT", side: "buy", quantity: "1", reduceOnly: true, takeProfit: "70000" },
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

describe("checkPriceTicks and floorToStep", () => {
  it("names each price off the tick size", () => {
    expect(checkPriceTicks(btc, { price: units("64000.01"), stopPrice: units("64000.005"), stopLoss: undefined })).toEqual([
      { rule: "PRICE_FILTER.tickSize", message: "stopPrice 64000.005 is not a multiple of the tick size 0.01" },
    ]);
  });

  it("rounds a quantity down to the step", () => {
    expect(floorToStep(units("0.123456"), btc)).toBe(units("0.12345"));
  });

  it("an amendment needs at least one field and no unknown ones", () => {
    expect(AmendOrderRequest.safeParse({}).success).toBe(false);
    expect(AmendOrderRequest.safeParse({ price: "1", extra: 1 }).success).toBe(false);
    expect(AmendOrderRequest.safeParse({ callbackRatePct: "0.05" }).success).toBe(false);
    expect(AmendOrderRequest.safeParse({ quantity: "2" }).success).toBe(true);
  });
});
