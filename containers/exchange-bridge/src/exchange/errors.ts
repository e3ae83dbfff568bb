/**
 * Errors of the exchange port. Each carries a stable `code` so the HTTP layer can map it to a
 * `{ error: { code, message } }` body and a status without knowing the venue.
 */

export type ExchangeErrorCode =
  | "invalid_order"
  | "order_rejected"
  | "rate_limited"
  | "exchange_banned"
  | "exchange_unavailable"
  | "order_status_unknown"
  | "exchange_error";

export class ExchangeError extends Error {
  override readonly name: string = "ExchangeError";
  constructor(
    readonly code: ExchangeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The order broke a rule before it was sent (schema, filters). */
export class InvalidOrderError extends ExchangeError {
  override readonly name = "InvalidOrderError";
  constructor(message: string) {
    super("invalid_order", message);
  }
}

/** The venue answered with an error for this request (4XX with a venue code). */
export class VenueRejectedError extends ExchangeError {
  override readonly name = "VenueRejectedError";
  constructor(
    readonly httpStatus: number,
    readonly venueCode: number | undefined,
    readonly venueMessage: string,
  ) {
    super("order_rejected", `venue rejected the request (${httpStatus}${venueCode === undefined ? "" : `, code ${venueCode}`}): ${venueMessage}`);
  }
}

/** The venue (or our own limiter) says: not now. `retryAfterMs` is how long to wait. */
export class RateLimitedError extends ExchangeError {
  override readonly name = "RateLimitedError";
  constructor(
    readonly retryAfterMs: number,
    message = `rate limited; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
  ) {
    super("rate_limited", message);
  }
}

/** HTTP 418: the IP is banned until `until` (epoch ms); nothing is sent before then. */
export class BannedError extends ExchangeError {
  override readonly name = "BannedError";
  constructor(readonly until: number) {
    super("exchange_banned", `exchange ban in force until ${new Date(until).toISOString()}`);
  }
}

/** The circuit breaker is open, or the venue keeps failing. */
export class ExchangeUnavailableError extends ExchangeError {
  override readonly name: string = "ExchangeUnavailableError";
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super("exchange_unavailable", message, options);
  }
}

/**
 * A placement's outcome could not be established (5XX/timeout, then the status query failed
 * too). The order may exist: the caller must reconcile by `clientOrderId`, never resend blindly.
 */
export class OrderStatusUnknownError extends ExchangeError {
  override readonly name = "OrderStatusUnknownError";
  constructor(
    readonly clientOrderId: string,
    options?: { cause?: unknown },
  ) {
    super("order_status_unknown", `status of order ${clientOrderId} is unknown; reconcile by client order id before retrying`, options);
  }
}
