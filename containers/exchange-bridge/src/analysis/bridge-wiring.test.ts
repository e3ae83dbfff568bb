/** A whole bridge started with analysis on: /v1/analyze over its real socket, fed by its own simulator. */
import { Signal } from "@bot-core/analysis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startBridge, type RunningBridge } from "../bridge";
import { loadConfig } from "../config";
import { createLogger } from "../log";
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
