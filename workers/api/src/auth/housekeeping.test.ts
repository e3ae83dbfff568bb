/**
 * The hourly housekeeping on workerd: the Worker's scheduled handler (as the cron trigger calls it) on real D1:
 * rows that decide nothing are deleted, and a live session and a live throttle log are untouched.
 */
import { env } from "cloudflare:workers";
import { createScheduledController } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuthResponse } from "@bot-core/core";
import { call, register } from "../../test/helpers";
import worker from "../index";
import { LONGEST_THROTTLE_WINDOW_MS } from "./housekeeping";
import { REFRESH_TOKEN_TTL_MS } from "./sessions";

const count = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;

describe("auth housekeeping (cron trigger)", () => {
  it("deletes expired refresh tokens and throttle logs past the longest window, and nothing that still decides", async () => {
    const u = await register();
    const now = Date.now();
    const userId = u.user.id;
    // A token that expired a minute ago, and its family's consumed ancestor; the live session stays.
    await env.DB.batch([
      env.DB.prepare("INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at, used_at) VALUES (?1, 'old-family', ?2, ?3, ?4, ?4)").bind("expired-used", userId, now - REFRESH_TOKEN_TTL_MS - 120_000, now - 120_000),
      env.DB.prepare("INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) VALUES (?1, 'old-family', ?2, ?3, ?4)").bind("expired", userId, now - REFRESH_TOKEN_TTL_MS - 60_000, now - 60_000),
      env.DB.prepare("INSERT INTO auth_throttle (key, attempts, admitted) VALUES (?1, ?2, 1)").bind("login-ip:stale", JSON.stringify([now - LONGEST_THROTTLE_WINDOW_MS - 5_000])),
      env.DB.prepare("INSERT INTO auth_throttle (key, attempts, admitted) VALUES (?1, ?2, 1)").bind("login-ip:recent", JSON.stringify([now - LONGEST_THROTTLE_WINDOW_MS - 5_000, now - 1_000])),
      env.DB.prepare("INSERT INTO auth_throttle (key, attempts, admitted) VALUES (?1, '[]', 0)").bind("login-email:empty"),
    ]);
    const liveTokens = await count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?1 AND expires_at > ?2", userId, now);
    expect(liveTokens).toBe(1);

    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env);

    expect(await count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE family_id = 'old-family'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM refresh_tokens WHERE user_id = ?1", userId)).toBe(liveTokens);
    const keys = (await env.DB.prepare("SELECT key FROM auth_throttle WHERE key IN ('login-ip:stale', 'login-ip:recent', 'login-email:empty') ORDER BY key").all<{ key: string }>()).results.map((r) => r.key);
    expect(keys).toEqual(["login-ip:recent"]);

    // The live session still refreshes.
    const refreshed = await call("/auth/refresh", { method: "POST", json: { refreshToken: u.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await refreshed.json<AuthResponse>()).refreshToken).not.toBe(u.refreshToken);
  });
});
