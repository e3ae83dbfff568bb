import { env } from "cloudflare:workers";
import type { TickerUpdate } from "@bot-core/core";
import { describe, expect, it } from "vitest";
import { call } from "../../test/helpers";
import { FLUSH_AFTER_MS, FLUSH_SAMPLES, type TelemetryBatch } from "./recorder";
import { ShardLatency } from "./ws-latency";

const METRICS_TOKEN = "test-metrics-token-0123456789abcdef";

describe("ShardLatency", () => {
  it("ships a batch once 64 samples wait, keeps a failed batch for the next ship, and can be off", async () => {
    const shipped: TelemetryBatch[] = [];
    let fail = true;
    const pending: Promise<unknown>[] = [];
    const latency = new ShardLatency({
      ship: async (b) => {
        if (fail) throw new Error("DO unreachable");
        shipped.push(b);
      },
      waitUntil: (p) => void pending.push(p),
    });
    for (let i = 0; i < FLUSH_SAMPLES; i++) latency.observe("md", 3, 1_000);
    await Promise.all(pending);
    expect(shipped).toEqual([]); // the first ship failed; its samples wait
    fail = false;
    latency.observe("md", 40, 1_000 + FLUSH_AFTER_MS);
    await Promise.all(pending);
    expect(shipped).toHaveLength(1);
    const series = shipped[0]!.series;
    expect(series.map((s) => [s.name, s.labels])).toEqual([["ws", { message_type: "md" }]]);
    expect(series[0]!.hist.count).toBe(FLUSH_SAMPLES + 1);

    const off = new ShardLatency({ ship: async (b) => void shipped.push(b), waitUntil: (p) => void pending.push(p), enabled: false });
    for (let i = 0; i < 2 * FLUSH_SAMPLES; i++) off.observe("md", 3, 1_000);
    expect(shipped).toHaveLength(1);
  });
});

describe("websocket_message_latency_ms", () => {
  it("a gateway shard's market-data lag reaches the Telemetry DO and /metrics as a histogram", async () => {
    const shard = env.GATEWAY.getByName("ws-latency-test-shard");
    const tick = (): TickerUpdate & { channel: "ticker:BTCUSDT" } => {
      const now = Date.now();
      return { kind: "ticker", channel: "ticker:BTCUSDT", symbol: "BTCUSDT", price: "50001", bid: "50000", ask: "50001", bidQty: "1", askQty: "1", eventTime: now - 60, bridgeTime: now - 40 };
    };
    const countOf = async () => (await env.TELEMETRY.getByName("main").cumulative()).filter((s) => s.name === "ws").reduce((n, s) => n + s.hist.count, 0);
    const before = await countOf();
    await shard.publish([tick()]);
    await new Promise((r) => setTimeout(r, FLUSH_AFTER_MS + 50));
    await shard.publish([tick()]); // the oldest sample is over 1 s old: this one ships both
    await expect.poll(countOf, { timeout: 5_000 }).toBeGreaterThanOrEqual(before + 2);

    const text = await (await call("/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toContain("# TYPE websocket_message_latency_ms histogram");
    expect(text).toMatch(/^websocket_message_latency_ms_bucket\{message_type="md",le="\+Inf"\} [1-9]\d*$/m);
    expect(text).toMatch(/^websocket_message_latency_ms_count\{message_type="md"\} [1-9]\d*$/m);
  });
});
