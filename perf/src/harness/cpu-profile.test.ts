import { describe, expect, it } from "vitest";
import { profileMarkdown, summarizeProfile, type CpuProfile } from "./cpu-profile";
import { cpuDelta, parseProcStat } from "./process-cpu";

// root -> handler -> (sql exec, handler again: recursion) ; root -> (idle)
const profile: CpuProfile = {
  startTime: 0,
  endTime: 1000,
  nodes: [
    { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: -1 }, children: [2, 5] },
    { id: 2, callFrame: { functionName: "placeOrder", url: "file:///x/index.js", lineNumber: 9 }, children: [3, 4] },
    { id: 3, callFrame: { functionName: "exec", url: "", lineNumber: -1 } },
    { id: 4, callFrame: { functionName: "placeOrder", url: "file:///x/index.js", lineNumber: 9 } },
    { id: 5, callFrame: { functionName: "(idle)", url: "", lineNumber: -1 } },
  ],
  samples: [2, 3, 3, 4, 5, 5],
  timeDeltas: [100, 200, 200, 100, 300, 100],
};

describe("summarizeProfile", () => {
  it("adds self time per function and inclusive time once per stack (recursion not double counted)", () => {
    const s = summarizeProfile(profile);
    expect(s.sampledUs).toBe(1000);
    expect(s.idleUs).toBe(400);
    const row = (fn: string) => s.rows.find((r) => r.fn === fn)!;
    expect(row("placeOrder index.js:10")).toEqual({ fn: "placeOrder index.js:10", selfUs: 200, inclusiveUs: 600 });
    expect(row("exec")).toEqual({ fn: "exec", selfUs: 400, inclusiveUs: 400 });
  });

  it("reports shares of busy time, leaving out root and idle", () => {
    const md = profileMarkdown(summarizeProfile(profile));
    expect(md).toContain("| `exec` | 66.7% | 66.7% |");
    expect(md).toContain("| `placeOrder index.js:10` | 33.3% | 100.0% |");
    expect(md).not.toContain("`(idle)`");
  });
});

describe("process CPU", () => {
  it("parses /proc/<pid>/stat with a command name holding spaces and parentheses", () => {
    const fields = ["S", "1", "4242", "4242", ...Array(7).fill("0"), "150", "50", ...Array(30).fill("0")];
    const stat = parseProcStat(7, `7 (work (er)d x) ${fields.join(" ")}`);
    expect(stat).toEqual({ pid: 7, comm: "work (er)d x", pgid: 4242, cpuMs: 2000 });
  });

  it("sums the CPU each group used between two snapshots; new processes count from zero", () => {
    const before = [{ pid: 1, comm: "workerd", pgid: 10, cpuMs: 100 }];
    const after = [
      { pid: 1, comm: "workerd", pgid: 10, cpuMs: 160 },
      { pid: 2, comm: "workerd", pgid: 10, cpuMs: 15 },
      { pid: 3, comm: "node", pgid: 20, cpuMs: 999 },
    ];
    expect(cpuDelta(before, after, { edge: (p) => p.pgid === 10, bridge: (p) => p.pgid === 30 })).toEqual({ edge: 75, bridge: 0 });
  });
});
