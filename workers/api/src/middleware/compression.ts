/**
 * Compresses responses over `threshold` bytes when the client accepts gzip/deflate (spec: > 1 KB).
 *
 * Hono's compress() only knows a body's size from Content-Length, which `c.json()` does not set,
 * so small JSON would be compressed too (costing CPU for nothing). Buffered JSON/text bodies are
 * measured first; streams are left to compress() as they are.
 */
import type { MiddlewareHandler } from "hono";
import { compress } from "hono/compress";

export function compressOver(threshold = 1024): MiddlewareHandler {
  const gzip = compress({ threshold });
  return async function compressOverMiddleware(c, next) {
    await gzip(c, async () => {
      await next();
      const res = c.res;
      const type = res.headers.get("content-type") ?? "";
      if (res.body && !res.headers.has("content-length") && /^(application\/json|text\/)/.test(type)) {
        const body = await res.arrayBuffer();
        c.res = new Response(body, res);
        c.res.headers.set("content-length", String(body.byteLength));
      }
    });
  };
}
