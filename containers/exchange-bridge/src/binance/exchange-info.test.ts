import { SYMBOL_RULES } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { ExchangeInfoCache, parseExchangeInfo } from "./exchange-info";
import spot from "./fixtures/spot-exchange-info.json";
import usdm from "./fixtures/usdm-exchange-info.json";

describe("parseExchangeInfo", () => {
  it("maps the documented spot filters onto SymbolRules' fields, decimals normalized", () => {
    const info = parseExchangeInfo(spot);
    expect(info.rules.get("ETHBTC")).toEqual({
      symbol: "ETHBTC",
      baseAsset: "ETH",
      quoteAsset: "BTC",
      tickSize: "0.000001",
      stepSize: "0.001",
      minQty: "0.001",
      maxQty: "100000",
      minNotional: "0.001", // MIN_NOTIONAL.minNotional
    });
    expect(info.rules.get("BNBUSDT")?.minNotional).toBe("10"); // NOTIONAL.minNotional
    expect(info.rateLimits).toContainEqual({ kind: "weight", window: "1M", limit: 6000 });
    // Same keys as core's SymbolRules: the edge's validation can take them as they are.
    expect(Object.keys(info.rules.get("BNBUSDT")!).sort()).toEqual(Object.keys(SYMBOL_RULES[0]!).sort());
  });

  it("reads USD-M futures' MIN_NOTIONAL.notional", () => {
    const info = parseExchangeInfo(usdm);
    expect(info.rules.get("BTCUSDT")).toEqual({
      symbol: "BTCUSDT",
      baseAsset: "BTC",
      quoteAsset: "USDT",
      tickSize: "0.1",
      stepSize: "0.001",
      minQty: "0.001",
      maxQty: "1000",
      minNotional: "100",
    });
    expect(info.rateLimits).toContainEqual({ kind: "orders", window: "1M", limit: 1200 });
  });

  it("skips halted symbols and symbols without readable filters, and rejects a malformed payload", () => {
    const halted = structuredClone(spot) as { symbols: { status: string; filters: { filterType: string }[] }[] };
    halted.symbols[0]!.status = "HALT";
    halted.symbols[1]!.filters = halted.symbols[1]!.filters.filter((f) => f.filterType !== "LOT_SIZE");
    const info = parseExchangeInfo(halted);
    expect(info.rules.size).toBe(0);
    expect(info.skipped).toEqual([
      { symbol: "ETHBTC", reason: "status HALT" },
      { symbol: "BNBUSDT", reason: "no LOT_SIZE" },
    ]);
    expect(() => parseExchangeInfo({ symbols: "nope" })).toThrow();
    const bad = structuredClone(spot);
    (bad.symbols[0]!.filters[0] as Record<string, unknown>).tickSize = 0.01;
    expect(parseExchangeInfo(bad).skipped[0]?.reason).toMatch(/tickSize is not a decimal/);
  });
});

describe("ExchangeInfoCache", () => {
  it("loads once per TTL, shares concurrent loads, and serves stale rules when a refresh fails", async () => {
    let now = 0;
    let loads = 0;
    let fail = false;
    const cache = new ExchangeInfoCache(
      async () => {
        loads++;
        if (fail) throw new Error("503");
        return spot;
      },
      1_000,
      () => now,
    );
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    now = 999;
    await cache.get();
    expect(loads).toBe(1);
    now = 1_000;
    fail = true;
    await expect(cache.get()).resolves.toBe(a);
    expect(loads).toBe(2);
    await expect(cache.refresh()).rejects.toThrow("503");
  });
});
