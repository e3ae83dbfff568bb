/**
 * Refresh-token sessions. A login starts a family; every refresh consumes the presented token
 * and issues its successor in the same family. Presenting a consumed token again means it was
 * stolen or replayed: the whole family is revoked.
 */
import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { randomToken, sha256Hex } from "./encoding";
import { refreshTokens } from "./schema";

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type RotateResult =
  | { ok: true; userId: string; refreshToken: string }
  | { ok: false; reason: "unknown" | "expired" | "revoked" | "reused" };

export function sessionsRepo(db: D1Database) {
  const orm = drizzle(db);

  async function store(userId: string, familyId: string, now: number): Promise<string> {
    const token = randomToken(32);
    await orm
      .insert(refreshTokens)
      .values({ tokenHash: await sha256Hex(token), familyId, userId, createdAt: now, expiresAt: now + REFRESH_TOKEN_TTL_MS })
      .run();
    return token;
  }

  async function revokeFamily(familyId: string, now: number): Promise<void> {
    await orm
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
      .run();
  }

  return {
    /** Starts a new session family for a login or registration. */
    start(userId: string, now = Date.now()): Promise<string> {
      return store(userId, crypto.randomUUID(), now);
    },

    /** Consumes a refresh token and returns its successor; reuse revokes the family. */
    async rotate(token: string, now = Date.now()): Promise<RotateResult> {
      const tokenHash = await sha256Hex(token);
      const row = await orm.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).get();
      if (!row) return { ok: false, reason: "unknown" };
      if (row.revokedAt !== null) return { ok: false, reason: "revoked" };
      if (row.usedAt !== null) {
        await revokeFamily(row.familyId, now);
        return { ok: false, reason: "reused" };
      }
      if (row.expiresAt <= now) return { ok: false, reason: "expired" };
      // Consume atomically: of two concurrent refreshes with one token, only one wins;
      // the loser is treated as reuse.
      const consumed = await orm
        .update(refreshTokens)
        .set({ usedAt: now })
        .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)))
        .run();
      if (consumed.meta.changes !== 1) {
        await revokeFamily(row.familyId, now);
        return { ok: false, reason: "reused" };
      }
      return { ok: true, userId: row.userId, refreshToken: await store(row.userId, row.familyId, now) };
    },

    /** Logout: revokes the family the token belongs to. Unknown tokens are ignored. */
    async revoke(token: string, now = Date.now()): Promise<void> {
      const row = await orm
        .select({ familyId: refreshTokens.familyId })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, await sha256Hex(token)))
        .get();
      if (row) await revokeFamily(row.familyId, now);
    },
  };
}
