/**
 * The markdown summaries: one per scenario (perf/results/<scenario>.md) and an index
 * (perf/results/README.md). Deterministic: no generation time, so an unchanged run gives an
 * unchanged file.
 */
import type { Measurement, ScenarioResult } from "../result-schema";
import { FAILING_SEVERITIES, missedGoals, SEVERITY_BANDS, worstSeverity, type ComparisonReport, type GoalCheck, type RatioComparison, type Severity } from "../regression/compare";
import { formatFactor, formatNumber, formatRate } from "./format";

/** Chart image paths, relative to the markdown file. A missing one is not linked. */
export interface ChartFiles {
  latency?: string;
  throughput?: string;
}

const REGRESSIONS: ReadonlySet<Severity> = new Set<Severity>(["medium", "high", "critical"]);

/**
 * Free text for markdown: neutralises what could start raw HTML (`<` before a letter, `/`, `!`
 * or `?`) or an entity, and leaves everything else readable ("p95 < 100 ms" stays as is).
 */
export function escapeMarkdownText(s: string): string {
  return s.replace(/&(?=#?[A-Za-z0-9]+;)/g, "&amp;").replace(/<(?=[A-Za-z/!?])/g, "&lt;");
}

/** A table cell: free text on one line, with pipes escaped. */
function cell(s: string): string {
  return escapeMarkdownText(s).replace(/\r?\n|\r/g, " ").replace(/\|/g, "\\|");
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ")}\``;
}

function table(header: string[], align: ("l" | "r")[], rows: string[][]): string {
  const sep = align.map((a) => (a === "r" ? "--:" : "---"));
  return [header, sep, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** A severity as shown in markdown: regressions in bold. */
export function severityLabel(s: Severity): string {
  return REGRESSIONS.has(s) || s === "invalid" ? `**${s}**` : s;
}

function goalCell(goal: GoalCheck | undefined): string {
  if (!goal) return "—";
  const sign = goal.better === "lower" ? "≤" : "≥";
  return `${sign} ${formatNumber(goal.goal)} ${goal.status === "met" ? "met" : "**missed**"}`;
}

function severityCell(r: RatioComparison): string {
  const showReason = r.reason && r.severity !== "new" && r.severity !== "missing";
  return showReason ? `${severityLabel(r.severity)} (${cell(r.reason ?? "")})` : severityLabel(r.severity);
}

function ratioTable(comparison: ComparisonReport): string {
  const goals = new Map(comparison.goals.map((g) => [g.name, g]));
  const rows = comparison.ratios.map((r) => [
    code(r.name),
    r.better,
    r.current === undefined ? "—" : formatNumber(r.current),
    r.baseline === undefined ? "—" : formatNumber(r.baseline),
    formatFactor(r.factor),
    severityCell(r),
    r.current === undefined ? "—" : goalCell(goals.get(r.name)),
  ]);
  return table(["Ratio", "Better", "Value", "Baseline", "Factor", "Severity", "Goal"], ["l", "l", "r", "r", "r", "l", "l"], rows);
}

const ms = (v: number): string => formatNumber(v);

function errorsCell(m: Measurement): string {
  if (m.errors === 0) return "0";
  const share = m.total > 0 ? ` (${formatNumber((100 * m.errors) / m.total)}%)` : "";
  return `**${formatRate(m.errors)}**${share}`;
}

function repeatsCell(m: Measurement): string {
  if (m.repeats.length < 2) return m.repeats.length ? "1" : "—";
  const p50s = m.repeats.map((r) => r.p50);
  return `${m.repeats.length}: p50 ${ms(Math.min(...p50s))}–${ms(Math.max(...p50s))}`;
}

function measurementTable(result: ScenarioResult): string {
  const withServer = result.measurements.some((m) => m.serverLatencyMs);
  const withRepeats = result.measurements.some((m) => m.repeats.length > 1);
  const header = ["Measurement", "Role", "Conc.", "p50", "p95", "p99", "max"];
  const align: ("l" | "r")[] = ["l", "l", "r", "r", "r", "r", "r"];
  if (withServer) {
    header.push("Server p50 / p95 / p99");
    align.push("r");
  }
  header.push("Throughput", "Errors");
  align.push("r", "r");
  if (withRepeats) {
    header.push("Repeats (spread)");
    align.push("l");
  }
  const rows = result.measurements.map((m) => {
    const row = [cell(m.label), m.role, String(m.concurrency), ms(m.latencyMs.p50), ms(m.latencyMs.p95), ms(m.latencyMs.p99), ms(m.latencyMs.max)];
    if (withServer) row.push(m.serverLatencyMs ? `${ms(m.serverLatencyMs.p50)} / ${ms(m.serverLatencyMs.p95)} / ${ms(m.serverLatencyMs.p99)}` : "—");
    row.push(`${formatRate(m.throughput)} ${m.unit}`, errorsCell(m));
    if (withRepeats) row.push(repeatsCell(m));
    return row;
  });
  return table(header, align, rows);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function verdictLine(comparison: ComparisonReport): string {
  const regressions = comparison.ratios.filter((r) => REGRESSIONS.has(r.severity)).length;
  const missed = missedGoals(comparison).length;
  const fails = FAILING_SEVERITIES.has(comparison.worst);
  const parts = [`**Verdict: ${comparison.worst}**${fails ? " (fails the run)" : ""}`, plural(regressions, "regression"), `${plural(missed, "goal")} missed`];
  const base = comparison.baselineAcceptedAt
    ? `Compared with the baseline accepted ${comparison.baselineAcceptedAt}${comparison.tolerance !== 1 ? `, bands widened ×${comparison.tolerance}` : ""}.`
    : `No baseline yet: every ratio is new. Accept this run's ratios with \`npm run perf:accept -- ${comparison.scenario}\`.`;
  return `${parts.join(" · ")}. ${base}`;
}

function machineLine(result: ScenarioResult): string {
  const m = result.machine;
  return escapeMarkdownText(
    `${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, Node ${m.node}, ${m.platform}; load average ${m.loadavg.map((l) => l.toFixed(2)).join(" / ")}. Run started ${result.startedAt}.`,
  );
}

const BANDS_TEXT = `factor > ${SEVERITY_BANDS.medium}× is medium (warns), > ${SEVERITY_BANDS.high}× high, > ${SEVERITY_BANDS.critical}× critical (both fail the run)`;

/**
 * A scenario's summary: verdict, ratios against the baseline (with goals), measurements
 * (client and server latency, throughput, errors, spread over repeats), charts, notes, machine.
 */
export function renderScenarioMarkdown(result: ScenarioResult, comparison: ComparisonReport, chartFiles: ChartFiles = {}): string {
  const out: string[] = [`# ${escapeMarkdownText(result.scenario)}`, "", escapeMarkdownText(result.description), "", verdictLine(comparison), ""];
  out.push("## Ratios", "");
  out.push(`Each ratio is a target figure over a baseline figure measured in the same run. Factor: how many times worse than the accepted baseline; ${BANDS_TEXT}.`, "");
  out.push(comparison.ratios.length ? ratioTable(comparison) : "_This scenario has no ratios._", "");
  out.push("## Measurements", "");
  const serverNote = result.measurements.some((m) => m.serverLatencyMs) ? " Server columns: the server's own timing (Server-Timing), next to the client's." : "";
  out.push(`Latency in ms as the client saw it, median over repeats.${serverNote}`, "", measurementTable(result), "");
  const charts: string[] = [];
  if (chartFiles.latency) charts.push(`![${escapeMarkdownText(result.scenario)}: latency p50 / p95 / p99](${encodeURI(chartFiles.latency)})`);
  if (chartFiles.throughput) charts.push(`![${escapeMarkdownText(result.scenario)}: throughput over time](${encodeURI(chartFiles.throughput)})`);
  if (charts.length) out.push("## Charts", "", charts.join("\n\n"), "");
  if (result.notes.length) out.push("## Notes", "", ...result.notes.map((n) => `- ${escapeMarkdownText(n).replace(/\r?\n|\r/g, " ")}`), "");
  out.push("## Machine", "", machineLine(result), "");
  return out.join("\n");
}

/**
 * The index of a run: every scenario with its worst severity, regression and goal counts, linked
 * to its summary (`<scenario>.md`). Comparisons are matched to results by scenario name.
 */
export function renderIndexMarkdown(results: readonly ScenarioResult[], comparisons: readonly ComparisonReport[]): string {
  const byName = new Map(comparisons.map((c) => [c.scenario, c]));
  const rows = results.map((r) => {
    const c = byName.get(r.scenario);
    const regressions = c ? String(c.ratios.filter((x) => REGRESSIONS.has(x.severity)).length) : "—";
    const missed = c ? String(missedGoals(c).length) : "—";
    return [`[${escapeMarkdownText(r.scenario)}](${encodeURI(`${r.scenario}.md`)})`, c ? severityLabel(c.worst) : "not compared", regressions, missed, cell(r.description), cell(r.startedAt)];
  });
  const overall = worstSeverity(comparisons.map((c) => c.worst));
  const fails = FAILING_SEVERITIES.has(overall);
  return [
    "# Performance results",
    "",
    "Every figure is compared as a ratio to a baseline measured in the same run on the same machine (absolute numbers drift on shared machines); regressions compare those ratios with the accepted ones in `perf/baselines/`.",
    "",
    `**Overall: ${overall}**${fails ? " — the run fails." : "."}`,
    "",
    results.length ? table(["Scenario", "Worst", "Regressions", "Goals missed", "What", "Started"], ["l", "l", "r", "r", "l", "l"], rows) : "_No results._",
    "",
    `Severity: ${BANDS_TEXT}; "new" and "missing" ratios and missed goals are reported, not failing. Accept the current ratios as the new baselines with \`npm run perf:accept\`.`,
    "",
  ].join("\n");
}
