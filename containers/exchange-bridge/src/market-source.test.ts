import type { MarketUpdate } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { createLogger } from "./log";
import { UpdateEmitter } from "./market-source";

const update: MarketUpdate = {
  kind: "ticker",
  symbol: "BTCUSDT",
  price: "64000.00",
  bid: "63999.99",
  ask: "64000.00",
  bidQty: "1.00000",
  askQty: "2.00000",
  eventTime: 1,
  bridgeTime: 1,
};

describe("UpdateEmitter", () => {
  it("calls every listener in registration order until it is removed", () => {
    const emitter = new UpdateEmitter(createLogger({ write: () => {} }));
    const calls: string[] = [];
    const offA = emitter.add((u) => calls.push(`a:${u.symbol}`));
    emitter.add((u) => calls.push(`b:${u.symbol}`));
    emitter.emit(update);
    offA();
    emitter.emit(update);
    expect(calls).toEqual(["a:BTCUSDT", "b:BTCUSDT", "b:BTCUSDT"]);
    expect(emitter.size).toBe(1);
  });

  it("isolates a throwing listener and rate-limits its log lines", () => {
    const lines: string[] = [];
    const emitter = new UpdateEmitter(createLogger({ write: (l) => lines.push(l) }));
    let delivered = 0;
    emitter.add(() => {
      throw new Error("boom");
    });
    emitter.add(() => delivered++);
    for (let i = 0; i < 1001; i++) emitter.emit(update);
    expect(delivered).toBe(1001);
    expect(emitter.failures).toBe(1001);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", msg: "market update listener failed", symbol: "BTCUSDT" });
  });
});
