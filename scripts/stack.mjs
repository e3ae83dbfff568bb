// Starts the whole local system: D1 migrations, the exchange bridge (market simulator) and the
// edge Worker under `wrangler dev`. Used by `npm start`, the browser tests and the perf harness.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureDevVars } from "./dev-vars.mjs";

export const ROOT = new URL("..", import.meta.url).pathname;
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

const baseEnv = () => ({
  ...process.env,
  CI: "true", // wrangler: no interactive prompts
  CLOUDFLARE_CF_FETCH_ENABLED: "false", // no internet for Request.cf
  WRANGLER_SEND_METRICS: "false",
  NO_COLOR: "1",
});

/** Runs the dashboard build (vite). */
export function buildWeb({ quiet = false } = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", quiet ? "warn" : "info"], {
    cwd: join(ROOT, "web"),
    stdio: "inherit",
    // Always the production build, also when called from inside vitest (which sets NODE_ENV=test:
    // Vite then resolves packages' development builds, e.g. +12 KB gzip of lightweight-charts).
    env: { ...baseEnv(), NODE_ENV: "production" },
  });
  if (r.status !== 0) throw new Error("dashboard build failed");
}

function applyMigrations(stateDir) {
  const r = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
    cwd: ROOT,
    env: baseEnv(),
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`D1 migrations failed:\n${r.stdout}\n${r.stderr}`);
}

/** Polls a URL until it answers 200 or the timeout passes. */
export async function waitFor(url, timeoutMs, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process exited while waiting for ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = String(err?.cause?.code ?? err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

function startProcess(name, args, env, log) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (line) => log(`[${name}] ${line}`);
  for (const stream of [child.stdout, child.stderr]) {
    let buf = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      buf += chunk;
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const l of lines) if (l.trim()) prefix(l);
    });
  }
  const proc = { child, exited: false, exitCode: null };
  child.on("exit", (code, signal) => {
    proc.exited = true;
    proc.exitCode = code ?? signal;
  });
  return proc;
}

/** Stops a started process group: SIGTERM, then SIGKILL after a grace period. */
async function stopProcess(proc, graceMs = 5000) {
  if (!proc || proc.exited) return;
  const pid = proc.child.pid;
  const exited = new Promise((r) => proc.child.once("exit", r));
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * @param {{ edgePort?: number, bridgePort?: number, stateDir?: string, log?: (line: string) => void,
 *           bridgeEnv?: Record<string,string>, edgeVars?: Record<string,string>,
 *           edgeEnv?: Record<string,string>, build?: boolean }} options
 */
export async function startStack(options = {}) {
  const edgePort = options.edgePort ?? 8787;
  const bridgePort = options.bridgePort ?? 8788;
  const stateDir = options.stateDir ?? join(ROOT, ".wrangler", "state");
  const log = options.log ?? ((line) => console.log(line));
  mkdirSync(stateDir, { recursive: true });
  const secrets = ensureDevVars(ROOT);
  if (options.build !== false) buildWeb({ quiet: true });
  applyMigrations(stateDir);

  const edgeUrl = `http://127.0.0.1:${edgePort}`;
  const bridgeUrl = `http://127.0.0.1:${bridgePort}`;

  const bridgeArgs = [TSX, join(ROOT, "containers", "exchange-bridge", "src", "main.ts")];
  const bridgeEnvironment = {
    ...baseEnv(),
    PORT: String(bridgePort),
    HOST: "127.0.0.1",
    EDGE_URL: edgeUrl,
    BRIDGE_TOKEN: secrets.BRIDGE_TOKEN,
    DATA_DIR: join(stateDir, "bridge"),
    ...options.bridgeEnv,
  };
  let bridge = startProcess("bridge", bridgeArgs, bridgeEnvironment, log);

  const vars = { BRIDGE_URL: bridgeUrl, ...options.edgeVars };
  const edgeArgs = [
    WRANGLER, "dev",
    "--ip", "127.0.0.1",
    "--port", String(edgePort),
    "--persist-to", stateDir,
    "--show-interactive-dev-session=false",
    "--log-level", "warn",
    // wrangler's DevTools proxy (CPU profiles of the Worker and its Durable Objects: npm run perf:profile).
    ...(options.inspectorPort ? ["--inspector-port", String(options.inspectorPort)] : []),
    ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  let edge = startProcess("edge", edgeArgs, { ...baseEnv(), ...options.edgeEnv }, log);

  const stack = {
    edgeUrl,
    bridgeUrl,
    stateDir,
    async ready(timeoutMs = 180_000) {
      await Promise.all([
        waitFor(`${edgeUrl}/health`, timeoutMs, () => !edge.exited),
        waitFor(`${bridgeUrl}/health`, timeoutMs, () => !bridge.exited),
      ]);
    },
    async stopBridge() {
      await stopProcess(bridge);
    },
    /** Starts the bridge again (if stopped), optionally with overridden settings. */
    async startBridge(overrides = {}) {
      if (!bridge.exited) return;
      bridge = startProcess("bridge", bridgeArgs, { ...bridgeEnvironment, ...overrides }, log);
      await waitFor(`${bridgeUrl}/health`, 60_000, () => !bridge.exited);
    },
    /** Stops the edge (wrangler dev) only: browser tests watch the dashboard lose it. */
    async stopEdge() {
      await stopProcess(edge);
    },
    /** Starts the edge again on the same port and state (if stopped). */
    async startEdge() {
      if (!edge.exited) return;
      edge = startProcess("edge", edgeArgs, { ...baseEnv(), ...options.edgeEnv }, log);
      await waitFor(`${edgeUrl}/health`, 120_000, () => !edge.exited);
    },
    async stop() {
      await Promise.all([stopProcess(bridge), stopProcess(edge)]);
    },
    processes: () => ({ bridge, edge }),
  };
  return stack;
}
