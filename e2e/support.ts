/** Shared by browser tests: the real local stack on free ports, and Debian's Chromium. */
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { startStack as startStackUntyped } from "../scripts/stack.mjs";

export interface Stack {
  edgeUrl: string;
  bridgeUrl: string;
  stateDir: string;
  ready(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  stopBridge(): Promise<void>;
  startBridge(): Promise<void>;
  stopEdge(): Promise<void>;
  startEdge(): Promise<void>;
}

export const SCREENSHOTS = join(process.cwd(), "test-results", "screenshots");

/**
 * Polls `probe` every `everyMs` until it returns something other than undefined. A probe that
 * throws counts as "not yet" (a process that is restarting refuses connections); after
 * `timeoutMs` it fails naming `what` and the probe's last error.
 */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts edge + bridge with a throw-away state directory. The dashboard is built by `npm test`.
 * A free port can be taken by another process between the probe and wrangler's bind (other
 * suites start stacks on this shared machine too): on "Address already in use" the stack is
 * started once more on fresh ports.
 */
export async function startTestStack(attempt = 1): Promise<Stack & { cleanup(): Promise<void>; logs: string[] }> {
  const stateDir = mkdtempSync(join(tmpdir(), "bot-core-e2e-"));
  const logs: string[] = [];
  const stack = (await startStackUntyped({
    edgePort: await freePort(),
    bridgePort: await freePort(),
    stateDir,
    build: false,
    log: (line: string) => logs.push(line),
  })) as Stack;
  try {
    await stack.ready(180_000);
  } catch (err) {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
    if (attempt < 2 && logs.some((l) => /Address already in use|EADDRINUSE/.test(l))) return startTestStack(attempt + 1);
    throw new Error(`${err instanceof Error ? err.message : err}\n--- stack output ---\n${logs.slice(-60).join("\n")}`);
  }
  return {
    ...stack,
    logs,
    async cleanup() {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}
