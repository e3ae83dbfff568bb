/** Helpers for the CLI tests: temp directories, captured output, result and baseline files. */
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Baseline, ScenarioResult } from "../result-schema";
import type { CliIo } from "./common";
import { PERF_ROOT } from "./common";

export interface CapturedIo extends CliIo {
  /** Lines printed to stdout. */
  stdout: string[];
  /** Lines printed to stderr. */
  stderr: string[];
  /** Everything printed, stdout then stderr. */
  text(): string;
}

/** A `CliIo` that records output; `env` holds only what is given (no real PERF_* leaks in). */
export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  // Multi-line output is recorded line by line, as a terminal would show it.
  return { stdout, stderr, env, out: (l) => void stdout.push(...l.split("\n")), err: (l) => void stderr.push(...l.split("\n")), text: () => [...stdout, ...stderr].join("\n") };
}

export interface TempPerfDirs {
  root: string;
  results: string;
  baselines: string;
  cleanup(): Promise<void>;
}

/** A fresh temp dir with results/ and baselines/ inside. */
export async function tempPerfDirs(): Promise<TempPerfDirs> {
  const root = await mkdtemp(join(tmpdir(), "perf-cli-"));
  const dirs = { root, results: join(root, "results"), baselines: join(root, "baselines") };
  await mkdir(dirs.results);
  await mkdir(dirs.baselines);
  return { ...dirs, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export async function writeResult(dir: string, result: ScenarioResult): Promise<string> {
  const file = join(dir, `${result.scenario}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export async function writeBaseline(dir: string, baseline: Baseline): Promise<string> {
  const file = join(dir, `${baseline.scenario}.json`);
  await writeFile(file, `${JSON.stringify(baseline, null, 2)}\n`);
  return file;
}

/** Runs a CLI module as a script through tsx (what `npm run` does); resolves even on non-zero exit. */
export async function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = resolve(PERF_ROOT, "..", "node_modules", "tsx", "dist", "cli.mjs");
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, resolve(PERF_ROOT, "src", "cli", script), ...args], {
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}
