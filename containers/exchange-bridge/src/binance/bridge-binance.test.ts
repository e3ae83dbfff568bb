/**
 * The whole bridge with MARKET_SOURCE=binance: fake Binance in, fake edge out (both real sockets
 * on 127.0.0.1).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startBridge, type RunningBridge } from "../bridge";
import { loadConfig } from "../config";
import { silentLogger } from "../log";
import { startFakeBinance, type FakeBinance } from "../testing/fake-binance";
import { startFakeEdge, waitFor, type FakeEdge } from "../testing/fake-edge";
import streams from "./fixtures/streams.json";

const TOKEN = "bridge-test-token-abcdefgh";
let fake: FakeBinance | undefined;
let edge: FakeEdge | undefined;
let bridge: RunningBridge | undefined;

afterEach(async () => {
  await bridge?.stop();
  await edge?.close();
  await fake?.close();
  bridge = edge = fake = undefined;
});

describe("bridge with MARKET_SOURCE=binance", () => {
  it("streams normalized Binance data to the edge and says so in its hello", async () => {
    fake = await startFakeBinance();
    edge = await startFakeEdge({ token: TOKEN });
    const config = loadConfig({
      BRIDGE_TOKEN: TOKEN,
      PORT: "0",
      EDGE_URL: edge.url,
      BATCH_INTERVAL_MS: "20",
      MARKET_SOURCE: "binance",
      BINANCE_REST_URL: fake.url,
      BINANCE_WS_URL: fake.wsUrl,
      BINANCE_SYMBOLS: "BNBUSDT",
    });
    bridge = await startBridge(config, { log: silentLogger });
    await waitFor(() => fake!.marketSockets.length === 1 && edge!.connections.length === 1, "both sockets");
    await waitFor(() => fake!.publish("bnbusdt@bookTicker", streams.bookTicker) === 1, "subscribed");
    await waitFor(() => edge!.batches().length >= 1, "a batch at the edge");
    const [hello] = edge.connections[0]!.frames;
    expect(hello).toMatchObject({ type: "hello", source: "binance", symbols: ["BNBUSDT"] });
    expect(edge.batches()[0]!.updates[0]).toMatchObject({ kind: "ticker", symbol: "BNBUSDT", bid: "25.35190000", ask: "25.36520000" });
    expect(edge.invalidFrames).toEqual([]);
    const health = (await (await fetch(`http://127.0.0.1:${bridge.port}/health`)).json()) as { source: string };
    expect(health.source).toBe("binance");
  });
});
