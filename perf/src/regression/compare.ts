/**
 * Regression check: compares a scenario's ratios with the ratios accepted as its baseline.
 *
 * Every figure here is a ratio (target / baseline measured in the same run), so a factor of 2
 * means "twice as far from the same-run baseline as when the baseline was accepted", whatever
 * the machine. Pure functions, no I/O.
 */
import type { Baseline, Ratio, ScenarioResult } from "../result-schema";

/**
 * Severity bands on the regression factor (how many times worse than the baseline). A factor
 * exactly on a band's edge is NOT above it: 1.5 is "ok", 2 is "medium", 3 is "high".
 */
export const SEVERITY_BANDS = { medium: 1.5, high: 2, critical: 3 } as const;

/** The severities that fail a run (the report CLI exits 1); anything else only warns or informs. */
export const FAILING_SEVERITIES: ReadonlySet<Severity> = new Set<Severity>(["high", "critical"]);

/**
 * - `critical` / `high` / `medium`: the factor is above that band;
 * - `ok`: within the bands; `improved`: better than the baseline by more than the medium band;
 * - `new`: in the result, not in the baseline (or there is no baseline);
 * - `missing`: in the baseline, not in the result (reported, not failing);
 * - `invalid`: the two values cannot be compared (non-finite or negative, or the direction changed).
 */
export type Severity = "critical" | "high" | "medium" | "invalid" | "missing" | "new" | "ok" | "improved";

/** Worst first. `worstSeverity` picks the lowest index. */
export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "invalid", "missing", "new", "ok", "improved"];

export interface CompareOptions {
  /**
   * Multiplies every band (default 1): 1.2 makes "medium" start above 1.8. Must be >= 1, so it
   * can only widen the bands; nothing at or below 1.5 is ever flagged.
   */
  tolerance?: number;
}

/** One ratio of the result, or of the baseline, with its verdict. */
export interface RatioComparison {
  name: string;
  better: Ratio["better"];
  /** The value in this result; undefined when `missing`. */
  current: number | undefined;
  /** The value in the baseline; undefined when `new`. */
  baseline: number | undefined;
  /**
   * How many times worse than the baseline: current/baseline when lower is better,
   * baseline/current when higher is better. 1 = unchanged, < 1 = better, Infinity = went from
   * a real value to nothing (e.g. zero throughput). Undefined when `new`, `missing` or `invalid`.
   */
  factor: number | undefined;
  severity: Severity;
  /** Why, when the verdict needs a word (zero values, invalid input). */
  reason?: string;
}

/** A ratio that carries a `goal` (from an issue), checked against this result alone. */
export interface GoalCheck {
  name: string;
  better: Ratio["better"];
  value: number;
  goal: number;
  /** Met: value <= goal when lower is better, value >= goal when higher is better. */
  status: "met" | "goal-missed";
}

export interface ComparisonReport {
  scenario: string;
  /** When the baseline was accepted; undefined when there is none. */
  baselineAcceptedAt: string | undefined;
  tolerance: number;
  /** The result's ratios in their order, then the baseline's missing ones in theirs. */
  ratios: RatioComparison[];
  /** Every ratio with a goal, met or not. Goal misses are findings, not regressions. */
  goals: GoalCheck[];
  /** Worst severity over `ratios` ("ok" when there are none). */
  worst: Severity;
}

const usable = (v: number): boolean => Number.isFinite(v) && v >= 0;

/**
 * Rounds to 12 significant digits so that float noise on an exact band edge (0.033 / 0.022 =
 * 1.5000000000000002) does not tip a ratio into the next band.
 */
const tidy = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(12)) : v);

/**
 * The regression factor of `current` against `baseline` (see `RatioComparison.factor`), with
 * zero handled explicitly: 0 vs 0 is 1 (unchanged); a value going to the "infinitely worse" side
 * (latency ratio from 0 to something, throughput ratio from something to 0) is Infinity; the
 * other way round is 0. Returns undefined for NaN, ±Infinity or negative inputs.
 */
export function regressionFactor(current: number, baseline: number, better: Ratio["better"]): number | undefined {
  if (!usable(current) || !usable(baseline)) return undefined;
  const [worse, ref] = better === "lower" ? [current, baseline] : [baseline, current];
  if (worse === 0 && ref === 0) return 1;
  if (ref === 0) return Number.POSITIVE_INFINITY;
  return tidy(worse / ref);
}

/** The severity of a factor (see `SEVERITY_BANDS`), with the bands widened by `tolerance`. */
export function severityOf(factor: number, tolerance = 1): Severity {
  const t = checkTolerance(tolerance);
  if (Number.isNaN(factor) || factor < 0) return "invalid";
  if (factor > SEVERITY_BANDS.critical * t) return "critical";
  if (factor > SEVERITY_BANDS.high * t) return "high";
  if (factor > SEVERITY_BANDS.medium * t) return "medium";
  if (factor < 1 / (SEVERITY_BANDS.medium * t)) return "improved";
  return "ok";
}

function checkTolerance(tolerance: number): number {
  if (!Number.isFinite(tolerance) || tolerance < 1) {
    throw new RangeError(`tolerance must be a finite number >= 1 (it only widens the bands), got ${tolerance}`);
  }
  return tolerance;
}

function zeroReason(current: number, baseline: number, better: Ratio["better"]): string | undefined {
  if (current === 0 && baseline === 0) return "both values are 0";
  if (baseline === 0) return better === "lower" ? "baseline value is 0: any value above it is infinitely worse" : "baseline value is 0";
  if (current === 0) return better === "higher" ? "current value is 0 (nothing got through)" : "current value is 0";
  return undefined;
}

function compareOne(current: Ratio, base: Ratio, tolerance: number): RatioComparison {
  const out = { name: current.name, better: current.better, current: current.value, baseline: base.value };
  if (base.better !== current.better) {
    return { ...out, factor: undefined, severity: "invalid", reason: `direction changed since the baseline (${base.better} → ${current.better} is better); accept a new baseline` };
  }
  const factor = regressionFactor(current.value, base.value, current.better);
  if (factor === undefined) {
    return { ...out, factor: undefined, severity: "invalid", reason: `cannot compare ${current.value} with ${base.value}` };
  }
  const reason = zeroReason(current.value, base.value, current.better);
  return { ...out, factor, severity: severityOf(factor, tolerance), ...(reason ? { reason } : {}) };
}

/** Checks a ratio's goal, if it has one. NaN values miss their goal. */
export function checkGoal(ratio: Ratio): GoalCheck | undefined {
  if (ratio.goal === undefined) return undefined;
  const met = ratio.better === "lower" ? ratio.value <= ratio.goal : ratio.value >= ratio.goal;
  return { name: ratio.name, better: ratio.better, value: ratio.value, goal: ratio.goal, status: met ? "met" : "goal-missed" };
}

/**
 * Compares every ratio of `result` with the same-named ratio of `baseline`.
 *
 * With no baseline every ratio is "new". If a name repeats, each occurrence is compared with the
 * baseline's first ratio of that name. Throws a RangeError when `tolerance` < 1 or not finite.
 */
export function compareToBaseline(result: ScenarioResult, baseline: Baseline | undefined, options: CompareOptions = {}): ComparisonReport {
  const tolerance = checkTolerance(options.tolerance ?? 1);
  const baseByName = new Map<string, Ratio>();
  for (const r of baseline?.ratios ?? []) if (!baseByName.has(r.name)) baseByName.set(r.name, r);

  const ratios: RatioComparison[] = result.ratios.map((r) => {
    const base = baseByName.get(r.name);
    if (!base) {
      return { name: r.name, better: r.better, current: r.value, baseline: undefined, factor: undefined, severity: "new", ...(baseline ? {} : { reason: "no baseline for this scenario" }) };
    }
    return compareOne(r, base, tolerance);
  });
  const currentNames = new Set(result.ratios.map((r) => r.name));
  for (const base of baseByName.values()) {
    if (!currentNames.has(base.name)) {
      ratios.push({ name: base.name, better: base.better, current: undefined, baseline: base.value, factor: undefined, severity: "missing", reason: "in the baseline, not in this result" });
    }
  }
  const goals = result.ratios.map(checkGoal).filter((g): g is GoalCheck => g !== undefined);
  return {
    scenario: result.scenario,
    baselineAcceptedAt: baseline?.acceptedAt,
    tolerance,
    ratios,
    goals,
    worst: worstSeverity(ratios.map((r) => r.severity)),
  };
}

/** The worst of the given severities (see `SEVERITY_ORDER`); "ok" for none. */
export function worstSeverity(severities: Iterable<Severity>): Severity {
  let worst = SEVERITY_ORDER.length;
  for (const s of severities) worst = Math.min(worst, SEVERITY_ORDER.indexOf(s));
  return SEVERITY_ORDER[worst] ?? "ok";
}

/** Whether a severity fails the run (high or critical). */
export function isFailing(severity: Severity): boolean {
  return FAILING_SEVERITIES.has(severity);
}

/** The goal checks that were missed. */
export function missedGoals(report: ComparisonReport): GoalCheck[] {
  return report.goals.filter((g) => g.status === "goal-missed");
}
