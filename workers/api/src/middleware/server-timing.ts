/**
 * Adds `Server-Timing: app;dur=<ms>` to every response: the time the Worker spent on the request,
 * so load tests can put the server's view next to the client's.
 *
 * Note: workerd's clock only advances across I/O (locally in whole milliseconds; in production
 * not at all during synchronous code), so sub-millisecond CPU work reads as 0.
 */
import type { MiddlewareHandler } from "hono";

export function serverTiming(): MiddlewareHandler {
  return async function serverTimingMiddleware(c, next) {
    const t0 = performance.now();
    await next();
    const dur = (performance.now() - t0).toFixed(1);
    try {
      c.res.headers.append("Server-Timing", `app;dur=${dur}`);
    } catch {
      // immutable headers (a response passed through from elsewhere): leave it as is
    }
  };
}
