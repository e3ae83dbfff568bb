/**
 * `GET /metrics`: the bridge's Prometheus text (metrics.ts), Bearer BRIDGE_TOKEN (the edge's
 * bridgeFetch already sends it; no second secret to deploy). A missing or wrong token is a 401
 * `{ error: { code, message } }`; the token is compared in constant time.
 *
 * @example
 * app.route("/", metricsRoute({ registry: metrics.registry, token: config.bridgeToken }));
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import type { Registry } from "prom-client";

export interface MetricsRouteDeps {
  readonly registry: Registry;
  /** BRIDGE_TOKEN. */
  readonly token: string;
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function metricsRoute(deps: MetricsRouteDeps): Hono {
  const expected = digest(deps.token);
  const app = new Hono();
  app.get("/metrics", async (c) => {
    const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(c.req.header("authorization") ?? "");
    if (!m || !timingSafeEqual(digest(m[1]!), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="bridge"');
      return c.json({ error: { code: "unauthorized", message: "a valid bridge token is required (Authorization: Bearer <BRIDGE_TOKEN>)" } }, 401);
    }
    const text = await deps.registry.metrics();
    return c.body(text, 200, { "content-type": deps.registry.contentType, "cache-control": "no-store" });
  });
  return app;
}
