/**
 * Baselines on disk: perf/baselines/<scenario>.json, one per scenario, each the ratios accepted
 * as normal for it (not absolute numbers: those drift with the machine).
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { Baseline, type Ratio, type ScenarioResult } from "../result-schema";

const SCENARIO_NAME = /^[a-z0-9-]+$/;

/** A baseline file that exists but cannot be used; the message names the file. */
export class BaselineFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "BaselineFileError";
  }
}

/** The path of a scenario's baseline. Throws for names that are not `[a-z0-9-]+` (no path tricks). */
export function baselinePath(dir: string, scenario: string): string {
  if (!SCENARIO_NAME.test(scenario)) throw new RangeError(`not a scenario name: ${JSON.stringify(scenario)}`);
  return join(dir, `${scenario}.json`);
}

/**
 * Loads a scenario's baseline; undefined when the file does not exist. Throws a
 * `BaselineFileError` naming the file when it is not JSON, does not match the schema, or belongs
 * to another scenario.
 */
export async function loadBaseline(dir: string, scenario: string): Promise<Baseline | undefined> {
  const file = baselinePath(dir, scenario);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if (isNodeError(err) && err.code === "ENOENT") return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BaselineFileError(file, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = Baseline.safeParse(json);
  if (!parsed.success) throw new BaselineFileError(file, `not a valid baseline:\n${z.prettifyError(parsed.error)}`);
  if (parsed.data.scenario !== scenario) {
    throw new BaselineFileError(file, `holds the baseline of "${parsed.data.scenario}", not "${scenario}"`);
  }
  return parsed.data;
}

/**
 * Writes a baseline to `<dir>/<scenario>.json` (pretty JSON, trailing newline), creating the
 * directory if needed. The write goes through a temporary file and a rename, so a crash never
 * leaves half a baseline. Returns the path written.
 */
export async function saveBaseline(dir: string, baseline: Baseline): Promise<string> {
  const valid = Baseline.parse(baseline);
  const file = baselinePath(dir, valid.scenario);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(valid, null, 2)}\n`, "utf8");
  await rename(tmp, file);
  return file;
}

/** A baseline built from a result: its ratios (copied), its machine, accepted at `now`. */
export function acceptBaseline(result: ScenarioResult, now: Date = new Date()): Baseline {
  return Baseline.parse({
    scenario: result.scenario,
    acceptedAt: now.toISOString(),
    machine: structuredClone(result.machine),
    ratios: result.ratios.map((r) => ({ ...r })),
  });
}

function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && "code" in err;
}

/** What accepting a new baseline changes, ratio by ratio. */
export interface BaselineDiff {
  /** True when there was no baseline before. */
  created: boolean;
  changed: { name: string; before: Ratio; after: Ratio }[];
  added: Ratio[];
  removed: Ratio[];
}

/**
 * Compares an existing baseline (if any) with the one about to replace it. A ratio has changed
 * when its value, direction or goal differs. The machine and acceptance time are not compared.
 */
export function diffBaselines(before: Baseline | undefined, after: Baseline): BaselineDiff {
  const old = new Map((before?.ratios ?? []).map((r) => [r.name, r]));
  const next = new Map(after.ratios.map((r) => [r.name, r]));
  const same = (a: Ratio, b: Ratio) => a.value === b.value && a.better === b.better && a.goal === b.goal;
  return {
    created: before === undefined,
    changed: [...next.values()].flatMap((r) => {
      const prev = old.get(r.name);
      return prev && !same(prev, r) ? [{ name: r.name, before: prev, after: r }] : [];
    }),
    added: [...next.values()].filter((r) => !old.has(r.name)),
    removed: [...old.values()].filter((r) => !next.has(r.name)),
  };
}

/** Whether a diff changes anything (a new baseline always does). */
export function diffIsEmpty(diff: BaselineDiff): boolean {
  return !diff.created && diff.changed.length === 0 && diff.added.length === 0 && diff.removed.length === 0;
}
