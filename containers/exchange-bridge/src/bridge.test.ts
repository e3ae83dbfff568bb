import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseDecimal, pricePrecision, symbolRules } from "@bot-core/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBridge, type RunningBridge } from "./bridge";
import { loadConfig } from "./config";
import { createLogger } from "./log";
import { startFakeEdge, waitFor, type FakeEdge } from "./testing/fake-edge";

const TOKEN = "bridge-test-token-abcdefgh";

let edge: FakeEdge | undefined;
let bridge: RunningBridge | undefined;
/** The record store's DATA_DIR: a fresh temp dir per test. */
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "bridge-test-"));
});

afterEach(async () => {
  await bridge?.stop();
  await edge?.close();
  bridge = edge = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}) {
  edge = await startFakeEdge({ token: TOKEN });
  const lines: string[] = [];
  const config = loadConfig({
    BRIDGE_TOKEN: TOKEN,
    PORT: "0",
    EDGE_URL: edge.url,
    SIM_UPDATES_PER_SEC: "2000",
    BATCH_INTERVAL_MS: "20",
    DATA_DIR: dataDir,
    ...env,
  });
  bridge = await startBridge(config, { log: createLogger({ level: "debug", redact: [TOKEN], write: (l) => lines.push(l) }) });
  return { edge, bridge, lines };
}

describe("startBridge", () => {
  it("streams simulated market data to the edge and reports it on /health", async () => {
    const { edge, bridge, lines } = await start();
    await waitFor(() => edge.batches().length >= 5, "five batches");

    const [hello] = edge.connections[0]!.frames;
    expect(hello).toMatchObject({ type: "hello", bridgeId: "bridge-local", source: "simulator" });
    expect(hello?.type === "hello" && hello.symbols).toHaveLength(20);
    expect(edge.invalidFrames).toEqual([]);

    // Conflation: within one frame no symbol has two tickers.
    for (const batch of edge.batches()) {
      const tickers = batch.updates.filter((u) => u.kind === "ticker").map((u) => u.symbol);
      expect(new Set(tickers).size).toBe(tickers.length);
      for (const u of batch.updates) expect(u.bridgeTime).toBe(batch.sentAt);
    }
    // Prices arrive on the tick.
    for (const u of edge.batches().flatMap((b) => b.updates)) {
      if (u.kind !== "ticker") continue;
      const rules = symbolRules(u.symbol)!;
      const scale = pricePrecision(rules);
      expect(parseDecimal(u.price, scale) % parseDecimal(rules.tickSize, scale)).toBe(0n);
    }

    const res = await fetch(`http://127.0.0.1:${bridge.port}/health`);
    expect(res.status).toBe(200);
    const health = (await res.json()) as Record<string, unknown> & { edge: Record<string, unknown> };
    expect(health).toMatchObject({ status: "ok", source: "simulator", simulator: { symbols: 20, updatesPerSec: 2000 } });
    expect(health.edge).toMatchObject({ connected: true, reconnects: 0 });
    expect(health.edge.batchesSent).toBeGreaterThanOrEqual(5);
    expect(health.edge.updatesSent).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });

  it("stops cleanly: the edge sees a normal close and the HTTP port is released", async () => {
    const { edge, bridge } = await start();
    await waitFor(() => edge.batches().length >= 1, "a batch");
    const port = bridge.port;
    await bridge.stop();
    await waitFor(() => edge.connections[0]!.closeCode !== undefined, "close");
    expect(edge.connections[0]!.closeCode).toBe(1000);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    const sent = bridge.link.state().batchesSent;
    await new Promise((r) => setTimeout(r, 60));
    expect(bridge.link.state().batchesSent).toBe(sent);
    await bridge.stop(); // idempotent
  });

  it("fails to start when the port is taken", async () => {
    const { bridge: first } = await start();
    await expect(
      startBridge(loadConfig({ BRIDGE_TOKEN: TOKEN, PORT: String(first.port), EDGE_URL: edge!.url, DATA_DIR: dataDir }), {
        log: createLogger({ write: () => {} }),
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
