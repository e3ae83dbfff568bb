import { describe, expect, it } from "vitest";
import type { Ratio } from "../result-schema";
import {
  checkGoal,
  compareToBaseline,
  isFailing,
  missedGoals,
  regressionFactor,
  SEVERITY_BANDS,
  severityOf,
  worstSeverity,
  type Severity,
} from "./compare";
import { makeBaseline, makeRatio, makeResult } from "./test-fixtures";

const LAT = "edge-health-c10.p50/bare-node-c10.p50";
const THR = "edge-health-c10.throughput/bare-node-c10.throughput";

/** Compares one ratio against one baseline ratio and returns the single comparison. */
function one(current: number, baseline: number, better: Ratio["better"] = "lower", tolerance?: number) {
  const report = compareToBaseline(
    makeResult([makeRatio(LAT, current, { better })]),
    makeBaseline([makeRatio(LAT, baseline, { better })]),
    tolerance === undefined ? {} : { tolerance },
  );
  expect(report.ratios).toHaveLength(1);
  return report.ratios[0]!;
}

describe("severity bands", () => {
  it("keeps the spec's bands in one place", () => {
    expect(SEVERITY_BANDS).toEqual({ medium: 1.5, high: 2, critical: 3 });
  });

  // lower is better: factor = current / baseline
  it.each<[number, number, Severity]>([
    [2, 1, "ok"], // unchanged
    [3, 1.5, "ok"], // exactly 1.5: not above the medium band
    [3.002, 1.501, "medium"],
    [4, 2, "medium"], // exactly 2: not above the high band
    [4.002, 2.001, "high"],
    [6, 3, "high"], // exactly 3: not above the critical band
    [6.002, 3.001, "critical"],
    [20, 10, "critical"],
  ])("lower is better: current %d vs baseline 2 → factor %d → %s", (current, factor, severity) => {
    const c = one(current, 2);
    expect(c.factor).toBeCloseTo(factor, 9);
    expect(c.severity).toBe(severity);
  });

  // higher is better: factor = baseline / current
  it.each<[number, number, Severity]>([
    [0.5, 1, "ok"],
    [1 / 3, 1.5, "ok"], // 0.5 / (1/3) = 1.5 exactly (after tidying float noise)
    [0.25, 2, "medium"],
    [0.2, 2.5, "high"],
    [0.5 / 3, 3, "high"],
    [0.1, 5, "critical"],
  ])("higher is better: current %d vs baseline 0.5 → factor %d → %s", (current, factor, severity) => {
    const c = one(current, 0.5, "higher");
    expect(c.factor).toBeCloseTo(factor, 9);
    expect(c.severity).toBe(severity);
  });

  it("does not let float noise on an exact edge tip a ratio into the next band", () => {
    expect(0.033 / 0.022).toBeGreaterThan(1.5); // the noise this guards against
    expect(0.033 / 0.011).toBeGreaterThan(3);
    expect(one(0.033, 0.022)).toMatchObject({ factor: 1.5, severity: "ok" });
    expect(one(0.033, 0.011)).toMatchObject({ factor: 3, severity: "high" });
    expect(one(0.022, 0.033, "higher")).toMatchObject({ factor: 1.5, severity: "ok" });
  });

  it("flags improvements only beyond 1/1.5", () => {
    expect(one(2, 3).severity).toBe("ok"); // factor exactly 1/1.5
    expect(one(1.99, 3).severity).toBe("improved");
    expect(one(0.7, 0.5, "higher").severity).toBe("ok"); // 0.5/0.7 ≈ 0.714
    expect(one(0.8, 0.5, "higher").severity).toBe("improved"); // 0.625
  });

  it("severityOf treats NaN and negative factors as invalid and Infinity as critical", () => {
    expect(severityOf(Number.NaN)).toBe("invalid");
    expect(severityOf(-1)).toBe("invalid");
    expect(severityOf(Number.POSITIVE_INFINITY)).toBe("critical");
    expect(severityOf(0)).toBe("improved");
  });
});

describe("tolerance", () => {
  it("widens every band by its factor", () => {
    expect(one(3.4, 2, "lower", 1.2).severity).toBe("ok"); // 1.7 ≤ 1.8
    expect(one(3.8, 2, "lower", 1.2).severity).toBe("medium"); // 1.9
    expect(one(4.9, 2, "lower", 1.2).severity).toBe("high"); // 2.45 > 2.4
    expect(one(7.4, 2, "lower", 1.2).severity).toBe("critical"); // 3.7 > 3.6
    expect(compareToBaseline(makeResult([]), undefined, { tolerance: 1.2 }).tolerance).toBe(1.2);
  });

  it("never flags a factor at or below 1.5, whatever the tolerance", () => {
    for (const tolerance of [1, 1.0001, 1.5, 2, 10]) {
      for (const factor of [0.9, 1, 1.2, 1.4999, 1.5]) expect(["ok", "improved"]).toContain(severityOf(factor, tolerance));
    }
  });

  it.each([0.5, 0.999, 0, -1, Number.NaN, Number.POSITIVE_INFINITY])("rejects tolerance %d", (tolerance) => {
    expect(() => compareToBaseline(makeResult([]), undefined, { tolerance })).toThrow(RangeError);
    expect(() => severityOf(1.6, tolerance)).toThrow(/tolerance/);
  });
});

describe("zero, NaN and Infinity", () => {
  it("0 vs 0 is unchanged", () => {
    const c = one(0, 0);
    expect(c).toMatchObject({ factor: 1, severity: "ok", reason: "both values are 0" });
    expect(one(0, 0, "higher")).toMatchObject({ factor: 1, severity: "ok" });
  });

  it("a latency ratio rising from a 0 baseline is infinitely worse", () => {
    const c = one(1.2, 0);
    expect(c.factor).toBe(Number.POSITIVE_INFINITY);
    expect(c.severity).toBe("critical");
    expect(c.reason).toMatch(/baseline value is 0/);
  });

  it("a throughput ratio falling to 0 is infinitely worse", () => {
    const c = one(0, 0.5, "higher");
    expect(c.factor).toBe(Number.POSITIVE_INFINITY);
    expect(c.severity).toBe("critical");
    expect(c.reason).toMatch(/current value is 0/);
  });

  it("a latency ratio falling to 0, or throughput rising from 0, counts as improved", () => {
    expect(one(0, 2)).toMatchObject({ factor: 0, severity: "improved" });
    expect(one(3, 0, "higher")).toMatchObject({ factor: 0, severity: "improved" });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1])("marks %d as invalid, in either position", (bad) => {
    // Built without the schema, which would reject these: the function guards itself.
    const ratio = (value: number): Ratio => ({ name: LAT, value, better: "lower" });
    const r1 = compareToBaseline({ ...makeResult([]), ratios: [ratio(bad)] }, makeBaseline([ratio(1)]));
    const r2 = compareToBaseline({ ...makeResult([]), ratios: [ratio(1)] }, { ...makeBaseline([]), ratios: [ratio(bad)] });
    for (const r of [r1, r2]) {
      expect(r.ratios[0]).toMatchObject({ severity: "invalid", factor: undefined });
      expect(r.ratios[0]!.reason).toMatch(/cannot compare/);
      expect(r.worst).toBe("invalid");
    }
    expect(regressionFactor(bad, 1, "lower")).toBeUndefined();
    expect(regressionFactor(1, bad, "higher")).toBeUndefined();
  });
});

describe("new, missing and changed ratios", () => {
  it("reports ratios missing from the baseline as new and vice versa as missing, in a stable order", () => {
    const report = compareToBaseline(
      makeResult([makeRatio("a.p50/b.p50", 1), makeRatio("c.p50/b.p50", 1)]),
      makeBaseline([makeRatio("z.p50/b.p50", 1), makeRatio("a.p50/b.p50", 1), makeRatio("y.p50/b.p50", 2)]),
    );
    expect(report.ratios.map((r) => [r.name, r.severity])).toEqual([
      ["a.p50/b.p50", "ok"],
      ["c.p50/b.p50", "new"],
      ["z.p50/b.p50", "missing"],
      ["y.p50/b.p50", "missing"],
    ]);
    expect(report.ratios[1]).toMatchObject({ current: 1, baseline: undefined, factor: undefined });
    expect(report.ratios[3]).toMatchObject({ current: undefined, baseline: 2, factor: undefined });
    expect(report.worst).toBe("missing");
    expect(isFailing(report.worst)).toBe(false);
  });

  it("treats every ratio as new when there is no baseline", () => {
    const report = compareToBaseline(makeResult([makeRatio(LAT, 3), makeRatio(THR, 0.1, { better: "higher" })]), undefined);
    expect(report.ratios.map((r) => r.severity)).toEqual(["new", "new"]);
    expect(report.ratios[0]!.reason).toMatch(/no baseline/);
    expect(report.baselineAcceptedAt).toBeUndefined();
    expect(report.worst).toBe("new");
  });

  it("records when the baseline was accepted", () => {
    expect(compareToBaseline(makeResult([]), makeBaseline([])).baselineAcceptedAt).toBe("2024-12-01T00:00:00.000Z");
  });

  it("refuses to compare a ratio whose direction changed", () => {
    const report = compareToBaseline(makeResult([makeRatio(LAT, 1, { better: "higher" })]), makeBaseline([makeRatio(LAT, 1)]));
    expect(report.ratios[0]).toMatchObject({ severity: "invalid", factor: undefined });
    expect(report.ratios[0]!.reason).toMatch(/direction changed/);
  });

  it("compares a repeated name with the baseline's first ratio of that name", () => {
    const report = compareToBaseline(
      makeResult([makeRatio(LAT, 1), makeRatio(LAT, 5)]),
      makeBaseline([makeRatio(LAT, 1), makeRatio(LAT, 5)]),
    );
    expect(report.ratios.map((r) => r.severity)).toEqual(["ok", "critical"]);
  });

  it("an empty result and baseline is ok", () => {
    const report = compareToBaseline(makeResult([]), makeBaseline([]));
    expect(report).toMatchObject({ scenario: "health", ratios: [], goals: [], worst: "ok", tolerance: 1 });
  });
});

describe("goals", () => {
  it("checks lower-is-better goals: at the goal is met, above is missed", () => {
    expect(checkGoal(makeRatio(LAT, 2, { goal: 2 }))?.status).toBe("met");
    expect(checkGoal(makeRatio(LAT, 2.001, { goal: 2 }))?.status).toBe("goal-missed");
    expect(checkGoal(makeRatio(LAT, 0.5, { goal: 2 }))?.status).toBe("met");
  });

  it("checks higher-is-better goals: at the goal is met, below is missed", () => {
    expect(checkGoal(makeRatio(THR, 0.5, { better: "higher", goal: 0.5 }))?.status).toBe("met");
    expect(checkGoal(makeRatio(THR, 0.499, { better: "higher", goal: 0.5 }))?.status).toBe("goal-missed");
    expect(checkGoal(makeRatio(THR, 0.9, { better: "higher", goal: 0.5 }))?.status).toBe("met");
  });

  it("a NaN value misses its goal; a ratio without a goal has no check", () => {
    expect(checkGoal({ name: LAT, value: Number.NaN, better: "lower", goal: 2 })?.status).toBe("goal-missed");
    expect(checkGoal(makeRatio(LAT, 1))).toBeUndefined();
  });

  it("lists goal checks separately from regressions, with or without a baseline", () => {
    const result = makeResult([makeRatio(LAT, 3, { goal: 2 }), makeRatio(THR, 0.2, { better: "higher", goal: 0.1 }), makeRatio("x.p99/y.p99", 9)]);
    for (const baseline of [undefined, makeBaseline([makeRatio(LAT, 3), makeRatio(THR, 0.2, { better: "higher" })])]) {
      const report = compareToBaseline(result, baseline);
      expect(report.goals).toEqual([
        { name: LAT, better: "lower", value: 3, goal: 2, status: "goal-missed" },
        { name: THR, better: "higher", value: 0.2, goal: 0.1, status: "met" },
      ]);
      expect(missedGoals(report).map((g) => g.name)).toEqual([LAT]);
    }
    // A missed goal is not a regression: unchanged ratios stay ok.
    const withBase = compareToBaseline(result, makeBaseline([makeRatio(LAT, 3), makeRatio(THR, 0.2, { better: "higher" }), makeRatio("x.p99/y.p99", 9)]));
    expect(withBase.worst).toBe("ok");
  });
});

describe("worstSeverity and isFailing", () => {
  it.each<[Severity[], Severity]>([
    [[], "ok"],
    [["ok", "medium", "new"], "medium"],
    [["improved"], "improved"],
    [["improved", "ok"], "ok"],
    [["missing", "ok", "new"], "missing"],
    [["new", "ok"], "new"],
    [["medium", "invalid"], "medium"],
    [["high", "critical", "ok"], "critical"],
    [["medium", "high"], "high"],
  ])("worst of %j is %s", (list, worst) => {
    expect(worstSeverity(list)).toBe(worst);
  });

  it("accepts any iterable", () => {
    expect(worstSeverity(new Set<Severity>(["ok", "high"]))).toBe("high");
  });

  it("fails on high and critical only", () => {
    const all: Severity[] = ["critical", "high", "medium", "invalid", "missing", "new", "ok", "improved"];
    expect(all.filter(isFailing)).toEqual(["critical", "high"]);
  });

  it("the report's worst is the worst of its ratios", () => {
    const report = compareToBaseline(
      makeResult([makeRatio("a.p50/b.p50", 2.5), makeRatio("c.p50/b.p50", 1.7)]),
      makeBaseline([makeRatio("a.p50/b.p50", 1), makeRatio("c.p50/b.p50", 1)]),
    );
    expect(report.ratios.map((r) => r.severity)).toEqual(["high", "medium"]);
    expect(report.worst).toBe("high");
  });
});
