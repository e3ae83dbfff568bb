/**
 * A hard deadline for every request: past it the client gets 504 with a JSON error instead of
 * waiting forever (spec: 30 s). The handler's work is not cancelled, only its answer is dropped.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";

export function deadline(ms: number): MiddlewareHandler {
  return async function deadlineMiddleware(c, next) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ApiError(504, "deadline_exceeded", `the request did not complete within ${ms / 1000} s`)),
        ms,
      );
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  };
}
