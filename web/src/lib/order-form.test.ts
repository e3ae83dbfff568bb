import { describe, expect, it } from "vitest";
import { EMPTY_TICKET, toOrder, toRiskRequest, validateTicket } from "./order-form";

describe("order ticket", () => {
  it("builds a market order with attached stop, target and trailing stop", () => {
    const v = { ...EMPTY_TICKET, quantity: "0.01", stopLoss: "59000", takeProfit: "62000", trailingPct: "1.5" };
    expect(validateTicket(v)).toEqual({});
    expect(toOrder(v)).toEqual({ symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.01", stopLoss: "59000", takeProfit: "62000", trailingStop: { callbackRatePct: "1.5" } });
  });

  it("asks for the fields each type needs, and only sends those", () => {
    const limit = { ...EMPTY_TICKET, type: "limit" as const, quantity: "1", stopPrice: "5" };
    expect(validateTicket(limit).price).toMatch(/limit price/);
    expect(toOrder({ ...limit, price: "100" })).toEqual({ symbol: "BTCUSDT", side: "buy", type: "limit", quantity: "1", price: "100", timeInForce: "GTC" });
    const stop = { ...EMPTY_TICKET, type: "stop_market" as const, quantity: "1" };
    expect(validateTicket(stop).stopPrice).toMatch(/trigger price/);
    expect(toOrder({ ...stop, stopPrice: "90" })).toMatchObject({ type: "stop_market", stopPrice: "90" });
  });

  it("refuses malformed numbers and allows a quantity-less order sized by its stop", () => {
    expect(validateTicket({ ...EMPTY_TICKET, quantity: "1e3" }).quantity).toBeDefined();
    expect(validateTicket({ ...EMPTY_TICKET, quantity: "0" }).quantity).toBeDefined();
    expect(validateTicket({ ...EMPTY_TICKET, quantity: "0.000000001" }).quantity).toBeDefined();
    expect(validateTicket({ ...EMPTY_TICKET, quantity: "" }).quantity).toMatch(/stop-loss/);
    expect(validateTicket({ ...EMPTY_TICKET, stopLoss: "59000" })).toEqual({});
    expect(validateTicket({ ...EMPTY_TICKET, quantity: "1", trailingPct: "11" }).trailingPct).toBeDefined();
  });

  it("builds the risk preview request with the entry each type implies", () => {
    expect(toRiskRequest({ ...EMPTY_TICKET, quantity: "0.01", stopLoss: "59000" })).toEqual({ symbol: "BTCUSDT", side: "buy", type: "market", quantity: "0.01", stopLoss: "59000" });
    expect(toRiskRequest({ ...EMPTY_TICKET, type: "limit", price: "58000", stopLoss: "57000" })).toMatchObject({ entryPrice: "58000" });
    expect(toRiskRequest({ ...EMPTY_TICKET, quantity: "abc" })).toBeNull();
  });
});
