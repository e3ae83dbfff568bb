import { describe, expect, it } from "vitest";
import { emptyHistogram, observe } from "./histogram";
import { computeHistory, computeStats, type RollupInput } from "./performance";

function row(series: string, values: number[], t = 0): RollupInput {
  const hist = emptyHistogram();
  for (const v of values) observe(hist, v);
  return { t, series, hist, errors: 0 };
}

describe("computeStats", () => {
  it("reports WebSocket latency per message type and web vitals at p75 against their targets, apart from the request totals", () => {
    const rows = [
      row("http:health", [2, 3, 4]),
      row("ws:md", [...Array<number>(90).fill(8), ...Array<number>(10).fill(400)]),
      row("rum:lcp", [1200, 1800, 2200, 4200]),
      row("rum:cls", [20, 50, 300, 800]), // x1000: 0.02, 0.05, 0.3, 0.8
    ];
    const stats = computeStats(rows, 300, Date.UTC(2026, 0, 1), null);
    expect(stats.totals.requests).toBe(3); // ws and rum samples are not requests
    expect(stats.websocketLatency).toHaveLength(1);
    const md = stats.websocketLatency[0]!;
    expect(md).toMatchObject({ messageType: "md", samples: 100, targetP95Ms: 100 });
    expect(md.latencyMs.p50).toBeLessThanOrEqual(md.latencyMs.p95);
    expect(md.latencyMs.p95).toBeGreaterThan(100); // 10% of the frames took 400 ms
    expect(md.withinTarget).toBe(false);
    expect(stats.webVitals.map((v) => v.metric)).toEqual(["lcp", "cls"]);
    const lcp = stats.webVitals[0]!;
    expect(lcp).toMatchObject({ samples: 4, targetP75: 3000 });
    expect(lcp.p75).toBeGreaterThan(1000);
    expect(lcp.p75).toBeLessThanOrEqual(2500); // the 3rd of 4 readings sits in (1000, 2500]
    expect(lcp.withinTarget).toBe(true);
    const cls = stats.webVitals[1]!;
    expect(cls.p75).toBeGreaterThan(0.1);
    expect(cls.p75).toBeLessThanOrEqual(0.3);
    expect(cls.withinTarget).toBe(false);
  });

  it("history buckets count requests only, never ws or rum samples", () => {
    const buckets = computeHistory([row("http:health", [2, 3], 60_000), row("ws:md", [5, 5, 5], 60_000), row("rum:lcp", [900], 60_000)], 60);
    expect(buckets).toHaveLength(1);
    expect(buckets[0]!.requests).toBe(2);
  });
});
