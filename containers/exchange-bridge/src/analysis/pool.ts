/**
 * A pool of analysis worker threads behind a bounded priority queue, so the event loop never
 * runs the CPU stages and never queues without bound.
 *
 * - `size` workers, each loads the model once and runs one analysis at a time;
 * - waiting tasks sit in a PriorityQueue (default capacity 100; user > batch > background);
 *   a full queue rejects at once with `OverloadedError` carrying `retryAfterSec`;
 * - a task that waited longer than `queueTimeoutMs`, or a worker that has not answered within
 *   `taskTimeoutMs`, fails with `AnalysisTimeoutError`; a stuck worker is terminated and
 *   replaced, so a hang costs one task, never the pool.
 *
 * @example
 * const pool = new WorkerPool({ size: 2, modelPath });
 * await pool.start();
 * const { signal } = await pool.run({ symbol, interval, candles: packCandles(cs) }, "user");
 */
import { Worker } from "node:worker_threads";
import type { Signal } from "@bot-core/analysis";
import type { Logger } from "../log";
import { DEFAULT_BUDGETS, type PipelineTask, type StageBudgets } from "./pipeline";
import type { TaskMessage, WorkerInit, WorkerMessage } from "./protocol";
import { PriorityQueue, type Priority } from "./queue";

export class OverloadedError extends Error {
  override readonly name = "OverloadedError";
  constructor(readonly retryAfterSec: number) {
    super(`the analysis queue is full; retry in ${retryAfterSec} s`);
  }
}

export class AnalysisTimeoutError extends Error {
  override readonly name = "AnalysisTimeoutError";
  constructor(
    readonly where: "queue" | "worker" | "stage",
    message: string,
    readonly retryAfterSec = 1,
  ) {
    super(message);
  }
}

export class AnalysisFailedError extends Error {
  override readonly name = "AnalysisFailedError";
  constructor(
    readonly code: "bad_input" | "failed" | "closed",
    message: string,
  ) {
    super(message);
  }
}

export interface PoolOptions {
  readonly size: number;
  /** Null: run without a model. */
  readonly modelPath: string | null;
  readonly queueCapacity?: number;
  readonly queueTimeoutMs?: number;
  readonly taskTimeoutMs?: number;
  readonly budgets?: StageBudgets;
  /** The worker script (default: worker-boot.mjs from source, analysis-worker.js in the bundle). */
  readonly workerUrl?: URL;
  readonly log?: Logger;
}

export interface PoolResult {
  readonly signal: Signal;
  readonly queueMs: number;
  readonly workerMs: number;
}

interface Job {
  readonly id: number;
  readonly task: PipelineTask;
  readonly enqueuedAt: number;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
  readonly resolve: (r: PoolResult) => void;
  readonly reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  /** Settles once the worker has loaded the model, failed to, or exited. */
  started: Promise<void>;
}

/** How long `close` waits for a worker still loading the model before terminating it anyway. */
const CLOSE_WAIT_FOR_LOAD_MS = 10_000;

export function defaultWorkerUrl(): URL {
  return import.meta.url.endsWith(".ts") ? new URL("./worker-boot.mjs", import.meta.url) : new URL("./analysis-worker.js", import.meta.url);
}

export interface PoolStats {
  readonly workers: number;
  readonly busy: number;
  readonly queued: number;
  readonly capacity: number;
  readonly completed: number;
  readonly rejectedOverloaded: number;
  readonly timedOut: number;
  readonly workersReplaced: number;
  readonly modelVersion: string | null;
}

export class WorkerPool {
  readonly #opts: Required<Omit<PoolOptions, "log" | "workerUrl">> & Pick<PoolOptions, "log"> & { workerUrl: URL };
  readonly #queue: PriorityQueue<Job>;
  readonly #slots: Slot[] = [];
  #nextId = 1;
  #paused = false;
  #closed = false;
  #avgServiceMs = 5;
  #modelVersion: string | null = null;
  /** The queue-full warning is logged once per overload episode (reset by the next accepted task). */
  #fullLogged = false;
  #stats = { completed: 0, rejectedOverloaded: 0, timedOut: 0, workersReplaced: 0 };

  constructor(options: PoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError("size must be a whole number >= 1");
    this.#opts = {
      size: options.size,
      modelPath: options.modelPath,
      queueCapacity: options.queueCapacity ?? 100,
      queueTimeoutMs: options.queueTimeoutMs ?? 5_000,
      taskTimeoutMs: options.taskTimeoutMs ?? 10_000,
      budgets: options.budgets ?? DEFAULT_BUDGETS,
      workerUrl: options.workerUrl ?? defaultWorkerUrl(),
      log: options.log,
    };
    this.#queue = new PriorityQueue(this.#opts.queueCapacity);
  }

  /** Starts the workers and waits until each has loaded the model; rejects if one cannot. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.#opts.size }, () => this.#spawn()));
  }

  get modelVersion(): string | null {
    return this.#modelVersion;
  }

  stats(): PoolStats {
    return {
      workers: this.#slots.length,
      busy: this.#slots.filter((s) => s.job).length,
      queued: this.#queue.size,
      capacity: this.#queue.capacity,
      ...this.#stats,
      modelVersion: this.#modelVersion,
    };
  }

  /** Seconds a caller turned away now should wait: the queue's expected drain time, at least 1. */
  retryAfterSec(): number {
    return Math.max(1, Math.ceil(((this.#queue.size + 1) * this.#avgServiceMs) / this.#opts.size / 1000));
  }

  /** Stops handing tasks to workers (they keep queueing up to capacity); `resume` restarts. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#dispatch();
  }

  run(task: PipelineTask, priority: Priority): Promise<PoolResult> {
    if (this.#closed) return Promise.reject(new AnalysisFailedError("closed", "the analysis pool is closed"));
    return new Promise<PoolResult>((resolve, reject) => {
      const job: Job = { id: this.#nextId++, task, enqueuedAt: performance.now(), startedAt: 0, timer: undefined, resolve, reject };
      if (!this.#queue.push(job, priority)) {
        this.#stats.rejectedOverloaded++;
        const retryAfterSec = this.retryAfterSec();
        if (!this.#fullLogged) {
          this.#fullLogged = true;
          this.#opts.log?.warn("analysis queue full; refusing analyses", { event: "analysis_queue_full", queued: this.#queue.size, capacity: this.#queue.capacity, priority, retryAfterSec });
        }
        reject(new OverloadedError(retryAfterSec));
        return;
      }
      this.#fullLogged = false;
      job.timer = setTimeout(() => {
        if (this.#queue.remove(job)) {
          this.#stats.timedOut++;
          reject(new AnalysisTimeoutError("queue", `the analysis waited ${this.#opts.queueTimeoutMs} ms in the queue`, this.retryAfterSec()));
        }
      }, this.#opts.queueTimeoutMs);
      job.timer.unref();
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (let job = this.#queue.shift(); job; job = this.#queue.shift()) {
      clearTimeout(job.timer);
      job.reject(new AnalysisFailedError("closed", "the analysis pool is closed"));
    }
    await Promise.all(
      this.#slots.map(async (s) => {
        if (s.job) this.#finish(s, () => s.job?.reject(new AnalysisFailedError("closed", "the analysis pool is closed")));
        // Terminating a worker while onnxruntime loads the model can abort the whole process
        // (SIGABRT, "terminate called after throwing Napi::Error"): let the load finish first.
        if (!s.ready) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([s.started, new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_FOR_LOAD_MS)))]);
          clearTimeout(timer);
        }
        await s.worker.terminate();
      }),
    );
    this.#slots.length = 0;
  }

  #spawn(replacing = false): Promise<void> {
    const init: WorkerInit = { modelPath: this.#opts.modelPath };
    const worker = new Worker(this.#opts.workerUrl, { workerData: init });
    let started!: () => void;
    const slot: Slot = { worker, ready: false, job: undefined, started: new Promise<void>((r) => (started = r)) };
    for (const event of ["message", "error", "exit"] as const) {
      worker.on(event, (m: unknown) => {
        if (event !== "message" || (m as WorkerMessage).type === "ready" || (m as WorkerMessage).type === "fatal") started();
      });
    }
    this.#slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      worker.on("message", (m: WorkerMessage) => {
        switch (m.type) {
          case "ready":
            slot.ready = true;
            this.#modelVersion = m.modelVersion;
            if (replacing) this.#opts.log?.info("analysis worker restarted", { event: "analysis_worker_restarted", workers: this.#slots.length, modelVersion: m.modelVersion });
            resolve();
            this.#dispatch();
            return;
          case "fatal":
            reject(new Error(`analysis worker failed to start: ${m.message}`));
            this.#drop(slot, false);
            return;
          case "result":
            if (slot.job?.id === m.id) {
              const job = slot.job;
              this.#finish(slot, () => job.resolve({ signal: m.signal, queueMs: job.startedAt - job.enqueuedAt, workerMs: performance.now() - job.startedAt }));
            }
            return;
          case "error":
            if (slot.job?.id === m.id) {
              const job = slot.job;
              const err = m.code === "stage_timeout" ? new AnalysisTimeoutError("stage", m.message, this.retryAfterSec()) : new AnalysisFailedError(m.code, m.message);
              if (m.code === "stage_timeout") this.#stats.timedOut++;
              this.#finish(slot, () => job.reject(err));
            }
            return;
        }
      });
      worker.on("error", (err) => {
        this.#opts.log?.error("analysis worker crashed", { event: "analysis_worker_crashed", err });
        reject(err);
      });
      worker.on("exit", (code) => {
        if (this.#closed || !this.#slots.includes(slot)) return;
        this.#opts.log?.warn("analysis worker exited; replacing it", { event: "analysis_worker_exited", code });
        const job = slot.job;
        slot.job = undefined;
        job?.reject(new AnalysisFailedError("failed", `the analysis worker exited (code ${code})`));
        if (job) clearTimeout(job.timer);
        this.#drop(slot, slot.ready);
      });
    });
  }

  /** Removes a slot; replaces its worker when `replace`. */
  #drop(slot: Slot, replace: boolean): void {
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    void slot.worker.terminate();
    if (replace && !this.#closed) {
      this.#stats.workersReplaced++;
      this.#spawn(true).catch((err: unknown) => this.#opts.log?.error("could not replace an analysis worker", { err }));
    }
  }

  #finish(slot: Slot, settle: () => void): void {
    const job = slot.job;
    if (!job) return;
    clearTimeout(job.timer);
    slot.job = undefined;
    const ms = performance.now() - job.startedAt;
    this.#avgServiceMs = 0.9 * this.#avgServiceMs + 0.1 * ms;
    this.#stats.completed++;
    settle();
    this.#dispatch();
  }

  #dispatch(): void {
    if (this.#paused || this.#closed) return;
    for (const slot of this.#slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.#queue.shift();
      if (!job) return;
      clearTimeout(job.timer);
      slot.job = job;
      job.startedAt = performance.now();
      job.timer = setTimeout(() => {
        if (slot.job !== job) return;
        slot.job = undefined;
        this.#stats.timedOut++;
        this.#opts.log?.warn("analysis worker stuck; replacing it", { event: "analysis_worker_stuck", timeoutMs: this.#opts.taskTimeoutMs });
        job.reject(new AnalysisTimeoutError("worker", `the analysis worker did not answer within ${this.#opts.taskTimeoutMs} ms; it was replaced`, this.retryAfterSec()));
        this.#drop(slot, true);
        this.#dispatch();
      }, this.#opts.taskTimeoutMs);
      job.timer.unref();
      const msg: TaskMessage = { type: "task", id: job.id, symbol: job.task.symbol, interval: job.task.interval, candles: job.task.candles, budgets: job.task.budgets ?? this.#opts.budgets };
      slot.worker.postMessage(msg, [msg.candles.buffer as ArrayBuffer]);
    }
  }
}
