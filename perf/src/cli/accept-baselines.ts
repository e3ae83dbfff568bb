/**
 * `tsx perf/src/cli/accept-baselines.ts [scenario …] [--results DIR] [--baselines DIR] [--dry-run]`
 *
 * Accepts the current results' ratios as the baselines (all scenarios, or the ones named),
 * printing what changed. A scenario whose ratios did not change keeps its file untouched, so
 * re-accepting does not churn the acceptance time. An unreadable old baseline is replaced.
 *
 * Exit codes: 0 done, 2 unusable input (bad arguments, unknown scenario, malformed result, no results).
 */
import { parseArgs } from "node:util";
import type { Baseline, Ratio } from "../result-schema";
import { acceptBaseline, BaselineFileError, baselinePath, diffBaselines, diffIsEmpty, loadBaseline, saveBaseline, type BaselineDiff } from "../regression/baselines";
import { loadResults } from "../report/results";
import { perfDirs, processIo, runIfMain, type CliIo } from "./common";

const USAGE = "usage: accept-baselines [scenario …] [--results DIR] [--baselines DIR] [--dry-run]   (env: PERF_RESULTS_DIR, PERF_BASELINES_DIR)";

const show = (r: Ratio): string => `${r.value}${r.goal === undefined ? "" : ` (goal ${r.goal})`}${r.better === "higher" ? " ↑" : ""}`;

/** The lines printed for one scenario's diff. */
export function describeDiff(scenario: string, diff: BaselineDiff, file: string): string[] {
  if (diffIsEmpty(diff)) return [`${scenario}: unchanged`];
  const head = diff.created
    ? `${scenario}: new baseline, ${diff.added.length} ratio(s) → ${file}`
    : `${scenario}: ${diff.changed.length} changed, ${diff.added.length} added, ${diff.removed.length} removed → ${file}`;
  return [
    head,
    ...diff.changed.map((c) => `  ~ ${c.name}  ${show(c.before)} → ${show(c.after)}`),
    ...(diff.created ? [] : diff.added.map((r) => `  + ${r.name}  ${show(r)}`)),
    ...diff.removed.map((r) => `  - ${r.name}  (was ${show(r)})`),
  ];
}

/** Accepts baselines; returns the exit code (see the module comment). */
export async function main(argv: readonly string[], io: CliIo = processIo, now: () => Date = () => new Date()): Promise<number> {
  let parsed: { values: { results?: string | undefined; baselines?: string | undefined; "dry-run"?: boolean | undefined; help?: boolean | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { results: { type: "string" }, baselines: { type: "string" }, "dry-run": { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    io.err(`accept-baselines: ${err instanceof Error ? err.message : String(err)}`);
    io.err(USAGE);
    return 2;
  }
  if (parsed.values.help) {
    io.out(USAGE);
    return 0;
  }
  const { resultsDir, baselinesDir } = perfDirs(parsed.values, io.env);
  const dryRun = parsed.values["dry-run"] === true;

  const loaded = await loadResults(resultsDir);
  if (loaded.errors.length) {
    for (const e of loaded.errors) io.err(`accept-baselines: ${e}`);
    io.err("accept-baselines: nothing accepted");
    return 2;
  }
  if (!loaded.results.length) {
    io.err(`accept-baselines: no results in ${resultsDir} (run \`npm run perf\` first)`);
    return 2;
  }
  const known = loaded.results.map((r) => r.result.scenario);
  const wanted = [...new Set(parsed.positionals)];
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length) {
    io.err(`accept-baselines: no result for ${unknown.join(", ")}; results exist for: ${known.join(", ")}`);
    return 2;
  }
  const chosen = wanted.length ? loaded.results.filter((r) => wanted.includes(r.result.scenario)) : loaded.results;

  let written = 0;
  for (const { result } of chosen) {
    let before: Baseline | undefined;
    try {
      before = await loadBaseline(baselinesDir, result.scenario);
    } catch (err) {
      if (!(err instanceof BaselineFileError)) throw err;
      io.err(`accept-baselines: replacing an unreadable baseline: ${err.message.split("\n")[0] ?? ""}`);
    }
    const next = acceptBaseline(result, now());
    const diff = diffBaselines(before, next);
    const file = baselinePath(baselinesDir, result.scenario);
    for (const line of describeDiff(result.scenario, diff, file)) io.out(line);
    if (diffIsEmpty(diff)) continue;
    if (!dryRun) await saveBaseline(baselinesDir, next);
    written++;
  }
  io.out(dryRun ? `accept-baselines: dry run, ${written} baseline(s) would be written` : `accept-baselines: ${written} baseline(s) written to ${baselinesDir}`);
  return 0;
}

runIfMain(import.meta.url, (argv) => main(argv));
