/** The compact plain-text tables the report CLI prints. */
import type { ScenarioResult } from "../result-schema";
import { isFailing, missedGoals, worstSeverity, type ComparisonReport } from "../regression/compare";
import { formatFactor, formatNumber, formatRate } from "./format";

/** Pads columns; the columns whose index is in `right` are right-aligned (numbers). */
function columns(rows: string[][], right: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, Array.from(c).length)));
  return rows.map((r) =>
    r
      .map((c, i) => {
        const pad = " ".repeat((widths[i] ?? 0) - Array.from(c).length);
        return right.has(i) ? pad + c : c + pad;
      })
      .join("  ")
      .trimEnd(),
  );
}

/** One line per measurement: p50/p95/p99 (ms, client side), throughput with unit, errors. */
export function renderConsoleMeasurements(results: readonly ScenarioResult[]): string {
  const rows = [["scenario", "measurement", "p50 ms", "p95 ms", "p99 ms", "throughput", "errors"]];
  for (const r of results) {
    for (const m of r.measurements) {
      rows.push([r.scenario, m.label, formatNumber(m.latencyMs.p50), formatNumber(m.latencyMs.p95), formatNumber(m.latencyMs.p99), `${formatRate(m.throughput)} ${m.unit}`, formatRate(m.errors)]);
    }
  }
  return columns(rows, new Set([2, 3, 4, 5, 6])).join("\n");
}

/**
 * One line per ratio (scenario, ratio, value, baseline, factor, severity), then the missed
 * goals and an overall line.
 */
export function renderConsoleTable(comparisons: readonly ComparisonReport[]): string {
  const rows = [["scenario", "ratio", "value", "baseline", "factor", "severity"]];
  for (const c of comparisons) {
    for (const r of c.ratios) {
      rows.push([c.scenario, r.name, r.current === undefined ? "—" : formatNumber(r.current), r.baseline === undefined ? "—" : formatNumber(r.baseline), formatFactor(r.factor), r.severity]);
    }
  }
  const lines = columns(rows, new Set([2, 3, 4]));
  const goals = comparisons.flatMap((c) => missedGoals(c).map((g) => `goal missed: ${c.scenario} ${g.name} = ${formatNumber(g.value)}, goal ${g.better === "lower" ? "≤" : "≥"} ${formatNumber(g.goal)}`));
  const overall = worstSeverity(comparisons.map((c) => c.worst));
  return [...lines, ...goals, `overall: ${overall}${isFailing(overall) ? " (fails)" : ""}`].join("\n");
}
