/**
 * Compression of responses over `threshold` bytes (spec: > 1 KB) for clients that accept gzip.
 *
 * On Workers the runtime compresses a response body itself when the response carries
 * `Content-Encoding: gzip` (unless it was built with `encodeBody: "manual"`). Compressing in the
 * app as well — what `hono/compress` does — sends gzip inside gzip: clients decode once and get
 * binary garbage. So this middleware only decides: for a JSON/text body of at least `threshold`
 * bytes and a client that accepts gzip, it sets the header and leaves the bytes to the runtime.
 */
import type { MiddlewareHandler } from "hono";

function acceptsGzip(header: string | undefined): boolean {
  return !!header && header.split(",").some((part) => {
    const [name, ...params] = part.trim().split(";");
    if (name?.trim().toLowerCase() !== "gzip") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export function compressOver(threshold = 1024): MiddlewareHandler {
  return async function compressOverMiddleware(c, next) {
    await next();
    const res = c.res;
    const type = res.headers.get("content-type") ?? "";
    if (!res.body || res.headers.has("content-encoding") || !/^(application\/json|text\/)/.test(type)) return;
    if (!acceptsGzip(c.req.header("accept-encoding"))) return;
    const declared = Number(res.headers.get("content-length") ?? NaN);
    let size = declared;
    if (!Number.isFinite(declared)) {
      const body = await res.arrayBuffer();
      size = body.byteLength;
      c.res = new Response(body, res);
    }
    if (size < threshold) return;
    c.res.headers.set("content-encoding", "gzip");
    c.res.headers.delete("content-length");
    c.res.headers.append("vary", "Accept-Encoding");
  };
}
