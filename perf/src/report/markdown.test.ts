import { describe, expect, it } from "vitest";
import { compareToBaseline } from "../regression/compare";
import { makeBaseline, makeMeasurement, makeRatio, makeResult } from "../regression/test-fixtures";
import { renderConsoleMeasurements, renderConsoleTable } from "./console";
import { escapeMarkdownText, renderIndexMarkdown, renderScenarioMarkdown } from "./markdown";

const P50 = "edge-health-c10.p50/bare-node-c10.p50";
const P99 = "edge-health-c10.p99/bare-node-c10.p99";
const THR = "edge-health-c10.throughput/bare-node-c10.throughput";

/** A result with server timing, repeats, errors, notes and goals; and its comparison. */
function fixture() {
  const result = makeResult(
    [makeRatio(P50, 14, { goal: 10 }), makeRatio(P99, 11.4), makeRatio(THR, 0.1, { better: "higher", goal: 0.05 }), makeRatio("new-thing.p50/bare-node-c10.p50", 2)],
    {
      measurements: [
        makeMeasurement({
          serverLatencyMs: { p50: 0.12, p95: 0.3, p99: 0.55, max: 2, mean: 0.15 },
          repeats: [
            { p50: 4.1, p99: 12, throughput: 2050 },
            { p50: 4.2, p99: 12.5, throughput: 2100 },
            { p50: 4.4, p99: 13, throughput: 2150 },
          ],
          errors: 12,
          total: 6301,
        }),
        makeMeasurement({ id: "bare-node-c10", label: "bare Node http | raw (c=10)", role: "baseline", latencyMs: { p50: 0.3, p95: 0.6, p99: 1.1, max: 9, mean: 0.35 }, throughput: 21000 }),
      ],
      notes: ["Spec target: market data p95 < 100 ms (NFR-PERFORMANCE-001).", "Beware <script>alert(1)</script> & &amp; entities"],
    },
  );
  const baseline = makeBaseline([makeRatio(P50, 5.6), makeRatio(P99, 11), makeRatio(THR, 0.1, { better: "higher" }), makeRatio("gone.p50/bare-node-c10.p50", 1)]);
  return { result, comparison: compareToBaseline(result, baseline) };
}

describe("renderScenarioMarkdown", () => {
  const { result, comparison } = fixture();
  const md = renderScenarioMarkdown(result, comparison, { latency: "charts/health-latency.svg", throughput: "charts/health-throughput.svg" });
  const line = (start: string) => md.split("\n").find((l) => l.startsWith(start)) ?? "";

  it("opens with the scenario, its description and a verdict", () => {
    expect(md.startsWith("# health\n\nGET /health against bare Node http (same run).\n\n**Verdict: high** (fails the run) · 1 regression · 1 goal missed.")).toBe(true);
    expect(md).toContain("Compared with the baseline accepted 2024-12-01T00:00:00.000Z.");
  });

  it("tabulates every ratio with value, baseline, factor, severity and goal", () => {
    expect(md).toContain("| Ratio | Better | Value | Baseline | Factor | Severity | Goal |\n| --- | --- | --: | --: | --: | --- | --- |");
    expect(line(`| \`${P50}\``)).toBe(`| \`${P50}\` | lower | 14.0 | 5.60 | 2.50× | **high** | ≤ 10.0 **missed** |`);
    expect(line(`| \`${P99}\``)).toBe(`| \`${P99}\` | lower | 11.4 | 11.0 | 1.04× | ok | — |`);
    expect(line(`| \`${THR}\``)).toBe(`| \`${THR}\` | higher | 0.10 | 0.10 | 1.00× | ok | ≥ 0.050 met |`);
    expect(line("| `new-thing")).toBe("| `new-thing.p50/bare-node-c10.p50` | lower | 2.00 | — | — | new | — |");
    expect(line("| `gone")).toBe("| `gone.p50/bare-node-c10.p50` | lower | — | 1.00 | — | missing | — |");
  });

  it("tabulates measurements with server latency next to client latency, throughput with unit, errors and spread", () => {
    expect(md).toContain("| Measurement | Role | Conc. | p50 | p95 | p99 | max | Server p50 / p95 / p99 | Throughput | Errors | Repeats (spread) |");
    expect(line("| edge /health")).toBe("| edge /health (c=10) | target | 10 | 4.20 | 7.90 | 12.5 | 40.1 | 0.12 / 0.30 / 0.55 | 2,101 req/s | **12** (0.19%) | 3: p50 4.10–4.40 |");
    expect(line("| bare Node")).toBe("| bare Node http \\| raw (c=10) | baseline | 10 | 0.30 | 0.60 | 1.10 | 9.00 | — | 21,000 req/s | 0 | — |");
    expect(md).toContain("Server columns: the server's own timing (Server-Timing)");
  });

  it("links the charts with relative paths", () => {
    expect(md).toContain("![health: latency p50 / p95 / p99](charts/health-latency.svg)");
    expect(md).toContain("![health: throughput over time](charts/health-throughput.svg)");
  });

  it("lists notes, escaping what could become HTML but keeping plain comparisons readable", () => {
    expect(md).toContain("- Spec target: market data p95 < 100 ms (NFR-PERFORMANCE-001).");
    expect(md).toContain("- Beware &lt;script>alert(1)&lt;/script> & &amp;amp; entities");
    expect(md).not.toContain("<script");
  });

  it("describes the machine", () => {
    expect(md).toContain("## Machine\n\n2 × Test CPU @ 2.0GHz, 4 GiB, Node v22.0.0, linux 6.1.0; load average 0.50 / 0.40 / 0.30. Run started 2025-01-02T03:04:05.000Z.\n");
  });

  it("leaves out what is absent: server columns, repeats, charts, notes", () => {
    const plain = makeResult([makeRatio(P50, 3)]);
    const out = renderScenarioMarkdown(plain, compareToBaseline(plain, undefined));
    expect(out).not.toContain("Server p50");
    expect(out).not.toContain("Repeats");
    expect(out).not.toContain("## Charts");
    expect(out).not.toContain("## Notes");
    expect(out).toContain("**Verdict: new** · 0 regressions · 0 goals missed. No baseline yet: every ratio is new. Accept this run's ratios with `npm run perf:accept -- health`.");
  });

  it("shows reasons for zero and invalid comparisons, and a widened tolerance", () => {
    const r = makeResult([makeRatio(THR, 0, { better: "higher" })]);
    const out = renderScenarioMarkdown(r, compareToBaseline(r, makeBaseline([makeRatio(THR, 0.1, { better: "higher" })]), { tolerance: 1.2 }));
    expect(out).toContain("| ∞ | **critical** (current value is 0 (nothing got through)) |");
    expect(out).toContain("bands widened ×1.2");
    const empty = makeResult([]);
    expect(renderScenarioMarkdown(empty, compareToBaseline(empty, undefined))).toContain("_This scenario has no ratios._");
  });

  it("is deterministic", () => {
    const again = fixture();
    expect(renderScenarioMarkdown(again.result, again.comparison, { latency: "charts/health-latency.svg", throughput: "charts/health-throughput.svg" })).toBe(md);
  });
});

describe("renderIndexMarkdown", () => {
  it("lists every scenario with its worst severity and counts, linked to its summary", () => {
    const { result, comparison } = fixture();
    const ws = makeResult([makeRatio("edge-ws.p50/bare-ws.p50", 1)], { scenario: "websocket", description: "WS fan-out" });
    const wsCmp = compareToBaseline(ws, makeBaseline([makeRatio("edge-ws.p50/bare-ws.p50", 1)], "websocket"));
    const md = renderIndexMarkdown([result, ws], [wsCmp, comparison]);
    expect(md).toContain("| Scenario | Worst | Regressions | Goals missed | What | Started |");
    expect(md).toContain("| [health](health.md) | **high** | 1 | 1 | GET /health against bare Node http (same run). | 2025-01-02T03:04:05.000Z |");
    expect(md).toContain("| [websocket](websocket.md) | ok | 0 | 0 | WS fan-out |");
    expect(md).toContain("**Overall: high** — the run fails.");
    expect(md).toContain("`npm run perf:accept`");
    expect(md.indexOf("[health]")).toBeLessThan(md.indexOf("[websocket]")); // the results' order
  });

  it("copes with no results and with a result that has no comparison", () => {
    expect(renderIndexMarkdown([], [])).toContain("_No results._");
    expect(renderIndexMarkdown([], [])).toContain("**Overall: ok**.");
    expect(renderIndexMarkdown([makeResult([])], [])).toContain("| [health](health.md) | not compared | — | — |");
  });
});

describe("escapeMarkdownText", () => {
  it.each<[string, string]>([
    ["p95 < 100 ms", "p95 < 100 ms"],
    ["a<b", "a&lt;b"],
    ["</div>", "&lt;/div>"],
    ["<!-- x -->", "&lt;!-- x -->"],
    ["AT&T", "AT&T"],
    ["&lt;", "&amp;lt;"],
    ["&#60;", "&amp;#60;"],
  ])("%j → %j", (input, out) => expect(escapeMarkdownText(input)).toBe(out));
});

describe("renderConsoleTable", () => {
  it("prints one aligned line per ratio, the missed goals and the overall severity", () => {
    const { comparison } = fixture();
    const out = renderConsoleTable([comparison]);
    const lines = out.split("\n");
    expect(lines[0]).toMatch(/^scenario\s+ratio\s+value\s+baseline\s+factor\s+severity$/);
    const p50Line = lines.find((l) => l.includes(P50)) ?? "";
    expect(p50Line).toMatch(/^health\s+\S+\s+14\.0\s+5\.60\s+2\.50×\s+high$/);
    expect(lines.find((l) => l.includes("gone."))).toMatch(/\s—\s+1\.00\s+—\s+missing$/);
    // aligned: every row's severity starts in the same column
    const rows = lines.slice(0, 6);
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((l) => l.lastIndexOf("  ") + 2)).size).toBe(1);
    expect(out).toContain(`goal missed: health ${P50} = 14.0, goal ≤ 10.0`);
    expect(lines.at(-1)).toBe("overall: high (fails)");
  });

  it("says ok when there is nothing to compare", () => {
    expect(renderConsoleTable([])).toBe("scenario  ratio  value  baseline  factor  severity\noverall: ok");
  });
});

describe("renderConsoleMeasurements", () => {
  it("prints p50/p95/p99, throughput and errors per measurement, numbers right-aligned", () => {
    const { result } = fixture();
    const lines = renderConsoleMeasurements([result]).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^scenario\s+measurement\s+p50 ms\s+p95 ms\s+p99 ms\s+throughput\s+errors$/);
    expect(lines[1]).toMatch(/^health\s+edge \/health \(c=10\)\s+4\.20\s+7\.90\s+12\.5\s+2,101 req\/s\s+12$/);
    expect(lines[2]).toMatch(/^health\s+bare Node http \| raw \(c=10\)\s+0\.30\s+0\.60\s+1\.10\s+21,000 req\/s\s+0$/);
    expect(new Set(lines.map((l) => l.length))).toEqual(new Set([lines[0]!.length]));
  });
});
