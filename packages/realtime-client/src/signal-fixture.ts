/**
 * Test helper: one signal for both ends of the socket — the client's tests and the edge's (which
 * import `@bot-core/realtime-client/signal-fixture`: this module loads nothing of the client).
 */
import type { SignalUpdate } from "@bot-core/core";

/**
 * A signal as the bridge sends it and the symbol hubs keep it (core's SignalUpdate), on the 1m
 * candle closing at `closeTime`.
 */
export function signal(symbol = "BTCUSDT", closeTime = 1_700_000_039_999, overrides: Partial<SignalUpdate> = {}): SignalUpdate {
  return {
    kind: "signal",
    id: `${symbol}:1m:${closeTime}`, // core's signalIdOf (not imported: core's index brings zod)
    symbol,
    interval: "1m",
    action: "strong_buy",
    label: "Strong Buy",
    confidence: 0.82,
    score: 0.61,
    entry: "64000.10",
    stopLoss: "63850.00",
    takeProfit: "64300.30",
    riskReward: 2,
    reasons: [{ source: "model", name: "signal-mlp-v1", says: "bullish", detail: "P(up in 5 bars) = 0.71" }],
    modelVersion: "signal-mlp-v1",
    openTime: closeTime - 59_999,
    closeTime,
    timingsMs: { queue: 0.1, total: 2.5 },
    eventTime: closeTime + 3,
    bridgeTime: closeTime + 5,
    ...overrides,
  };
}

