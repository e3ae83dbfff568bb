/**
 * D1 housekeeping, run by the Worker's cron trigger (hourly, wrangler.toml): deletes the rows that
 * no longer decide anything, so the auth tables do not grow with every refresh and every address
 * that ever tried to sign in.
 * - Refresh tokens past their expiry: an expired token is refused whether or not its row exists.
 *   (A consumed token presented again revokes its family; after 30 days it is refused as unknown
 *   instead.)
 * - Throttle logs whose newest attempt has left the longest window: such a log admits exactly as
 *   a missing row does.
 */
import { THROTTLE_RULES } from "./throttle";

export const LONGEST_THROTTLE_WINDOW_MS = Math.max(...THROTTLE_RULES.map((r) => r.windowMs));

export interface SweepCounts {
  refreshTokens: number;
  throttleLogs: number;
}

export async function sweepAuthRows(db: D1Database, now: number): Promise<SweepCounts> {
  const [tokens, throttle] = await db.batch([
    db.prepare("DELETE FROM refresh_tokens WHERE expires_at <= ?1").bind(now),
    db
      .prepare("DELETE FROM auth_throttle WHERE coalesce((SELECT max(value) FROM json_each(auth_throttle.attempts)), 0) <= ?1")
      .bind(now - LONGEST_THROTTLE_WINDOW_MS),
  ]);
  return { refreshTokens: tokens!.meta.changes, throttleLogs: throttle!.meta.changes };
}
