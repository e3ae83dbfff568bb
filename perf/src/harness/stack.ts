/**
 * The local stack for load tests: scripts/stack.mjs with local observability off (it makes
 * every invocation ≈4x dearer) and a throw-away state directory, plus workerd's own socket,
 * found by asking the kernel which ports the edge's workerd processes listen on. Measuring there
 * bypasses wrangler's proxy (a second workerd + Node), which adds 2-5 ms and 50-300 ms stalls.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack as startStackUntyped } from "../../../scripts/stack.mjs";

export interface PerfStack {
  edgeUrl: string;
  bridgeUrl: string;
  /** workerd's own socket for the Worker, when found; otherwise the proxied URL. */
  directUrl: string;
  directFound: boolean;
  /**
   * Checks workerd's socket still answers; if wrangler restarted the runtime (it reloads on
   * file changes, and the internal port changes), finds the new one. Returns the move, if any.
   */
  ensureDirect(): Promise<{ from: string; to: string } | undefined>;
  stopBridge(): Promise<void>;
  startBridge(overrides?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
  /** Process groups (each child of scripts/stack.mjs leads its own): for CPU accounting. */
  processGroups(): { edge: number; bridge: number };
  /** Where the throw-away state lives (tmpfs when the machine has one). */
  stateDir: string;
  logs: string[];
}

interface UntypedStack {
  edgeUrl: string;
  bridgeUrl: string;
  ready(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  stopBridge(): Promise<void>;
  startBridge(overrides?: Record<string, string>): Promise<void>;
  processes(): { edge: { child: { pid: number } }; bridge: { child: { pid: number } } };
}

function processGroupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

/** Ports that workerd processes of the given process group listen on, on 127.0.0.1. */
function workerdPorts(processGroup: number): number[] {
  let out = "";
  try {
    out = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const line of out.split("\n")) {
    if (!line.includes('"workerd"')) continue;
    const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
    const pid = /pid=(\d+)/.exec(line)?.[1];
    if (port && pid && processGroupOf(Number(pid)) === processGroup) ports.push(Number(port));
  }
  return ports;
}

async function findDirectUrl(publicPort: number, processGroup: number): Promise<string | undefined> {
  for (const port of workerdPorts(processGroup)) {
    if (port === publicPort) continue;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1500) });
      const body = (await res.json()) as { service?: string };
      if (res.ok && body.service === "bot-core-edge") return `http://127.0.0.1:${port}`;
    } catch {
      // not ours, or not HTTP
    }
  }
  return undefined;
}

export async function startPerfStack(options: { edgePort: number; bridgePort: number; bridgeEnv?: Record<string, string>; edgeVars?: Record<string, string>; inspectorPort?: number; build?: boolean }): Promise<PerfStack> {
  // State on tmpfs when there is one: local SQLite commits fsync (a rollback journal, about three
  // fsyncs per order), and a laptop's or CI runner's disk says nothing about production storage.
  const stateDir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "bot-core-perf-"));
  const logs: string[] = [];
  const stack = (await startStackUntyped({
    edgePort: options.edgePort,
    bridgePort: options.bridgePort,
    stateDir,
    // A second stack in the same run can reuse the dashboard the first one built.
    build: options.build ?? true,
    log: (line: string) => {
      logs.push(line);
      if (logs.length > 500) logs.shift();
    },
    bridgeEnv: { LOG_LEVEL: "warn", ...options.bridgeEnv },
    // Load generators open many sockets per user: lift the per-user socket limit (10 for real users).
    edgeVars: { WS_MAX_SOCKETS_PER_USER: "100000", ...options.edgeVars },
    edgeEnv: { X_LOCAL_OBSERVABILITY: "false" },
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
  })) as UntypedStack;
  try {
    await stack.ready(180_000);
  } catch (err) {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${logs.slice(-40).join("\n")}`);
  }
  const edgePid = stack.processes().edge.child.pid;
  const direct = await findDirectUrl(options.edgePort, edgePid);
  const perf: PerfStack = {
    edgeUrl: stack.edgeUrl,
    bridgeUrl: stack.bridgeUrl,
    directUrl: direct ?? stack.edgeUrl,
    directFound: direct !== undefined,
    async ensureDirect() {
      const alive = async (url: string) => {
        try {
          return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).ok;
        } catch {
          return false;
        }
      };
      if (await alive(perf.directUrl)) return undefined;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const found = await findDirectUrl(options.edgePort, edgePid);
        if (found && (await alive(found))) {
          const from = perf.directUrl;
          perf.directUrl = found;
          return { from, to: found };
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`the edge stopped answering on ${perf.directUrl} and no workerd socket was found again\n${logs.slice(-30).join("\n")}`);
    },
    processGroups: () => ({ edge: stack.processes().edge.child.pid, bridge: stack.processes().bridge.child.pid }),
    stateDir,
    stopBridge: () => stack.stopBridge(),
    startBridge: (overrides) => stack.startBridge(overrides),
    async stop() {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
    logs,
  };
  return perf;
}
