/**
 * Errors are thrown, never returned as values: `onError` turns every thrown error into
 * `{"error":{"code","message","requestId"}}` with the right status.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new ApiError(400, code, message, details);
export const unauthorized = (message = "authentication required", code = "unauthorized") =>
  new ApiError(401, code, message, undefined, { "WWW-Authenticate": 'Bearer realm="bot-core"' });
export const notFound = (message = "not found") => new ApiError(404, "not_found", message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
export const tooManyRequests = (retryAfterSec: number, message = "too many requests") =>
  new ApiError(429, "rate_limited", message, { retryAfterSec }, { "Retry-After": String(retryAfterSec) });
