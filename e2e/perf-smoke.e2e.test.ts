/**
 * The quick performance smoke inside `npm test`: fails on GROSS regressions only. Generous,
 * ratio-based bounds (a noisy shared 2-core machine), short runs, well under a minute. The full
 * suite with reports and baselines is `npm run perf`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYMBOL_NAMES, WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from "@bot-core/core";
import { startBareNode } from "../perf/src/harness/bare-node";
import { httpLoad } from "../perf/src/harness/http-load";
import { startPerfStack, type PerfStack } from "../perf/src/harness/stack";
import { wsLoad } from "../perf/src/harness/ws-load";
import { freePort } from "./support";

let stack: PerfStack;

beforeAll(async () => {
  stack = await startPerfStack({ edgePort: await freePort(), bridgePort: await freePort(), bridgeEnv: { SIM_UPDATES_PER_SEC: "400", BATCH_INTERVAL_MS: "10" } });
});

afterAll(async () => {
  await stack?.stop();
});

describe("performance smoke (gross regressions only)", () => {
  it("serves /health within 100x the latency and above 1/100 the throughput of bare Node, with no errors", async () => {
    const bare = await startBareNode();
    try {
      const base = await httpLoad({ url: `${bare.url}/`, connections: 10, durationSec: 3 });
      const edge = await httpLoad({ url: `${stack.directUrl}/health`, connections: 10, durationSec: 3 });
      const p50Ratio = edge.latency.summary().p50 / base.latency.summary().p50;
      const throughputRatio = edge.throughput / base.throughput;
      console.log(`perf smoke /health: p50 ratio ${p50Ratio.toFixed(1)}x, throughput ratio ${throughputRatio.toFixed(3)} (${edge.throughput.toFixed(0)} vs ${base.throughput.toFixed(0)} req/s)`);
      expect(edge.errors).toBe(0);
      expect(edge.total).toBeGreaterThan(100);
      expect(p50Ratio).toBeLessThan(100);
      expect(throughputRatio).toBeGreaterThan(0.01);
    } finally {
      await bare.close();
    }
  });

  it("adds at most 5x /health's p50 for one Durable Object round trip (market data)", async () => {
    const health = await httpLoad({ url: `${stack.directUrl}/health`, connections: 10, durationSec: 2 });
    const md = await httpLoad({ url: `${stack.directUrl}/api/market-data/latest/BTCUSDT`, connections: 10, durationSec: 2 });
    const ratio = md.latency.summary().p50 / health.latency.summary().p50;
    console.log(`perf smoke market data: p50 ratio ${ratio.toFixed(2)}x /health`);
    expect(md.errors).toBe(0);
    expect(ratio).toBeLessThan(5);
  });

  it("connects 100 sockets and delivers live updates with p99 under 1 s", async () => {
    const res = await fetch(`${stack.edgeUrl}/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: `smoke-${Date.now()}@example.com`, password: "perf-password-123" }),
    });
    const { accessToken } = (await res.json()) as { accessToken: string };
    const result = await wsLoad({
      url: `${stack.directUrl.replace(/^http/, "ws")}/ws`,
      protocolsFor: () => [WS_SUBPROTOCOL, `${WS_TOKEN_PREFIX}${accessToken}`],
      channelsFor: (i) => Array.from({ length: 10 }, (_, k) => `ticker:${SYMBOL_NAMES[(i + k * 2) % SYMBOL_NAMES.length]}`),
      sockets: 100,
      warmupSec: 1,
      durationSec: 3,
    });
    const latency = result.latency.summary();
    console.log(`perf smoke websocket: ${result.updatesPerSec.toFixed(0)} updates/s to 100 sockets, p50 ${latency.p50} ms, p99 ${latency.p99} ms, connect p95 ${result.connect.summary().p95} ms`);
    expect(result.connected).toBe(100);
    expect(result.errorFrames).toBe(0);
    // 400 updates/s over 20 symbols, each socket on 10 of them: ~20,000 deliveries/s expected.
    expect(result.updatesPerSec).toBeGreaterThan(2000);
    expect(latency.p99).toBeLessThan(1000);
    expect(result.connect.summary().p95).toBeLessThan(5000);
  });
});
