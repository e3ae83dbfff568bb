import { parseDecimal, pricePrecision, SYMBOL_RULES, symbolRules } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { instrumentFor, SYMBOL_PROFILES } from "./instruments";

const rules = (symbol: string) => {
  const r = symbolRules(symbol);
  if (!r) throw new Error(symbol);
  return r;
};

describe("SYMBOL_PROFILES", () => {
  it("covers every symbol in SYMBOL_RULES with a start price on its tick", () => {
    for (const r of SYMBOL_RULES) {
      const instrument = instrumentFor(r);
      expect(instrument.startTicks, r.symbol).toBeGreaterThan(1000);
      expect(instrument.formatPrice(instrument.startTicks)).toBe(SYMBOL_PROFILES[r.symbol]!.startPrice);
    }
  });

  it("starts BTC and ETH near their real levels", () => {
    expect(instrumentFor(rules("BTCUSDT")).startTicks).toBe(6_400_000);
    expect(instrumentFor(rules("ETHUSDT")).formatPrice(instrumentFor(rules("ETHUSDT")).startTicks)).toBe("3400.00");
  });
});

describe("instrumentFor", () => {
  it("formats whole ticks with the tick's precision", () => {
    const btc = instrumentFor(rules("BTCUSDT"));
    expect(btc.formatPrice(6_400_001)).toBe("64000.01");
    expect(btc.formatPrice(6_400_010)).toBe("64000.10");
    expect(btc.formatPrice(1)).toBe("0.01");
    const doge = instrumentFor(rules("DOGEUSDT"));
    expect(doge.formatPrice(15_000)).toBe("0.15000");
  });

  it("formats whole steps with the step's precision, also from bigint", () => {
    const btc = instrumentFor(rules("BTCUSDT"));
    expect(btc.formatQty(1)).toBe("0.00001");
    expect(btc.formatQty(123_456_789n)).toBe("1234.56789");
    expect(instrumentFor(rules("DOGEUSDT")).formatQty(42)).toBe("42");
  });

  it("round-trips every formatted price exactly for large tick counts", () => {
    for (const r of SYMBOL_RULES) {
      const inst = instrumentFor(r);
      const scale = pricePrecision(r);
      for (const ticks of [1, 7, 999_999, 123_456_789_012]) {
        expect(parseDecimal(inst.formatPrice(ticks), scale)).toBe(BigInt(ticks) * parseDecimal(r.tickSize, scale));
      }
    }
  });

  it("sizes orders by notional within the lot limits", () => {
    const btc = instrumentFor(rules("BTCUSDT"));
    // 6400 USDT at 64000 = 0.1 BTC = 10000 steps of 0.00001
    expect(btc.stepsForNotional(6_400, 6_400_000)).toBe(10_000);
    expect(btc.stepsForNotional(0.0001, 6_400_000)).toBe(btc.minQtySteps);
    expect(btc.stepsForNotional(1e15, 6_400_000)).toBe(btc.maxQtySteps);
    expect(btc.maxQtySteps).toBe(900_000_000);
  });

  it("rejects a symbol without a profile and a start price off the tick", () => {
    const fake = { ...rules("BTCUSDT"), symbol: "FOOUSDT" };
    expect(() => instrumentFor(fake)).toThrow(/no simulator profile for FOOUSDT/);
    expect(() => instrumentFor(rules("BTCUSDT"), { ...SYMBOL_PROFILES.BTCUSDT!, startPrice: "64000.005" })).toThrow();
    expect(() => instrumentFor({ ...rules("BTCUSDT"), tickSize: "0.05" }, { ...SYMBOL_PROFILES.BTCUSDT!, startPrice: "64000.01" })).toThrow(
      /not a whole multiple/,
    );
  });
});
