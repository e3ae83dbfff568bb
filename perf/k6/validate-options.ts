/**
 * Checks a k6 script's exported `options` the way k6 itself does before a run, and reports every
 * problem instead of stopping at the first. k6 cannot be installed on the development machines, so
 * this is what stands between a typo in a threshold and a load test that silently measures nothing.
 *
 * Pure TypeScript, no k6 and no Node imports: it runs in the vitest suite and could run anywhere.
 *
 * Rules follow k6's own validation (lib/executor/*.go, metrics/thresholds_parser.go,
 * metrics/metric.go ParseMetricName, lib/types ParseExtendedDuration):
 * - scenarios: a name of [0-9a-zA-Z_-]; a known executor; its required fields; no unknown fields
 *   (k6 unmarshals scenarios strictly); integer counts; durations that parse; stages non-empty
 *   with a duration and a non-negative integer target; `exec` naming an exported function.
 * - thresholds: `metric` or `metric{tag:value,...}`; the metric is a k6 built-in or a custom metric
 *   the script created; each expression is `<aggregation> <op> <number>` with an aggregation the
 *   metric's type supports; object form `{threshold, abortOnFail?, delayAbortEval?}`.
 *
 * Two places are stricter than k6 on purpose: a percentile must be 0 < N <= 100 (k6 accepts p(0),
 * which is just `min`), and top-level option keys k6 does not know are reported (k6 ignores them,
 * so `threshold:` instead of `thresholds:` would silently drop every threshold).
 *
 * @example
 * const problems = validateOptions(options, { customMetrics: { orders_rejected: "rate" }, exportedFunctions: ["default"] });
 * if (problems.length) throw new Error(formatProblems(problems));
 */

export type MetricType = "counter" | "gauge" | "rate" | "trend";

/** k6's built-in metrics and their types (metrics/builtin.go). */
export const BUILTIN_METRICS: Readonly<Record<string, MetricType>> = Object.freeze({
  vus: "gauge",
  vus_max: "gauge",
  iterations: "counter",
  iteration_duration: "trend",
  dropped_iterations: "counter",
  checks: "rate",
  group_duration: "trend",
  data_sent: "counter",
  data_received: "counter",
  http_reqs: "counter",
  http_req_failed: "rate",
  http_req_duration: "trend",
  http_req_blocked: "trend",
  http_req_connecting: "trend",
  http_req_tls_handshaking: "trend",
  http_req_sending: "trend",
  http_req_waiting: "trend",
  http_req_receiving: "trend",
  ws_sessions: "counter",
  ws_msgs_sent: "counter",
  ws_msgs_received: "counter",
  ws_ping: "trend",
  ws_session_duration: "trend",
  ws_connecting: "trend",
  grpc_req_duration: "trend",
});

/** Threshold aggregations each metric type supports (metrics/metric_type.go). */
export const AGGREGATIONS: Readonly<Record<MetricType, readonly string[]>> = Object.freeze({
  counter: ["count", "rate"],
  gauge: ["value"],
  rate: ["rate"],
  trend: ["avg", "min", "max", "med", "p(N)"],
});

export interface Problem {
  /** Where in `options`, e.g. `scenarios.market_open.stages[1].target` or `thresholds["checks"][0]`. */
  readonly path: string;
  readonly message: string;
}

export interface ValidationContext {
  /** Custom metrics the script created (name -> type). Thresholds may name only these and built-ins. */
  readonly customMetrics?: Readonly<Record<string, MetricType>>;
  /**
   * Names of the functions the script exports. When given, every scenario's `exec` (or `default`
   * when a scenario has none) must be one of them.
   */
  readonly exportedFunctions?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Durations

const GO_UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PLAIN_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const GO_DURATION = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;

function parseGoDuration(s: string): number | undefined {
  if (s === "0" || s === "+0" || s === "-0") return 0;
  if (!GO_DURATION.test(s)) return undefined;
  const sign = s.startsWith("-") ? -1 : 1;
  let total = 0;
  for (const m of s.replace(/^[-+]/, "").matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(m[1]) * GO_UNIT_MS[m[2]!]!;
  }
  return sign * total;
}

/**
 * Parses a k6 duration into milliseconds: "30s", "1m30s", "2h", "1.5m", "500ms", "1d12h", a plain
 * number of milliseconds ("250" or 250). Returns undefined when k6 would reject it.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || value === "") return undefined;
  if (PLAIN_NUMBER.test(value)) return Number(value);
  const d = value.indexOf("d");
  if (d < 0) return parseGoDuration(value);
  const days = value.slice(0, d);
  if (!/^[-+]?\d+$/.test(days)) return undefined;
  const rest = value.slice(d + 1);
  let hours = 0;
  if (rest !== "") {
    const parsed = parseGoDuration(rest);
    if (parsed === undefined || parsed < 0) return undefined;
    hours = parsed;
  }
  const sign = days.startsWith("-") ? -1 : 1;
  return Number(days) * 86_400_000 + sign * hours;
}

// ---------------------------------------------------------------------------------------------
// Threshold keys and expressions

export interface ParsedMetricKey {
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Parses `metric` or `metric{key:value,...}`; returns an error message when malformed. */
export function parseMetricKey(key: string): ParsedMetricKey | string {
  const open = key.indexOf("{");
  const close = key.lastIndexOf("}");
  if (open < 0 && close < 0) return { metric: key, tags: {} };
  if (open < 0 || close < 0) return `unmatched curly brace in "${key}"`;
  if (close < open) return `closing curly brace before the opening one in "${key}"`;
  if (close !== key.length - 1) return `"${key}" must end with its closing curly brace`;
  const inner = key.slice(open + 1, close);
  if (inner.includes("{") || inner.includes("}")) return `nested curly braces in "${key}"`;
  const tags: Record<string, string> = {};
  for (const part of inner.split(",")) {
    const colon = part.indexOf(":");
    const k = colon < 0 ? part.trim() : part.slice(0, colon).trim();
    const v = colon < 0 ? "" : part.slice(colon + 1).trim();
    if (colon < 0 || k === "" || v === "") return `malformed tag filter "${part}" in "${key}" (expected key:value)`;
    if (k in tags) return `tag "${k}" appears twice in "${key}"`;
    tags[k] = v;
  }
  return { metric: key.slice(0, open), tags };
}

export type ThresholdOperator = "<" | "<=" | ">" | ">=" | "==" | "===" | "!=";

export interface ParsedThreshold {
  /** avg, min, max, med, p, rate, count or value. */
  readonly aggregation: string;
  /** N of p(N). */
  readonly percentile?: number;
  readonly operator: ThresholdOperator;
  readonly value: number;
}

// Order matters as in k6: "<=" before "<", "===" before "==".
const OPERATORS: readonly ThresholdOperator[] = ["<=", "<", ">=", ">", "===", "==", "!="];
const SIMPLE_AGGREGATIONS = new Set(["avg", "min", "max", "med", "rate", "count", "value"]);

/** Parses `<aggregation> <op> <number>`; returns an error message when malformed. */
export function parseThresholdExpression(expression: string): ParsedThreshold | string {
  let op: ThresholdOperator | undefined;
  let left = "";
  let right = "";
  for (const candidate of OPERATORS) {
    const at = expression.indexOf(candidate);
    if (at >= 0 && expression.slice(at + candidate.length) !== "") {
      op = candidate;
      left = expression.slice(0, at).trim();
      right = expression.slice(at + candidate.length).trim();
      break;
    }
  }
  if (!op) return `"${expression}" is not <aggregation> <operator> <number> (operators: ${OPERATORS.join(" ")})`;
  if (!PLAIN_NUMBER.test(right)) return `"${expression}": right-hand side "${right}" is not a number`;
  const value = Number(right);
  if (SIMPLE_AGGREGATIONS.has(left)) return { aggregation: left, operator: op, value };
  const p = /^p\((.*)\)$/.exec(left);
  if (p) {
    const raw = p[1]!.trim();
    const n = Number(raw);
    if (!PLAIN_NUMBER.test(raw) || !(n > 0 && n <= 100)) {
      return `"${expression}": percentile "${raw}" must be a number with 0 < N <= 100`;
    }
    return { aggregation: "p", percentile: n, operator: op, value };
  }
  return `"${expression}": unknown aggregation "${left}" (one of avg, min, max, med, p(N), rate, count, value)`;
}

function aggregationFits(type: MetricType, aggregation: string): boolean {
  const allowed = AGGREGATIONS[type];
  return aggregation === "p" ? allowed.includes("p(N)") : allowed.includes(aggregation);
}

/** k6's rule for custom metric names (metrics/registry.go). */
export const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;

// ---------------------------------------------------------------------------------------------
// Scenarios

type FieldKind = "int>=0" | "int>0" | "duration" | "stages" | "string" | "stringMap";

interface ExecutorSpec {
  readonly fields: Readonly<Record<string, FieldKind>>;
  readonly required: readonly string[];
}

const BASE_FIELDS: Readonly<Record<string, FieldKind>> = {
  startTime: "duration",
  gracefulStop: "duration",
  exec: "string",
  env: "stringMap",
  tags: "stringMap",
};

/** k6 >= 1.0 executors. `externally-controlled` exists in k6 1.x (dropped in 2.0). */
export const EXECUTORS: Readonly<Record<string, ExecutorSpec>> = Object.freeze({
  "shared-iterations": { fields: { vus: "int>0", iterations: "int>0", maxDuration: "duration" }, required: [] },
  "per-vu-iterations": { fields: { vus: "int>0", iterations: "int>0", maxDuration: "duration" }, required: [] },
  "constant-vus": { fields: { vus: "int>0", duration: "duration" }, required: ["duration"] },
  "ramping-vus": { fields: { startVUs: "int>=0", stages: "stages", gracefulRampDown: "duration" }, required: ["stages"] },
  "constant-arrival-rate": {
    fields: { rate: "int>0", timeUnit: "duration", duration: "duration", preAllocatedVUs: "int>=0", maxVUs: "int>=0" },
    required: ["rate", "duration", "preAllocatedVUs"],
  },
  "ramping-arrival-rate": {
    fields: { startRate: "int>=0", timeUnit: "duration", stages: "stages", preAllocatedVUs: "int>=0", maxVUs: "int>=0" },
    required: ["stages", "preAllocatedVUs"],
  },
  "externally-controlled": { fields: { vus: "int>=0", maxVUs: "int>=0", duration: "duration" }, required: ["duration"] },
});

const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;
const MIN_DURATION_MS = 1000;

/** Top-level options k6 knows (lib/options.go); anything else is ignored by k6 and reported here. */
const KNOWN_OPTIONS = new Set([
  "batch", "batchPerHost", "blacklistIPs", "blockHostnames", "cloud", "discardResponseBodies", "dns", "duration",
  "executionSegment", "executionSegmentSequence", "ext", "handleSummaryTimeout", "hosts", "httpDebug",
  "insecureSkipTLSVerify", "iterations", "linger", "localIPs", "maxRedirects", "minIterationDuration",
  "noConnectionReuse", "noCookiesReset", "noUsageReport", "noVUConnectionReuse", "paused", "rps", "scenarios",
  "setupTimeout", "stages", "summaryTimeUnit", "summaryTrendStats", "systemTags", "tags", "teardownTimeout",
  "thresholds", "throw", "tlsAuth", "tlsCipherSuites", "tlsVersion", "userAgent", "vus", "vusMax",
]);
const TOP_LEVEL_DURATIONS = ["duration", "setupTimeout", "teardownTimeout", "handleSummaryTimeout", "minIterationDuration"];
const EXECUTION_SHORTCUTS = ["vus", "duration", "iterations", "stages"];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : JSON.stringify(v) ?? String(v);
}

class Collector {
  readonly problems: Problem[] = [];
  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }
}

function checkField(out: Collector, path: string, kind: FieldKind, value: unknown): void {
  switch (kind) {
    case "int>=0":
    case "int>0": {
      if (typeof value !== "number" || !Number.isInteger(value)) out.add(path, `must be an integer, got ${show(value)}`);
      else if (kind === "int>0" ? value <= 0 : value < 0) out.add(path, `must be ${kind === "int>0" ? "more than 0" : "0 or more"}, got ${value}`);
      return;
    }
    case "duration": {
      const ms = parseDuration(value);
      if (ms === undefined) out.add(path, `is not a valid duration: ${show(value)} (e.g. "30s", "1m30s", "2h")`);
      else if (ms < 0) out.add(path, `can't be negative: ${show(value)}`);
      return;
    }
    case "string":
      if (typeof value !== "string" || value === "") out.add(path, `must be a non-empty string, got ${show(value)}`);
      return;
    case "stringMap":
      if (!isPlainObject(value) || Object.values(value).some((v) => typeof v !== "string")) {
        out.add(path, `must be an object of string values, got ${show(value)}`);
      }
      return;
    case "stages":
      checkStages(out, path, value);
      return;
  }
}

function checkStages(out: Collector, path: string, value: unknown): void {
  if (!Array.isArray(value)) {
    out.add(path, `must be an array of {duration, target}, got ${show(value)}`);
    return;
  }
  if (value.length === 0) out.add(path, "at least one stage has to be specified");
  value.forEach((stage: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(stage)) {
      out.add(at, `must be {duration, target}, got ${show(stage)}`);
      return;
    }
    for (const key of Object.keys(stage)) if (key !== "duration" && key !== "target") out.add(`${at}.${key}`, "unknown stage field");
    if (!("duration" in stage)) out.add(at, "stage has no duration");
    else checkField(out, `${at}.duration`, "duration", stage.duration);
    if (!("target" in stage)) out.add(at, "stage has no target");
    else checkField(out, `${at}.target`, "int>=0", stage.target);
  });
}

function stageTargets(v: unknown): number[] {
  return Array.isArray(v) ? v.map((s: unknown) => (isPlainObject(s) && typeof s.target === "number" ? s.target : 0)) : [];
}

function checkScenario(out: Collector, name: string, scenario: unknown, ctx: ValidationContext): void {
  const path = `scenarios.${name}`;
  if (!SCENARIO_NAME.test(name)) out.add(path, "scenario names may contain only latin letters, digits, underscores and dashes");
  if (!isPlainObject(scenario)) {
    out.add(path, `must be an object, got ${show(scenario)}`);
    return;
  }
  const executor = scenario.executor;
  const spec = typeof executor === "string" ? EXECUTORS[executor] : undefined;
  if (!spec) {
    out.add(`${path}.executor`, `unknown executor ${show(executor)} (one of ${Object.keys(EXECUTORS).join(", ")})`);
    return;
  }
  const fields = { ...BASE_FIELDS, ...spec.fields };
  for (const [key, value] of Object.entries(scenario)) {
    if (key === "executor") continue;
    if (key === "options") {
      if (!isPlainObject(value)) out.add(`${path}.options`, "must be an object (e.g. {browser: {...}})");
      continue;
    }
    const kind = fields[key];
    if (!kind) {
      out.add(`${path}.${key}`, `unknown field for executor ${executor} (allowed: ${Object.keys(fields).join(", ")})`);
      continue;
    }
    if (value === undefined) continue;
    checkField(out, `${path}.${key}`, kind, value);
  }
  for (const key of spec.required) {
    if (scenario[key] === undefined) out.add(`${path}.${key}`, `is required by executor ${executor}`);
  }

  // Executor-specific rules beyond the field types.
  const num = (k: string) => (typeof scenario[k] === "number" ? (scenario[k] as number) : undefined);
  for (const key of ["duration", "maxDuration"] as const) {
    const ms = scenario[key] === undefined ? undefined : parseDuration(scenario[key]);
    if (ms !== undefined && ms >= 0 && ms < MIN_DURATION_MS && executor !== "externally-controlled") {
      out.add(`${path}.${key}`, `must be at least 1s, got ${show(scenario[key])}`);
    }
  }
  if ("timeUnit" in scenario) {
    const ms = parseDuration(scenario.timeUnit);
    if (ms !== undefined && ms <= 0) out.add(`${path}.timeUnit`, "must be more than 0");
  }
  const pre = num("preAllocatedVUs");
  const max = num("maxVUs");
  if (executor === "externally-controlled") {
    const vus = num("vus") ?? 0;
    if (max !== undefined && max < vus) out.add(`${path}.maxVUs`, `can't be less than vus (${vus})`);
  } else if (pre !== undefined && max !== undefined && max < pre) {
    out.add(`${path}.maxVUs`, `can't be less than preAllocatedVUs (${pre})`);
  }
  if (executor === "shared-iterations") {
    const vus = num("vus") ?? 1;
    const iterations = num("iterations") ?? 1;
    if (iterations < vus) out.add(`${path}.iterations`, `(${iterations}) can't be less than vus (${vus})`);
  }
  if (executor === "ramping-vus" && Array.isArray(scenario.stages) && scenario.stages.length > 0) {
    const start = num("startVUs") ?? 1;
    if (Math.max(start, ...stageTargets(scenario.stages)) <= 0) {
      out.add(`${path}.stages`, "either startVUs or one of the stages' targets must be more than 0");
    }
  }

  if (ctx.exportedFunctions) {
    const exec = typeof scenario.exec === "string" && scenario.exec !== "" ? scenario.exec : "default";
    if (!ctx.exportedFunctions.includes(exec)) {
      out.add(`${path}.exec`, `function "${exec}" is not exported by the script (exports: ${ctx.exportedFunctions.join(", ") || "none"})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Thresholds

function checkThresholds(out: Collector, thresholds: unknown, ctx: ValidationContext): void {
  if (!isPlainObject(thresholds)) {
    out.add("thresholds", `must be an object of metric -> [expressions], got ${show(thresholds)}`);
    return;
  }
  const custom = ctx.customMetrics ?? {};
  for (const [key, list] of Object.entries(thresholds)) {
    const path = `thresholds[${JSON.stringify(key)}]`;
    const parsedKey = parseMetricKey(key);
    let type: MetricType | undefined;
    if (typeof parsedKey === "string") {
      out.add(path, parsedKey);
    } else {
      type = BUILTIN_METRICS[parsedKey.metric] ?? custom[parsedKey.metric];
      if (!type) {
        out.add(path, `no metric named "${parsedKey.metric}": neither a k6 built-in nor a custom metric the script created`);
      }
    }
    if (!Array.isArray(list)) {
      out.add(path, `must be an array of threshold expressions, got ${show(list)}`);
      continue;
    }
    if (list.length === 0) out.add(path, "has no threshold expressions");
    list.forEach((entry: unknown, i) => {
      const at = `${path}[${i}]`;
      let expression: unknown = entry;
      if (isPlainObject(entry)) {
        for (const k of Object.keys(entry)) {
          if (!["threshold", "abortOnFail", "delayAbortEval"].includes(k)) out.add(`${at}.${k}`, "unknown threshold field (allowed: threshold, abortOnFail, delayAbortEval)");
        }
        if ("abortOnFail" in entry && typeof entry.abortOnFail !== "boolean") out.add(`${at}.abortOnFail`, "must be a boolean");
        if ("delayAbortEval" in entry) {
          const ms = parseDuration(entry.delayAbortEval);
          if (ms === undefined || ms < 0) out.add(`${at}.delayAbortEval`, `is not a valid duration: ${show(entry.delayAbortEval)}`);
        }
        expression = entry.threshold;
      }
      if (typeof expression !== "string") {
        out.add(at, `must be an expression string or {threshold: string, ...}, got ${show(entry)}`);
        return;
      }
      const parsed = parseThresholdExpression(expression);
      if (typeof parsed === "string") {
        out.add(at, parsed);
        return;
      }
      if (type && !aggregationFits(type, parsed.aggregation)) {
        const shown = parsed.aggregation === "p" ? `p(${parsed.percentile})` : parsed.aggregation;
        out.add(at, `aggregation ${shown} does not apply to ${type} metric "${(parsedKey as ParsedMetricKey).metric}" (supported: ${AGGREGATIONS[type].join(", ")})`);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------

/** Every problem k6 would find in `options` (and a few it would silently ignore). Empty = valid. */
export function validateOptions(options: unknown, ctx: ValidationContext = {}): Problem[] {
  const out = new Collector();
  if (!isPlainObject(options)) {
    out.add("options", `must be an object, got ${show(options)}`);
    return out.problems;
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) out.add(key, "unknown option (k6 would ignore it)");
  }
  for (const key of TOP_LEVEL_DURATIONS) {
    if (options[key] !== undefined) checkField(out, key, "duration", options[key]);
  }
  for (const [name, type] of Object.entries(ctx.customMetrics ?? {})) {
    if (!METRIC_NAME.test(name)) out.add(`metrics.${name}`, "invalid custom metric name: up to 128 ASCII letters, digits or underscores, not starting with a digit");
    if (BUILTIN_METRICS[name] && BUILTIN_METRICS[name] !== type) {
      out.add(`metrics.${name}`, `a built-in ${BUILTIN_METRICS[name]} metric already has this name; k6 refuses to create it as a ${type}`);
    }
  }

  if (options.scenarios !== undefined) {
    if (!isPlainObject(options.scenarios) || Object.keys(options.scenarios).length === 0) {
      out.add("scenarios", "must be an object with at least one scenario");
    } else {
      for (const [name, scenario] of Object.entries(options.scenarios)) checkScenario(out, name, scenario, ctx);
      for (const key of EXECUTION_SHORTCUTS) {
        if (options[key] !== undefined) out.add(key, "is ignored by k6 when `scenarios` is set; put it in a scenario");
      }
    }
  } else {
    if (options.stages !== undefined) checkStages(out, "stages", options.stages);
    if (options.vus !== undefined) checkField(out, "vus", "int>=0", options.vus);
    if (options.iterations !== undefined) checkField(out, "iterations", "int>0", options.iterations);
    if (ctx.exportedFunctions && !ctx.exportedFunctions.includes("default")) {
      out.add("scenarios", "no scenarios and no default export: k6 has nothing to run");
    }
  }

  if (options.thresholds !== undefined) checkThresholds(out, options.thresholds, ctx);
  return out.problems;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `- ${p.path}: ${p.message}`).join("\n");
}
