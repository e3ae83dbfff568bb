/**
 * The in-DO cost of one order (trading-core goal: <= 0.15 ms mean): batches of market orders
 * inside one UserAccount invocation on workerd (perf/workerd/order-in-do.bench.test.ts), next to
 * raw SQL inserts in the same run. Each batch's mean per order is one sample.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../../../scripts/stack.mjs";
import { latencyRecorder, median } from "../harness/histogram";
import type { Measurement } from "../result-schema";
import { ratiosOf, type Scenario } from "./types";

export const ORDER_IN_DO_GOAL_MS = 0.15;

function measurement(id: string, label: string, role: "target" | "baseline", perOrderMs: number[], perBatch: number): Measurement {
  const rec = latencyRecorder();
  for (const ms of perOrderMs) rec.record(ms);
  const mean = perOrderMs.reduce((a, b) => a + b, 0) / perOrderMs.length;
  return {
    id,
    label,
    role,
    concurrency: 1,
    durationSec: Math.max(0.001, (mean * perBatch * perOrderMs.length) / 1000),
    latencyMs: { ...rec.summary(), mean: Math.round(mean * 1000) / 1000 },
    throughput: Math.round(1000 / mean),
    unit: "ops/s",
    total: perOrderMs.length * perBatch,
    errors: 0,
    timeline: perOrderMs.map((ms, t) => ({ t, rate: Math.round(1000 / ms) })),
    repeats: perOrderMs.map((ms) => ({ p50: ms, p99: ms, throughput: Math.round(1000 / ms) })),
    extra: { perBatch, batchMedianMs: Math.round(median(perOrderMs) * 1000) / 1000 },
  };
}

export const orderInDoScenario: Scenario = {
  name: "order-in-do",
  description: "Mean in-DO cost of one market order (batches inside one UserAccount invocation on workerd) against raw SQL inserts (same run).",
  async run(ctx) {
    // Runs the same 12 batches of 500 in quick and full mode: it takes a few seconds.
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--config", "perf/workerd/vitest.config.ts"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      timeout: 600_000,
    });
    const line = /ORDER_IN_DO_RESULT (\{.*\})/.exec(r.stdout + r.stderr)?.[1];
    if (r.status !== 0 || !line) throw new Error(`order-in-do benchmark failed (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`);
    const data = JSON.parse(line) as { perBatch: number; orderMs: number[]; sqlMs: number[]; drizzleMs: number[]; rawUnitMs: number[] };
    const order = measurement("order-in-do", "market order inside the UserAccount DO", "target", data.orderMs, data.perBatch);
    const sql = measurement("raw-sql-insert", "raw SQL insert in a transaction (floor)", "baseline", data.sqlMs, data.perBatch);
    const rawUnit = measurement("ledger-unit-raw", "5-statement ledger unit, raw SQL", "baseline", data.rawUnitMs, data.perBatch);
    const drizzleUnit = measurement("ledger-unit-drizzle", "the same ledger unit through drizzle-orm/durable-sqlite", "target", data.drizzleMs, data.perBatch);
    ctx.log(`  order in DO: mean ${order.latencyMs.mean} ms (goal <= ${ORDER_IN_DO_GOAL_MS} ms); raw SQL insert: mean ${sql.latencyMs.mean} ms`);
    ctx.log(`  ledger unit: drizzle mean ${drizzleUnit.latencyMs.mean} ms vs raw SQL ${rawUnit.latencyMs.mean} ms`);
    return {
      measurements: [sql, order, rawUnit, drizzleUnit],
      ratios: [...ratiosOf(order, sql), ...ratiosOf(drizzleUnit, rawUnit)],
      notes: [
        `Goal (trading-core issue): mean in-DO cost <= ${ORDER_IN_DO_GOAL_MS} ms; measured mean ${order.latencyMs.mean} ms: ${order.latencyMs.mean <= ORDER_IN_DO_GOAL_MS ? "met" : "NOT met"}.`,
        `${data.orderMs.length} batches of ${data.perBatch}; workerd's clock does not move inside synchronous code, so each sample is a whole batch's time / ${data.perBatch}. Samples have millisecond resolution per batch (±${(1 / data.perBatch).toFixed(3)} ms per order).`,
        "Each order: trade bucket, ledger reads, filters, risk checks, position math, order/fill/position/balance/daily-PnL/event/outbox writes in one transaction. The raw insert is one row per transaction.",
        "ledger-unit-drizzle vs ledger-unit-raw: the same five statements (read balance, insert order, insert fill, update balance, append event) through drizzle's query builder and as raw SQL, in the same DO (decision: raw SQL on the order path).",
      ],
    };
  },
};
