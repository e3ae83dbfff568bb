/** Reads perf/results/*.json: every file validated against the schema, every problem naming its file. */
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { z } from "zod";
import { ScenarioResult } from "../result-schema";

export interface LoadedResult {
  file: string;
  result: ScenarioResult;
}

export interface LoadedResults {
  /** Valid results, sorted by file name. */
  results: LoadedResult[];
  /** One message per unusable file, each starting with the file's path. */
  errors: string[];
}

/**
 * Loads every `*.json` directly in `dir` (not sub-directories) as a `ScenarioResult`. A file that
 * is not JSON, does not match the schema, or whose `scenario` differs from its name is an error.
 * A directory that does not exist holds no results.
 */
export async function loadResults(dir: string): Promise<LoadedResults> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith(".json")).map((e) => e.name);
  } catch (err) {
    if (err instanceof Error && "code" in err && err.code === "ENOENT") return { results: [], errors: [] };
    throw err;
  }
  const results: LoadedResult[] = [];
  const errors: string[] = [];
  for (const name of names.sort()) {
    const file = join(dir, name);
    const outcome = parseResult(file, await readFile(file, "utf8"));
    if (typeof outcome === "string") errors.push(outcome);
    else results.push({ file, result: outcome });
  }
  return { results, errors };
}

/** Parses one result file's text; returns the result, or an error message naming the file. */
export function parseResult(file: string, text: string): ScenarioResult | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  const parsed = ScenarioResult.safeParse(json);
  if (!parsed.success) return `${file}: not a valid scenario result:\n${z.prettifyError(parsed.error)}`;
  const expected = basename(file, ".json");
  if (parsed.data.scenario !== expected) return `${file}: holds scenario "${parsed.data.scenario}", but the file name says "${expected}"`;
  return parsed.data;
}
