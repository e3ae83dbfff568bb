import { describe, expect, it } from "vitest";
import { parseMarketUpdate, readServerFrame } from "./frames";
import { signalUpdate } from "./testing";

describe("parseMarketUpdate: signals", () => {
  it("accepts a signal as the gateway sends it, and a neutral one without levels", () => {
    expect(parseMarketUpdate(signalUpdate())).toEqual(signalUpdate());
    const neutral = signalUpdate({ action: "neutral", label: "Neutral", stopLoss: null, takeProfit: null, riskReward: null, modelVersion: null });
    expect(parseMarketUpdate(neutral)).toEqual(neutral);
  });

  it.each([
    ["a price as a number", { entry: 64000.1 }],
    ["a stop in exponent notation", { stopLoss: "6.4e4" }],
    ["an unknown action", { action: "moon" }],
    ["confidence over 1", { confidence: 1.2 }],
    ["a malformed id", { id: "BTCUSDT-1m" }],
    ["a reason without detail", { reasons: [{ source: "model", name: "m", says: "bullish" }] }],
    ["a reason from an unknown source", { reasons: [{ source: "astrology", name: "m", says: "bullish", detail: "x" }] }],
    ["timings that are not numbers", { timingsMs: { total: "fast" } }],
    ["a missing model version", { modelVersion: undefined }],
  ])("drops a signal with %s", (_what, over) => {
    expect(parseMarketUpdate(signalUpdate(over))).toBeNull();
  });

  it("reads resumed frames with the restored channels and warning frames", () => {
    expect(readServerFrame({ type: "resumed", sessionId: "s", lastSeq: 3, replayed: 2, channels: ["ticker:BTCUSDT", 7], more: true })).toEqual({
      type: "resumed",
      lastSeq: 3,
      replayed: 2,
      more: true,
      channels: ["ticker:BTCUSDT"],
    });
    expect(readServerFrame({ type: "warning", code: "slow_consumer", message: "m" })).toEqual({ type: "warning", code: "slow_consumer", message: "m" });
    expect(readServerFrame({ type: "warning" })).toBeNull();
  });
});
