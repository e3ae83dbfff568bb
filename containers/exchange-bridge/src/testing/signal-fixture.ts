/** A valid `signal` market update for tests (override any field). */
import { signalIdOf, type KlineInterval, type SignalUpdate } from "@bot-core/core";

export function signalUpdate(over: Partial<SignalUpdate> & { symbol?: string; interval?: KlineInterval; closeTime?: number } = {}): SignalUpdate {
  const symbol = over.symbol ?? "BTCUSDT";
  const interval = over.interval ?? "1m";
  const closeTime = over.closeTime ?? 1_700_000_059_999;
  return {
    kind: "signal",
    id: signalIdOf(symbol, interval, closeTime),
    symbol,
    interval,
    action: "buy",
    label: "Buy",
    confidence: 0.75,
    score: 0.4,
    entry: "64000.10",
    stopLoss: "63800.00",
    takeProfit: "64400.30",
    riskReward: 2,
    reasons: [{ source: "indicator", name: "RSI(14)", says: "bullish", detail: "RSI 28 < 30" }],
    modelVersion: "signal-mlp-v1",
    openTime: closeTime - 59_999,
    closeTime,
    timingsMs: { total: 1 },
    eventTime: closeTime + 5,
    bridgeTime: closeTime + 5,
    ...over,
  };
}
