/**
 * `tsx perf/src/cli/report.ts [--results DIR] [--baselines DIR] [--tolerance X]`
 *
 * Reads every perf/results/*.json, compares each with its baseline in perf/baselines/, and
 * writes perf/results/<scenario>.md, perf/results/charts/<scenario>-{latency,throughput}.svg and
 * perf/results/README.md; prints compact tables (p50/p95/p99 and throughput per measurement,
 * then every ratio against its baseline).
 *
 * Exit codes: 0 ok (medium regressions only warn), 1 a high or critical regression, 2 unusable
 * input (bad arguments, a malformed result or baseline, no results).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BaselineFileError, loadBaseline } from "../regression/baselines";
import { compareToBaseline, isFailing, worstSeverity, type ComparisonReport } from "../regression/compare";
import { chartFileNames, latencyChartFor, throughputChartFor } from "../report/charts";
import { renderConsoleMeasurements, renderConsoleTable } from "../report/console";
import { renderIndexMarkdown, renderScenarioMarkdown } from "../report/markdown";
import { loadResults } from "../report/results";
import { perfDirs, processIo, runIfMain, type CliIo } from "./common";

const USAGE = "usage: report [--results DIR] [--baselines DIR] [--tolerance X]   (env: PERF_RESULTS_DIR, PERF_BASELINES_DIR, PERF_TOLERANCE)";

/** Runs the report; returns the exit code (see the module comment). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let flags: { results?: string | undefined; baselines?: string | undefined; tolerance?: string | undefined; help?: boolean | undefined };
  try {
    flags = parseArgs({
      args: [...argv],
      options: { results: { type: "string" }, baselines: { type: "string" }, tolerance: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (err) {
    io.err(`report: ${err instanceof Error ? err.message : String(err)}`);
    io.err(USAGE);
    return 2;
  }
  if (flags.help) {
    io.out(USAGE);
    return 0;
  }
  const toleranceText = flags.tolerance ?? io.env.PERF_TOLERANCE;
  const tolerance = toleranceText === undefined || toleranceText === "" ? 1 : Number(toleranceText);
  if (!Number.isFinite(tolerance) || tolerance < 1) {
    io.err(`report: tolerance must be a number >= 1, got ${JSON.stringify(toleranceText)}`);
    return 2;
  }
  const { resultsDir, baselinesDir } = perfDirs(flags, io.env);

  const loaded = await loadResults(resultsDir);
  if (loaded.errors.length) {
    for (const e of loaded.errors) io.err(`report: ${e}`);
    io.err(`report: ${loaded.errors.length} unusable result file(s); nothing written`);
    return 2;
  }
  if (!loaded.results.length) {
    io.err(`report: no results in ${resultsDir} (run \`npm run perf\` first)`);
    return 2;
  }

  const comparisons: ComparisonReport[] = [];
  const baselineErrors: string[] = [];
  for (const { result } of loaded.results) {
    try {
      comparisons.push(compareToBaseline(result, await loadBaseline(baselinesDir, result.scenario), { tolerance }));
    } catch (err) {
      if (!(err instanceof BaselineFileError)) throw err;
      baselineErrors.push(err.message);
    }
  }
  if (baselineErrors.length) {
    for (const e of baselineErrors) io.err(`report: ${e}`);
    io.err("report: fix or re-accept the baseline(s) (`npm run perf:accept`); nothing written");
    return 2;
  }

  const chartsDir = join(resultsDir, "charts");
  await mkdir(chartsDir, { recursive: true });
  for (const [i, { result }] of loaded.results.entries()) {
    const names = chartFileNames(result.scenario);
    await writeFile(join(chartsDir, names.latency), latencyChartFor(result));
    await writeFile(join(chartsDir, names.throughput), throughputChartFor(result));
    const md = renderScenarioMarkdown(result, comparisons[i]!, { latency: `charts/${names.latency}`, throughput: `charts/${names.throughput}` });
    await writeFile(join(resultsDir, `${result.scenario}.md`), md);
  }
  await writeFile(join(resultsDir, "README.md"), renderIndexMarkdown(loaded.results.map((r) => r.result), comparisons));

  io.out(renderConsoleMeasurements(loaded.results.map((r) => r.result)));
  io.out("");
  io.out(renderConsoleTable(comparisons));
  io.out(`report: ${loaded.results.length} scenario(s) → ${join(resultsDir, "README.md")}`);
  const overall = worstSeverity(comparisons.map((c) => c.worst));
  if (overall === "medium") io.err("report: warning: medium regression(s); not failing the run");
  if (isFailing(overall)) {
    io.err(`report: ${overall} regression(s): failing the run (accept intended changes with \`npm run perf:accept\`)`);
    return 1;
  }
  return 0;
}

runIfMain(import.meta.url, (argv) => main(argv));
