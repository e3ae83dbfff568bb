/**
 * The fair-value process of one symbol: a log-normal random walk in continuous time with
 * stochastic volatility (mean-reverting log-vol, so calm and wild stretches cluster) and
 * occasional jumps that also lift the volatility (self-exciting, as after real news).
 *
 * Money never lives in a float here. The fair value is an INTEGER count of sub-ticks
 * (1/65536 of the symbol's tick); a float is used only for the random return of one step, whose
 * effect is rounded to whole sub-ticks before it is applied. Quoted and traded prices are whole
 * ticks derived from it (see `floorTicks`).
 *
 * Why sub-ticks and not whole ticks: at high update rates, or for symbols whose tick is coarse
 * (TRXUSDT: 0.0001 on 0.12, 8 bps), one step moves less than a tick. Rounding every step to a
 * whole tick then freezes the price (round half to even) or multiplies its volatility (random
 * rounding adds ~|move| ticks² of variance per step). A sub-tick fair value with whole-tick
 * quotes is also how real books behave: the value drifts inside the spread, prices snap to ticks.
 *
 * Every parameter is time-based (per millisecond of simulated time), so the statistics do not
 * depend on how often the process is stepped.
 */
import type { Random } from "./random";

/** Sub-ticks per tick: 2^16, so the largest price (MAX_TICKS) stays a safe integer. */
export const SUBTICKS = 65_536;
/** Largest fair value in ticks: 2^36 ≈ 6.9e10 ticks, far above any real quote. */
export const MAX_TICKS = 2 ** 36;
const MAX_SUBTICKS = MAX_TICKS * SUBTICKS;
export const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export interface PriceProcessParams {
  /** Long-run (median) annualized volatility. */
  readonly annualVol: number;
  /** Stationary standard deviation of log-volatility (0.3 = vol typically within ×/÷1.35). */
  readonly volOfVol: number;
  /** Half-life of a volatility shock, in ms. */
  readonly volHalfLifeMs: number;
  /** Expected jumps per hour. */
  readonly jumpsPerHour: number;
  /** Standard deviation of a jump's log return (0.004 = 0.4 %). */
  readonly jumpStd: number;
  /** Added to log-volatility by a jump (0.7 ≈ vol doubles, then decays). */
  readonly jumpVolBoost: number;
}

export const DEFAULT_PROCESS_PARAMS: Omit<PriceProcessParams, "annualVol"> = {
  volOfVol: 0.3,
  volHalfLifeMs: 10 * 60_000,
  jumpsPerHour: 0.5,
  jumpStd: 0.004,
  jumpVolBoost: 0.7,
};

/** Volatility is kept within [base / 4, base * 8]. */
const MIN_VOL_FACTOR = 0.25;
const MAX_VOL_FACTOR = 8;

export class PriceProcess {
  #fair: number;
  #logVol: number;
  readonly #meanLogVol: number;
  readonly #minLogVol: number;
  readonly #maxLogVol: number;
  readonly #jumpRatePerMs: number;
  readonly #volDecayPerMs: number;

  constructor(
    startTicks: number,
    private readonly params: PriceProcessParams,
    private readonly rng: Random,
  ) {
    if (!Number.isSafeInteger(startTicks) || startTicks < 1 || startTicks > MAX_TICKS) {
      throw new RangeError(`start price must be a whole number of ticks in [1, 2^36], got ${startTicks}`);
    }
    if (!(params.annualVol > 0) || !(params.volHalfLifeMs > 0) || params.volOfVol < 0 || params.jumpsPerHour < 0) {
      throw new RangeError("invalid price process parameters");
    }
    this.#fair = startTicks * SUBTICKS;
    this.#meanLogVol = Math.log(params.annualVol);
    this.#minLogVol = this.#meanLogVol + Math.log(MIN_VOL_FACTOR);
    this.#maxLogVol = this.#meanLogVol + Math.log(MAX_VOL_FACTOR);
    this.#logVol = this.#meanLogVol;
    this.#jumpRatePerMs = params.jumpsPerHour / 3_600_000;
    this.#volDecayPerMs = Math.LN2 / params.volHalfLifeMs;
  }

  /** The fair value as an integer count of sub-ticks. */
  get fairSubticks(): number {
    return this.#fair;
  }

  /** The fair value rounded down to whole ticks, at least 1: the best bid. */
  get floorTicks(): number {
    return Math.max(1, Math.floor(this.#fair / SUBTICKS));
  }

  /** The current annualized volatility. */
  get annualVol(): number {
    return Math.exp(this.#logVol);
  }

  /** Current volatility relative to the long-run level (1 = normal, 2 = twice as wild). */
  get volRatio(): number {
    return Math.exp(this.#logVol - this.#meanLogVol);
  }

  /**
   * Moves the fair value forward by `dtMs` of simulated time (0 = no change).
   * @returns whether a jump happened in this step.
   */
  advance(dtMs: number): boolean {
    if (!(dtMs > 0)) return false;
    const { volOfVol, jumpStd, jumpVolBoost } = this.params;

    // Diffusion at the volatility in force at the start of the step; minus ½σ²t keeps the
    // price a martingale.
    const sigma = Math.exp(this.#logVol);
    const variance = ((sigma * sigma) * dtMs) / YEAR_MS;
    let logReturn = -0.5 * variance + Math.sqrt(variance) * this.rng.normal();

    // Log-volatility: Ornstein-Uhlenbeck, discretized exactly for any step length.
    const decay = Math.exp(-this.#volDecayPerMs * dtMs);
    const shock = volOfVol * Math.sqrt(1 - decay * decay) * this.rng.normal();
    this.#logVol = this.#meanLogVol + (this.#logVol - this.#meanLogVol) * decay + shock;

    // Jumps: Poisson arrivals in time.
    const jumped = this.rng.uniform() < -Math.expm1(-this.#jumpRatePerMs * dtMs);
    if (jumped) {
      logReturn += jumpStd * this.rng.normal();
      this.#logVol += jumpVolBoost;
    }
    this.#logVol = Math.min(this.#maxLogVol, Math.max(this.#minLogVol, this.#logVol));

    // The only float -> price step: the move, rounded to whole sub-ticks.
    const move = Math.round(this.#fair * Math.expm1(logReturn));
    this.#fair = Math.min(MAX_SUBTICKS, Math.max(SUBTICKS, this.#fair + move));
    return jumped;
  }
}
