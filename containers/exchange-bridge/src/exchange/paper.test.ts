import type { TickerUpdate } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../log";
import { UpdateEmitter } from "../market-source";
import { MarketSimulator, SimulatorSource } from "../simulator";
import { ExchangeUnavailableError, InvalidOrderError, VenueRejectedError } from "./errors";
import { PaperExchange } from "./paper";
import type { AccountEvent } from "./port";

/** A hand-driven quote feed (the simulator's output shape). */
function feed() {
  const emitter = new UpdateEmitter(silentLogger);
  let now = 1_000;
  const tick = (symbol: string, bid: string, ask: string) => {
    const t: TickerUpdate = { kind: "ticker", symbol, price: bid, bid, ask, bidQty: "1", askQty: "1", eventTime: now, bridgeTime: now };
    emitter.emit(t);
  };
  return { source: { onUpdate: (l: Parameters<UpdateEmitter["add"]>[0]) => emitter.add(l) }, tick, now: () => now, advance: (ms: number) => (now += ms) };
}

describe("PaperExchange", () => {
  it("fills a market buy at the ask and moves balances exactly", async () => {
    const f = feed();
    const paper = new PaperExchange({ source: f.source, balances: { USDT: "1000" }, now: f.now });
    await paper.start();
    f.tick("BTCUSDT", "64000.10", "64000.20");
    const order = await paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.01", clientOrderId: "m-1" });
    expect(order).toMatchObject({ status: "FILLED", executedQty: "0.01", cumulativeQuoteQty: "640.002" });
    expect(await paper.balances()).toEqual([
      { asset: "BTC", free: "0.01", locked: "0" },
      { asset: "USDT", free: "359.998", locked: "0" },
    ]);
  });

  it("rests a limit order with funds locked, fills it when the market crosses, reports the events", async () => {
    const f = feed();
    const paper = new PaperExchange({ source: f.source, balances: { USDT: "1000" }, now: f.now });
    const events: AccountEvent[] = [];
    paper.onAccountEvent((e) => events.push(e));
    await paper.start();
    f.tick("ETHUSDT", "3000.00", "3000.10");
    const order = await paper.placeOrder({ symbol: "ETHUSDT", side: "BUY", type: "LIMIT", quantity: "0.1", price: "2990", timeInForce: "GTC", clientOrderId: "l-1" });
    expect(order.status).toBe("NEW");
    expect(await paper.balances()).toContainEqual({ asset: "USDT", free: "701", locked: "299" });
    expect((await paper.openOrders()).map((o) => o.clientOrderId)).toEqual(["l-1"]);
    f.tick("ETHUSDT", "2989.00", "2989.50");
    expect(await paper.queryOrder({ symbol: "ETHUSDT", clientOrderId: "l-1" })).toMatchObject({ status: "FILLED", cumulativeQuoteQty: "299" });
    expect(await paper.balances()).toEqual([
      { asset: "ETH", free: "0.1", locked: "0" },
      { asset: "USDT", free: "701", locked: "0" },
    ]);
    expect(events.filter((e) => e.kind === "order").map((e) => e.kind === "order" && `${e.executionType}/${e.order.status}`)).toEqual(["NEW/NEW", "TRADE/FILLED"]);
  });

  it("is idempotent by client order id, cancels release the lock, and the rules are enforced", async () => {
    const f = feed();
    const paper = new PaperExchange({ source: f.source, balances: { USDT: "100", BTC: "0" }, now: f.now });
    await paper.start();
    f.tick("BTCUSDT", "64000", "64001");
    const a = await paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "60000", clientOrderId: "same" });
    const b = await paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.001", price: "60000", clientOrderId: "same" });
    expect(b.orderId).toBe(a.orderId);
    expect(await paper.cancelOrder({ symbol: "BTCUSDT", orderId: a.orderId })).toMatchObject({ status: "CANCELED" });
    expect(await paper.balances()).toContainEqual({ asset: "USDT", free: "100", locked: "0" });
    await expect(paper.cancelOrder({ symbol: "BTCUSDT", orderId: a.orderId })).rejects.toBeInstanceOf(VenueRejectedError);
    await expect(paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.000001", price: "60000", clientOrderId: "x1" })).rejects.toThrow(/minQty/);
    await expect(paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "0.00001", price: "60000", clientOrderId: "x2" })).rejects.toThrow(/minimum 5/);
    await expect(paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "1", price: "60000", clientOrderId: "x3" })).rejects.toThrow(/insufficient balance/);
    await expect(paper.placeOrder({ symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.001", clientOrderId: "x4" })).rejects.toThrow(/insufficient balance/);
    await expect(paper.placeOrder({ symbol: "NOPEUSDT", side: "SELL", type: "MARKET", quantity: "1", clientOrderId: "x5" })).rejects.toBeInstanceOf(InvalidOrderError);
  });

  it("refuses a market order without a fresh quote", async () => {
    const f = feed();
    const paper = new PaperExchange({ source: f.source, now: f.now, maxQuoteAgeMs: 10_000 });
    await paper.start();
    await expect(paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001", clientOrderId: "q-1" })).rejects.toBeInstanceOf(ExchangeUnavailableError);
    f.tick("BTCUSDT", "64000", "64001");
    f.advance(10_001);
    await expect(paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001", clientOrderId: "q-2" })).rejects.toThrow(/no fresh quote/);
  });

  it("trades against the built-in simulator", async () => {
    const simulator = new MarketSimulator({ seed: 7, startTime: Date.now() });
    const source = new SimulatorSource({ simulator, clock: Date.now, updatesPerSec: 2_000, log: silentLogger });
    const paper = new PaperExchange({ source, balances: { USDT: "100000" } });
    await paper.start();
    await source.start();
    try {
      let order;
      for (let i = 0; i < 200 && !order; i++) {
        order = await paper.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.01", clientOrderId: `sim-${i}` }).catch(() => undefined);
        if (!order) await new Promise((r) => setTimeout(r, 10));
      }
      expect(order).toMatchObject({ status: "FILLED", executedQty: "0.01" });
      expect(Number(order!.cumulativeQuoteQty)).toBeGreaterThan(0);
    } finally {
      await source.stop();
      await paper.stop();
    }
  });
});
