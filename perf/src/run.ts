/**
 * `npm run perf [scenario …] [--quick] [--duration S] [--repeats N]`
 *
 * Starts the local stack on free loopback ports (observability off, throw-away state), runs the
 * scenarios, writes perf/results/<scenario>.json, then the report, charts and the regression
 * check against perf/baselines (non-zero exit on a high or critical regression). Bounded in
 * time; sends traffic to 127.0.0.1 only; stops everything it started.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../scripts/stack.mjs";
import { machineInfo } from "./harness/machine";
import { freePort, LIFTED_RATE_LIMITS, registerUsers } from "./harness/users";
import { startPerfStack, type PerfStack } from "./harness/stack";
import { ScenarioResult } from "./result-schema";
import { aiCacheScenario } from "./scenarios/ai-cache";
import { analysisScenario } from "./scenarios/analysis";
import { binanceNormalizeScenario } from "./scenarios/binance-normalize";
import { healthScenario } from "./scenarios/health";
import { marketDataScenario } from "./scenarios/market-data";
import { orderInDoScenario } from "./scenarios/order-in-do";
import { orderPlacementScenario } from "./scenarios/order-placement";
import { recordStoreScenario } from "./scenarios/record-store";
import { telemetryOverheadScenario } from "./scenarios/telemetry-overhead";
import type { Scenario } from "./scenarios/types";
import { websocketScenario } from "./scenarios/websocket";

export const SCENARIOS: Scenario[] = [healthScenario, marketDataScenario, orderPlacementScenario, orderInDoScenario, websocketScenario, binanceNormalizeScenario, analysisScenario, aiCacheScenario, recordStoreScenario, telemetryOverheadScenario];

/** Stands in for the stack when only standalone scenarios run: any use is a bug. */
const NO_STACK = new Proxy({} as PerfStack, {
  get(_target, prop) {
    throw new Error(`a standalone scenario used the stack (${String(prop)})`);
  },
});

export function parseArgs(argv: string[]): { names: string[]; quick: boolean; durationSec: number; repeats: number } {
  const quick = argv.includes("--quick");
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const durationSec = Number(value("--duration") ?? process.env.PERF_DURATION ?? (quick ? 3 : 10));
  const repeats = Number(value("--repeats") ?? process.env.PERF_REPEATS ?? (quick ? 1 : 3));
  const skip = new Set([value("--duration"), value("--repeats")]);
  const names = argv.filter((a) => !a.startsWith("--") && !skip.has(a));
  if (!Number.isFinite(durationSec) || durationSec < 1 || durationSec > 600) throw new Error("--duration must be 1..600 seconds");
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 10) throw new Error("--repeats must be 1..10");
  return { names, quick, durationSec, repeats };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const unknown = args.names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.name).join(", ")}`);
    return 2;
  }
  const chosen = args.names.length ? SCENARIOS.filter((s) => args.names.includes(s.name)) : SCENARIOS;
  const resultsDir = process.env.PERF_RESULTS_DIR ?? join(ROOT, "perf", "results");
  mkdirSync(resultsDir, { recursive: true });

  const log = (msg: string) => console.log(msg);
  log(`perf: ${chosen.map((s) => s.name).join(", ")} — ${args.durationSec} s per measurement, ${args.repeats} repeat(s)`);
  let stack: PerfStack | undefined;
  const written: ScenarioResult[] = [];
  const stopOnSignal = async () => {
    await stack?.stop();
    process.exit(130);
  };
  process.on("SIGINT", () => void stopOnSignal());
  process.on("SIGTERM", () => void stopOnSignal());
  try {
    let tokens: string[] = [];
    // Standalone scenarios (CPU benchmarks) run first, on a quiet machine, without the stack.
    const ordered = [...chosen.filter((s) => s.standalone), ...chosen.filter((s) => !s.standalone)];
    for (const scenario of ordered) {
      if (!scenario.standalone && !stack) {
        // The load generator is one "user pool" on one machine: lift the per-user limits (the
        // rate limiter's own cost is still paid on every request).
        stack = await startPerfStack({
          edgePort: await freePort(),
          bridgePort: await freePort(),
          edgeVars: {
            ...LIFTED_RATE_LIMITS,
            // The gateway's per-socket market-data window (10 ms by default) for a fan-out experiment.
            ...(process.env.PERF_WS_GATEWAY_WINDOW_MS ? { WS_BATCH_WINDOW_MS: process.env.PERF_WS_GATEWAY_WINDOW_MS } : {}),
          },
        });
        log(`stack up: ${stack.edgeUrl} (workerd socket: ${stack.directFound ? stack.directUrl : "not found, using the proxy"})`);
        // Registration is throttled to 20 per IP per hour: 20 users it is.
        tokens = await registerUsers(stack.edgeUrl, 20);
      }
      log(`\n▶ ${scenario.name}: ${scenario.description}`);
      const startedAt = new Date().toISOString();
      const partial = await scenario.run({ stack: scenario.standalone ? NO_STACK : stack!, durationSec: args.durationSec, repeats: args.repeats, quick: args.quick, log, tokens });
      const result = ScenarioResult.parse({ scenario: scenario.name, description: scenario.description, startedAt, machine: machineInfo(), ...partial });
      writeFileSync(join(resultsDir, `${scenario.name}.json`), JSON.stringify(result, null, 2) + "\n");
      written.push(result);
      for (const r of result.ratios) log(`  ratio ${r.name} = ${r.value}`);
    }
  } finally {
    await stack?.stop();
  }
  const { main: report } = await import("./cli/report");
  const code = await report([]);
  // A measurement that mostly failed is not a measurement: say so and fail the run.
  const invalid = written.flatMap((r) => r.measurements.filter((m) => m.total === 0 || m.errors > m.total * 0.01).map((m) => `${r.scenario}/${m.id}: ${m.errors} errors of ${m.total}`));
  if (invalid.length) {
    console.error(`\ninvalid measurements (more than 1% errors, or nothing completed):\n  ${invalid.join("\n  ")}`);
    return Math.max(code, 1);
  }
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
