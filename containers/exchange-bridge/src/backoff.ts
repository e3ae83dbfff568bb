/**
 * Exponential reconnect backoff with jitter: 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s, each
 * lengthened by up to `jitter` (20 %) so that many bridges restarting together do not reconnect
 * in lockstep.
 *
 * @example
 * backoffDelay(0, DEFAULT_BACKOFF, Math.random); // 500..600 ms
 * backoffDelay(9, DEFAULT_BACKOFF, Math.random); // 10000..12000 ms
 */

export interface BackoffPolicy {
  /** Delay before the first retry, ms. */
  readonly initialMs: number;
  /** Cap of the exponential part, ms. */
  readonly maxMs: number;
  /** Extra random share on top of the delay, in [0, 1]. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 10_000, jitter: 0.2 };

/**
 * The delay before retry number `attempt` (0 = first retry after a failure).
 * @param random uniform in [0, 1), injectable for tests.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(base * (1 + policy.jitter * random()));
}

/** The largest delay the policy can produce. */
export function maxBackoffDelay(policy: BackoffPolicy): number {
  return Math.round(policy.maxMs * (1 + policy.jitter));
}
