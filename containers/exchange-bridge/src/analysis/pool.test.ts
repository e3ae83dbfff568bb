/**
 * The worker pool with real worker threads and the committed ONNX model: results, a full queue
 * (rejected at once with retryAfter), queue and worker timeouts (a stuck worker is replaced).
 */
import { Signal } from "@bot-core/analysis";
import { randomWalkCandles } from "@bot-core/analysis/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../log";
import { defaultModelPath } from "./model";
import { packCandles } from "./pipeline";
import { AnalysisTimeoutError, OverloadedError, WorkerPool } from "./pool";

const pools: WorkerPool[] = [];
async function startPool(options: Partial<ConstructorParameters<typeof WorkerPool>[0]> = {}): Promise<WorkerPool> {
  const pool = new WorkerPool({ size: 1, modelPath: defaultModelPath(), ...options });
  pools.push(pool);
  await pool.start();
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function capture() {
  const lines: string[] = [];
  return { log: createLogger({ write: (l) => lines.push(l) }), logged: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const task = (seed = 1) => ({ symbol: "BTCUSDT", interval: "1m" as const, candles: packCandles(randomWalkCandles(500, seed, 64_000, 0.002)) });

describe("WorkerPool", () => {
  it("closing while a worker still loads its model waits for the load before terminating it (terminating mid-load can abort the process)", async () => {
    const pool = new WorkerPool({ size: 1, modelPath: null, workerUrl: new URL("./testing/slow-start-worker.mjs", import.meta.url) });
    const starting = pool.start();
    const t0 = performance.now();
    await pool.close();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    await expect(starting).resolves.toBeUndefined();
  });

  it("runs an analysis in a worker with the ONNX model and returns a valid signal", async () => {
    const pool = await startPool();
    expect(pool.modelVersion).toBe("signal-mlp-v1");
    const { signal, workerMs } = await pool.run(task(), "user");
    expect(Signal.parse(signal).model?.version).toBe("signal-mlp-v1");
    expect(Object.keys(signal.timingsMs).sort()).toEqual(["indicators", "inference", "patterns", "signal"]);
    expect(workerMs).toBeGreaterThan(0);
    expect(signal.candles).toBe(500);
  });

  it("a full queue rejects at once with OverloadedError and a retryAfter; queued work still completes", async () => {
    const { log, logged } = capture();
    const pool = await startPool({ queueCapacity: 3, log });
    pool.pause();
    const accepted = [pool.run(task(1), "background"), pool.run(task(2), "batch"), pool.run(task(3), "user")];
    const t0 = performance.now();
    const refused = await pool.run(task(4), "user").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(performance.now() - t0).toBeLessThan(50);
    expect(refused).toBeInstanceOf(OverloadedError);
    expect((refused as OverloadedError).retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(pool.stats()).toMatchObject({ queued: 3, capacity: 3, rejectedOverloaded: 1 });
    await pool.run(task(5), "user").catch(() => undefined); // same overload episode: not logged again
    expect(logged().filter((l) => l.event === "analysis_queue_full")).toEqual([
      expect.objectContaining({ level: "warn", msg: "analysis queue full; refusing analyses", queued: 3, capacity: 3, priority: "user", retryAfterSec: expect.any(Number) }),
    ]);    pool.resume();
    const done = await Promise.all(accepted);
    expect(done.map((d) => d.signal.symbol)).toEqual(["BTCUSDT", "BTCUSDT", "BTCUSDT"]);
  });

  it("serves a user request before queued batch and background work", async () => {
    const pool = await startPool();
    pool.pause();
    const order: string[] = [];
    const runs = (["background", "batch", "user"] as const).map((p, i) => pool.run(task(i), p).then(() => order.push(p)));
    pool.resume();
    await Promise.all(runs);
    expect(order).toEqual(["user", "batch", "background"]);
  });

  it("a task that waits too long in the queue times out", async () => {
    const pool = await startPool({ queueTimeoutMs: 100 });
    pool.pause();
    await expect(pool.run(task(), "user")).rejects.toMatchObject({ name: "AnalysisTimeoutError", where: "queue" });
    expect(pool.stats().queued).toBe(0);
  });

  it("a worker that never answers is terminated and replaced within the task timeout", async () => {
    const { log, logged } = capture();
    const pool = await startPool({ workerUrl: new URL("./testing/hanging-worker.mjs", import.meta.url), modelPath: null, taskTimeoutMs: 300, log });
    const t0 = performance.now();
    const err = await pool.run(task(), "user").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnalysisTimeoutError);
    expect((err as AnalysisTimeoutError).where).toBe("worker");
    expect(performance.now() - t0).toBeLessThan(2_000);
    await expect.poll(() => pool.stats().workers).toBe(1);
    expect(pool.stats().workersReplaced).toBe(1);
    await expect.poll(() => logged().map((l) => l.event)).toEqual(["analysis_worker_stuck", "analysis_worker_restarted"]);
    expect(logged()[0]).toMatchObject({ level: "warn", timeoutMs: 300 });
    expect(logged()[1]).toMatchObject({ level: "info", msg: "analysis worker restarted", workers: 1 });
  });

  it("a worker that crashes fails its task, is logged as a crash and is restarted", async () => {
    const { log, logged } = capture();
    const pool = await startPool({ workerUrl: new URL("./testing/crashing-worker.mjs", import.meta.url), modelPath: null, log });
    await expect(pool.run(task(), "user")).rejects.toMatchObject({ name: "AnalysisFailedError", code: "failed" });
    await expect.poll(() => logged().map((l) => l.event)).toEqual(["analysis_worker_crashed", "analysis_worker_exited", "analysis_worker_restarted"]);
    expect(logged()[0]).toMatchObject({ level: "error", err: { message: "boom: simulated crash in an analysis stage" } });
    expect(logged()[1]).toMatchObject({ level: "warn", code: 1 });
    expect(pool.stats()).toMatchObject({ workers: 1, workersReplaced: 1 });
  });
});
