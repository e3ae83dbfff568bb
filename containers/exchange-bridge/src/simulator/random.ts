/**
 * Seeded random numbers for the simulator (xoroshiro128+ from pure-rand).
 *
 * `split()` hands out independent streams (2^64 draws apart), so each symbol walks on its own
 * stream: BTC's path depends only on the seed and BTC's own update times, not on how many
 * updates other symbols received.
 *
 * @example
 * const root = Random.fromSeed(42);
 * const btc = root.split();
 * btc.normal(); // same value for every run with seed 42
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { JumpableRandomGenerator } from "pure-rand/types/JumpableRandomGenerator";

export class Random {
  #rng: JumpableRandomGenerator;
  /** Second normal draw of the last polar-method pair. */
  #spare: number | undefined;

  private constructor(rng: JumpableRandomGenerator) {
    this.#rng = rng;
  }

  /** A stream from a 32-bit unsigned seed. */
  static fromSeed(seed: number): Random {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
      throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
    }
    return new Random(xoroshiro128plus(seed | 0));
  }

  /** An independent stream; this stream jumps 2^64 draws ahead. */
  split(): Random {
    const child = this.#rng.clone();
    this.#rng.jump();
    return new Random(child);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.#rng);
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.#rng, min, max);
  }

  /** Standard normal (mean 0, variance 1), Marsaglia's polar method. */
  normal(): number {
    if (this.#spare !== undefined) {
      const spare = this.#spare;
      this.#spare = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * factor;
    return u * factor;
  }

  /** Exponential with mean 1. */
  exponential(): number {
    return -Math.log(1 - this.uniform());
  }
}
