/**
 * The real process: `node --import tsx src/main.ts`, as `npm start` runs it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnBridge, type BridgeProcess } from "./testing/bridge-process";
import { startFakeEdge, waitFor, type FakeEdge } from "./testing/fake-edge";

const TOKEN = "main-test-token-0123456789abcdef";

const running: BridgeProcess[] = [];
let edge: FakeEdge | undefined;
/** DATA_DIR of the record store: a fresh temp dir per test. */
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "main-test-"));
});

afterEach(async () => {
  for (const p of running.splice(0)) {
    p.child.kill("SIGKILL");
    await p.exit;
  }
  await edge?.close();
  edge = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

function run(env: Record<string, string>): BridgeProcess {
  const proc = spawnBridge({ DATA_DIR: dataDir, ...env });
  running.push(proc);
  return proc;
}

describe("main", () => {
  it("starts, serves /health, streams to the edge, logs JSON lines without the token, and exits 0 on SIGTERM", async () => {
    edge = await startFakeEdge({ token: TOKEN });
    const proc = run({ BRIDGE_TOKEN: TOKEN, PORT: "0", EDGE_URL: edge.url, SIM_UPDATES_PER_SEC: "500", BATCH_INTERVAL_MS: "20" });
    await waitFor(() => proc.logs().some((l) => l.msg === "bridge started"), "start-up", 15_000);
    const base = await proc.url;
    await waitFor(() => edge!.batches().length >= 3, "batches");

    const health = (await (await fetch(`${base}/health`)).json()) as { edge: { connected: boolean } };
    expect(health.edge.connected).toBe(true);

    proc.child.kill("SIGTERM");
    expect(await proc.exit).toBe(0);
    await waitFor(() => edge!.connections[0]!.closeCode !== undefined, "close");
    expect(edge.connections[0]!.closeCode).toBe(1000);
    for (const line of proc.logs()) {
      expect(Object.keys(line).slice(0, 3)).toEqual(["time", "level", "msg"]);
    }
    expect(proc.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(["starting", "shutting down", "stopped"]));
    expect(proc.lines.join("\n")).not.toContain(TOKEN);
    expect(proc.lines.filter((l) => l.startsWith("stderr:"))).toEqual([]);
  }, 20_000);

  it("exits 1 with a clear message on bad configuration", async () => {
    const proc = run({ BRIDGE_TOKEN: "too-short", PORT: "http" });
    expect(await proc.exit).toBe(1);
    expect(proc.logs()).toHaveLength(1);
    expect(proc.logs()[0]).toMatchObject({
      level: "error",
      msg: "invalid configuration",
      problems: ["PORT: must be a whole number between 0 and 65535", "BRIDGE_TOKEN: must be at least 16 characters"],
    });
    expect(proc.lines.join("\n")).not.toContain("too-short");
  }, 20_000);
});
