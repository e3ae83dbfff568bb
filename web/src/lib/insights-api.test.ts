import { describe, expect, it } from "vitest";
import { parseAnalysis, parseDecisions, parsePerfHistory, parseStats, parseSwitches, parseBotSymbols } from "./insights-api";

describe("insight parsers (shapes still moving: tolerant, never throwing)", () => {
  it("reads the bridge's signal (packages/analysis Signal) and a flat body", () => {
    const a = parseAnalysis(
      {
        cached: false,
        signal: {
          symbol: "BTCUSDT",
          interval: "1m",
          action: "strong_buy",
          label: "Strong Buy",
          confidence: 0.82,
          score: 0.7,
          entry: "64000.01",
          stopLoss: "63000.5",
          takeProfit: "66000",
          riskReward: 2,
          reasons: [{ source: "indicator", name: "rsi14", says: "bullish", vote: 1, weight: 1, detail: "RSI(14) 28 (oversold)" }],
          model: { version: "m-1", probabilityUp: 0.7, horizonBars: 5 },
          timingsMs: { indicators: 1.2, inference: 0.8 },
        },
      },
      "BTCUSDT",
    );
    expect(a).toMatchObject({ symbol: "BTCUSDT", signal: "Strong Buy", confidence: 0.82, entry: "64000.01", stopLoss: "63000.5", riskReward: "2", modelVersion: "m-1" });
    expect(a?.reasons).toEqual(["indicator rsi14: RSI(14) 28 (oversold) (bullish)"]);
    expect(a?.timings).toEqual([{ stage: "indicators", ms: 1.2 }, { stage: "inference", ms: 0.8 }]);
    expect(parseAnalysis({ signal: "Sell", reasons: ["MACD below zero"] }, "ETHUSDT")).toMatchObject({ symbol: "ETHUSDT", signal: "Sell", reasons: ["MACD below zero"] });
    expect(parseAnalysis({ nothing: true }, "BTCUSDT")).toBeNull();
    expect(parseAnalysis("nope", "BTCUSDT")).toBeNull();
  });

  it("reads latency rows and history buckets, skipping malformed ones", () => {
    expect(parseStats({ categories: [{ category: "orders", p50: 1, p95: 2, p99: 3, throughput: 10 }, { category: "bad", p50: "x" }] })).toEqual([{ category: "orders", p50: 1, p95: 2, p99: 3, throughput: 10 }]);
    expect(parsePerfHistory({ buckets: [{ start: "2026-11-20T00:00:00Z", latencyMs: { p50: 1, p95: 2, p99: 3 } }, { time: 1 }] })).toEqual([{ time: Date.parse("2026-11-20T00:00:00Z"), p50: 1, p95: 2, p99: 3 }]);
  });

  it("reads the bot's switches and decisions", () => {
    expect(parseSwitches({ autoTrading: { BTCUSDT: true, ETHUSDT: false, X: "yes" } })).toEqual({ BTCUSDT: true, ETHUSDT: false });
    expect(parseDecisions({ decisions: [{ time: "t", symbol: "BTCUSDT", taken: false, reason: "confidence 0.6 < 0.7" }] })).toEqual([{ time: "t", symbol: "BTCUSDT", action: "skipped", reason: "confidence 0.6 < 0.7" }]);
  });

  it("reads the bot's per-symbol settings, leaving out malformed entries", () => {
    expect(
      parseBotSymbols({
        autoTrading: { BTCUSDT: true },
        symbols: { BTCUSDT: { enabled: true, minConfidence: 0.8, quoteAmount: "50" }, ETHUSDT: { enabled: false, minConfidence: 0.7, quoteAmount: null }, SOLUSDT: { enabled: "yes", minConfidence: 0.7 } },
      }),
    ).toEqual({ BTCUSDT: { enabled: true, minConfidence: 0.8, quoteAmount: "50" }, ETHUSDT: { enabled: false, minConfidence: 0.7, quoteAmount: null } });
    expect(parseBotSymbols(null)).toEqual({});
  });
});
