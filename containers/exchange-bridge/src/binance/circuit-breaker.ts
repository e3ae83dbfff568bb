/**
 * A circuit breaker around the exchange: after `failureThreshold` consecutive failures it opens
 * and refuses calls for `openMs`; then it lets ONE probe through (half-open). The probe's
 * success closes it; its failure opens it again.
 *
 * Only failures that say the venue is unwell count (5XX, timeouts, network errors): a rejected
 * order (4XX) is the venue working correctly.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, openMs: 30_000 });
 * const result = await breaker.run(() => rest.call(...), isVenueFailure);
 */
import { ExchangeUnavailableError } from "../exchange/errors";
import type { Logger } from "../log";

export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  readonly failureThreshold?: number;
  readonly openMs?: number;
  readonly now?: () => number;
  readonly onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

/**
 * `onStateChange` that logs the breaker as a degradation event: opening is a warning
 * (`exchange_circuit_open`), closing again is info (`exchange_circuit_closed`), half-open is debug.
 */
export function logBreakerChanges(log: Logger): (from: BreakerState, to: BreakerState) => void {
  return (from, to) => {
    if (to === "open") log.warn("exchange circuit breaker open; exchange calls are refused", { event: "exchange_circuit_open", from, to });
    else if (to === "closed") log.info("exchange circuit breaker closed; exchange calls resume", { event: "exchange_circuit_closed", from, to });
    else log.debug("exchange circuit breaker half-open; one probe goes through", { event: "exchange_circuit_half_open", from, to });
  };
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #now: () => number;
  readonly #onChange: ((from: BreakerState, to: BreakerState) => void) | undefined;
  #state: BreakerState = "closed";
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#openMs = options.openMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    this.#onChange = options.onStateChange;
  }

  get state(): BreakerState {
    if (this.#state === "open" && this.#now() - this.#openedAt >= this.#openMs) this.#set("half-open");
    return this.#state;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /**
   * Runs `fn` unless the breaker is open (or a half-open probe is already out).
   * @param isFailure which errors count against the venue (default: all).
   * @throws ExchangeUnavailableError when refused.
   */
  async run<T>(fn: () => Promise<T>, isFailure: (err: unknown) => boolean = () => true): Promise<T> {
    const state = this.state;
    if (state === "open") {
      throw new ExchangeUnavailableError("exchange circuit breaker is open", this.#openMs - (this.#now() - this.#openedAt));
    }
    if (state === "half-open") {
      if (this.#probing) throw new ExchangeUnavailableError("exchange circuit breaker is half-open; a probe is in flight", 1_000);
      this.#probing = true;
    }
    try {
      const result = await fn();
      this.#success();
      return result;
    } catch (err) {
      if (isFailure(err)) this.#failure();
      else this.#success();
      throw err;
    } finally {
      if (state === "half-open") this.#probing = false;
    }
  }

  #success(): void {
    this.#failures = 0;
    if (this.#state !== "closed") this.#set("closed");
  }

  #failure(): void {
    this.#failures++;
    if (this.#state === "half-open" || this.#failures >= this.#threshold) {
      this.#openedAt = this.#now();
      this.#set("open");
    }
  }

  #set(next: BreakerState): void {
    if (next === this.#state) return;
    const from = this.#state;
    this.#state = next;
    this.#onChange?.(from, next);
  }
}
