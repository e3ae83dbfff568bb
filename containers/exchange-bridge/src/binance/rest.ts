/**
 * Binance REST transport: signing, clock, limits, back-off, retries and the circuit breaker in
 * one place, so every endpoint call gets the same discipline.
 *
 * - Signed requests: HMAC-SHA256 over the exact string sent, `X-MBX-APIKEY`, `timestamp` from a
 *   clock synced to `/time`, `recvWindow` from config. A -1021 (timestamp outside recvWindow)
 *   re-syncs the clock and is retried once.
 * - Limits: the request budget reads `X-MBX-USED-WEIGHT-*` / `X-MBX-ORDER-COUNT-*` and holds a
 *   request back until it fits; a 429 blocks everything until `Retry-After`; a 418 (IP ban)
 *   blocks everything until the ban ends — nothing is sent meanwhile.
 * - Failures that mean "the venue is unwell" (5XX, timeout, network) count in the circuit
 *   breaker and are retried (at most `maxRetries`, with back-off) — but only for requests marked
 *   `idempotent`. Order placement is never retried here: its status is unknown after such a
 *   failure, and the adapter must query the order first (see exchange.ts).
 *
 * @example
 * const rest = new BinanceRest({ baseUrl, credentials, clock, budget, breaker, recvWindow: 5000, log });
 * const order = await rest.request({ method: "GET", path: "/api/v3/order", params: { symbol, origClientOrderId }, signed: true, weight: 4, idempotent: true });
 */
import { backoffDelay, type BackoffPolicy } from "../backoff";
import type { ApiCredentials } from "../exchange/credentials";
import { BannedError, ExchangeUnavailableError, RateLimitedError, VenueRejectedError } from "../exchange/errors";
import type { Logger } from "../log";
import type { CircuitBreaker } from "./circuit-breaker";
import type { ServerClock } from "./clock";
import { retryAfterMs, type RequestBudget } from "./rate-limits";
import { encodeParams, type Params } from "./signing";

export const DEFAULT_RECV_WINDOW = 5_000;
export const MAX_RECV_WINDOW = 60_000;
export const ORDER_TIMEOUT_MS = 5_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const REST_RETRY_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 2_000, jitter: 0.2 };

/** Binance error code of a timestamp outside recvWindow / ahead of server time. */
export const INVALID_TIMESTAMP = -1021;

/** The venue did not answer usefully: 5XX, timeout or network error. The outcome is unknown. */
export class VenueUnavailableError extends ExchangeUnavailableError {
  override readonly name = "VenueUnavailableError";
  constructor(
    readonly reason: "server" | "timeout" | "network",
    readonly httpStatus: number | undefined,
    /** Server-clock `timestamp` the (signed) request carried. */
    readonly requestTimestamp: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, undefined, options);
  }
}

/** Counts against the circuit breaker: the venue is unwell (not: it said no). */
export function isVenueFailure(err: unknown): boolean {
  return err instanceof VenueUnavailableError;
}

export interface RestRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  readonly path: string;
  readonly params?: Params;
  /** Adds timestamp, recvWindow and signature. */
  readonly signed?: boolean;
  /** Sends `X-MBX-APIKEY` without a signature (listenKey endpoints). */
  readonly apiKeyOnly?: boolean;
  /** Request weight (for the budget). */
  readonly weight: number;
  /** 1 for a new order. */
  readonly orders?: number;
  /** Safe to send again after a 5XX/timeout (queries, keepalives). */
  readonly idempotent?: boolean;
  readonly timeoutMs?: number;
  /** Longest wait for the budget before giving up with RateLimitedError (default 3 s). */
  readonly maxWaitMs?: number;
}

export interface RestResponse {
  readonly status: number;
  readonly body: unknown;
  /** Server-clock timestamp the request carried (signed requests). */
  readonly requestTimestamp: number | undefined;
}

export interface BinanceRestOptions {
  readonly baseUrl: string;
  readonly credentials?: ApiCredentials;
  readonly clock: ServerClock;
  readonly budget: RequestBudget;
  readonly breaker: CircuitBreaker;
  readonly recvWindow?: number;
  readonly log: Logger;
  readonly maxRetries?: number;
  readonly backoff?: BackoffPolicy;
  readonly fetch?: typeof fetch;
  /** Local epoch ms (limits, back-off). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export class BinanceRest {
  readonly baseUrl: string;
  readonly recvWindow: number;
  readonly maxRetries: number;
  readonly #credentials: ApiCredentials | undefined;
  readonly #clock: ServerClock;
  readonly #budget: RequestBudget;
  readonly #breaker: CircuitBreaker;
  readonly #log: Logger;
  readonly #backoff: BackoffPolicy;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;

  constructor(options: BinanceRestOptions) {
    const recvWindow = options.recvWindow ?? DEFAULT_RECV_WINDOW;
    if (!Number.isInteger(recvWindow) || recvWindow < 1 || recvWindow > MAX_RECV_WINDOW) throw new RangeError(`recvWindow must be 1..${MAX_RECV_WINDOW} ms`);
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.recvWindow = recvWindow;
    this.maxRetries = options.maxRetries ?? 3;
    this.#credentials = options.credentials;
    this.#clock = options.clock;
    this.#budget = options.budget;
    this.#breaker = options.breaker;
    this.#log = options.log;
    this.#backoff = options.backoff ?? REST_RETRY_BACKOFF;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#random = options.random ?? Math.random;
  }

  get hasCredentials(): boolean {
    return this.#credentials !== undefined;
  }

  /** Sends one request with the policies above; resolves with the parsed 2XX body. */
  async request(req: RestRequest): Promise<RestResponse> {
    if ((req.signed || req.apiKeyOnly) && !this.#credentials) throw new ExchangeUnavailableError("no exchange API key configured for this request");
    if (req.signed) await this.#clock.ensureFresh();
    let resynced = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#once(req);
      } catch (err) {
        if (err instanceof VenueRejectedError && err.venueCode === INVALID_TIMESTAMP && req.signed && !resynced) {
          // Our clock drifted from the venue's: the request was refused before matching. Resync, send again once.
          resynced = true;
          this.#log.warn("timestamp outside recvWindow; resyncing the clock", { path: req.path, offsetMs: this.#clock.offsetMs });
          await this.#clock.sync();
          attempt--;
          continue;
        }
        const retryable = req.idempotent && err instanceof VenueUnavailableError && attempt < this.maxRetries;
        if (!retryable) throw err;
        const delay = backoffDelay(attempt, this.#backoff, this.#random);
        this.#log.warn("exchange request failed; retrying", { path: req.path, attempt: attempt + 1, delayMs: delay, reason: (err as VenueUnavailableError).reason });
        await this.#sleep(delay);
      }
    }
  }

  async #once(req: RestRequest): Promise<RestResponse> {
    await this.#waitForBudget(req);
    return this.#breaker.run(() => this.#send(req), isVenueFailure);
  }

  async #waitForBudget(req: RestRequest): Promise<void> {
    const cost = { weight: req.weight, orders: req.orders ?? 0 };
    const now = this.#now();
    const banned = this.#budget.blocked(now);
    if (banned?.reason === "418") throw new BannedError(banned.until);
    const delay = this.#budget.delayFor(cost, now);
    if (delay > 0) {
      if (delay > (req.maxWaitMs ?? 3_000)) throw new RateLimitedError(delay);
      this.#log.debug("holding request for the rate limit", { path: req.path, delayMs: delay });
      await this.#sleep(delay);
      const after = this.#budget.blocked(this.#now());
      if (after?.reason === "418") throw new BannedError(after.until);
    }
    this.#budget.commit(cost, this.#now());
  }

  async #send(req: RestRequest): Promise<RestResponse> {
    let query = req.params ? encodeParams(req.params) : "";
    let timestamp: number | undefined;
    if (req.signed) {
      timestamp = this.#clock.now();
      const payload = [query, `recvWindow=${this.recvWindow}`, `timestamp=${timestamp}`].filter(Boolean).join("&");
      query = `${payload}&signature=${this.#credentials!.hmacSha256Hex(payload)}`;
    }
    const headers = new Headers();
    if (req.signed || req.apiKeyOnly) headers.set("X-MBX-APIKEY", this.#credentials!.apiKey);
    const inBody = req.method === "POST" || req.method === "PUT";
    if (inBody && query) headers.set("content-type", "application/x-www-form-urlencoded");
    const url = `${this.baseUrl}${req.path}${!inBody && query ? `?${query}` : ""}`;
    const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;

    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(url, { method: req.method, headers, body: inBody && query ? query : undefined, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new VenueUnavailableError(timedOut ? "timeout" : "network", undefined, timestamp, timedOut ? `no answer from the exchange within ${timeoutMs} ms` : "exchange unreachable", { cause: err });
    }
    const now = this.#now();
    this.#budget.observe(res.headers, now);

    if (res.status === 418) {
      const until = now + retryAfterMs(res.headers.get("retry-after"), now, 120_000);
      this.#budget.block(until, "418");
      this.#log.error("exchange banned this IP; all requests stop until the ban ends", { until: new Date(until).toISOString() });
      throw new BannedError(until);
    }
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers.get("retry-after"), now, 60_000);
      this.#budget.block(now + wait, "429");
      this.#log.warn("exchange rate limit hit; backing off", { path: req.path, retryAfterMs: wait });
      throw new RateLimitedError(wait);
    }
    if (res.status >= 500) {
      throw new VenueUnavailableError("server", res.status, timestamp, `exchange answered ${res.status}; the outcome is unknown`);
    }
    const body = parseJson(text);
    if (res.status >= 400) {
      const error = body as { code?: unknown; msg?: unknown } | undefined;
      const code = typeof error?.code === "number" ? error.code : undefined;
      const msg = typeof error?.msg === "string" ? error.msg.slice(0, 300) : `HTTP ${res.status}`;
      throw new VenueRejectedError(res.status, code, msg);
    }
    if (body === undefined) throw new VenueUnavailableError("server", res.status, timestamp, "exchange answered with a body that is not JSON");
    return { status: res.status, body, requestTimestamp: timestamp };
  }
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
