/**
 * A whole bridge started with analysis on: /v1/analyze over its real socket, fed by its own
 * simulator; and signals published on kline close reaching a (fake, real-socket) edge.
 */
import { Signal } from "@bot-core/analysis";
import type { KlineUpdate, SignalUpdate } from "@bot-core/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBridge, type RunningBridge } from "../bridge";
import { loadConfig } from "../config";
import { createLogger } from "../log";
import { startFakeEdge, waitFor, type FakeEdge } from "../testing/fake-edge";
import { defaultModelPath } from "./model";

const TOKEN = "wiring-test-token-0123456789";
let bridge: RunningBridge;

beforeAll(async () => {
  // The edge URL points at a closed port: the edge link keeps retrying, which does not matter here.
  const config = loadConfig({ BRIDGE_TOKEN: TOKEN, PORT: "0", EDGE_URL: "http://127.0.0.1:9", SIM_UPDATES_PER_SEC: "20" });
  bridge = await startBridge(config, { log: createLogger({ write: () => {} }), analysis: { workers: 1, modelPath: defaultModelPath(), queueCapacity: 100, explainer: null } });
});
afterAll(async () => {
  await bridge.stop();
});

it("serves POST /v1/analyze with the model, right after start", async () => {
  const res = await fetch(`http://127.0.0.1:${bridge.port}/v1/analyze`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ symbol: "ETHUSDT", interval: "1m" }),
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  const { signal } = (await res.json()) as { signal: unknown };
  expect(Signal.parse(signal)).toMatchObject({ symbol: "ETHUSDT", candles: 500, model: { version: "signal-mlp-v1" } });
  expect(bridge.analysis?.stats().pool.workers).toBe(1);
});

describe("signals on kline close, end to end through the bridge", () => {
  let edge: FakeEdge;
  let running: RunningBridge;
  const MIN = 60_000;

  beforeAll(async () => {
    edge = await startFakeEdge({ token: TOKEN });
    // The bridge's clock starts 2 s before a minute boundary, so the first 1m candles close at once.
    const wall = Date.now();
    const offset = Math.ceil(wall / MIN) * MIN - 2_000 - wall;
    const config = loadConfig({ BRIDGE_TOKEN: TOKEN, PORT: "0", EDGE_URL: edge.url, SIM_UPDATES_PER_SEC: "100", BATCH_INTERVAL_MS: "20" });
    running = await startBridge(config, {
      log: createLogger({ write: () => {} }),
      clock: () => Date.now() + offset,
      analysis: { workers: 1, modelPath: defaultModelPath(), queueCapacity: 100, explainer: null, signalIntervals: ["1m"] },
    });
  }, 20_000);
  afterAll(async () => {
    await running.stop();
    await edge.close();
  });

  it("publishes one signal per symbol for the candle that closed, after that candle, to the edge", async () => {
    const signals = () => edge.batches().flatMap((b) => b.updates.filter((u): u is SignalUpdate => u.kind === "signal"));
    await waitFor(() => signals().length >= 3, "three signals at the edge", 20_000);
    expect(edge.invalidFrames).toEqual([]);
    const seen = signals();
    const closedKlines = edge.batches().flatMap((b) => b.updates.filter((u): u is KlineUpdate => u.kind === "kline" && u.closed));
    for (const s of seen.slice(0, 3)) {
      // The candle the signal is about reached the edge too, and the id names it.
      const k = closedKlines.find((c) => c.symbol === s.symbol && c.openTime === s.openTime && c.interval === "1m");
      expect(k, s.id).toBeDefined();
      expect(s.id).toBe(`${s.symbol}:1m:${k!.closeTime}`);
      expect(s.modelVersion).toBe("signal-mlp-v1");
    }
    // One signal per (symbol, close): never two for the same candle.
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    expect(running.signals?.stats().published).toBeGreaterThanOrEqual(3);
  });
});
