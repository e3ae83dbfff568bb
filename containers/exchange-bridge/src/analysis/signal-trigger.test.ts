/**
 * Kline close -> one background analysis -> one signal update, on the real analysis stack: worker
 * threads with the committed ONNX model, the kline feed, the service's cache.
 */
import { SIGNAL_ACTIONS as ANALYSIS_ACTIONS } from "@bot-core/analysis";
import { SIGNAL_ACTIONS, SignalUpdate, type KlineInterval, type KlineUpdate } from "@bot-core/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KlineFeed } from "./kline-feed";
import { defaultModelPath } from "./model";
import { WorkerPool } from "./pool";
import { AnalysisService } from "./service";
import { SignalTrigger, type SignalAnalysis } from "./signal-trigger";

const MIN = 60_000;
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
let now = T0 + 30_000;
let pool: WorkerPool;
let feed: KlineFeed;
let service: AnalysisService;

beforeAll(async () => {
  pool = new WorkerPool({ size: 1, modelPath: defaultModelPath() });
  await pool.start();
  feed = new KlineFeed({ seed: 7, now: () => now, capacity: 500 });
  service = new AnalysisService({ pool, feed });
});
afterAll(async () => {
  await pool.close();
});

function closed(symbol: string, openTime: number, close: string, interval: KlineInterval = "1m", isClosed = true): KlineUpdate {
  return { kind: "kline", symbol, interval, openTime, closeTime: openTime + MIN - 1, open: close, high: close, low: close, close, volume: "3", closed: isClosed, eventTime: openTime + MIN, bridgeTime: openTime + MIN };
}

function realAnalysis(load: SignalAnalysis["queueLoad"] = () => pool.stats()): SignalAnalysis {
  return { analyze: (req, priority) => service.analyze(req, priority), queueLoad: load };
}

describe("SignalTrigger", () => {
  it("the wire's actions are the analysis package's", () => {
    expect([...SIGNAL_ACTIONS]).toEqual([...ANALYSIS_ACTIONS]);
  });

  it("runs one analysis per closed candle and publishes one signal for it", async () => {
    const published: SignalUpdate[] = [];
    const trigger = new SignalTrigger({ analysis: realAnalysis(), intervals: ["1m"], publish: (u) => published.push(u), now: () => now });
    const k = closed("BTCUSDT", T0, "64000.5");
    now = T0 + MIN + 5;
    const before = pool.stats().completed;
    feed.onUpdate(k);
    trigger.onUpdate(k);
    trigger.onUpdate(k); // the same close again: ignored
    trigger.onUpdate(closed("BTCUSDT", T0 + MIN, "64001", "1m", false)); // an open candle: ignored
    trigger.onUpdate(closed("BTCUSDT", T0, "64000.5", "5m")); // an interval not configured: ignored
    await trigger.idle();

    expect(pool.stats().completed - before).toBe(1);
    expect(published).toHaveLength(1);
    const s = SignalUpdate.parse(published[0]);
    expect(s).toMatchObject({ kind: "signal", id: `BTCUSDT:1m:${k.closeTime}`, symbol: "BTCUSDT", interval: "1m", openTime: T0, closeTime: k.closeTime, modelVersion: "signal-mlp-v1", eventTime: now });
    // The signal's entry is the closed candle's close, on BTCUSDT's 0.01 tick.
    expect(s.entry).toBe("64000.50");
    expect(s.reasons.length).toBeGreaterThan(0);
    expect(s.timingsMs.queue).toBeGreaterThanOrEqual(0);
    if (s.action === "neutral") expect(s.stopLoss).toBeNull();
    else expect(s.stopLoss).not.toBeNull();
    expect(trigger.stats()).toMatchObject({ closes: 1, published: 1, skippedSaturated: 0, stale: 0, failed: 0, inFlight: 0 });
  });

  it("skips a close (counted) instead of queueing when the queue is half full", async () => {
    const published: SignalUpdate[] = [];
    let queued = 50;
    const trigger = new SignalTrigger({ analysis: realAnalysis(() => ({ queued, capacity: 100 })), publish: (u) => published.push(u) });
    const before = pool.stats().completed;
    const k = closed("ETHUSDT", T0, "3400.1");
    feed.onUpdate(k);
    trigger.onUpdate(k);
    await trigger.idle();
    expect(trigger.stats()).toMatchObject({ closes: 1, skippedSaturated: 1, published: 0 });
    expect(pool.stats().completed).toBe(before);

    queued = 49;
    const next = closed("ETHUSDT", T0 + MIN, "3401.2");
    now = T0 + 2 * MIN + 5;
    feed.onUpdate(next);
    trigger.onUpdate(next);
    await trigger.idle();
    expect(trigger.stats()).toMatchObject({ closes: 2, skippedSaturated: 1, published: 1 });
    expect(published[0]?.id).toBe(`ETHUSDT:1m:${next.closeTime}`);
  });

  it("drops (and counts) a result whose window does not end with the closed candle", async () => {
    const published: SignalUpdate[] = [];
    const trigger = new SignalTrigger({ analysis: realAnalysis(), publish: (u) => published.push(u) });
    // The feed never saw this candle: the analysed window ends earlier.
    trigger.onUpdate(closed("SOLUSDT", T0 + 10 * MIN, "150.1"));
    await trigger.idle();
    expect(trigger.stats()).toMatchObject({ closes: 1, stale: 1, published: 0 });
    expect(published).toEqual([]);
  });

  it("counts a failed analysis and keeps going", async () => {
    const trigger = new SignalTrigger({
      analysis: { analyze: () => Promise.reject(new Error("worker gone")), queueLoad: () => ({ queued: 0, capacity: 100 }) },
      publish: () => expect.fail("nothing to publish"),
    });
    trigger.onUpdate(closed("BNBUSDT", T0, "600"));
    await trigger.idle();
    expect(trigger.stats()).toMatchObject({ failed: 1, published: 0, inFlight: 0 });
  });
});
