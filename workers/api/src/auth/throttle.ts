/**
 * Login and registration throttling: a sliding log in D1, shared by every isolate and exact to the
 * attempt. A rule admits at most `limit` attempts in any `windowMs` span — not per clock-aligned
 * window, which let a client through 2x the limit across a window boundary (decision 63).
 *
 * Each counter key is one row holding the times of the attempts it admitted inside the window
 * (at most `limit`); `hit` prunes, decides and appends in one UPSERT. Refused attempts are not
 * logged, so a client refused with `Retry-After: n` is admitted again after exactly n seconds.
 *
 * @example
 * await throttle(env.DB).hit(LOGIN_PER_IP, ip); // throws 429 + Retry-After over the limit
 */
import { tooManyRequests } from "../errors";

export interface ThrottleRule {
  /** Counter namespace, e.g. "login-ip". */
  readonly name: string;
  /** Attempts admitted in any span of `windowMs` (at least 1). */
  readonly limit: number;
  readonly windowMs: number;
}

export const LOGIN_PER_IP: ThrottleRule = { name: "login-ip", limit: 30, windowMs: 5 * 60_000 };
export const LOGIN_FAILURES_PER_EMAIL: ThrottleRule = { name: "login-email", limit: 5, windowMs: 15 * 60_000 };
export const REGISTER_PER_IP: ThrottleRule = { name: "register-ip", limit: 20, windowMs: 60 * 60_000 };
/** Every rule in use; a log whose newest attempt is older than the longest window decides nothing. */
export const THROTTLE_RULES: readonly ThrottleRule[] = [LOGIN_PER_IP, LOGIN_FAILURES_PER_EMAIL, REGISTER_PER_IP];

/** Milliseconds since the epoch; injectable so tests can stand on a window boundary. */
export type Clock = () => number;

/**
 * Seconds until the log `attempts` (admitted times, any order) holds fewer than `rule.limit`
 * attempts younger than `rule.windowMs`: when enough of the oldest ones have left the window.
 */
export function retryAfterSec(rule: ThrottleRule, attempts: readonly number[], now: number): number {
  const live = attempts.filter((at) => at > now - rule.windowMs).sort((a, b) => a - b);
  if (live.length < rule.limit) return 0;
  const freesSlot = live[live.length - rule.limit]!;
  return Math.max(1, Math.ceil((freesSlot + rule.windowMs - now) / 1000));
}

// ?1 key, ?2 now, ?3 window start (exclusive), ?4 limit. In an UPDATE every SET expression sees
// the row as it was, so `attempts` and `admitted` judge the same log.
const HIT = `
  INSERT INTO auth_throttle (key, attempts, admitted) VALUES (?1, json_array(?2), 1)
  ON CONFLICT (key) DO UPDATE SET
    attempts = (
      SELECT json_group_array(at) FROM (
        SELECT value AS at FROM json_each(auth_throttle.attempts) WHERE value > ?3
        UNION ALL
        SELECT ?2 WHERE (SELECT count(*) FROM json_each(auth_throttle.attempts) WHERE value > ?3) < ?4
        ORDER BY at
      )
    ),
    admitted = (SELECT count(*) FROM json_each(auth_throttle.attempts) WHERE value > ?3) < ?4
  RETURNING attempts, admitted`;

export function throttle(db: D1Database, clock: Clock = Date.now) {
  const keyOf = (rule: ThrottleRule, subject: string) => `${rule.name}:${subject}`;

  return {
    /** Counts one attempt; throws 429 with Retry-After (the real wait) when the window is full. */
    async hit(rule: ThrottleRule, subject: string): Promise<void> {
      const now = Math.trunc(clock());
      const row = await db
        .prepare(HIT)
        .bind(keyOf(rule, subject), now, now - rule.windowMs, rule.limit)
        .first<{ attempts: string; admitted: number }>();
      if (!row) throw new Error("auth_throttle upsert returned no row");
      if (!row.admitted) {
        const attempts = JSON.parse(row.attempts) as number[];
        throw tooManyRequests(retryAfterSec(rule, attempts, now), "too many attempts; try again later");
      }
    },

    /** Throws 429 if the subject's window is already full, without counting an attempt. */
    async check(rule: ThrottleRule, subject: string): Promise<void> {
      const now = Math.trunc(clock());
      const row = await db
        .prepare(`SELECT attempts FROM auth_throttle WHERE key = ?1`)
        .bind(keyOf(rule, subject))
        .first<{ attempts: string }>();
      const wait = row ? retryAfterSec(rule, JSON.parse(row.attempts) as number[], now) : 0;
      if (wait > 0) throw tooManyRequests(wait, "too many failed sign-in attempts; try again later");
    },

    async clear(rule: ThrottleRule, subject: string): Promise<void> {
      await db.prepare(`DELETE FROM auth_throttle WHERE key = ?1`).bind(keyOf(rule, subject)).run();
    },
  };
}
