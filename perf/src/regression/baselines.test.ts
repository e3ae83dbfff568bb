import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Baseline } from "../result-schema";
import { acceptBaseline, BaselineFileError, baselinePath, diffBaselines, diffIsEmpty, loadBaseline, saveBaseline } from "./baselines";
import { makeBaseline, makeRatio, makeResult, MACHINE } from "./test-fixtures";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "perf-baselines-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("baselinePath", () => {
  it("is <dir>/<scenario>.json", () => {
    expect(baselinePath("/x/baselines", "market-data")).toBe("/x/baselines/market-data.json");
  });

  it.each(["../etc/passwd", "a/b", "", "Health", "a.json"])("rejects %j", (name) => {
    expect(() => baselinePath(dir, name)).toThrow(RangeError);
  });
});

describe("loadBaseline / saveBaseline", () => {
  it("returns undefined when there is no baseline", async () => {
    expect(await loadBaseline(dir, "health")).toBeUndefined();
    expect(await loadBaseline(join(dir, "does-not-exist"), "health")).toBeUndefined();
  });

  it("round-trips a baseline through the file system as pretty JSON", async () => {
    const baseline = makeBaseline([makeRatio("a.p50/b.p50", 2.5, { goal: 3 }), makeRatio("a.throughput/b.throughput", 0.4, { better: "higher" })]);
    const file = await saveBaseline(join(dir, "nested", "baselines"), baseline);
    expect(file).toBe(join(dir, "nested", "baselines", "health.json"));
    const text = await readFile(file, "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n  "scenario": "health",');
    expect(await loadBaseline(join(dir, "nested", "baselines"), "health")).toEqual(baseline);
    expect(await readdir(join(dir, "nested", "baselines"))).toEqual(["health.json"]); // no temp file left
  });

  it("refuses to save an invalid baseline", async () => {
    const bad = { ...makeBaseline([]), ratios: [{ name: "no slash", value: 1, better: "lower" as const }] };
    await expect(saveBaseline(dir, bad)).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });

  it("names the file when it is not JSON", async () => {
    await writeFile(join(dir, "health.json"), "{ nope");
    const err = await loadBaseline(dir, "health").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BaselineFileError);
    expect((err as BaselineFileError).file).toBe(join(dir, "health.json"));
    expect((err as Error).message).toContain(join(dir, "health.json"));
    expect((err as Error).message).toMatch(/not valid JSON/);
  });

  it("names the file and the problem when it does not match the schema", async () => {
    await writeFile(join(dir, "health.json"), JSON.stringify({ scenario: "health", acceptedAt: "x", machine: MACHINE, ratios: [{ name: "a.p50/b.p50", value: -1, better: "lower" }] }));
    await expect(loadBaseline(dir, "health")).rejects.toThrow(new RegExp(`${join(dir, "health.json")}: not a valid baseline[\\s\\S]*ratios`));
  });

  it("rejects a file that holds another scenario's baseline", async () => {
    await saveBaseline(dir, makeBaseline([], "websocket"));
    await writeFile(join(dir, "health.json"), await readFile(join(dir, "websocket.json")));
    await expect(loadBaseline(dir, "health")).rejects.toThrow(/holds the baseline of "websocket", not "health"/);
  });
});

describe("acceptBaseline", () => {
  it("takes the scenario, machine and ratios of the result, accepted now", () => {
    const result = makeResult([makeRatio("a.p50/b.p50", 2.5, { goal: 3 })]);
    const baseline = acceptBaseline(result, new Date("2025-02-03T04:05:06.000Z"));
    expect(Baseline.parse(baseline)).toEqual(baseline);
    expect(baseline).toEqual({ scenario: "health", acceptedAt: "2025-02-03T04:05:06.000Z", machine: MACHINE, ratios: [{ name: "a.p50/b.p50", value: 2.5, better: "lower", goal: 3 }] });
  });

  it("copies, so changing the result afterwards does not change the baseline", () => {
    const result = makeResult([makeRatio("a.p50/b.p50", 2.5)]);
    const baseline = acceptBaseline(result);
    result.ratios[0]!.value = 99;
    result.machine.loadavg.push(9);
    expect(baseline.ratios[0]!.value).toBe(2.5);
    expect(baseline.machine.loadavg).toEqual(MACHINE.loadavg);
  });

  it("defaults to the current time", () => {
    const before = Date.now();
    const at = Date.parse(acceptBaseline(makeResult([])).acceptedAt);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
});

describe("diffBaselines", () => {
  const A = "a.p50/b.p50";
  const B = "a.p99/b.p99";
  const C = "a.throughput/b.throughput";

  it("sees a new baseline as created, every ratio added", () => {
    const next = makeBaseline([makeRatio(A, 1)]);
    const diff = diffBaselines(undefined, next);
    expect(diff).toEqual({ created: true, changed: [], added: [makeRatio(A, 1)], removed: [] });
    expect(diffIsEmpty(diff)).toBe(false);
  });

  it("lists changed, added and removed ratios", () => {
    const before = makeBaseline([makeRatio(A, 1), makeRatio(B, 2), makeRatio(C, 0.5, { better: "higher" })]);
    const after = makeBaseline([makeRatio(A, 1.5), makeRatio(C, 0.5, { better: "higher", goal: 0.4 }), makeRatio("x.p50/b.p50", 3)]);
    const diff = diffBaselines(before, after);
    expect(diff.created).toBe(false);
    expect(diff.changed.map((c) => [c.name, c.before.value, c.after.value])).toEqual([
      [A, 1, 1.5],
      [C, 0.5, 0.5], // the goal changed
    ]);
    expect(diff.added.map((r) => r.name)).toEqual(["x.p50/b.p50"]);
    expect(diff.removed.map((r) => r.name)).toEqual([B]);
  });

  it("ignores the acceptance time and machine", () => {
    const before = makeBaseline([makeRatio(A, 1)]);
    const after = { ...before, acceptedAt: "2030-01-01T00:00:00.000Z", machine: { ...before.machine, cpus: 64 } };
    expect(diffIsEmpty(diffBaselines(before, after))).toBe(true);
  });
});
