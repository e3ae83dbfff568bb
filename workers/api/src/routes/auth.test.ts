import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import type { AuthResponse } from "@bot-core/core";
import { call, register, uniqueEmail } from "../../test/helpers";
import { ACCESS_TOKEN_TTL_SEC, issueAccessToken, TOKEN_ISSUER } from "../auth/access-token";
import { PBKDF2_ITERATIONS } from "../auth/password";
import { toBase64Url } from "../auth/encoding";

type ErrorBody = { error: { code: string; message: string } };

const me = (token: string) => call("/api/me", { headers: { authorization: `Bearer ${token}` } });

describe("registration", () => {
  it("creates the account, its Durable Object, and a session", async () => {
    const email = uniqueEmail();
    const res = await call("/auth/register", { method: "POST", json: { email, password: "correct horse battery", displayName: "Ada" } });
    expect(res.status).toBe(201);
    const body = await res.json<AuthResponse>();
    expect(body.user).toMatchObject({ email, displayName: "Ada" });
    expect(body.tokenType).toBe("Bearer");
    expect(body.expiresIn).toBe(ACCESS_TOKEN_TTL_SEC);
    expect(res.headers.get("set-cookie")).toMatch(/bc_refresh=.*HttpOnly.*SameSite=Strict/i);
    const header = await env.USER_ACCOUNT.getByName(body.user.id).header();
    expect(header?.userId).toBe(body.user.id);
    const profile = await me(body.accessToken);
    expect(profile.status).toBe(200);
    expect((await profile.json<{ user: { id: string } }>()).user.id).toBe(body.user.id);
  });

  it("treats emails case-insensitively and refuses a duplicate with 409", async () => {
    const email = uniqueEmail("Case");
    await register(email);
    const res = await call("/auth/register", { method: "POST", json: { email: email.toUpperCase(), password: "another password" } });
    expect(res.status).toBe(409);
    expect((await res.json<ErrorBody>()).error.code).toBe("email_taken");
  });

  it("stores a salted PBKDF2 hash at the runtime's maximum iteration count, never the password", async () => {
    const email = uniqueEmail();
    await register(email, "my very secret words");
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE email = ?").bind(email).first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$`));
    expect(row?.password_hash).not.toContain("my very secret words");
    const other = uniqueEmail();
    await register(other, "my very secret words");
    const row2 = await env.DB.prepare("SELECT password_hash FROM users WHERE email = ?").bind(other).first<{ password_hash: string }>();
    expect(row2?.password_hash).not.toBe(row?.password_hash);
  });

  it("rejects weak or malformed input with 400 and stores nothing", async () => {
    const email = uniqueEmail();
    for (const json of [{ email, password: "short" }, { email }, { email, password: 12345678 }, { email, password: "longenough", role: "admin" }]) {
      const res = await call("/auth/register", { method: "POST", json });
      expect(res.status).toBe(400);
    }
    expect(await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first()).toBeNull();
  });
});

describe("login", () => {
  it("signs in with the right password (any email case) and refuses a wrong one", async () => {
    const email = uniqueEmail();
    await register(email, "right password here");
    const ok = await call("/auth/login", { method: "POST", json: { email: email.toUpperCase(), password: "right password here" } });
    expect(ok.status).toBe(200);
    expect((await me((await ok.json<AuthResponse>()).accessToken)).status).toBe(200);
    const bad = await call("/auth/login", { method: "POST", json: { email, password: "wrong password" } });
    expect(bad.status).toBe(401);
    expect((await bad.json<ErrorBody>()).error.code).toBe("invalid_credentials");
  });

  it("gives the same answer for an unknown email as for a wrong password", async () => {
    const res = await call("/auth/login", { method: "POST", json: { email: uniqueEmail("ghost"), password: "whatever123" } });
    expect(res.status).toBe(401);
    expect((await res.json<ErrorBody>()).error.code).toBe("invalid_credentials");
  });

  it("throttles an email after 5 failures with 429 and Retry-After, even with the right password", async () => {
    const email = uniqueEmail();
    await register(email, "right password here");
    for (let i = 0; i < 5; i++) {
      const res = await call("/auth/login", { method: "POST", json: { email, password: `wrong-${i}-password` } });
      expect(res.status).toBe(401);
    }
    const blocked = await call("/auth/login", { method: "POST", json: { email, password: "right password here" } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await blocked.json<ErrorBody>()).error.code).toBe("rate_limited");
  });

  // A sliding window (auth/throttle.test.ts covers the boundary burst with a fake clock): the
  // 31st attempt inside 5 minutes is refused wherever the run falls on the clock.
  it("throttles one IP after 30 attempts across any emails", async () => {
    const ip = "203.0.113.77";
    const responses: Response[] = [];
    for (let i = 0; i < 31; i++) {
      responses.push(await call("/auth/login", { method: "POST", ip, json: { email: uniqueEmail("spray"), password: "guess-password" } }));
    }
    expect(responses.slice(0, 30).map((r) => r.status)).toEqual(Array(30).fill(401));
    const blocked = responses[30]!;
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(300);
    expect((await blocked.json<ErrorBody>()).error.code).toBe("rate_limited");
  });
});

describe("refresh tokens", () => {
  const refresh = (refreshToken: string) => call("/auth/refresh", { method: "POST", json: { refreshToken } });

  it("rotates on every use", async () => {
    const first = await register();
    const res = await refresh(first.refreshToken);
    expect(res.status).toBe(200);
    const second = await res.json<AuthResponse>();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.id).toBe(first.user.id);
    expect((await me(second.accessToken)).status).toBe(200);
  });

  it("accepts the refresh token from the HttpOnly cookie", async () => {
    const first = await register();
    const res = await call("/auth/refresh", { method: "POST", headers: { cookie: `bc_refresh=${first.refreshToken}` } });
    expect(res.status).toBe(200);
  });

  it("refuses a reused token and revokes its whole family", async () => {
    const first = await register();
    const second = await (await refresh(first.refreshToken)).json<AuthResponse>();
    const reuse = await refresh(first.refreshToken);
    expect(reuse.status).toBe(401);
    expect((await reuse.json<ErrorBody>()).error.code).toBe("refresh_token_reused");
    // The legitimate successor is revoked too: the thief and the victim both have to sign in again.
    const afterRevoke = await refresh(second.refreshToken);
    expect(afterRevoke.status).toBe(401);
    expect((await afterRevoke.json<ErrorBody>()).error.code).toBe("invalid_refresh_token");
  });

  it("lets only one of two concurrent refreshes with the same token win", async () => {
    const first = await register();
    const results = await Promise.all([refresh(first.refreshToken), refresh(first.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("refuses unknown tokens and a missing token", async () => {
    expect((await refresh("x".repeat(43))).status).toBe(401);
    expect((await call("/auth/refresh", { method: "POST" })).status).toBe(401);
  });

  it("logout revokes the session", async () => {
    const first = await register();
    const out = await call("/auth/logout", { method: "POST", json: { refreshToken: first.refreshToken } });
    expect(out.status).toBe(204);
    expect((await refresh(first.refreshToken)).status).toBe(401);
  });
});

describe("access tokens", () => {
  async function forgedTokens(userId: string): Promise<Record<string, string>> {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: userId, iss: TOKEN_ISSUER, typ: "access", iat: now, exp: now + 600, jti: "x" };
    const b64 = (o: object) => toBase64Url(new TextEncoder().encode(JSON.stringify(o)));
    const valid = await issueAccessToken(userId, env.JWT_SECRET);
    return {
      "another key": await sign(claims, "some-other-secret-that-is-long-enough", "HS256"),
      expired: await issueAccessToken(userId, env.JWT_SECRET, Date.now() - (ACCESS_TOKEN_TTL_SEC + 60) * 1000),
      "alg none": `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`,
      "alg HS512 with the right key": await sign(claims, env.JWT_SECRET, "HS512"),
      "no exp": await sign({ ...claims, exp: undefined }, env.JWT_SECRET, "HS256"),
      "wrong issuer": await sign({ ...claims, iss: "someone-else" }, env.JWT_SECRET, "HS256"),
      "a refresh-type token": await sign({ ...claims, typ: "refresh" }, env.JWT_SECRET, "HS256"),
      "tampered payload": `${valid.split(".")[0]}.${b64({ ...claims, sub: "someone-else" })}.${valid.split(".")[2]}`,
      garbage: "not.a.jwt",
    };
  }

  it("refuses every forged, expired or mis-signed token on REST and WebSocket", async () => {
    const { user } = await register();
    for (const [label, token] of Object.entries(await forgedTokens(user.id))) {
      const res = await me(token);
      expect(res.status, label).toBe(401);
      const ws = await call("/ws", { headers: { upgrade: "websocket", "sec-websocket-protocol": `bot-core.v1, bearer.${token}` } });
      expect(ws.status, label).toBe(401);
      expect(ws.webSocket, label).toBeNull();
    }
  });

  it("names expiry separately so clients know to refresh", async () => {
    const { user } = await register();
    const expired = await issueAccessToken(user.id, env.JWT_SECRET, Date.now() - (ACCESS_TOKEN_TTL_SEC + 60) * 1000);
    expect((await (await me(expired)).json<ErrorBody>()).error.code).toBe("token_expired");
  });

  it("requires a token at all", async () => {
    const res = await call("/api/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});
