/**
 * Dependency-free SVG charts, returned as strings. Deterministic (same input, same bytes: no
 * clocks, no randomness, fixed number formatting), self-contained (system fonts, no external
 * references), accessible (role="img", aria-label, <title> and a <desc> that states the data),
 * and every piece of text XML-escaped.
 */
import { formatCompact, formatNumber } from "./format";

/** One group of bars: a measurement's latency percentiles, in ms. */
export interface LatencyGroup {
  label: string;
  /** A second, smaller line under the label, e.g. "baseline · c=10". */
  detail?: string;
  p50: number;
  p95: number;
  p99: number;
}

export interface LatencyChartOptions {
  title: string;
  /**
   * "log" (default) keeps a 0.3 ms baseline and a 5 ms target both readable on one axis;
   * "linear" when the values are of one magnitude.
   */
  scale?: "log" | "linear";
  /** Width in px (default 820). */
  width?: number;
}

/** One line: a measurement's per-second rate over the run. */
export interface ThroughputSeries {
  label: string;
  points: readonly { t: number; rate: number }[];
}

export interface ThroughputChartOptions {
  title: string;
  /** The y axis unit, e.g. "req/s" (default "per second"). */
  unit?: string;
  /** Width in px (default 820). */
  width?: number;
}

const FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif";
const INK = "#222222";
const MUTED = "#666666";
const GRID = "#e3e3e3";
const AXIS = "#999999";
/** p50 → p99, light to dark: readable without colour vision too. */
const PERCENTILE_COLOURS = { p50: "#9ccbeb", p95: "#3a8fc7", p99: "#0b4f7c" } as const;
/** Okabe–Ito, without the yellow (too pale on white); dash patterns take over after seven. */
const LINE_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"] as const;
const LINE_DASHES = [undefined, "7 4", "2 3"] as const;

// ── XML ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Escapes text for XML content and attribute values (& < > " '), and drops characters XML 1.0
 * forbids (control characters other than tab/newline/return, lone surrogates, U+FFFE/U+FFFF).
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A coordinate: at most two decimals, never "-0", "NaN" or "Infinity" (those become 0). */
function num(v: number): string {
  if (!Number.isFinite(v)) return "0";
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

type AttrValue = string | number | undefined;

/** Serializes an element; attributes keep their order, undefined ones are left out. */
function el(name: string, attrs: Record<string, AttrValue>, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? num(v) : escapeXml(v)}"`)
    .join("");
  return children.length ? `<${name}${a}>${children.join("")}</${name}>` : `<${name}${a}/>`;
}

const text = (s: string): string => escapeXml(s);

function svgDocument(width: number, height: number, title: string, desc: string, body: string[]): string {
  const parts = [
    el("title", {}, text(title)),
    el("desc", {}, text(desc)),
    el("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }),
    el("text", { x: 16, y: 26, "font-size": 16, "font-weight": 600, fill: INK }, text(title)),
    ...body,
  ];
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" role="img" aria-label="${escapeXml(title)}" font-family="${escapeXml(FONT)}">`;
  return `${open}\n${parts.join("\n")}\n</svg>\n`;
}

/** Cuts a label to about `maxPx` at `fontSize` (an estimate: no font metrics without a renderer). */
function fit(label: string, maxPx: number, fontSize: number): string {
  const maxChars = Math.max(4, Math.floor(maxPx / (fontSize * 0.55)));
  const chars = Array.from(label);
  return chars.length <= maxChars ? label : `${chars.slice(0, maxChars - 1).join("")}…`;
}

const usable = (v: number): boolean => Number.isFinite(v) && v >= 0;

// ── scales and ticks ────────────────────────────────────────────────────────────────────────

interface Scale {
  /** Value → px. */
  at(v: number): number;
  ticks: { value: number; label: boolean }[];
  name: string;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

function linearTicks(max: number, count: number): { max: number; ticks: number[] } {
  const top = max > 0 ? max : 1;
  const step = niceStep(top, count);
  const n = Math.ceil(top / step - 1e-9);
  const ticks = Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { max: n * step, ticks };
}

function linearScale(max: number, x0: number, x1: number): Scale {
  const t = linearTicks(max, 5);
  return { at: (v) => x0 + ((x1 - x0) * Math.min(Math.max(v, 0), t.max)) / t.max, ticks: t.ticks.map((value) => ({ value, label: true })), name: "linear" };
}

function logScale(values: number[], x0: number, x1: number): Scale {
  const positive = values.filter((v) => v > 0);
  const minV = positive.length ? Math.min(...positive) : 1;
  const maxV = positive.length ? Math.max(...positive) : 1;
  let lo = Math.floor(Math.log10(minV));
  // Leave room for the smallest bar: a value on the axis's first decade would have no length.
  if (minV / 10 ** lo < 1.5) lo -= 1;
  const hi = Math.max(Math.ceil(Math.log10(maxV)), lo + 1);
  const decades = hi - lo;
  const at = (v: number) => (v <= 0 ? x0 : x0 + ((x1 - x0) * (Math.min(Math.log10(v), hi) - lo)) / decades);
  const ticks: { value: number; label: boolean }[] = [];
  for (let k = lo; k <= hi; k++) {
    const decade = Number((10 ** k).toPrecision(12));
    ticks.push({ value: decade, label: true });
    if (k < hi) for (const m of [2, 5]) ticks.push({ value: Number((m * 10 ** k).toPrecision(12)), label: decades <= 4 });
  }
  return { at, ticks, name: "log" };
}

// ── latency bars ────────────────────────────────────────────────────────────────────────────

/**
 * A horizontal grouped bar chart: one group per measurement (label on the left, so long labels
 * fit), one bar each for p50, p95 and p99, every bar labelled with its value in ms. The axis is
 * logarithmic by default.
 */
export function latencyBarChart(groups: readonly LatencyGroup[], options: LatencyChartOptions): string {
  const width = options.width ?? 820;
  const scaleKind = options.scale ?? "log";
  const keys = ["p50", "p95", "p99"] as const;
  const left = Math.round(Math.min(320, width * 0.38));
  const right = width - 64;
  const top = 64;
  const barH = 11;
  const barGap = 3;
  const groupH = 3 * barH + 2 * barGap + 18;
  const plotH = Math.max(groups.length, 1) * groupH;
  const height = top + plotH + 48;

  const values = groups.flatMap((g) => keys.map((k) => g[k])).filter(usable);
  const scale = scaleKind === "log" ? logScale(values, left, right) : linearScale(values.length ? Math.max(...values) : 0, left, right);
  const body: string[] = [];

  // legend
  keys.forEach((k, i) => {
    const x = left + i * 64;
    body.push(el("rect", { x, y: 38, width: 12, height: 12, fill: PERCENTILE_COLOURS[k] }), el("text", { x: x + 16, y: 48, "font-size": 12, fill: INK }, text(k)));
  });

  // grid and axis
  const axisY = top + plotH;
  const grid: string[] = [];
  for (const t of scale.ticks) {
    const x = scale.at(t.value);
    grid.push(el("line", { x1: x, y1: top, x2: x, y2: axisY, stroke: GRID, "stroke-width": t.label ? 1 : 0.5 }));
    if (t.label) grid.push(el("text", { x, y: axisY + 16, "font-size": 11, fill: MUTED, "text-anchor": "middle" }, text(formatCompact(t.value))));
  }
  body.push(el("g", { "aria-hidden": "true" }, ...grid));
  body.push(el("line", { x1: left, y1: axisY, x2: right, y2: axisY, stroke: AXIS }));
  body.push(el("text", { x: (left + right) / 2, y: axisY + 36, "font-size": 12, fill: MUTED, "text-anchor": "middle" }, text(`latency, ms (${scale.name} scale)`)));

  if (!groups.length) {
    body.push(el("text", { x: (left + right) / 2, y: top + plotH / 2, "font-size": 13, fill: MUTED, "text-anchor": "middle" }, text("No measurements")));
  }
  groups.forEach((g, gi) => {
    const y0 = top + gi * groupH + 9;
    const mid = y0 + (3 * barH + 2 * barGap) / 2;
    const label = el("text", { x: left - 10, y: g.detail ? mid - 2 : mid + 4, "font-size": 12, fill: INK, "text-anchor": "end" }, el("title", {}, text(g.label)), text(fit(g.label, left - 26, 12)));
    const parts = [label];
    if (g.detail) parts.push(el("text", { x: left - 10, y: mid + 12, "font-size": 10, fill: MUTED, "text-anchor": "end" }, text(fit(g.detail, left - 26, 10))));
    keys.forEach((k, i) => {
      const v = g[k];
      const y = y0 + i * (barH + barGap);
      const ok = usable(v);
      const end = ok ? scale.at(v) : left;
      const shown = ok ? formatNumber(v) : "n/a";
      if (ok && end > left) {
        parts.push(el("rect", { x: left, y, width: end - left, height: barH, fill: PERCENTILE_COLOURS[k] }, el("title", {}, text(`${g.label} ${k}: ${shown} ms`))));
      }
      parts.push(el("text", { x: end + 4, y: y + barH - 2, "font-size": 10, fill: INK }, text(`${k} ${shown}`)));
    });
    body.push(el("g", {}, ...parts));
  });

  const desc = groups.length
    ? `Latency percentiles in ms, ${scale.name} axis. ${groups.map((g) => `${g.label}: p50 ${formatNumber(g.p50)}, p95 ${formatNumber(g.p95)}, p99 ${formatNumber(g.p99)}.`).join(" ")}`
    : "No measurements.";
  return svgDocument(width, height, options.title, desc, body);
}

// ── throughput lines ────────────────────────────────────────────────────────────────────────

/**
 * A line chart of per-second rates over time, one line per series, with axis ticks and a legend
 * under the plot (one entry a line, so labels never overlap). Series of one point draw a dot;
 * empty series are listed in the legend as "no data".
 */
export function throughputLineChart(series: readonly ThroughputSeries[], options: ThroughputChartOptions): string {
  const width = options.width ?? 820;
  const unit = options.unit ?? "per second";
  const left = 64;
  const right = width - 20;
  const top = 64;
  const plotH = 260;
  const axisY = top + plotH;
  const legendTop = axisY + 52;
  const legendRow = 18;
  const height = legendTop + Math.max(series.length, 1) * legendRow + 12;

  const clean = series.map((s) => [...s.points].filter((p) => usable(p.t) && usable(p.rate)).sort((a, b) => a.t - b.t));
  const all = clean.flat();
  const xt = linearTicks(all.length ? Math.max(...all.map((p) => p.t)) : 0, 8);
  const yt = linearTicks(all.length ? Math.max(...all.map((p) => p.rate)) : 0, 5);
  const X = (t: number) => left + ((right - left) * t) / xt.max;
  const Y = (r: number) => axisY - (plotH * r) / yt.max;

  const body: string[] = [];
  const grid: string[] = [];
  for (const v of yt.ticks) {
    grid.push(el("line", { x1: left, y1: Y(v), x2: right, y2: Y(v), stroke: GRID }));
    grid.push(el("text", { x: left - 6, y: Y(v) + 4, "font-size": 11, fill: MUTED, "text-anchor": "end" }, text(formatCompact(v))));
  }
  for (const v of xt.ticks) {
    grid.push(el("line", { x1: X(v), y1: axisY, x2: X(v), y2: axisY + 4, stroke: AXIS }));
    grid.push(el("text", { x: X(v), y: axisY + 17, "font-size": 11, fill: MUTED, "text-anchor": "middle" }, text(formatCompact(v))));
  }
  body.push(el("g", { "aria-hidden": "true" }, ...grid));
  body.push(el("line", { x1: left, y1: axisY, x2: right, y2: axisY, stroke: AXIS }), el("line", { x1: left, y1: top, x2: left, y2: axisY, stroke: AXIS }));
  body.push(el("text", { x: (left + right) / 2, y: axisY + 36, "font-size": 12, fill: MUTED, "text-anchor": "middle" }, text("seconds since start")));
  body.push(el("text", { x: 16, y: top - 16, "font-size": 12, fill: MUTED }, text(`rate, ${unit}`)));

  if (!all.length) {
    body.push(el("text", { x: (left + right) / 2, y: top + plotH / 2, "font-size": 13, fill: MUTED, "text-anchor": "middle" }, text("No timeline data")));
  }
  clean.forEach((points, i) => {
    const s = series[i]!;
    const colour = LINE_COLOURS[i % LINE_COLOURS.length]!;
    const dash = LINE_DASHES[Math.floor(i / LINE_COLOURS.length) % LINE_DASHES.length];
    const parts = [el("title", {}, text(s.label))];
    if (points.length > 1) {
      const d = points.map((p) => `${num(X(p.t))},${num(Y(p.rate))}`).join(" ");
      parts.push(el("polyline", { points: d, fill: "none", stroke: colour, "stroke-width": 2, "stroke-linejoin": "round", "stroke-dasharray": dash }));
    }
    if (points.length <= 30) for (const p of points) parts.push(el("circle", { cx: X(p.t), cy: Y(p.rate), r: 2.5, fill: colour }));
    body.push(el("g", {}, ...parts));

    const ly = legendTop + i * legendRow;
    body.push(
      el(
        "g",
        {},
        el("line", { x1: left, y1: ly - 4, x2: left + 24, y2: ly - 4, stroke: colour, "stroke-width": 2, "stroke-dasharray": dash }),
        el("text", { x: left + 32, y: ly, "font-size": 12, fill: INK }, text(fit(points.length ? s.label : `${s.label} (no data)`, right - left - 32, 12))),
      ),
    );
  });

  const desc = series.length
    ? `Rate ${unit} over time. ${series.map((s, i) => describeSeries(s.label, clean[i] ?? [], unit)).join(" ")}`
    : "No timeline data.";
  return svgDocument(width, height, options.title, desc, body);
}

function describeSeries(label: string, points: readonly { t: number; rate: number }[], unit: string): string {
  if (!points.length) return `${label}: no data.`;
  const rates = points.map((p) => p.rate);
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  return `${label}: mean ${formatNumber(mean)} ${unit} over ${points.length} points (min ${formatNumber(Math.min(...rates))}, max ${formatNumber(Math.max(...rates))}).`;
}
