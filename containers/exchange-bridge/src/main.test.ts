/**
 * The real process: `node --import tsx src/main.ts`, as `npm start` runs it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeEdge, waitFor, type FakeEdge } from "./testing/fake-edge";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const TOKEN = "main-test-token-0123456789abcdef";

interface Proc {
  lines: Array<Record<string, unknown>>;
  raw: string[];
  exit: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

const running: Proc[] = [];
let edge: FakeEdge | undefined;
/** DATA_DIR of the record store: a fresh temp dir per test. */
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "main-test-"));
});

afterEach(async () => {
  for (const p of running.splice(0)) {
    p.kill("SIGKILL");
    await p.exit;
  }
  await edge?.close();
  edge = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

function run(env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const raw: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  let buffered = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => raw.push(`stderr: ${chunk}`));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const proc: Proc = { lines, raw, exit, kill: (signal) => void child.kill(signal) };
  running.push(proc);
  return proc;
}

describe("main", () => {
  it("starts, serves /health, streams to the edge, logs JSON lines without the token, and exits 0 on SIGTERM", async () => {
    edge = await startFakeEdge({ token: TOKEN });
    const proc = run({ BRIDGE_TOKEN: TOKEN, PORT: "0", EDGE_URL: edge.url, SIM_UPDATES_PER_SEC: "500", BATCH_INTERVAL_MS: "20" });
    await waitFor(() => proc.lines.some((l) => l.msg === "bridge started"), "start-up", 15_000);
    const port = proc.lines.find((l) => l.msg === "http server listening")!.port as number;
    await waitFor(() => edge!.batches().length >= 3, "batches");

    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { edge: { connected: boolean } };
    expect(health.edge.connected).toBe(true);

    proc.kill("SIGTERM");
    expect(await proc.exit).toBe(0);
    await waitFor(() => edge!.connections[0]!.closeCode !== undefined, "close");
    expect(edge.connections[0]!.closeCode).toBe(1000);
    for (const line of proc.lines) {
      expect(Object.keys(line).slice(0, 3)).toEqual(["time", "level", "msg"]);
    }
    expect(proc.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["starting", "shutting down", "stopped"]));
    expect(proc.raw.join("\n")).not.toContain(TOKEN);
    expect(proc.raw.filter((l) => l.startsWith("stderr:"))).toEqual([]);
  }, 20_000);

  it("exits 1 with a clear message on bad configuration", async () => {
    const proc = run({ BRIDGE_TOKEN: "too-short", PORT: "http" });
    expect(await proc.exit).toBe(1);
    expect(proc.lines).toHaveLength(1);
    expect(proc.lines[0]).toMatchObject({
      level: "error",
      msg: "invalid configuration",
      problems: ["PORT: must be a whole number between 0 and 65535", "BRIDGE_TOKEN: must be at least 16 characters"],
    });
    expect(proc.raw.join("\n")).not.toContain("too-short");
  }, 20_000);
});
