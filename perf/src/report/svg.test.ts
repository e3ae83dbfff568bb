import { describe, expect, it } from "vitest";
import { makeMeasurement, makeResult } from "../regression/test-fixtures";
import { chartFileNames, latencyChartFor, throughputChartFor } from "./charts";
import { escapeXml, latencyBarChart, throughputLineChart, type LatencyGroup, type ThroughputSeries } from "./svg";
import { checkWellFormedXml } from "./xml-check";

const GROUPS: LatencyGroup[] = [
  { label: "bare Node http (c=10)", detail: "baseline · c=10", p50: 0.3, p95: 0.6, p99: 1.1 },
  { label: "edge /health (c=10)", detail: "target · c=10", p50: 4.2, p95: 7.9, p99: 12.5 },
];
const SERIES: ThroughputSeries[] = [
  { label: "bare Node http", points: [{ t: 0, rate: 20500 }, { t: 1, rate: 21200 }, { t: 2, rate: 21300 }] },
  { label: "edge /health", points: [{ t: 0, rate: 2000 }, { t: 1, rate: 2150 }, { t: 2, rate: 2151 }] },
];
const NASTY = `a <b> & "c" 'd' </svg><script>alert(1)</script>`;

/** Asserts what every chart must be: well-formed, accessible, self-contained and finite. */
function expectGoodSvg(svg: string, title: string): void {
  expect(checkWellFormedXml(svg)).toEqual([]);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.endsWith("</svg>\n")).toBe(true);
  const open = svg.slice(0, svg.indexOf(">"));
  expect(open).toContain('role="img"');
  expect(open).toContain(`aria-label="${escapeXml(title)}"`);
  expect(open).toMatch(/viewBox="0 0 \d+ \d+"/);
  expect(svg).toContain(`<title>${escapeXml(title)}</title>`);
  expect(svg).toMatch(/<desc>[^<]+<\/desc>/);
  expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  expect(svg).not.toMatch(/href|@import|url\(|<script/i);
}

describe("escapeXml", () => {
  it("escapes the five special characters", () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;");
  });

  it("drops characters XML 1.0 forbids and keeps the rest", () => {
    expect(escapeXml("a\u0000b\u0007c\td\ne\u001ff\uffff")).toBe("abc\td\nef");
    expect(escapeXml("lone \ud800 surrogate")).toBe("lone  surrogate");
    expect(escapeXml("emoji 🚀 µs ≤")).toBe("emoji 🚀 µs ≤");
  });
});

describe("latencyBarChart", () => {
  it("draws a well-formed, accessible chart with a labelled bar per percentile", () => {
    const svg = latencyBarChart(GROUPS, { title: "health latency" });
    expectGoodSvg(svg, "health latency");
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(6);
    for (const v of ["p50 0.30", "p95 0.60", "p99 1.10", "p50 4.20", "p95 7.90", "p99 12.5"]) expect(svg).toContain(`>${v}</text>`);
    expect(svg).toContain("baseline · c=10");
    expect(svg).toContain("latency, ms (log scale)");
    expect(svg).toContain("<desc>Latency percentiles in ms, log axis. bare Node http (c=10): p50 0.30, p95 0.60, p99 1.10.");
  });

  it("puts decade ticks around 0.3 ms .. 12.5 ms on the log axis, with 2 and 5 in between", () => {
    const svg = latencyBarChart(GROUPS, { title: "t" });
    for (const tick of ["0.1", "0.2", "0.5", "1", "2", "5", "10", "20", "50", "100"]) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).not.toContain(">0.01</text>");
    expect(svg).not.toContain(">1k</text>");
  });

  it("keeps a 0.3 ms bar and a 5 ms bar both clearly visible on the log axis", () => {
    const svg = latencyBarChart([{ label: "a", p50: 0.3, p95: 0.3, p99: 0.3 }, { label: "b", p50: 5, p95: 5, p99: 5 }], { title: "t" });
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"[^>]*><title>/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(6);
    const [small, big] = [Math.min(...widths), Math.max(...widths)];
    expect(small).toBeGreaterThan(60);
    expect(big / small).toBeLessThan(5); // a linear axis would make it 16.7
  });

  it("supports a linear axis starting at 0", () => {
    const svg = latencyBarChart(GROUPS, { title: "t", scale: "linear" });
    expectGoodSvg(svg, "t");
    expect(svg).toContain("latency, ms (linear scale)");
    expect(svg).toContain(">0</text>");
    expect(svg).toContain(">15</text>"); // nice max above 12.5
  });

  it("escapes labels, details and titles", () => {
    const svg = latencyBarChart([{ label: NASTY, detail: NASTY, p50: 1, p95: 2, p99: 3 }], { title: NASTY });
    expectGoodSvg(svg, NASTY);
    expect(svg).toContain("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &lt;/svg&gt;&lt;script&gt;");
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
  });

  it("truncates long labels on screen but keeps the full label in a tooltip", () => {
    const long = "edge /api/market-data/BTCUSDT/orderbook through the wrangler proxy (c=50)";
    const svg = latencyBarChart([{ label: long, p50: 1, p95: 2, p99: 3 }], { title: "t" });
    expect(svg).toContain(`<title>${escapeXml(long)}</title>`);
    expect(svg).toMatch(/<title>[^<]+<\/title>edge \/api\/market-data[^<]*…<\/text>/);
  });

  it("does not crash on no groups, zeros or non-finite values", () => {
    expectGoodSvg(latencyBarChart([], { title: "empty" }), "empty");
    expect(latencyBarChart([], { title: "empty" })).toContain("No measurements");
    const zeros = latencyBarChart([{ label: "z", p50: 0, p95: 0, p99: 0 }], { title: "zeros" });
    expectGoodSvg(zeros, "zeros");
    expect(zeros).toContain(">p99 0</text>");
    const bad = latencyBarChart([{ label: "bad", p50: Number.NaN, p95: Number.POSITIVE_INFINITY, p99: -1 }, GROUPS[0]!], { title: "bad" });
    expectGoodSvg(bad, "bad");
    expect(bad).toContain(">p50 n/a</text>");
    expectGoodSvg(latencyBarChart([{ label: "one", p50: 1, p95: 1, p99: 1 }], { title: "one", scale: "linear" }), "one");
  });

  it("is deterministic and grows with the number of groups", () => {
    const a = latencyBarChart(GROUPS, { title: "t" });
    expect(latencyBarChart(structuredClone(GROUPS), { title: "t" })).toBe(a);
    const height = (svg: string) => Number(/height="(\d+)"/.exec(svg)?.[1]);
    expect(height(latencyBarChart([...GROUPS, ...GROUPS], { title: "t" }))).toBeGreaterThan(height(a));
  });
});

describe("throughputLineChart", () => {
  it("draws one line per series with ticks and a legend", () => {
    const svg = throughputLineChart(SERIES, { title: "health throughput", unit: "req/s" });
    expectGoodSvg(svg, "health throughput");
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg).toContain(">rate, req/s</text>");
    expect(svg).toContain(">seconds since start</text>");
    for (const tick of ["0", "5k", "10k", "15k", "20k", "25k"]) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain(">bare Node http</text>");
    expect(svg).toContain(">edge /health</text>");
    expect(svg).toContain("bare Node http: mean 21,000 req/s over 3 points (min 20,500, max 21,300).");
    // distinct colours
    const strokes = [...svg.matchAll(/<polyline [^>]*stroke="(#[0-9a-f]+)"/g)].map((m) => m[1]);
    expect(new Set(strokes).size).toBe(2);
  });

  it("maps time and rate onto the plot: higher rates sit higher (smaller y)", () => {
    const svg = throughputLineChart([{ label: "s", points: [{ t: 0, rate: 0 }, { t: 10, rate: 100 }] }], { title: "t" });
    const pts = /<polyline points="([^"]+)"/.exec(svg)?.[1]?.split(" ").map((p) => p.split(",").map(Number));
    expect(pts).toHaveLength(2);
    const [[x0, y0], [x1, y1]] = pts as [[number, number], [number, number]];
    expect(x1).toBeGreaterThan(x0);
    expect(y1).toBeLessThan(y0);
  });

  it("sorts points by time and skips unusable ones", () => {
    const svg = throughputLineChart([{ label: "s", points: [{ t: 2, rate: 5 }, { t: 0, rate: 1 }, { t: Number.NaN, rate: 3 }, { t: 1, rate: -4 }] }], { title: "t" });
    expectGoodSvg(svg, "t");
    const xs = /<polyline points="([^"]+)"/.exec(svg)?.[1]?.split(" ").map((p) => Number(p.split(",")[0]));
    expect(xs).toHaveLength(2);
    expect(xs![0]).toBeLessThan(xs![1]!);
  });

  it("does not crash on no series, empty series or a single point", () => {
    const none = throughputLineChart([], { title: "none" });
    expectGoodSvg(none, "none");
    expect(none).toContain("No timeline data");
    const empty = throughputLineChart([{ label: "quiet", points: [] }], { title: "empty" });
    expectGoodSvg(empty, "empty");
    expect(empty).toContain(">quiet (no data)</text>");
    const one = throughputLineChart([{ label: "dot", points: [{ t: 0, rate: 7 }] }], { title: "one" });
    expectGoodSvg(one, "one");
    expect(one).not.toContain("<polyline");
    expect(one.match(/<circle /g)).toHaveLength(1);
    const flat = throughputLineChart([{ label: "zero", points: [{ t: 0, rate: 0 }, { t: 0, rate: 0 }] }], { title: "flat" });
    expectGoodSvg(flat, "flat");
  });

  it("escapes labels, unit and title", () => {
    const svg = throughputLineChart([{ label: NASTY, points: SERIES[0]!.points }], { title: NASTY, unit: "<req>/s & more" });
    expectGoodSvg(svg, NASTY);
    expect(svg).toContain("rate, &lt;req&gt;/s &amp; more");
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
  });

  it("tells many lines apart with dashes once the colours run out", () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ label: `s${i}`, points: [{ t: 0, rate: i }, { t: 1, rate: i + 1 }] }));
    const svg = throughputLineChart(many, { title: "many" });
    expectGoodSvg(svg, "many");
    expect(svg.match(/<polyline [^>]*stroke-dasharray=/g)).toHaveLength(2);
    expect(svg.match(/<polyline /g)).toHaveLength(9);
  });

  it("is deterministic; hundreds of points draw without markers", () => {
    const long = [{ label: "long", points: Array.from({ length: 300 }, (_, t) => ({ t, rate: 1000 + (t % 7) * 13 })) }];
    const a = throughputLineChart(long, { title: "t" });
    expect(throughputLineChart(structuredClone(long), { title: "t" })).toBe(a);
    expect(a).not.toContain("<circle");
    expectGoodSvg(a, "t");
  });
});

describe("charts of a result", () => {
  it("builds both charts from the measurements", () => {
    const result = makeResult([]);
    const latency = latencyChartFor(result);
    expectGoodSvg(latency, "health: latency p50 / p95 / p99 (client side, ms)");
    expect(latency).toContain("edge /health (c=10)");
    expect(latency).toContain("target · c=10");
    const throughput = throughputChartFor(result);
    expectGoodSvg(throughput, "health: throughput over time");
    expect(throughput).toContain(">rate, req/s</text>");
  });

  it("falls back to a generic unit when the measurements mix units", () => {
    const result = makeResult([], { measurements: [makeMeasurement(), makeMeasurement({ id: "ws", unit: "msg/s" })] });
    expect(throughputChartFor(result)).toContain(">rate, per second</text>");
  });

  it("names the chart files after the scenario", () => {
    expect(chartFileNames("market-data")).toEqual({ latency: "market-data-latency.svg", throughput: "market-data-throughput.svg" });
  });
});
