/**
 * Token buckets for per-user rate limits (spec: 100 requests/min with bursts of 20/s; 10
 * trades/min). Pure: the state is a plain object the caller stores (in memory or SQLite).
 *
 * @example
 * const rule = { capacity: 10, perMs: 60_000 };        // 10 per minute
 * const r = takeToken(rule, undefined, Date.now());    // { allowed: true, remaining: 9, … }
 */
export interface BucketRule {
  /** Tokens when full: the largest burst. */
  capacity: number;
  /** Time to refill the bucket from empty, in ms (capacity / perMs is the sustained rate). */
  perMs: number;
}

export interface BucketState {
  tokens: number;
  updatedAt: number;
}

export interface TakeResult {
  allowed: boolean;
  state: BucketState;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When denied: ms until one token is available. */
  retryAfterMs: number;
  /** ms until the bucket is full again. */
  resetMs: number;
}

export function takeToken(rule: BucketRule, previous: BucketState | undefined, now: number): TakeResult {
  if (!(rule.capacity > 0) || !(rule.perMs > 0)) throw new RangeError("a bucket needs a positive capacity and refill time");
  const ratePerMs = rule.capacity / rule.perMs;
  const elapsed = previous ? Math.max(0, now - previous.updatedAt) : 0;
  const tokens = previous ? Math.min(rule.capacity, previous.tokens + elapsed * ratePerMs) : rule.capacity;
  if (tokens >= 1) {
    const left = tokens - 1;
    return { allowed: true, state: { tokens: left, updatedAt: now }, remaining: Math.floor(left), retryAfterMs: 0, resetMs: Math.ceil((rule.capacity - left) / ratePerMs) };
  }
  return {
    allowed: false,
    state: { tokens, updatedAt: now },
    remaining: 0,
    retryAfterMs: Math.ceil((1 - tokens) / ratePerMs),
    resetMs: Math.ceil((rule.capacity - tokens) / ratePerMs),
  };
}

/** Takes one token from every bucket, or from none: a request denied by one rule costs nothing. */
export function takeAll(
  rules: ReadonlyArray<{ name: string; rule: BucketRule }>,
  states: ReadonlyMap<string, BucketState>,
  now: number,
): { allowed: boolean; results: Array<{ name: string; rule: BucketRule; result: TakeResult }> } {
  const results = rules.map(({ name, rule }) => ({ name, rule, result: takeToken(rule, states.get(name), now) }));
  return { allowed: results.every((r) => r.result.allowed), results };
}
