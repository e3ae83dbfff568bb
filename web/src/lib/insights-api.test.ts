import { describe, expect, it } from "vitest";
import { parseAnalysis, parseDecisions, parsePerfHistory, parseStats, parseSwitches } from "./insights-api";

describe("insight parsers (shapes still moving: tolerant, never throwing)", () => {
  it("reads an analysis nested or flat, with reasons and timings", () => {
    const a = parseAnalysis(
      { signal: { signal: "Strong Buy", confidence: 0.82, entry: "64000", stopLoss: "63000", takeProfit: "66000", riskReward: "2.00", reasons: ["RSI 28: oversold", { source: "model", message: "up 0.7" }], timings: { indicators: 1.2, inference: 0.8 } } },
      "BTCUSDT",
    );
    expect(a).toMatchObject({ symbol: "BTCUSDT", signal: "Strong Buy", confidence: 0.82, stopLoss: "63000", reasons: ["RSI 28: oversold", "model: up 0.7"], timings: [{ stage: "indicators", ms: 1.2 }, { stage: "inference", ms: 0.8 }] });
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
});
