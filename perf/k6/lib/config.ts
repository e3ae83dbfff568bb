/**
 * Run configuration, from `k6 run -e NAME=value` or the environment (`__ENV`). Read once, in the
 * init context. Every value has a default, so `BASE_URL=https://… k6 run perf/k6/<script>.ts` is
 * all a run needs.
 */

const env: Record<string, string | undefined> = __ENV;

function text(name: string, fallback: string): string {
  const v = env[name]?.trim();
  return v ? v : fallback;
}

function number(name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`${name}=${raw} is not a number between ${min} and ${max}`);
  }
  return n;
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const n = number(name, fallback, min, max);
  if (!Number.isInteger(n)) throw new Error(`${name}=${n} must be a whole number`);
  return n;
}

/** The edge under test, without a trailing slash. */
export const BASE_URL = text("BASE_URL", "http://127.0.0.1:8787").replace(/\/+$/, "");
if (!/^https?:\/\/[^/]+/.test(BASE_URL)) throw new Error(`BASE_URL=${BASE_URL} must be an http(s) URL`);

/** The client WebSocket: BASE_URL with ws(s):// and `/ws`, unless WS_URL says otherwise. */
export const WS_URL = text("WS_URL", `${BASE_URL.replace(/^http/, "ws")}/ws`);

/** The symbol every scenario trades and watches. */
export const SYMBOL = text("SYMBOL", "BTCUSDT");

/** Order size: a decimal string, never a float. */
export const ORDER_QTY = text("ORDER_QTY", "0.001");
if (!/^\d+(\.\d+)?$/.test(ORDER_QTY)) throw new Error(`ORDER_QTY=${ORDER_QTY} must be a decimal string like 0.001`);

/**
 * Multiplies every VU count and arrival rate of a script (stages included): 0.1 runs the shapes
 * at a tenth of the spec's numbers against a small environment. 1 = the spec.
 */
export const LOAD_SCALE = number("LOAD_SCALE", 1, 0.001, 100);

// --- The user pool ------------------------------------------------------------------------------

/**
 * How many accounts setup() prepares; VU n uses account (n - 1) % USERS. The edge throttles
 * registration (20 per hour per IP) and sign-in (30 per 5 min per IP), so this stays small.
 */
export const USERS = integer("USERS", 20, 1, 1000);

/** A JSON file of `[{"email": "...", "password": "..."}]`: existing accounts to sign in. */
export const PERF_USERS_FILE = text("PERF_USERS_FILE", "");

/**
 * With PASSWORD: accounts `<EMAIL_PREFIX><n>@<EMAIL_DOMAIN>` (n = 1..USERS) are signed in, and
 * registered first when they do not exist yet. Reusable across runs, which keeps the run inside
 * the registration throttle. Without it, setup() registers USERS fresh accounts for this run.
 */
export const EMAIL_PREFIX = text("EMAIL_PREFIX", "");
export const EMAIL_DOMAIN = text("EMAIL_DOMAIN", "perf.bot-core.test");
export const PASSWORD = text("PASSWORD", "");
if ((EMAIL_PREFIX === "") !== (PASSWORD === "")) {
  throw new Error("EMAIL_PREFIX and PASSWORD go together: set both (reusable accounts) or neither (fresh accounts)");
}

/** The accounts from PERF_USERS_FILE, read in the init context (k6's open() exists only there). */
export const USERS_FROM_FILE: ReadonlyArray<{ email: string; password: string }> = PERF_USERS_FILE
  ? parseUsersFile(open(PERF_USERS_FILE), PERF_USERS_FILE)
  : [];

function parseUsersFile(contents: string, path: string): Array<{ email: string; password: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(contents);
  } catch {
    throw new Error(`PERF_USERS_FILE ${path} is not JSON`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error(`PERF_USERS_FILE ${path} must be a non-empty array`);
  return parsed.map((u: unknown, i) => {
    const o = u as { email?: unknown; password?: unknown } | null;
    if (!o || typeof o.email !== "string" || typeof o.password !== "string") {
      throw new Error(`PERF_USERS_FILE ${path}[${i}] must be {"email": string, "password": string}`);
    }
    return { email: o.email, password: o.password };
  });
}

// --- Pacing ------------------------------------------------------------------------------------

/** Think time between a user's actions, in seconds (the spec's randomBetween(0.1, 2.0)). */
export const THINK_MIN_S = number("THINK_MIN", 0.1, 0, 60);
export const THINK_MAX_S = number("THINK_MAX", 2.0, THINK_MIN_S, 600);

/** Share of trading iterations that place an order (after a risk check). */
export const ORDER_RATIO = number("ORDER_RATIO", 0.2, 0, 1);

// --- Setup -------------------------------------------------------------------------------------

/** setup() polls GET /health this many times, HEALTH_RETRY_DELAY seconds apart, then gives up. */
export const HEALTH_RETRIES = integer("HEALTH_RETRIES", 10, 1, 120);
export const HEALTH_RETRY_DELAY_S = number("HEALTH_RETRY_DELAY", 2, 0, 60);

/** Longest total wait on the edge's auth throttle (429 + Retry-After) during setup, in seconds. */
export const AUTH_WAIT_BUDGET_S = number("AUTH_WAIT_BUDGET", 240, 0, 3600);

/** Renew a VU's access token this long before it expires. */
export const TOKEN_RENEW_MARGIN_MS = 60_000;

/** Where handleSummary writes the machine-readable summary. */
export const SUMMARY_PATH = text("SUMMARY_PATH", "summary.json");

/** How long one WebSocket session stays open, in seconds (websocket.ts). */
export const WS_SESSION_S = number("WS_SESSION", 60, 1, 3600);
