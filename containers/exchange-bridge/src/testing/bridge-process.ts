/**
 * Test helper: the real bridge process, `node --import tsx src/main.ts` as `npm start` runs it,
 * with only the environment given (plus PATH). Its stdout JSON log lines are collected (a line
 * that is not JSON throws: the bridge logs nothing else), stderr too (prefixed `stderr: `), and
 * `url` resolves once its HTTP server listens.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

export interface BridgeProcess {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port> once the HTTP server listens; rejects if the process exits first. */
  readonly url: Promise<string>;
  /** The exit code; null when a signal ended the process. */
  readonly exit: Promise<number | null>;
  /** Every stdout line as written, and stderr chunks as `stderr: …`. */
  readonly lines: string[];
  /** The stdout lines parsed. */
  logs(): Array<Record<string, unknown>>;
}

export function spawnBridge(env: Record<string, string>): BridgeProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let buffered = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if (parsed.msg === "http server listening") resolve(`http://127.0.0.1:${parsed.port}`);
      }
    });
    child.on("exit", (code) => reject(new Error(`bridge exited (${code}) before listening:\n${lines.join("\n")}`)));
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => lines.push(`stderr: ${chunk}`));
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const logs = () => lines.filter((l) => !l.startsWith("stderr: ")).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, url, exit, lines, logs };
}

/** SIGKILLs every process of the list still running (a test's afterAll/afterEach). */
export function killBridges(processes: readonly BridgeProcess[]): void {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
}
