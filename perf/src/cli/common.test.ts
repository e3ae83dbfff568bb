import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PERF_ROOT, perfDirs } from "./common";

describe("perfDirs", () => {
  it("defaults to perf/results and perf/baselines", () => {
    expect(PERF_ROOT.replace(/\/$/, "").endsWith("/perf")).toBe(true);
    expect(perfDirs({}, {})).toEqual({ resultsDir: join(PERF_ROOT, "results"), baselinesDir: join(PERF_ROOT, "baselines") });
  });

  it("prefers flags over the environment over the defaults; empty counts as unset", () => {
    const env = { PERF_RESULTS_DIR: "/env/results", PERF_BASELINES_DIR: "/env/baselines" };
    expect(perfDirs({}, env)).toEqual({ resultsDir: "/env/results", baselinesDir: "/env/baselines" });
    expect(perfDirs({ results: "/flag/r", baselines: "/flag/b" }, env)).toEqual({ resultsDir: "/flag/r", baselinesDir: "/flag/b" });
    expect(perfDirs({}, { PERF_RESULTS_DIR: "", PERF_BASELINES_DIR: "" })).toEqual(perfDirs({}, {}));
  });

  it("resolves relative paths against the working directory", () => {
    expect(perfDirs({ results: "rel/results" }, {}).resultsDir).toBe(resolve("rel/results"));
  });
});
