import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Baseline } from "../result-schema";
import { makeBaseline, makeRatio, makeResult, MACHINE } from "../regression/test-fixtures";
import { main as accept } from "./accept-baselines";
import { captureIo, runScript, tempPerfDirs, writeBaseline, writeResult, type TempPerfDirs } from "./test-helpers";

const P50 = "edge-health-c10.p50/bare-node-c10.p50";
const P99 = "edge-health-c10.p99/bare-node-c10.p99";
const WS = "edge-ws.p50/bare-ws.p50";
const NOW = () => new Date("2025-03-04T05:06:07.000Z");

let dirs: TempPerfDirs;
beforeEach(async () => {
  dirs = await tempPerfDirs();
  await writeResult(dirs.results, makeResult([makeRatio(P50, 5, { goal: 6 }), makeRatio(P99, 9)]));
  await writeResult(dirs.results, makeResult([makeRatio(WS, 1.2)], { scenario: "websocket", description: "WS" }));
});
afterEach(async () => {
  await dirs.cleanup();
});

const flags = () => ["--results", dirs.results, "--baselines", dirs.baselines];
const readBaseline = async (scenario: string) => Baseline.parse(JSON.parse(await readFile(join(dirs.baselines, `${scenario}.json`), "utf8")));

describe("accept-baselines CLI", () => {
  it("accepts every scenario's ratios when none is named", async () => {
    const io = captureIo();
    expect(await accept(flags(), io, NOW)).toBe(0);
    expect((await readdir(dirs.baselines)).sort()).toEqual(["health.json", "websocket.json"]);
    expect(await readBaseline("health")).toEqual({ scenario: "health", acceptedAt: "2025-03-04T05:06:07.000Z", machine: MACHINE, ratios: [makeRatio(P50, 5, { goal: 6 }), makeRatio(P99, 9)] });
    expect(io.stdout).toEqual([
      `health: new baseline, 2 ratio(s) → ${join(dirs.baselines, "health.json")}`,
      `websocket: new baseline, 1 ratio(s) → ${join(dirs.baselines, "websocket.json")}`,
      `accept-baselines: 2 baseline(s) written to ${dirs.baselines}`,
    ]);
  });

  it("accepts only the scenarios named", async () => {
    const io = captureIo();
    expect(await accept([...flags(), "websocket"], io, NOW)).toBe(0);
    expect(await readdir(dirs.baselines)).toEqual(["websocket.json"]);
  });

  it("prints what changed: changed, added and removed ratios", async () => {
    await writeBaseline(dirs.baselines, makeBaseline([makeRatio(P50, 2), makeRatio("gone.p50/bare-node-c10.p50", 1, { better: "higher" })]));
    const io = captureIo();
    expect(await accept([...flags(), "health"], io, NOW)).toBe(0);
    expect(io.stdout).toEqual([
      `health: 1 changed, 1 added, 1 removed → ${join(dirs.baselines, "health.json")}`,
      `  ~ ${P50}  2 → 5 (goal 6)`,
      `  + ${P99}  9`,
      "  - gone.p50/bare-node-c10.p50  (was 1 ↑)",
      `accept-baselines: 1 baseline(s) written to ${dirs.baselines}`,
    ]);
    expect((await readBaseline("health")).ratios.map((r) => r.name)).toEqual([P50, P99]);
  });

  it("leaves an unchanged baseline's file alone, acceptance time included", async () => {
    expect(await accept(flags(), captureIo(), NOW)).toBe(0);
    const before = await readFile(join(dirs.baselines, "health.json"), "utf8");
    const io = captureIo();
    expect(await accept(flags(), io, () => new Date("2030-01-01T00:00:00.000Z"))).toBe(0);
    expect(io.stdout).toEqual(["health: unchanged", "websocket: unchanged", `accept-baselines: 0 baseline(s) written to ${dirs.baselines}`]);
    expect(await readFile(join(dirs.baselines, "health.json"), "utf8")).toBe(before);
  });

  it("writes nothing on --dry-run", async () => {
    const io = captureIo();
    expect(await accept([...flags(), "--dry-run"], io, NOW)).toBe(0);
    expect(await readdir(dirs.baselines)).toEqual([]);
    expect(io.stdout.at(-1)).toBe("accept-baselines: dry run, 2 baseline(s) would be written");
  });

  it("replaces an unreadable baseline, saying so", async () => {
    await writeFile(join(dirs.baselines, "health.json"), "garbage");
    const io = captureIo();
    expect(await accept([...flags(), "health"], io, NOW)).toBe(0);
    expect(io.stderr.join("\n")).toMatch(/replacing an unreadable baseline: .*health\.json: not valid JSON/);
    expect((await readBaseline("health")).ratios).toHaveLength(2);
  });

  it("refuses unknown scenarios, malformed results, no results and unknown flags", async () => {
    const unknown = captureIo();
    expect(await accept([...flags(), "health", "nope"], unknown)).toBe(2);
    expect(unknown.stderr.join("\n")).toContain("no result for nope; results exist for: health, websocket");
    expect(await readdir(dirs.baselines)).toEqual([]);

    await writeFile(join(dirs.results, "broken.json"), "[]");
    const malformed = captureIo();
    expect(await accept(flags(), malformed)).toBe(2);
    expect(malformed.stderr.join("\n")).toContain(`${join(dirs.results, "broken.json")}: not a valid scenario result`);
    expect(await readdir(dirs.baselines)).toEqual([]);

    const none = captureIo();
    expect(await accept(["--results", join(dirs.root, "empty"), "--baselines", dirs.baselines], none)).toBe(2);
    expect(none.stderr.join("\n")).toContain("no results in");

    expect(await accept([...flags(), "--force"], captureIo())).toBe(2);
  });

  it("takes the directories from the environment", async () => {
    const io = captureIo({ PERF_RESULTS_DIR: dirs.results, PERF_BASELINES_DIR: dirs.baselines });
    expect(await accept(["websocket"], io, NOW)).toBe(0);
    expect(await readdir(dirs.baselines)).toEqual(["websocket.json"]);
  });

  it("runs as a script under tsx", async () => {
    const run = await runScript("accept-baselines.ts", ["health"], { PERF_RESULTS_DIR: dirs.results, PERF_BASELINES_DIR: dirs.baselines });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("health: new baseline, 2 ratio(s)");
    expect(await readdir(dirs.baselines)).toEqual(["health.json"]);
  });
});
