/**
 * The k6 scripts cannot run here (no k6 binary), so this suite proves what can be proven without
 * it: every script's `options` is what k6 accepts; every threshold names a metric and tags the
 * script really emits (k6 passes a threshold that never got a sample); the spec's numbers are in
 * place; and the scripts speak the edge's contract, run against a strict fake edge.
 */
import { describe, expect, it, vi } from "vitest";
import { stubState } from "./test-support/k6-stubs.ts";
import { FakeEdge } from "./test-support/fake-edge.ts";
import { discoverScripts, loadScript, metricTypes, simulate, thresholdsWithoutData, type ScriptModule } from "./test-support/simulate.ts";
import {
  BUILTIN_METRICS,
  formatProblems,
  parseDuration,
  parseMetricKey,
  parseThresholdExpression,
  validateOptions,
  type Problem,
  type ValidationContext,
} from "./validate-options.ts";

const scripts = discoverScripts();

type Thresholds = Record<string, Array<string | { threshold: string }>>;
type Scenarios = Record<string, Record<string, unknown>>;

function thresholdsOf(m: ScriptModule): Thresholds {
  return (m.options?.thresholds ?? {}) as Thresholds;
}

function scenariosOf(m: ScriptModule): Scenarios {
  return (m.options?.scenarios ?? {}) as Scenarios;
}

function expressions(t: Thresholds, key: string): string[] {
  return (t[key] ?? []).map((e) => (typeof e === "string" ? e : e.threshold));
}

// ---------------------------------------------------------------------------------------------

describe("every k6 script in perf/k6", () => {
  it("is discovered (a new script is covered without editing this test)", () => {
    expect(scripts).toEqual(
      expect.arrayContaining(["api-stress.ts", "breaking-point.ts", "market-open.ts", "normal-trading.ts", "smoke.ts", "soak.ts", "spike.ts", "websocket.ts"]),
    );
  });

  describe.each(scripts)("%s", (file) => {
    it("exports options that k6 accepts, with thresholds on metrics that exist", async () => {
      const { module, metrics, exportedFunctions } = await loadScript(file);
      expect(module.options, "a script must export `options`").toBeTypeOf("object");
      expect(Object.keys(thresholdsOf(module)).length, "a load script without thresholds cannot fail").toBeGreaterThan(0);
      const problems = validateOptions(module.options, { customMetrics: metricTypes(metrics), exportedFunctions });
      expect(formatProblems(problems)).toBe("");
    });

    it("exports setup() and handleSummary()", async () => {
      const { exportedFunctions } = await loadScript(file);
      expect(exportedFunctions).toEqual(expect.arrayContaining(["setup", "handleSummary"]));
    });

    it("gives every threshold data when it runs against the (fake) edge, with every check passing", async () => {
      const sim = await simulate(file);
      expect(sim.iterationErrors).toEqual([]);
      expect(sim.edge.refusals).toEqual([]);
      expect(thresholdsWithoutData(thresholdsOf(sim.loaded.module), sim.series)).toEqual([]);
      const failed = sim.state.checks.filter((c) => !c.ok).map((c) => c.name);
      expect(failed).toEqual([]);
      expect(sim.state.checks.length).toBeGreaterThan(0);
      expect(sim.state.requests.filter((r) => r.failed).map((r) => `${r.method} ${r.url} ${r.status}`)).toEqual([]);
    });

    it("tags every request with one of the known names", async () => {
      const sim = await simulate(file, { vus: 2, iterations: 4 });
      const known = new Set(["order_placement", "risk_calculation", "market_data", "portfolio_update", "auth", "health"]);
      expect(sim.state.requests.length).toBeGreaterThan(0);
      expect(sim.state.requests.filter((r) => !known.has(r.tags.name ?? "")).map((r) => `${r.method} ${r.url} name=${r.tags.name}`)).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe("the spec's numbers", () => {
  const HTTP_SPEC: Record<string, string> = {
    "http_req_duration{name:order_placement}": "p(99)<10",
    "http_req_duration{name:risk_calculation}": "p(95)<50",
    "http_req_duration{name:market_data}": "p(95)<100",
    "http_req_duration{name:portfolio_update}": "p(95)<200",
    "http_req_failed{critical:true}": "rate<0.01",
    http_req_failed: "rate<0.05",
    checks: "rate>0.99",
  };
  const WS_SPEC: Record<string, string> = {
    ws_connecting: "p(95)<1000",
    ws_message_latency: "p(95)<100",
    ws_msgs_received: "rate>100",
  };

  it.each(["market-open.ts", "normal-trading.ts", "trading-day.ts", "api-stress.ts", "breaking-point.ts", "soak.ts"])(
    "%s carries the per-endpoint thresholds",
    async (file) => {
      const t = thresholdsOf((await loadScript(file)).module);
      for (const [key, expr] of Object.entries(HTTP_SPEC)) expect(expressions(t, key), key).toContain(expr);
      expect(t["http_req_failed{name:critical}"], "the spec's typo matches no request").toBeUndefined();
    },
  );

  it("spike.ts holds the spec's latencies from the recovery time objective on", async () => {
    const t = thresholdsOf((await loadScript("spike.ts")).module);
    expect(expressions(t, "http_req_duration{name:order_placement,phase:recovery}")).toContain("p(99)<10");
    expect(expressions(t, "http_req_duration{name:risk_calculation,phase:recovery}")).toContain("p(95)<50");
    expect(expressions(t, "http_req_duration{name:market_data,phase:recovery}")).toContain("p(95)<100");
    expect(expressions(t, "http_req_duration{name:portfolio_update,phase:recovery}")).toContain("p(95)<200");
    expect(expressions(t, "http_req_failed{critical:true}")).toContain("rate<0.01");
  });

  it("websocket.ts carries the WebSocket thresholds", async () => {
    const t = thresholdsOf((await loadScript("websocket.ts")).module);
    for (const [key, expr] of Object.entries(WS_SPEC)) expect(expressions(t, key), key).toContain(expr);
    expect(expressions(t, "checks")).toContain("rate>0.99");
  });

  it("market-open.ts ramps 100 -> 1,000 -> 5,000 -> 3,000 -> 0 over 2m, 5m, 10m, 2m", async () => {
    const s = scenariosOf((await loadScript("market-open.ts")).module).market_open!;
    expect(s).toMatchObject({
      executor: "ramping-vus",
      startVUs: 100,
      gracefulRampDown: "30s",
      stages: [
        { duration: "2m", target: 1000 },
        { duration: "5m", target: 5000 },
        { duration: "10m", target: 3000 },
        { duration: "2m", target: 0 },
      ],
    });
  });

  it("normal-trading.ts holds 2,000 VUs for 30 min; trading-day.ts starts them at 20 min", async () => {
    expect(scenariosOf((await loadScript("normal-trading.ts")).module).normal_trading).toMatchObject({ executor: "constant-vus", vus: 2000, duration: "30m" });
    const day = scenariosOf((await loadScript("trading-day.ts")).module);
    expect(day.normal_trading).toMatchObject({ executor: "constant-vus", vus: 2000, duration: "30m", startTime: "20m" });
    expect(day.market_open).toMatchObject({ executor: "ramping-vus", startVUs: 100 });
  });

  it("api-stress.ts runs 1,000 iterations/s for 10 min on 50-200 VUs", async () => {
    expect(scenariosOf((await loadScript("api-stress.ts")).module).api_stress).toMatchObject({
      executor: "constant-arrival-rate",
      rate: 1000,
      timeUnit: "1s",
      duration: "10m",
      preAllocatedVUs: 50,
      maxVUs: 200,
    });
  });

  it("breaking-point.ts ramps the arrival rate 100 -> 500 -> 1,000 -> 2,000 -> 5,000/s", async () => {
    expect(scenariosOf((await loadScript("breaking-point.ts")).module).breaking_point).toMatchObject({
      executor: "ramping-arrival-rate",
      startRate: 100,
      stages: [
        { duration: "2m", target: 500 },
        { duration: "5m", target: 1000 },
        { duration: "5m", target: 2000 },
        { duration: "5m", target: 5000 },
      ],
    });
  });

  it("soak.ts runs 24 h unless SOAK_DURATION says otherwise, and rejects a malformed one", async () => {
    expect(scenariosOf((await loadScript("soak.ts")).module).soak).toMatchObject({ executor: "constant-vus", duration: "24h" });
    expect(scenariosOf((await loadScript("soak.ts", { SOAK_DURATION: "4h" })).module).soak).toMatchObject({ duration: "4h" });
    await expect(loadScript("soak.ts", { SOAK_DURATION: "4 hours" })).rejects.toThrow(/not a duration/);
  });

  it("LOAD_SCALE scales VUs and rates, and the result is still valid", async () => {
    const { module, metrics, exportedFunctions } = await loadScript("market-open.ts", { LOAD_SCALE: "0.1" });
    const s = scenariosOf(module).market_open!;
    expect(s.startVUs).toBe(10);
    expect((s.stages as Array<{ target: number }>).map((x) => x.target)).toEqual([100, 500, 300, 0]);
    expect(validateOptions(module.options, { customMetrics: metricTypes(metrics), exportedFunctions })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("validateOptions catches what k6 would reject", () => {
  const ctx: ValidationContext = { customMetrics: { orders_rejected: "rate", order_placement_duration: "trend", orders_placed: "counter", queue_depth: "gauge" }, exportedFunctions: ["default", "trade", "setup"] };
  const base = { scenarios: { s: { executor: "constant-vus", vus: 1, duration: "30s", exec: "trade" } } };
  const withThreshold = (key: string, exprs: unknown) => ({ ...base, thresholds: { [key]: exprs } });
  const messages = (problems: Problem[]) => problems.map((p) => `${p.path}: ${p.message}`);

  it("accepts a valid options object", () => {
    expect(
      validateOptions(
        {
          ...base,
          thresholds: {
            http_req_duration: ["p(95)<100", "avg<=50", "med<40", "max<1000", "min>=0", "p(99.9)<200"],
            "http_req_duration{name:order_placement,critical:true}": [{ threshold: "p(99)<10", abortOnFail: true, delayAbortEval: "10s" }],
            orders_rejected: ["rate<0.01"],
            orders_placed: ["count>0", "rate>=10"],
            queue_depth: ["value<100"],
            checks: ["rate>0.99", "rate!=0", "rate==1"],
          },
          setupTimeout: "2m",
        },
        ctx,
      ),
    ).toEqual([]);
  });

  it("a typo'd metric name", () => {
    expect(messages(validateOptions(withThreshold("http_req_durration", ["p(95)<100"]), ctx))).toEqual([
      expect.stringMatching(/no metric named "http_req_durration"/),
    ]);
  });

  it("a custom metric the script never created", () => {
    expect(messages(validateOptions(withThreshold("ws_message_latency", ["p(95)<100"]), ctx))).toEqual([expect.stringMatching(/no metric named/)]);
    expect(validateOptions(withThreshold("ws_message_latency", ["p(95)<100"]), { customMetrics: { ws_message_latency: "trend" } })).toEqual([]);
  });

  it.each([
    ["http_req_duration", "rate<0.1", /aggregation rate does not apply to trend/],
    ["http_req_failed", "p(95)<10", /aggregation p\(95\) does not apply to rate/],
    ["orders_rejected", "count<5", /aggregation count does not apply to rate/],
    ["http_reqs", "avg<5", /aggregation avg does not apply to counter/],
    ["vus", "rate>1", /aggregation rate does not apply to gauge/],
    ["queue_depth", "p(90)<5", /aggregation p\(90\) does not apply to gauge/],
  ])("a wrong aggregation for the metric type: %s %s", (metric, expr, message) => {
    expect(messages(validateOptions(withThreshold(metric, [expr]), ctx))).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ["p95<10", /unknown aggregation "p95"/],
    ["p(95) < abc", /right-hand side "abc" is not a number/],
    ["p(95)", /is not <aggregation> <operator> <number>/],
    ["p(95)<", /is not <aggregation> <operator> <number>/],
    ["p(0)<10", /percentile "0"/],
    ["p(101)<10", /percentile "101"/],
    ["p()<10", /percentile ""/],
    ["average<10", /unknown aggregation "average"/],
    ["p(95)<10ms", /right-hand side "10ms" is not a number/],
  ])("a malformed expression: %s", (expr, message) => {
    expect(messages(validateOptions(withThreshold("http_req_duration", [expr]), ctx))).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ["http_req_duration{name}", /malformed tag filter "name"/],
    ["http_req_duration{name:}", /malformed tag filter/],
    ["http_req_duration{:order_placement}", /malformed tag filter/],
    ["http_req_duration{}", /malformed tag filter/],
    ["http_req_duration{name:a", /unmatched curly brace/],
    ["http_req_duration}name:a{", /closing curly brace before/],
    ["http_req_duration{name:a}x", /must end with its closing curly brace/],
    ["http_req_duration{name:a,name:b}", /appears twice/],
    ["http_req_duration{name:{a}}", /nested curly braces/],
  ])("a bad tag filter: %s", (key, message) => {
    expect(messages(validateOptions(withThreshold(key, ["p(95)<100"]), ctx))).toEqual([expect.stringMatching(message)]);
  });

  it("threshold lists and objects of the wrong shape", () => {
    expect(messages(validateOptions(withThreshold("checks", "rate>0.9"), ctx))).toEqual([expect.stringMatching(/must be an array/)]);
    expect(messages(validateOptions(withThreshold("checks", []), ctx))).toEqual([expect.stringMatching(/no threshold expressions/)]);
    expect(messages(validateOptions(withThreshold("checks", [{ threshold: "rate>0.9", abortOnFail: "yes", delayAbortEval: "soon", abort: true }]), ctx))).toEqual([
      expect.stringMatching(/\.abort: unknown threshold field/),
      expect.stringMatching(/abortOnFail: must be a boolean/),
      expect.stringMatching(/delayAbortEval: is not a valid duration/),
    ]);
    expect(messages(validateOptions(withThreshold("checks", [{ abortOnFail: true }]), ctx))).toEqual([expect.stringMatching(/must be an expression string/)]);
  });

  it.each([
    ["constant-vus", { vus: 10 }, "duration"],
    ["ramping-vus", { startVUs: 1 }, "stages"],
    ["constant-arrival-rate", { rate: 10, duration: "1m" }, "preAllocatedVUs"],
    ["constant-arrival-rate", { duration: "1m", preAllocatedVUs: 10 }, "rate"],
    ["constant-arrival-rate", { rate: 10, preAllocatedVUs: 10 }, "duration"],
    ["ramping-arrival-rate", { stages: [{ duration: "1m", target: 10 }] }, "preAllocatedVUs"],
    ["ramping-arrival-rate", { preAllocatedVUs: 10 }, "stages"],
    ["externally-controlled", { vus: 1, maxVUs: 10 }, "duration"],
  ])("an executor missing a required field: %s without %s", (executor, fields, missing) => {
    expect(messages(validateOptions({ scenarios: { s: { executor, ...fields } } }, ctx))).toContainEqual(
      expect.stringMatching(new RegExp(`scenarios\\.s\\.${missing}: is required by executor ${executor}`)),
    );
  });

  it("unknown executors and unknown or mistyped fields", () => {
    expect(messages(validateOptions({ scenarios: { s: { executor: "constant-vu", vus: 1, duration: "1m" } } }, ctx))).toEqual([expect.stringMatching(/unknown executor "constant-vu"/)]);
    expect(messages(validateOptions({ scenarios: { s: { executor: "constant-vus", vus: 1, duration: "1m", stages: [] } } }, ctx))).toEqual([
      expect.stringMatching(/scenarios\.s\.stages: unknown field for executor constant-vus/),
    ]);
    expect(messages(validateOptions({ scenarios: { s: { executor: "constant-vus", vus: 2.5, duration: "1m" } } }, ctx))).toEqual([expect.stringMatching(/vus: must be an integer/)]);
    expect(messages(validateOptions({ scenarios: { s: { executor: "constant-vus", vus: 0, duration: "1m" } } }, ctx))).toEqual([expect.stringMatching(/vus: must be more than 0/)]);
    expect(messages(validateOptions({ scenarios: { "market open": { executor: "constant-vus", duration: "1m" } } }, ctx))).toEqual([
      expect.stringMatching(/latin letters, digits, underscores and dashes/),
    ]);
    expect(messages(validateOptions({ scenarios: { s: { executor: "constant-arrival-rate", rate: 10, duration: "1m", preAllocatedVUs: 20, maxVUs: 10 } } }, ctx))).toEqual([
      expect.stringMatching(/maxVUs: can't be less than preAllocatedVUs/),
    ]);
    expect(messages(validateOptions({ scenarios: { s: { executor: "shared-iterations", vus: 10, iterations: 5 } } }, ctx))).toEqual([
      expect.stringMatching(/iterations: \(5\) can't be less than vus \(10\)/),
    ]);
  });

  it.each([
    ["30 s"],
    ["1m30"],
    ["2hours"],
    ["-5s"],
    ["s"],
    [""],
  ])("a bad duration: %j", (duration) => {
    expect(messages(validateOptions({ scenarios: { s: { executor: "constant-vus", vus: 1, duration } } }, ctx))).not.toEqual([]);
  });

  it("bad stages: empty, missing or negative targets, unknown fields, bad durations", () => {
    const ramp = (stages: unknown) => messages(validateOptions({ scenarios: { s: { executor: "ramping-vus", stages } } }, ctx));
    expect(ramp([])).toEqual([expect.stringMatching(/at least one stage/)]);
    expect(ramp([{ duration: "1m" }])).toEqual([expect.stringMatching(/stage has no target/)]);
    expect(ramp([{ duration: "1m", target: -1 }])).toEqual([expect.stringMatching(/target: must be 0 or more/)]);
    expect(ramp([{ duration: "1m", target: 1.5 }])).toEqual([expect.stringMatching(/target: must be an integer/)]);
    expect(ramp([{ duration: "1mn", target: 5 }])).toEqual([expect.stringMatching(/duration: is not a valid duration/)]);
    expect(ramp([{ duration: "1m", target: 5, vus: 3 }])).toEqual([expect.stringMatching(/\.vus: unknown stage field/)]);
    expect(messages(validateOptions({ scenarios: { s: { executor: "ramping-vus", startVUs: 0, stages: [{ duration: "1m", target: 0 }] } } }, ctx))).toEqual([
      expect.stringMatching(/either startVUs or one of the stages' targets/),
    ]);
  });

  it("an exec naming a function the script does not export (or no default)", () => {
    expect(messages(validateOptions({ scenarios: { s: { executor: "constant-vus", duration: "1m", exec: "trades" } } }, ctx))).toEqual([
      expect.stringMatching(/function "trades" is not exported/),
    ]);
    expect(messages(validateOptions({ scenarios: { s: { executor: "constant-vus", duration: "1m" } } }, { exportedFunctions: ["trade"] }))).toEqual([
      expect.stringMatching(/function "default" is not exported/),
    ]);
    expect(messages(validateOptions({ scenarios: { s: { executor: "constant-vus", duration: "1m", exec: "" } } }, ctx))).toContainEqual(
      expect.stringMatching(/exec: must be a non-empty string/),
    );
  });

  it("top-level mistakes: unknown options, shortcuts next to scenarios, bad timeouts", () => {
    expect(messages(validateOptions({ ...base, threshold: { checks: ["rate>0.9"] } }, ctx))).toEqual([expect.stringMatching(/^threshold: unknown option/)]);
    expect(messages(validateOptions({ ...base, vus: 10 }, ctx))).toEqual([expect.stringMatching(/^vus: is ignored by k6 when `scenarios` is set/)]);
    expect(messages(validateOptions({ ...base, setupTimeout: "five minutes" }, ctx))).toEqual([expect.stringMatching(/^setupTimeout: is not a valid duration/)]);
  });

  it("custom metric names k6 refuses, or a built-in's name with another type", () => {
    expect(messages(validateOptions(base, { customMetrics: { "order-latency": "trend" } }))).toEqual([expect.stringMatching(/invalid custom metric name/)]);
    expect(messages(validateOptions(base, { customMetrics: { checks: "trend" } }))).toEqual([expect.stringMatching(/built-in rate metric already has this name/)]);
  });

  it("reports every problem, not just the first", () => {
    const problems = validateOptions(
      { scenarios: { s: { executor: "constant-vus", vus: -1, duration: "1x", exec: "nope" } }, thresholds: { http_req_durration: ["p95<1"], checks: ["p(95)<1"] } },
      ctx,
    );
    expect(problems.length).toBe(6);
  });
});

describe("the validator's parsers", () => {
  it.each([
    ["30s", 30_000],
    ["1m30s", 90_000],
    ["2h", 7_200_000],
    ["1.5m", 90_000],
    ["500ms", 500],
    ["1d12h", 129_600_000],
    ["250", 250],
    [250, 250],
    ["0", 0],
  ])("parseDuration(%j) = %d ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it("parseThresholdExpression reads k6's expressions", () => {
    expect(parseThresholdExpression("p(99.9) <= 10")).toEqual({ aggregation: "p", percentile: 99.9, operator: "<=", value: 10 });
    expect(parseThresholdExpression("rate>=0.99")).toEqual({ aggregation: "rate", operator: ">=", value: 0.99 });
    expect(parseThresholdExpression("count===0")).toEqual({ aggregation: "count", operator: "===", value: 0 });
  });

  it("parseMetricKey splits the tag filter", () => {
    expect(parseMetricKey("http_req_duration{name:order_placement, critical:true}")).toEqual({ metric: "http_req_duration", tags: { name: "order_placement", critical: "true" } });
  });

  it("knows k6's built-in metric types", () => {
    expect(BUILTIN_METRICS).toMatchObject({ http_req_duration: "trend", http_req_failed: "rate", http_reqs: "counter", vus: "gauge", checks: "rate", ws_connecting: "trend", ws_msgs_received: "counter", dropped_iterations: "counter" });
  });
});

// ---------------------------------------------------------------------------------------------

describe("the scripts against the edge's contract", () => {
  it("place orders only after a risk check, with a bearer token, a unique Idempotency-Key and decimal-string quantities", async () => {
    const sim = await simulate("market-open.ts", { vus: 3, iterations: 30, env: { ORDER_RATIO: "0.5" } });
    const orders = sim.state.requests.filter((r) => r.url.endsWith("/api/orders"));
    expect(orders.length).toBeGreaterThan(0);
    const keys = orders.map((r) => r.headers["Idempotency-Key"]);
    expect(new Set(keys).size).toBe(orders.length);
    for (const order of orders) {
      expect(order.tags).toMatchObject({ name: "order_placement", critical: "true" });
      expect(order.headers.Authorization).toMatch(/^Bearer /);
      expect(JSON.parse(order.body!)).toEqual({ symbol: "BTCUSDT", side: expect.stringMatching(/^(buy|sell)$/), type: "market", quantity: "0.001" });
      const before = sim.state.requests[sim.state.requests.indexOf(order) - 1]!;
      expect(before.url.endsWith("/api/risk/calculate") && before.headers.Authorization === order.headers.Authorization).toBe(true);
    }
    expect(sim.edge.orders.size).toBe(orders.length);
    // Market data reads outnumber portfolio reads, which outnumber orders.
    const count = (name: string) => sim.state.requests.filter((r) => r.tags.name === name).length;
    expect(count("market_data")).toBeGreaterThan(count("portfolio_update") / 2);
    expect(count("market_data")).toBeGreaterThan(orders.length);
    expect(sim.state.sleeps.length).toBeGreaterThan(0);
  });

  it("never sells more than the VU bought, so the shared accounts do not go short", async () => {
    const sim = await simulate("api-stress.ts", { vus: 2, iterations: 60 });
    const byVu = new Map<string, number>();
    for (const r of sim.state.requests.filter((r) => r.url.endsWith("/api/orders"))) {
      const vu = r.headers["Idempotency-Key"]!.split("-").at(-2)!;
      const net = (byVu.get(vu) ?? 0) + (JSON.parse(r.body!).side === "buy" ? 1 : -1);
      expect(net).toBeGreaterThanOrEqual(0);
      byVu.set(vu, net);
    }
  });

  it("record the order's duration and count rejections when the edge refuses orders", async () => {
    const sim = await simulate("market-open.ts", { vus: 2, iterations: 30, env: { ORDER_RATIO: "1" }, edge: { failRoute: { orders: 503 } } });
    const rejected = sim.state.samples.filter((s) => s.metric === "orders_rejected");
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((s) => s.value === 1)).toBe(true);
    expect(sim.state.samples.some((s) => s.metric === "order_placement_duration")).toBe(false);
    expect(sim.state.checks.filter((c) => c.name === "order: accepted (201)").every((c) => !c.ok)).toBe(true);
    expect(sim.state.requests.filter((r) => r.tags.name === "order_placement").every((r) => r.failed)).toBe(true);
  });

  it("skip the order when the risk check fails", async () => {
    const sim = await simulate("market-open.ts", { vus: 1, iterations: 30, env: { ORDER_RATIO: "1" }, edge: { failRoute: { risk: 500 } } });
    expect(sim.state.requests.filter((r) => r.url.endsWith("/api/risk/calculate")).length).toBeGreaterThan(0);
    expect(sim.state.requests.filter((r) => r.url.endsWith("/api/orders"))).toEqual([]);
    expect(sim.state.checks.filter((c) => c.name === "risk: calculation answers 200").every((c) => !c.ok)).toBe(true);
  });

  it("renew access tokens before they expire without ever presenting one refresh token twice", async () => {
    // Tokens that live 30 s are always inside the 60 s renewal margin: every action renews.
    const sim = await simulate("normal-trading.ts", { vus: 3, iterations: 4, env: { USERS: "2" }, edge: { tokenTtlS: 30 } });
    const renewals = sim.state.samples.filter((s) => s.metric === "auth_renewal_failed");
    expect(renewals.length).toBeGreaterThan(0);
    expect(renewals.filter((s) => s.value === 1)).toEqual([]);
    expect(sim.edge.revokedFamilies.size).toBe(0);
    const paths = sim.state.requests.filter((r) => r.tags.name === "auth" && r.tags.phase !== "setup").map((r) => new URL(r.url).pathname);
    // VUs 1 and 2 own the sessions setup() opened and refresh them; VU 3 shares account 1, so it signs in once, then refreshes its own.
    expect(paths.filter((p) => p === "/auth/login").length).toBe(1);
    expect(paths.filter((p) => p === "/auth/refresh").length).toBeGreaterThan(2);
    expect(sim.edge.refusals).toEqual([]);
  });

  it("count a failed renewal and keep going when sign-in is throttled", async () => {
    const sim = await simulate("normal-trading.ts", { vus: 3, iterations: 2, env: { USERS: "1" }, edge: { tokenTtlS: 30, loginLimit: 0 } });
    expect(sim.state.samples.filter((s) => s.metric === "auth_renewal_failed" && s.value === 1).length).toBeGreaterThan(0);
    expect(sim.iterationErrors).toEqual([]);
  });
});

describe("setup()", () => {
  const logs: string[] = [];

  async function runSetup(env: Record<string, string>, edge: FakeEdge, files: Record<string, string> = {}) {
    const { module } = await loadScript("smoke.ts", env, files);
    stubState().responder = edge.responder;
    logs.length = 0;
    const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(" ")));
    try {
      return (module.setup as () => { runId: string; users: Array<{ email: string; password: string; accessToken: string }> })();
    } finally {
      log.mockRestore();
    }
  }

  it("waits for /health to answer 200, then registers USERS fresh accounts", async () => {
    const edge = new FakeEdge({ healthStatuses: [0, 503, 200] });
    const data = await runSetup({ USERS: "3", HEALTH_RETRY_DELAY: "2" }, edge);
    expect(edge.healthCalls).toBe(3);
    expect(stubState().sleeps).toEqual([2, 2]);
    expect(data.users).toHaveLength(3);
    expect(new Set(data.users.map((u) => u.email)).size).toBe(3);
    expect(data.users.every((u) => edge.userOfToken(u.accessToken) !== undefined)).toBe(true);
    expect(edge.registrations).toBe(3);
    // It says which accounts it made, and never their password.
    expect(logs.join("\n")).toContain(`perf-${data.runId}-{1..3}@perf.bot-core.test`);
    expect(logs.join("\n")).not.toContain(data.users[0]!.password);
  });

  it("fails with a clear message when the edge never becomes healthy", async () => {
    const edge = new FakeEdge({ healthStatuses: [503] });
    await expect(runSetup({ HEALTH_RETRIES: "4", HEALTH_RETRY_DELAY: "0" }, edge)).rejects.toThrow(/\/health did not answer 200 after 4 attempts \(last: HTTP 503/);
    expect(edge.healthCalls).toBe(4);
    expect(edge.registrations).toBe(0);
  });

  it("with EMAIL_PREFIX and PASSWORD, signs existing accounts in and registers only the missing ones", async () => {
    const edge = new FakeEdge();
    edge.accounts.set("trader-1@perf.bot-core.test", { id: "u1", email: "trader-1@perf.bot-core.test", password: "correct horse battery" });
    const data = await runSetup({ USERS: "3", EMAIL_PREFIX: "trader-", PASSWORD: "correct horse battery" }, edge);
    expect(data.users.map((u) => u.email)).toEqual(["trader-1@perf.bot-core.test", "trader-2@perf.bot-core.test", "trader-3@perf.bot-core.test"]);
    expect(edge.registrations).toBe(2);
    expect(edge.logins).toBe(3);
  });

  it("signs in the accounts of PERF_USERS_FILE, at most USERS of them", async () => {
    const edge = new FakeEdge();
    const accounts = [1, 2, 3].map((n) => ({ email: `f${n}@example.com`, password: `password-${n}` }));
    for (const a of accounts) edge.accounts.set(a.email, { id: a.email, ...a });
    const data = await runSetup({ USERS: "2", PERF_USERS_FILE: "/tmp/users.json" }, edge, { "/tmp/users.json": JSON.stringify(accounts) });
    expect(data.users.map((u) => u.email)).toEqual(["f1@example.com", "f2@example.com"]);
    expect(edge.registrations).toBe(0);
  });

  it("waits out the registration throttle within AUTH_WAIT_BUDGET, and fails beyond it", async () => {
    const edge = new FakeEdge({ registerLimit: 1 });
    await expect(runSetup({ USERS: "2", AUTH_WAIT_BUDGET: "0" }, edge)).rejects.toThrow(/registration is throttled by the edge \(429, Retry-After 1s\)/);
  });

  it("refuses EMAIL_PREFIX without PASSWORD", async () => {
    await expect(loadScript("smoke.ts", { EMAIL_PREFIX: "x-" })).rejects.toThrow(/EMAIL_PREFIX and PASSWORD go together/);
  });
});

describe("the WebSocket session", () => {
  it("offers bot-core.v1 and the bearer token, subscribes to ticker, book and trades after the welcome, and measures latency from bridgeTime", async () => {
    const sim = await simulate("websocket.ts", { vus: 2, iterations: 1, timeline: [0.5], edge: { wsLatencyMs: 37 } });
    expect(sim.state.sockets.length).toBe(2);
    for (const ws of sim.state.sockets) {
      expect(ws.url).toBe("ws://127.0.0.1:8787/ws");
      const offered = ws.params.headers!["Sec-WebSocket-Protocol"]!.split(", ");
      expect(offered[0]).toBe("bot-core.v1");
      expect(offered[1]).toMatch(/^bearer\./);
      const frames = ws.sent.map((s) => JSON.parse(s) as { type: string; channels?: string[] });
      expect(frames[0]).toEqual({ type: "subscribe", id: "md", channels: ["ticker:BTCUSDT", "book:BTCUSDT", "trades:BTCUSDT"] });
      expect(frames.some((f) => f.type === "ping")).toBe(true);
      expect(ws.closedWith).toEqual({ code: 1000, reason: "done" });
    }
    const latencies = sim.state.samples.filter((s) => s.metric === "ws_message_latency");
    expect(latencies.length).toBe(2 * 2 * 2); // 2 sockets x 2 frames x 2 updates
    expect(latencies.every((s) => s.value === 37)).toBe(true);
    expect(new Set(latencies.map((s) => s.tags.channel))).toEqual(new Set(["ticker", "book"]));
    expect(sim.state.samples.filter((s) => s.metric === "ws_error_frames").map((s) => s.tags.code)).toEqual(["rate_limited", "rate_limited"]);
  });

  it("fails its checks and counts a failed subscription when the upgrade is refused", async () => {
    const sim = await simulate("websocket.ts", { vus: 1, iterations: 1, timeline: [0.5], env: { WS_URL: "ws://127.0.0.1:8787/nope" } });
    expect(sim.state.samples.filter((s) => s.metric === "ws_subscribe_failed").map((s) => s.value)).toEqual([1]);
    expect(sim.state.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(["ws: connected", "ws: subscription acknowledged", "ws: market data received"]);
    expect(sim.state.timers.every((t) => t.cleared)).toBe(true);
  });
});

describe("handleSummary", () => {
  const data = {
    metrics: {
      http_req_duration: { type: "trend", contains: "time", values: { avg: 12, med: 10, "p(95)": 40, "p(99)": 80, max: 120 } },
      "http_req_duration{name:order_placement}": {
        type: "trend",
        contains: "time",
        values: { avg: 9, med: 8, "p(95)": 12, "p(99)": 15, max: 20 },
        thresholds: { "p(99)<10": { ok: false } },
      },
      checks: { type: "rate", contains: "default", values: { rate: 0.995, passes: 199, fails: 1 }, thresholds: { "rate>0.99": { ok: true } } },
    },
    root_group: { name: "", checks: [{ name: "order: accepted (201)", passes: 199, fails: 1 }], groups: [] },
    state: { testRunDurationMs: 61_000 },
    setup_data: { users: [{ email: "a@b.c", password: "secret-password", accessToken: "secret-token" }] },
  };

  it("writes summary.json (or SUMMARY_PATH) without setup data, and a text verdict listing the failed threshold", async () => {
    const { module } = await loadScript("market-open.ts", { SUMMARY_PATH: "out/market-open.json" });
    const out = (module.handleSummary as (d: unknown) => Record<string, string>)(data);
    expect(Object.keys(out).sort()).toEqual(["out/market-open.json", "stdout"]);
    const json = JSON.parse(out["out/market-open.json"]!) as { passed: boolean; thresholds: unknown[]; setup_data?: unknown; metrics: object };
    expect(json.passed).toBe(false);
    expect(json.thresholds).toEqual([
      { metric: "checks", threshold: "rate>0.99", ok: true },
      { metric: "http_req_duration{name:order_placement}", threshold: "p(99)<10", ok: false },
    ]);
    expect(json.setup_data).toBeUndefined();
    expect(out["out/market-open.json"]).not.toMatch(/secret/);
    expect(out.stdout).toMatch(/FAILED \(1 of 2 thresholds\)/);
    expect(out.stdout).toMatch(/FAIL http_req_duration\{name:order_placement\}: p\(99\)<10/);
    expect(out.stdout).toMatch(/FAIL order: accepted \(201\): 1 of 200/);
  });

  it("defaults to summary.json and says PASSED when every threshold held", async () => {
    const { module } = await loadScript("smoke.ts");
    const passing = { ...data, metrics: { checks: data.metrics.checks } };
    const out = (module.handleSummary as (d: unknown) => Record<string, string>)(passing);
    expect(Object.keys(out).sort()).toEqual(["stdout", "summary.json"]);
    expect(out.stdout).toMatch(/smoke against http:\/\/127\.0\.0\.1:8787: PASSED/);
  });
});
