import { access, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeBaseline, makeRatio, makeResult } from "../regression/test-fixtures";
import { checkWellFormedXml } from "../report/xml-check";
import { main as accept } from "./accept-baselines";
import { main as report } from "./report";
import { captureIo, runScript, tempPerfDirs, writeBaseline, writeResult, type TempPerfDirs } from "./test-helpers";

const P50 = "edge-health-c10.p50/bare-node-c10.p50";
const THR = "edge-health-c10.throughput/bare-node-c10.throughput";

let dirs: TempPerfDirs;
beforeEach(async () => {
  dirs = await tempPerfDirs();
});
afterEach(async () => {
  await dirs.cleanup();
});

const flags = () => ["--results", dirs.results, "--baselines", dirs.baselines];

/** A health result whose p50 ratio is `factor` × a baseline of 2 (throughput unchanged). */
async function scenarioAt(factor: number): Promise<void> {
  await writeResult(dirs.results, makeResult([makeRatio(P50, 2 * factor), makeRatio(THR, 0.1, { better: "higher" })]));
  await writeBaseline(dirs.baselines, makeBaseline([makeRatio(P50, 2), makeRatio(THR, 0.1, { better: "higher" })]));
}

describe("report CLI: regression bands and exit codes", () => {
  it("2.5× the baseline latency ratio is high: exit 1", async () => {
    await scenarioAt(2.5);
    const io = captureIo();
    expect(await report(flags(), io)).toBe(1);
    expect(io.stdout.join("\n")).toMatch(new RegExp(`health\\s+${P50.replace(/\./g, "\\.")}\\s+5\\.00\\s+2\\.00\\s+2\\.50×\\s+high`));
    expect(io.stdout.at(-2)).toBe("overall: high (fails)");
    expect(io.stderr.join("\n")).toMatch(/high regression\(s\): failing the run/);
  });

  it("3.5× is critical: exit 1", async () => {
    await scenarioAt(3.5);
    const io = captureIo();
    expect(await report(flags(), io)).toBe(1);
    expect(io.stdout.join("\n")).toMatch(/3\.50×\s+critical/);
    expect(await readFile(join(dirs.results, "README.md"), "utf8")).toContain("| [health](health.md) | **critical** |");
  });

  it("1.7× is medium: a warning, exit 0", async () => {
    await scenarioAt(1.7);
    const io = captureIo();
    expect(await report(flags(), io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/1\.70×\s+medium/);
    expect(io.stderr).toContain("report: warning: medium regression(s); not failing the run");
  });

  it("unchanged ratios are ok: exit 0, no warnings", async () => {
    await scenarioAt(1);
    const io = captureIo();
    expect(await report(flags(), io)).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.stdout.at(-2)).toBe("overall: ok");
  });

  it("a --tolerance (or PERF_TOLERANCE) widens the bands", async () => {
    await scenarioAt(2.5);
    expect(await report([...flags(), "--tolerance", "1.5"], captureIo())).toBe(0); // medium above 2.25, high above 3
    expect(await report(flags(), captureIo({ PERF_TOLERANCE: "1.5" }))).toBe(0);
    expect(await report(flags(), captureIo())).toBe(1);
  });

  it("a missing goal is reported but does not fail the run", async () => {
    await writeResult(dirs.results, makeResult([makeRatio(P50, 4, { goal: 2 })]));
    await writeBaseline(dirs.baselines, makeBaseline([makeRatio(P50, 4)]));
    const io = captureIo();
    expect(await report(flags(), io)).toBe(0);
    expect(io.stdout).toContain(`goal missed: health ${P50} = 4.00, goal ≤ 2.00`);
  });
});

describe("report CLI: files", () => {
  it("writes a summary, two charts per scenario and an index; charts are well-formed and linked", async () => {
    await writeResult(dirs.results, makeResult([makeRatio(P50, 5)]));
    await writeResult(dirs.results, makeResult([makeRatio("edge-ws.p50/bare-ws.p50", 1)], { scenario: "websocket", description: "WS fan-out" }));
    const io = captureIo();
    expect(await report(flags(), io)).toBe(0); // no baselines: everything new
    expect((await readdir(dirs.results)).sort()).toEqual(["README.md", "charts", "health.json", "health.md", "websocket.json", "websocket.md"]);
    expect((await readdir(join(dirs.results, "charts"))).sort()).toEqual(["health-latency.svg", "health-throughput.svg", "websocket-latency.svg", "websocket-throughput.svg"]);
    for (const name of await readdir(join(dirs.results, "charts"))) {
      expect(checkWellFormedXml(await readFile(join(dirs.results, "charts", name), "utf8"))).toEqual([]);
    }
    const md = await readFile(join(dirs.results, "health.md"), "utf8");
    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links).toEqual(["charts/health-latency.svg", "charts/health-throughput.svg"]);
    for (const link of links) await expect(access(join(dirs.results, link))).resolves.toBeUndefined();
    const index = await readFile(join(dirs.results, "README.md"), "utf8");
    expect(index).toContain("| [health](health.md) | new |");
    expect(index).toContain("| [websocket](websocket.md) | new |");
    expect(io.stdout.join("\n")).toMatch(/health\s+edge-health-c10\.p50\/bare-node-c10\.p50\s+5\.00\s+—\s+—\s+new/);
  });

  it("gives the same bytes on a second run", async () => {
    await scenarioAt(2.5);
    await report(flags(), captureIo());
    const first = await Promise.all(["health.md", "README.md", "charts/health-latency.svg", "charts/health-throughput.svg"].map((f) => readFile(join(dirs.results, f), "utf8")));
    await report(flags(), captureIo());
    const second = await Promise.all(["health.md", "README.md", "charts/health-latency.svg", "charts/health-throughput.svg"].map((f) => readFile(join(dirs.results, f), "utf8")));
    expect(second).toEqual(first);
  });
});

describe("report CLI: bad input", () => {
  it("names a result file that is not JSON, and writes nothing", async () => {
    await writeResult(dirs.results, makeResult([makeRatio(P50, 5)], { scenario: "good" }));
    await writeFile(join(dirs.results, "broken.json"), "{ not json");
    const io = captureIo();
    expect(await report(flags(), io)).toBe(2);
    expect(io.stderr.join("\n")).toContain(`${join(dirs.results, "broken.json")}: not valid JSON`);
    expect(await readdir(dirs.results)).toEqual(["broken.json", "good.json"]);
  });

  it("names a result file that does not match the schema, with the offending field", async () => {
    const bad = { ...makeResult([]), measurements: [] };
    await writeFile(join(dirs.results, "health.json"), JSON.stringify(bad));
    const io = captureIo();
    expect(await report(flags(), io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(new RegExp(`${join(dirs.results, "health.json")}: not a valid scenario result[\\s\\S]*measurements`));
  });

  it("rejects a result whose scenario does not match its file name", async () => {
    await writeFile(join(dirs.results, "other.json"), JSON.stringify(makeResult([])));
    const io = captureIo();
    expect(await report(flags(), io)).toBe(2);
    expect(io.stderr.join("\n")).toContain('other.json: holds scenario "health", but the file name says "other"');
  });

  it("names a malformed baseline file", async () => {
    await writeResult(dirs.results, makeResult([makeRatio(P50, 5)]));
    await writeFile(join(dirs.baselines, "health.json"), JSON.stringify({ scenario: "health" }));
    const io = captureIo();
    expect(await report(flags(), io)).toBe(2);
    expect(io.stderr.join("\n")).toContain(`${join(dirs.baselines, "health.json")}: not a valid baseline`);
  });

  it("fails on no results, unknown flags and a bad tolerance", async () => {
    const empty = captureIo();
    expect(await report(flags(), empty)).toBe(2);
    expect(empty.stderr.join("\n")).toContain(`no results in ${dirs.results}`);
    expect(await report([...flags(), "--nope"], captureIo())).toBe(2);
    expect(await report(["positional"], captureIo())).toBe(2);
    await scenarioAt(1);
    for (const t of ["0.5", "abc", "-1", "Infinity"]) {
      const io = captureIo();
      expect(await report([...flags(), `--tolerance=${t}`], io)).toBe(2);
      expect(io.stderr.join("\n")).toMatch(/tolerance must be a number >= 1/);
    }
  });

  it("prints usage on --help", async () => {
    const io = captureIo();
    expect(await report(["--help"], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^usage: report/);
  });
});

describe("report CLI: directories", () => {
  it("takes the directories from PERF_RESULTS_DIR and PERF_BASELINES_DIR", async () => {
    await scenarioAt(3.5);
    const io = captureIo({ PERF_RESULTS_DIR: dirs.results, PERF_BASELINES_DIR: dirs.baselines });
    expect(await report([], io)).toBe(1);
    expect(io.stdout.join("\n")).toContain("critical");
    await expect(stat(join(dirs.results, "health.md"))).resolves.toBeTruthy();
  });

  it("lets flags win over the environment", async () => {
    await scenarioAt(3.5);
    const io = captureIo({ PERF_RESULTS_DIR: join(dirs.root, "nowhere"), PERF_BASELINES_DIR: join(dirs.root, "nowhere") });
    expect(await report(flags(), io)).toBe(1);
  });
});

describe("accept, then report", () => {
  it("a regression accepted as the new normal passes the next report", async () => {
    await scenarioAt(3.5);
    expect(await report(flags(), captureIo())).toBe(1);
    const acceptIo = captureIo();
    expect(await accept(flags(), acceptIo)).toBe(0);
    expect(acceptIo.stdout.join("\n")).toContain(`~ ${P50}  2 → 7`);
    const io = captureIo();
    expect(await report(flags(), io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/7\.00\s+7\.00\s+1\.00×\s+ok/);
  });

  it("a first run with no baselines: accept, then report is ok", async () => {
    await writeResult(dirs.results, makeResult([makeRatio(P50, 5)]));
    expect(await accept(flags(), captureIo())).toBe(0);
    const io = captureIo();
    expect(await report(flags(), io)).toBe(0);
    expect(io.stdout.at(-2)).toBe("overall: ok");
  });
});

describe("report CLI as a script", () => {
  it("runs under tsx with the environment's directories and exits with the verdict", async () => {
    await scenarioAt(2.5);
    const run = await runScript("report.ts", [], { PERF_RESULTS_DIR: dirs.results, PERF_BASELINES_DIR: dirs.baselines });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/2\.50×\s+high/);
    expect(run.stderr).toContain("failing the run");
  });
});
