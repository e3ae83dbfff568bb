/** /auth/*: registration, login, refresh-token rotation, logout. */
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { LoginRequest, RefreshRequest, RegisterRequest, type AuthResponse } from "@bot-core/core";
import { ACCESS_TOKEN_TTL_SEC, issueAccessToken } from "../auth/access-token";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from "../auth/password";
import { REFRESH_TOKEN_TTL_MS, sessionsRepo } from "../auth/sessions";
import { LOGIN_FAILURES_PER_EMAIL, LOGIN_PER_IP, REGISTER_PER_IP, throttle } from "../auth/throttle";
import { toPublicUser, usersRepo } from "../auth/users";
import type { UserRow } from "../auth/schema";
import type { AppEnv } from "../env";
import { conflict, unauthorized } from "../errors";
import { jsonBody, optionalJsonBody } from "../validation";

export const REFRESH_COOKIE = "bc_refresh";

function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}

function setRefreshCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, REFRESH_COOKIE, token, {
    httpOnly: true,
    secure: new URL(c.req.url).protocol === "https:",
    sameSite: "Strict",
    path: "/auth",
    maxAge: Math.floor(REFRESH_TOKEN_TTL_MS / 1000),
  });
}

async function issueSession(c: Context<AppEnv>, user: UserRow, refreshToken: string): Promise<AuthResponse> {
  setRefreshCookie(c, refreshToken);
  return {
    accessToken: await issueAccessToken(user.id, c.env.JWT_SECRET),
    expiresIn: ACCESS_TOKEN_TTL_SEC,
    refreshToken,
    tokenType: "Bearer",
    user: toPublicUser(user),
  };
}

export const authRoutes = new Hono<AppEnv>()
  .post("/register", async (c) => {
    await throttle(c.env.DB).hit(REGISTER_PER_IP, clientIp(c));
    const body = await jsonBody(c, RegisterRequest);
    const user: UserRow = {
      id: crypto.randomUUID(),
      email: body.email,
      displayName: body.displayName ?? null,
      passwordHash: await hashPassword(body.password),
      createdAt: Date.now(),
    };
    if (!(await usersRepo(c.env.DB).insert(user))) {
      throw conflict("email_taken", "an account with this email already exists");
    }
    const opened = await c.env.USER_ACCOUNT.getByName(user.id).open({ userId: user.id, createdAt: user.createdAt });
    if (!opened.ok) throw new Error(`account object for a fresh user id is already owned: ${opened.error}`);
    const refreshToken = await sessionsRepo(c.env.DB).start(user.id);
    return c.json(await issueSession(c, user, refreshToken), 201);
  })

  .post("/login", async (c) => {
    const limiter = throttle(c.env.DB);
    await limiter.hit(LOGIN_PER_IP, clientIp(c));
    const body = await jsonBody(c, LoginRequest);
    await limiter.check(LOGIN_FAILURES_PER_EMAIL, body.email);
    const users = usersRepo(c.env.DB);
    const user = await users.findByEmail(body.email);
    // Verify against a dummy hash when the account does not exist: same cost, no enumeration.
    const valid = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !valid) {
      await limiter.hit(LOGIN_FAILURES_PER_EMAIL, body.email);
      throw unauthorized("email or password is incorrect", "invalid_credentials");
    }
    await limiter.clear(LOGIN_FAILURES_PER_EMAIL, body.email);
    if (needsRehash(user.passwordHash)) await users.updatePasswordHash(user.id, await hashPassword(body.password));
    const refreshToken = await sessionsRepo(c.env.DB).start(user.id);
    return c.json(await issueSession(c, user, refreshToken), 200);
  })

  .post("/refresh", async (c) => {
    const body = await optionalJsonBody(c, RefreshRequest);
    const presented = body.refreshToken ?? getCookie(c, REFRESH_COOKIE);
    if (!presented) throw unauthorized("no refresh token presented", "invalid_refresh_token");
    const rotated = await sessionsRepo(c.env.DB).rotate(presented);
    if (!rotated.ok) {
      deleteCookie(c, REFRESH_COOKIE, { path: "/auth" });
      throw rotated.reason === "reused"
        ? unauthorized("this refresh token was already used; the session has been revoked", "refresh_token_reused")
        : unauthorized(`the refresh token is ${rotated.reason}`, "invalid_refresh_token");
    }
    const user = await usersRepo(c.env.DB).findById(rotated.userId);
    if (!user) throw unauthorized("the account no longer exists", "invalid_refresh_token");
    return c.json(await issueSession(c, user, rotated.refreshToken), 200);
  })

  .post("/logout", async (c) => {
    const body = await optionalJsonBody(c, RefreshRequest);
    const presented = body.refreshToken ?? getCookie(c, REFRESH_COOKIE);
    if (presented) await sessionsRepo(c.env.DB).revoke(presented);
    deleteCookie(c, REFRESH_COOKIE, { path: "/auth" });
    return c.body(null, 204);
  });
