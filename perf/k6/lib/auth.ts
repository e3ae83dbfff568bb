/**
 * setup() helpers and per-VU sessions.
 *
 * setup() waits for the edge, then prepares a bounded pool of accounts (USERS, default 20): the edge
 * throttles registration to 20 per hour and sign-in to 30 per 5 minutes per IP, so a load test
 * cannot give every VU its own account. VU n uses account (n - 1) % USERS.
 *
 * Access tokens live 15 minutes. VU n <= USERS owns the session setup() opened for its account and
 * renews it with POST /auth/refresh; every other VU signs in once when the shared token is about to
 * expire (so that no two VUs ever present the same refresh token, which the edge treats as theft
 * and answers by revoking the session), then refreshes its own session. Those sign-ins are
 * throttled too: a failed renewal is counted in `auth_renewal_failed` and retried after the
 * server's Retry-After, while the VU keeps its old token.
 */
import http, { type RefinedResponse, type ResponseType } from "k6/http";
import { check, fail, sleep } from "k6";
import { randomBytes } from "k6/crypto";
import {
  AUTH_WAIT_BUDGET_S,
  BASE_URL,
  EMAIL_DOMAIN,
  EMAIL_PREFIX,
  HEALTH_RETRIES,
  HEALTH_RETRY_DELAY_S,
  PASSWORD,
  TOKEN_RENEW_MARGIN_MS,
  USERS,
  USERS_FROM_FILE,
} from "./config.ts";
import { authRenewalFailed } from "./metrics.ts";

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

export interface PoolUser extends Credentials {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Epoch ms when the access token expires. */
  readonly expiresAt: number;
}

/** What setup() returns and every VU receives (a copy per VU). */
export interface SetupData {
  readonly runId: string;
  readonly startedAt: number;
  readonly users: readonly PoolUser[];
}

type Res = RefinedResponse<ResponseType | undefined>;

const JSON_HEADERS = { "Content-Type": "application/json" };

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

function json(res: Res): Record<string, unknown> | undefined {
  if (typeof res.body !== "string") return undefined;
  try {
    const v: unknown = JSON.parse(res.body);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describe(res: Res): string {
  if (res.status === 0) return res.error || "no response";
  const body = typeof res.body === "string" ? res.body.slice(0, 200) : "";
  return `HTTP ${res.status} ${body}`;
}

function retryAfterSeconds(res: Res, fallback: number): number {
  const n = Number(res.headers["Retry-After"]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * Polls GET /health until it answers 200, at most `retries` times `delayS` apart; fails setup (and
 * so the whole run) with the reason otherwise.
 */
export function waitForEdge(retries: number = HEALTH_RETRIES, delayS: number = HEALTH_RETRY_DELAY_S): void {
  let last = "";
  for (let attempt = 1; attempt <= retries; attempt++) {
    const res = http.get(`${BASE_URL}/health`, {
      tags: { name: "health", phase: "setup" },
      timeout: "5s",
      // Polling answers are not request failures; the loop decides.
      responseCallback: http.expectedStatuses({ min: 100, max: 599 }),
    });
    if (res.status === 200) return;
    last = describe(res);
    if (attempt < retries) sleep(delayS);
  }
  fail(`setup: ${BASE_URL}/health did not answer 200 after ${retries} attempts (last: ${last}). Is BASE_URL right and the edge up?`);
}

function tokensOf(res: Res, credentials: Credentials): PoolUser | undefined {
  const body = json(res);
  const accessToken = body?.accessToken;
  const refreshToken = body?.refreshToken;
  const expiresIn = typeof body?.expiresIn === "number" ? body.expiresIn : 15 * 60;
  if (typeof accessToken !== "string" || typeof refreshToken !== "string") return undefined;
  return { ...credentials, accessToken, refreshToken, expiresAt: Date.now() + expiresIn * 1000 };
}

/** Runs an auth call, waiting out 429s within the AUTH_WAIT_BUDGET shared by the whole setup. */
function throttled(call: () => Res, budget: { waitedS: number }, what: string): Res {
  for (;;) {
    const res = call();
    if (res.status !== 429) return res;
    const wait = retryAfterSeconds(res, 30);
    if (budget.waitedS + wait > AUTH_WAIT_BUDGET_S) {
      fail(
        `setup: ${what} is throttled by the edge (429, Retry-After ${wait}s) beyond AUTH_WAIT_BUDGET=${AUTH_WAIT_BUDGET_S}s. ` +
          "Reuse accounts across runs (EMAIL_PREFIX + PASSWORD or PERF_USERS_FILE), lower USERS, or wait.",
      );
    }
    budget.waitedS += wait;
    sleep(wait);
  }
}

function post(path: string, body: object, name: string, expected: number[]): Res {
  return http.post(`${BASE_URL}${path}`, JSON.stringify(body), {
    headers: JSON_HEADERS,
    tags: { name, phase: "setup" },
    responseCallback: http.expectedStatuses(...expected),
  });
}

export function login(credentials: Credentials, budget: { waitedS: number }): Res {
  return throttled(() => post("/auth/login", credentials, "auth", [200, 401, 429]), budget, "sign-in");
}

export function register(credentials: Credentials, budget: { waitedS: number }): Res {
  return throttled(() => post("/auth/register", credentials, "auth", [201, 409, 429]), budget, "registration");
}

/** Signs in; registers the account first when it does not exist. */
function ensureAccount(credentials: Credentials, budget: { waitedS: number }): PoolUser {
  const signedIn = login(credentials, budget);
  if (signedIn.status === 200) {
    const user = tokensOf(signedIn, credentials);
    if (user) return user;
    fail(`setup: POST /auth/login for ${credentials.email} answered 200 without tokens: ${describe(signedIn)}`);
  }
  if (signedIn.status !== 401) fail(`setup: POST /auth/login for ${credentials.email} failed: ${describe(signedIn)}`);
  const registered = register(credentials, budget);
  if (registered.status === 409) {
    fail(`setup: ${credentials.email} exists with another password (sign-in 401, registration 409). Check PASSWORD.`);
  }
  const user = registered.status === 201 ? tokensOf(registered, credentials) : undefined;
  if (!user) fail(`setup: POST /auth/register for ${credentials.email} failed: ${describe(registered)}`);
  return user;
}

function signInExisting(credentials: Credentials, budget: { waitedS: number }): PoolUser {
  const res = login(credentials, budget);
  const user = res.status === 200 ? tokensOf(res, credentials) : undefined;
  if (!user) fail(`setup: sign-in of ${credentials.email} from PERF_USERS_FILE failed: ${describe(res)}`);
  return user;
}

function registerFresh(credentials: Credentials, budget: { waitedS: number }): PoolUser {
  const res = register(credentials, budget);
  const user = res.status === 201 ? tokensOf(res, credentials) : undefined;
  if (!user) fail(`setup: POST /auth/register for ${credentials.email} failed: ${describe(res)}`);
  return user;
}

/**
 * The accounts of this run: from PERF_USERS_FILE (signed in), or EMAIL_PREFIX + PASSWORD (signed
 * in, registered when missing), or USERS fresh accounts registered for this run only.
 */
export function prepareUserPool(runId: string): PoolUser[] {
  const budget = { waitedS: 0 };
  if (USERS_FROM_FILE.length > 0) {
    return USERS_FROM_FILE.slice(0, USERS).map((c) => signInExisting(c, budget));
  }
  const numbers = Array.from({ length: USERS }, (_, i) => i + 1);
  if (EMAIL_PREFIX) {
    return numbers.map((n) => ensureAccount({ email: `${EMAIL_PREFIX}${n}@${EMAIL_DOMAIN}`, password: PASSWORD }, budget));
  }
  // A fresh password per run; never printed. To reuse accounts across runs, choose EMAIL_PREFIX and PASSWORD.
  const password = hex(randomBytes(18));
  const users = numbers.map((n) => registerFresh({ email: `perf-${runId}-${n}@${EMAIL_DOMAIN}`, password }, budget));
  console.log(
    `setup: registered ${users.length} accounts perf-${runId}-{1..${users.length}}@${EMAIL_DOMAIN} for this run. ` +
      "The edge allows 20 registrations per hour per IP: to run again soon, choose EMAIL_PREFIX and PASSWORD (reused across runs).",
  );
  return users;
}

/** The standard setup(): the edge is up, and the user pool is ready. */
export function setupRun(): SetupData {
  waitForEdge();
  const runId = `${Date.now().toString(36)}${hex(randomBytes(3))}`;
  return { runId, startedAt: Date.now(), users: prepareUserPool(runId) };
}

// --- Per-VU session ----------------------------------------------------------------------------

interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  /** This VU is the only one presenting `refreshToken`, so it may rotate it. */
  owned: boolean;
  /** No renewal attempt before this time (after a failure or a 429). */
  retryAt: number;
}

let session: Session | undefined;

function vuIndex(): number {
  return Math.max(1, __VU);
}

/** The pool account this VU acts as. */
export function userOf(data: SetupData): PoolUser {
  if (data.users.length === 0) fail("setup() prepared no accounts");
  return data.users[(vuIndex() - 1) % data.users.length]!;
}

function renew(user: PoolUser, s: Session): void {
  const res = s.owned
    ? http.post(`${BASE_URL}/auth/refresh`, JSON.stringify({ refreshToken: s.refreshToken }), { headers: JSON_HEADERS, tags: { name: "auth" } })
    : http.post(`${BASE_URL}/auth/login`, JSON.stringify({ email: user.email, password: user.password }), { headers: JSON_HEADERS, tags: { name: "auth" } });
  const fresh = res.status === 200 ? tokensOf(res, user) : undefined;
  authRenewalFailed.add(!fresh);
  if (fresh) {
    s.accessToken = fresh.accessToken;
    s.refreshToken = fresh.refreshToken;
    s.expiresAt = fresh.expiresAt;
    s.owned = true;
    s.retryAt = 0;
    return;
  }
  // A refused refresh leaves only signing in; a throttled one waits for the server's word.
  if (res.status === 401) s.owned = false;
  s.retryAt = Date.now() + retryAfterSeconds(res, 30) * 1000;
}

/** The VU's current access token, renewed shortly before it expires. */
export function accessToken(data: SetupData): string {
  const user = userOf(data);
  if (!session) {
    session = {
      accessToken: user.accessToken,
      refreshToken: user.refreshToken,
      expiresAt: user.expiresAt,
      owned: vuIndex() <= data.users.length,
      retryAt: 0,
    };
  }
  const now = Date.now();
  if (now >= session.expiresAt - TOKEN_RENEW_MARGIN_MS && now >= session.retryAt) renew(user, session);
  return session.accessToken;
}

/** Smoke: sign in with the account's password, then rotate the new session once. Returns a fresh access token. */
export function signInAndRefresh(credentials: Credentials): string | undefined {
  const signedIn = http.post(`${BASE_URL}/auth/login`, JSON.stringify({ email: credentials.email, password: credentials.password }), {
    headers: JSON_HEADERS,
    tags: { name: "auth" },
  });
  const first = signedIn.status === 200 ? tokensOf(signedIn, credentials) : undefined;
  const refreshed = first
    ? http.post(`${BASE_URL}/auth/refresh`, JSON.stringify({ refreshToken: first.refreshToken }), { headers: JSON_HEADERS, tags: { name: "auth" } })
    : undefined;
  const second = refreshed && refreshed.status === 200 ? tokensOf(refreshed, credentials) : undefined;
  check(
    { first, second },
    {
      "auth: sign-in answers 200 with tokens": (s) => s.first !== undefined,
      "auth: refresh rotates the refresh token": (s) => s.second !== undefined && s.second.refreshToken !== s.first?.refreshToken,
    },
    { name: "auth" },
  );
  return second?.accessToken ?? first?.accessToken;
}
