/**
 * Drives a `MarketSimulator` from a clock and a timer: the simulator as a `MarketSource`.
 *
 * Every `tickMs` it advances the simulator to `clock()` with as many tickers as the rate owes
 * for the elapsed time (fractions carry over, so the long-run rate is exact). After a stall
 * (a paused laptop, a blocked event loop) it does not burst out the whole backlog: at most
 * `maxCatchUpMs` worth of updates are produced at once and the rest is skipped.
 *
 * @example
 * const source = new SimulatorSource({ simulator, clock: Date.now, updatesPerSec: 40, log });
 * source.onUpdate((u) => link.push(u));
 * await source.start();
 */
import type { Logger } from "../log";
import { UpdateEmitter, type MarketSource, type UpdateListener } from "../market-source";
import type { MarketSimulator } from "./simulator";

export interface SimulatorSourceOptions {
  readonly simulator: MarketSimulator;
  /** Epoch ms; should not step backwards (see `monotonicClock`). */
  readonly clock: () => number;
  /** Ticker updates per second across all symbols. */
  readonly updatesPerSec: number;
  readonly log: Logger;
  /** Timer period (default 10 ms). */
  readonly tickMs?: number;
  /** Most elapsed time turned into updates at once (default 250 ms). */
  readonly maxCatchUpMs?: number;
}

export class SimulatorSource implements MarketSource {
  readonly kind = "simulator" as const;
  readonly symbols: readonly string[];
  readonly updatesPerSec: number;
  readonly #simulator: MarketSimulator;
  readonly #clock: () => number;
  readonly #emitter: UpdateEmitter;
  readonly #log: Logger;
  readonly #tickMs: number;
  readonly #maxCatchUpMs: number;
  #timer: NodeJS.Timeout | undefined;
  #last = 0;
  #owed = 0;
  #produced = 0;
  #skipped = 0;

  constructor(options: SimulatorSourceOptions) {
    if (!(options.updatesPerSec > 0)) throw new RangeError("updatesPerSec must be > 0");
    this.#simulator = options.simulator;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#emitter = new UpdateEmitter(options.log);
    this.#tickMs = options.tickMs ?? 10;
    this.#maxCatchUpMs = options.maxCatchUpMs ?? 250;
    this.symbols = options.simulator.symbols;
    this.updatesPerSec = options.updatesPerSec;
  }

  onUpdate(listener: UpdateListener): () => void {
    return this.#emitter.add(listener);
  }

  /** Ticker updates produced so far, and updates skipped to catch up after stalls. */
  get stats(): { produced: number; skipped: number } {
    return { produced: this.#produced, skipped: Math.floor(this.#skipped) };
  }

  async start(): Promise<void> {
    if (this.#timer) return;
    this.#last = this.#clock();
    this.#owed = 0;
    this.#tick(); // publish candles that closed while stopped
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = this.#clock();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = Math.max(this.#last, now);
    const cap = (this.updatesPerSec * this.#maxCatchUpMs) / 1000;
    let owed = this.#owed + (elapsed * this.updatesPerSec) / 1000;
    if (owed > cap + 1) {
      this.#skipped += owed - cap;
      this.#log.warn("simulator fell behind; skipping updates", { behindMs: Math.round(elapsed), skipped: Math.round(owed - cap) });
      owed = cap;
    }
    const count = Math.floor(owed);
    this.#owed = owed - count;
    let updates;
    try {
      updates = this.#simulator.advance(now, count);
    } catch (err) {
      this.#log.error("simulator step failed", { err });
      return;
    }
    this.#produced += count;
    for (const update of updates) this.#emitter.emit(update);
  }
}

/**
 * Wall-clock epoch ms that never steps backwards (NTP corrections, manual clock changes):
 * anchored to `Date.now()` once, then advanced by the monotonic `performance.now()`.
 */
export function monotonicClock(): () => number {
  const origin = Date.now() - performance.now();
  return () => Math.floor(origin + performance.now());
}
