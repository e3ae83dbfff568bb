/** What the perf CLIs share: output, directories from flags/env, and the "run when main" guard. */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Where a CLI writes and what environment it reads; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

/** The real console and environment. */
export const processIo: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
};

/** perf/ (this file is perf/src/cli/common.ts). */
export const PERF_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface PerfDirs {
  resultsDir: string;
  baselinesDir: string;
}

/**
 * The results and baselines directories: a flag wins, then PERF_RESULTS_DIR / PERF_BASELINES_DIR,
 * then perf/results and perf/baselines (empty values count as unset). Relative paths resolve
 * against the working directory.
 */
export function perfDirs(flags: { results?: string | undefined; baselines?: string | undefined }, env: CliIo["env"]): PerfDirs {
  return {
    resultsDir: resolve(flags.results || env.PERF_RESULTS_DIR || resolve(PERF_ROOT, "results")),
    baselinesDir: resolve(flags.baselines || env.PERF_BASELINES_DIR || resolve(PERF_ROOT, "baselines")),
  };
}

/**
 * Runs `main` with the command-line arguments when `moduleUrl` is the entry script (e.g.
 * `tsx perf/src/cli/report.ts`), setting the exit code; does nothing when the module is imported.
 */
export function runIfMain(moduleUrl: string, main: (argv: string[]) => Promise<number>): void {
  const entry = process.argv[1];
  if (!entry || !isEntry(moduleUrl, entry)) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    },
  );
}

function isEntry(moduleUrl: string, entry: string): boolean {
  const candidates = [pathToFileURL(resolve(entry)).href];
  try {
    candidates.push(pathToFileURL(realpathSync(entry)).href);
  } catch {
    // not a file on disk (e.g. a loader-provided entry): the plain path is all there is
  }
  const module = moduleUrl.replace(/[?#].*$/, "");
  return candidates.includes(module);
}
