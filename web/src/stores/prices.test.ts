import { createComputed, createRoot } from "solid-js";
import { describe, expect, it } from "vitest";
import { tickerUpdate } from "../test/fake-socket";
import { compareDecimal, createPriceStore } from "./prices";
import type { TickerUpdate } from "@bot-core/core";

const tick = (price: string, extra: Partial<TickerUpdate> = {}) => ({ ...(tickerUpdate(price) as unknown as TickerUpdate), ...extra });

describe("compareDecimal", () => {
  it("compares exactly, whatever the number of decimals", () => {
    expect(compareDecimal("64123.45", "64123.4")).toBe(1);
    expect(compareDecimal("64123.40", "64123.4")).toBe(0);
    expect(compareDecimal("0.1", "0.100000000000000001")).toBe(-1); // 18 decimals
    expect(compareDecimal("9007199254740993", "9007199254740992")).toBe(1); // beyond float precision
    expect(compareDecimal("-1.5", "1")).toBe(-1);
  });
});

describe("createPriceStore", () => {
  it("keeps prices as the strings that came in and marks the direction of each change", () => {
    const store = createPriceStore();
    store.apply([tick("64000.10")]);
    expect(store.quotes.BTCUSDT).toMatchObject({ price: "64000.10", direction: "flat" });
    store.apply([tick("64000.20")]);
    expect(store.quotes.BTCUSDT?.direction).toBe("up");
    store.apply([tick("64000.2")]);
    expect(store.quotes.BTCUSDT).toMatchObject({ price: "64000.2", direction: "up" });
    store.apply([tick("63999.99")]);
    expect(store.quotes.BTCUSDT?.direction).toBe("down");
  });

  it("ignores other kinds of update", () => {
    const store = createPriceStore();
    store.apply([{ kind: "kline" }]);
    expect(Object.keys(store.quotes)).toEqual([]);
  });

  it("updates in place: a price tick does not notify readers of the bid", () => {
    createRoot((dispose) => {
      const store = createPriceStore();
      store.apply([tick("100.00", { bid: "99.00" })]);
      const seen = { price: 0, bid: 0 };
      createComputed(() => {
        void store.quotes.BTCUSDT?.price;
        seen.price++;
      });
      createComputed(() => {
        void store.quotes.BTCUSDT?.bid;
        seen.bid++;
      });
      const entry = store.quotes.BTCUSDT;
      store.apply([tick("101.00", { bid: "99.00" })]);
      store.apply([tick("102.00", { bid: "99.00" })]);
      expect(seen).toEqual({ price: 3, bid: 1 });
      expect(store.quotes.BTCUSDT).toBe(entry);
      dispose();
    });
  });
});
