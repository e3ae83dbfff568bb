/**
 * Fixed-window attempt counters in D1 for login and registration throttling.
 * Deterministic (tests can rely on exact limits) and shared by every isolate.
 */
import { tooManyRequests } from "../errors";

export interface ThrottleRule {
  /** Counter namespace, e.g. "login-ip". */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

export const LOGIN_PER_IP: ThrottleRule = { name: "login-ip", limit: 30, windowMs: 5 * 60_000 };
export const LOGIN_FAILURES_PER_EMAIL: ThrottleRule = { name: "login-email", limit: 5, windowMs: 15 * 60_000 };
export const REGISTER_PER_IP: ThrottleRule = { name: "register-ip", limit: 20, windowMs: 60 * 60_000 };

export function throttle(db: D1Database) {
  const windowOf = (rule: ThrottleRule, now: number) => Math.floor(now / rule.windowMs) * rule.windowMs;
  const retryAfter = (rule: ThrottleRule, now: number) =>
    Math.max(1, Math.ceil((windowOf(rule, now) + rule.windowMs - now) / 1000));

  return {
    /** Counts one attempt; throws 429 with Retry-After once the window's limit is exceeded. */
    async hit(rule: ThrottleRule, subject: string, now = Date.now()): Promise<void> {
      const windowStart = windowOf(rule, now);
      const row = await db
        .prepare(
          `INSERT INTO auth_throttle (key, window_start, count) VALUES (?1, ?2, 1)
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
             window_start = excluded.window_start
           RETURNING count`,
        )
        .bind(`${rule.name}:${subject}`, windowStart)
        .first<{ count: number }>();
      if ((row?.count ?? 0) > rule.limit) {
        throw tooManyRequests(retryAfter(rule, now), "too many attempts; try again later");
      }
    },

    /** Throws 429 if the subject is already over the limit, without counting an attempt. */
    async check(rule: ThrottleRule, subject: string, now = Date.now()): Promise<void> {
      const row = await db
        .prepare(`SELECT count FROM auth_throttle WHERE key = ?1 AND window_start = ?2`)
        .bind(`${rule.name}:${subject}`, windowOf(rule, now))
        .first<{ count: number }>();
      if ((row?.count ?? 0) >= rule.limit) {
        throw tooManyRequests(retryAfter(rule, now), "too many failed sign-in attempts; try again later");
      }
    },

    async clear(rule: ThrottleRule, subject: string): Promise<void> {
      await db.prepare(`DELETE FROM auth_throttle WHERE key = ?1`).bind(`${rule.name}:${subject}`).run();
    },
  };
}
