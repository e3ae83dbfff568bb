/**
 * Per-user request limits (spec: 100 requests/min with bursts of 20/s), counted in the user's
 * UserAccount DO so every isolate sees one count. Answers 429 with Retry-After; every response
 * carries RateLimit-Limit / -Remaining / -Reset and RateLimit-Policy (IETF draft headers).
 * Limits come from vars (RATE_LIMIT_*) so a load-test environment can raise them.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Admission, RateLimits } from "../../../../durable-objects/src/user-account";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

export function rateLimitsOf(env: AppEnv["Bindings"]): RateLimits {
  const n = (v: string | undefined, fallback: number) => {
    const x = Number(v);
    return Number.isFinite(x) && x > 0 ? x : fallback;
  };
  return {
    requestsPerMinute: n(env.RATE_LIMIT_REQUESTS_PER_MIN, 100),
    burstPerSecond: n(env.RATE_LIMIT_BURST_PER_SEC, 20),
    tradesPerMinute: n(env.RATE_LIMIT_TRADES_PER_MIN, 10),
  };
}

function headersOf(admission: Admission): Record<string, string> {
  return {
    "RateLimit-Limit": String(admission.limit),
    "RateLimit-Remaining": String(admission.remaining),
    "RateLimit-Reset": String(admission.resetSec),
    "RateLimit-Policy": admission.policy,
    ...(admission.allowed ? {} : { "Retry-After": String(admission.retryAfterSec) }),
  };
}

/** Sets the RateLimit-* headers (and Retry-After when refused) of an admission. */
export function setRateLimitHeaders(c: Context<AppEnv>, admission: Admission): void {
  for (const [k, v] of Object.entries(headersOf(admission))) c.header(k, v);
}

export function userRateLimit(): MiddlewareHandler<AppEnv> {
  return async function userRateLimitMiddleware(c: Context<AppEnv>, next) {
    const admission = await c.env.USER_ACCOUNT.getByName(c.get("userId")).admitRequest(rateLimitsOf(c.env));
    const headers = headersOf(admission);
    if (!admission.allowed) {
      throw new ApiError(429, "rate_limited", `too many requests; retry in ${admission.retryAfterSec} s`, { retryAfterSec: admission.retryAfterSec }, headers);
    }
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  };
}
