/**
 * handleSummary: a short text report on stdout and `summary.json` (SUMMARY_PATH) for regression
 * checks. The JSON keeps k6's metrics and adds a flat list of thresholds with pass/fail; setup data
 * is left out, because it carries the pool's passwords and tokens.
 *
 * jslib's textSummary (https://jslib.k6.io/k6-summary/…) is not used: a remote import has no
 * types, and vitest could not load it; this report shows what a trading run needs.
 */
import { BASE_URL, SUMMARY_PATH } from "./config.ts";

/** The parts of k6's summary data this module reads. */
export interface SummaryMetric {
  type: "counter" | "gauge" | "rate" | "trend";
  contains?: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryCheck {
  name: string;
  passes: number;
  fails: number;
}

export interface SummaryGroup {
  name: string;
  groups?: SummaryGroup[] | Record<string, SummaryGroup>;
  checks?: SummaryCheck[] | Record<string, SummaryCheck>;
}

export interface SummaryData {
  metrics: Record<string, SummaryMetric>;
  root_group?: SummaryGroup;
  state?: { testRunDurationMs?: number };
  setup_data?: unknown;
  [key: string]: unknown;
}

export interface ThresholdResult {
  metric: string;
  threshold: string;
  ok: boolean;
}

export function thresholdResults(data: SummaryData): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const name of Object.keys(data.metrics).sort()) {
    const t = data.metrics[name]!.thresholds;
    if (!t) continue;
    for (const [threshold, r] of Object.entries(t)) out.push({ metric: name, threshold, ok: r.ok });
  }
  return out;
}

function listOf<T>(v: T[] | Record<string, T> | undefined): T[] {
  if (!v) return [];
  return Array.isArray(v) ? v : Object.values(v);
}

export function allChecks(group: SummaryGroup | undefined): SummaryCheck[] {
  if (!group) return [];
  return [...listOf(group.checks), ...listOf(group.groups).flatMap(allChecks)];
}

function fmt(n: number | undefined, contains?: string): string {
  if (n === undefined || !Number.isFinite(n)) return "-";
  if (contains === "time") return n >= 1000 ? `${(n / 1000).toFixed(2)}s` : `${n.toFixed(2)}ms`;
  if (contains === "data") return n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} kB`;
  return Number.isInteger(n) ? String(n) : n.toFixed(4);
}

function describeMetric(m: SummaryMetric): string {
  const v = m.values;
  switch (m.type) {
    case "trend":
      return ["avg", "med", "p(95)", "p(99)", "max"]
        .filter((k) => k in v)
        .map((k) => `${k}=${fmt(v[k], m.contains)}`)
        .join(" ");
    case "rate":
      return `${((v.rate ?? 0) * 100).toFixed(2)}% (${v.passes ?? 0} true / ${v.fails ?? 0} false)`;
    case "counter":
      return `${fmt(v.count, m.contains)} (${fmt(v.rate)}/s)`;
    case "gauge":
      return `${fmt(v.value, m.contains)} (min ${fmt(v.min, m.contains)}, max ${fmt(v.max, m.contains)})`;
  }
}

/** The stdout report: verdict, thresholds, failing checks, and every metric that has a threshold or is ours. */
export function textReport(script: string, data: SummaryData): string {
  const thresholds = thresholdResults(data);
  const failed = thresholds.filter((t) => !t.ok);
  const checks = allChecks(data.root_group);
  const lines: string[] = [];
  const seconds = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(1);
  lines.push("", `${script} against ${BASE_URL}: ${failed.length === 0 ? "PASSED" : `FAILED (${failed.length} of ${thresholds.length} thresholds)`} in ${seconds}s`, "");
  lines.push("thresholds:");
  for (const t of thresholds) lines.push(`  ${t.ok ? "ok  " : "FAIL"} ${t.metric}: ${t.threshold}`);
  const failingChecks = checks.filter((c) => c.fails > 0);
  lines.push("", `checks: ${checks.reduce((n, c) => n + c.passes, 0)} passed, ${checks.reduce((n, c) => n + c.fails, 0)} failed`);
  for (const c of failingChecks) lines.push(`  FAIL ${c.name}: ${c.fails} of ${c.passes + c.fails}`);
  lines.push("", "metrics:");
  const width = Math.max(0, ...Object.keys(data.metrics).map((k) => k.length));
  for (const name of Object.keys(data.metrics).sort()) {
    lines.push(`  ${name.padEnd(width)}  ${describeMetric(data.metrics[name]!)}`);
  }
  lines.push("");
  return lines.join("\n");
}

/** The machine-readable summary: k6's data without setup_data, plus the verdict. */
export function jsonReport(script: string, data: SummaryData): string {
  const { setup_data: _secrets, ...rest } = data;
  const thresholds = thresholdResults(data);
  return JSON.stringify(
    { script, baseUrl: BASE_URL, passed: thresholds.every((t) => t.ok), thresholds, checks: allChecks(data.root_group), ...rest },
    null,
    2,
  );
}

/** What every script's handleSummary returns: stdout text and the JSON file. */
export function summaryOutputs(script: string, data: SummaryData): Record<string, string> {
  return { stdout: textReport(script, data), [SUMMARY_PATH]: jsonReport(script, data) };
}
