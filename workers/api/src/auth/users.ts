/** The users directory in D1. */
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { PublicUser } from "@bot-core/core";
import { users, type UserRow } from "./schema";

export function usersRepo(db: D1Database) {
  const orm = drizzle(db);
  return {
    async findByEmail(email: string): Promise<UserRow | undefined> {
      return orm.select().from(users).where(sql`${users.email} = ${email} COLLATE NOCASE`).get();
    },
    async findById(id: string): Promise<UserRow | undefined> {
      return orm.select().from(users).where(eq(users.id, id)).get();
    },
    /** Inserts a user; returns false when the email is already taken (unique index). */
    async insert(row: UserRow): Promise<boolean> {
      const result = await orm.insert(users).values(row).onConflictDoNothing().run();
      return result.meta.changes === 1;
    },
    async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
      await orm.update(users).set({ passwordHash }).where(eq(users.id, id)).run();
    },
  };
}

export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
