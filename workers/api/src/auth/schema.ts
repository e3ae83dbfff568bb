/** Drizzle schema of the D1 users directory (mirrors migrations/0001_users_and_sessions.sql, 0002_auth_throttle_sliding_log.sql; 0003 adds an index only). */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
  displayName: text("display_name"),
  passwordHash: text("password_hash").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const refreshTokens = sqliteTable("refresh_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  familyId: text("family_id").notNull(),
  userId: text("user_id").notNull(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
  revokedAt: integer("revoked_at"),
});

/** Sliding-log throttle counters (auth/throttle.ts): `attempts` is a JSON array of epoch ms. */
export const authThrottle = sqliteTable("auth_throttle", {
  key: text("key").primaryKey(),
  attempts: text("attempts").notNull(),
  admitted: integer("admitted").notNull(),
});

export type UserRow = typeof users.$inferSelect;
