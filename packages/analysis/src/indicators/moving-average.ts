/**
 * Moving averages, updated in O(1) per value: a simple moving average over a ring buffer with a
 * running sum, and an exponential one seeded with the SMA of its first `period` values (the
 * TA-Lib / StockCharts convention).
 *
 * @example
 * const sma = new Sma(20);
 * for (const c of candles) sma.update(c.close);
 * sma.value; // undefined until 20 values were seen
 */

/** Fixed-capacity ring of the last `capacity` numbers. */
export class RollingWindow {
  readonly #values: Float64Array;
  #next = 0;
  #count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a whole number >= 1");
    this.#values = new Float64Array(capacity);
  }

  get size(): number {
    return this.#count;
  }

  get full(): boolean {
    return this.#count === this.capacity;
  }

  /** Adds a value; returns the value it pushed out (undefined while not yet full). */
  push(value: number): number | undefined {
    const evicted = this.full ? this.#values[this.#next] : undefined;
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#count < this.capacity) this.#count++;
    return evicted;
  }

  /** i = 0 is the oldest value kept, size - 1 the newest. */
  at(i: number): number {
    const start = this.full ? this.#next : 0;
    return this.#values[(start + i) % this.capacity]!;
  }

  max(): number {
    let m = -Infinity;
    for (let i = 0; i < this.#count; i++) m = Math.max(m, this.#values[i]!);
    return m;
  }

  min(): number {
    let m = Infinity;
    for (let i = 0; i < this.#count; i++) m = Math.min(m, this.#values[i]!);
    return m;
  }
}

export class Sma {
  readonly #window: RollingWindow;
  #sum = 0;
  #sinceResum = 0;
  #value: number | undefined;

  constructor(readonly period: number) {
    this.#window = new RollingWindow(period);
  }

  update(x: number): number | undefined {
    const out = this.#window.push(x);
    this.#sum += x - (out ?? 0);
    // Re-sum every 1,024 values so float drift of the running sum cannot build up (amortized O(1)).
    if (++this.#sinceResum >= 1024) {
      this.#sinceResum = 0;
      this.#sum = this.#resum();
    }
    this.#value = this.#window.full ? this.#sum / this.period : undefined;
    return this.#value;
  }

  #resum(): number {
    let s = 0;
    for (let i = 0; i < this.#window.size; i++) s += this.#window.at(i);
    return s;
  }

  get value(): number | undefined {
    return this.#value;
  }
}

export class Ema {
  readonly alpha: number;
  #seed = 0;
  #seen = 0;
  #value: number | undefined;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError("period must be a whole number >= 1");
    this.alpha = 2 / (period + 1);
  }

  update(x: number): number | undefined {
    this.#seen++;
    if (this.#value === undefined) {
      this.#seed += x;
      if (this.#seen === this.period) this.#value = this.#seed / this.period;
    } else {
      this.#value += this.alpha * (x - this.#value);
    }
    return this.#value;
  }

  get value(): number | undefined {
    return this.#value;
  }
}

/** Wilder's smoothing (RMA): seeded with the mean of the first `period` values, then (prev·(n-1) + x) / n. */
export class WilderAverage {
  #seed = 0;
  #seen = 0;
  #value: number | undefined;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError("period must be a whole number >= 1");
  }

  update(x: number): number | undefined {
    this.#seen++;
    if (this.#value === undefined) {
      this.#seed += x;
      if (this.#seen === this.period) this.#value = this.#seed / this.period;
    } else {
      this.#value = (this.#value * (this.period - 1) + x) / this.period;
    }
    return this.#value;
  }

  get value(): number | undefined {
    return this.#value;
  }
}
