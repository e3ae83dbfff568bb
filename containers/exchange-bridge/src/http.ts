/**
 * The bridge's HTTP surface (Hono): `GET /health`, `GET /metrics` (metrics-route.ts), the analysis endpoints (analysis/routes.ts),
 * the system of record's `/v1/*` routes (records/routes.ts) and the live trading routes (exchange/). Errors are thrown and turned into
 * `{ error: { code, message } }` in one place (the records routes have their own, same shape).
 *
 * @example
 * const app = createApp({ startedAt: Date.now(), now: Date.now, source, edge: () => link.state(), log });
 * serve({ fetch: app.fetch, port: 8788 });
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Registry } from "prom-client";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { analysisRoutes, type AnalysisService } from "./analysis";
import type { EdgeLinkState } from "./edge-link";
import type { Logger } from "./log";
import type { MarketSourceKind } from "./market-source";
import { metricsRoute } from "./metrics-route";

export interface HealthResponse {
  status: "ok";
  source: MarketSourceKind;
  uptimeSec: number;
  edge: Pick<EdgeLinkState, "connected" | "lastSentAt" | "batchesSent" | "updatesSent" | "reconnects">;
  simulator: { symbols: number; updatesPerSec: number };
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export interface AppDeps {
  /** Epoch ms the process started. */
  readonly startedAt: number;
  readonly now: () => number;
  readonly source: { readonly kind: MarketSourceKind; readonly symbols: readonly string[]; readonly updatesPerSec: number };
  readonly edge: () => EdgeLinkState;
  readonly log: Logger;
  /** The analysis endpoints (POST /v1/analyze, /v1/batch-analyze), Bearer `token`. */
  readonly analysis?: { readonly service: AnalysisService; readonly token: string };
  /** The system of record's routes (`/v1/*`, records/routes.ts), when the bridge has a store. */
  readonly records?: Hono;
  /** Live trading routes (`/v1/exchange/*`, `/v1/orders*`: exchange/key-routes.ts, exchange/order-routes.ts). */
  readonly exchange?: Hono;
  /** `GET /metrics` (metrics-route.ts): Prometheus text of `registry`, Bearer `token`. */
  readonly metrics?: { readonly registry: Registry; readonly token: string };
}

const CODE_BY_STATUS: Partial<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
  503: "unavailable",
};

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.get("/health", (c) => {
    const edge = deps.edge();
    const body: HealthResponse = {
      status: "ok",
      source: deps.source.kind,
      uptimeSec: Math.max(0, Math.floor((deps.now() - deps.startedAt) / 1000)),
      edge: {
        connected: edge.connected,
        lastSentAt: edge.lastSentAt,
        batchesSent: edge.batchesSent,
        updatesSent: edge.updatesSent,
        reconnects: edge.reconnects,
      },
      simulator: { symbols: deps.source.symbols.length, updatesPerSec: deps.source.updatesPerSec },
    };
    c.header("Cache-Control", "no-store");
    return c.json(body);
  });

  if (deps.metrics) app.route("/", metricsRoute(deps.metrics));
  if (deps.analysis) app.route("/", analysisRoutes(deps.analysis));
  if (deps.records) app.route("/", deps.records);
  if (deps.exchange) app.route("/", deps.exchange);

  app.notFound((c) =>
    c.json<ErrorBody>({ error: { code: "not_found", message: `no route for ${c.req.method} ${truncate(c.req.path, 200)}` } }, 404),
  );

  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      const status: ContentfulStatusCode = err.status;
      return c.json<ErrorBody>(
        { error: { code: CODE_BY_STATUS[status] ?? (status >= 500 ? "internal" : "error"), message: err.message || "request failed" } },
        status,
      );
    }
    deps.log.error("unhandled error in HTTP handler", { err, method: c.req.method, path: truncate(c.req.path, 200) });
    return c.json<ErrorBody>({ error: { code: "internal", message: "internal error" } }, 500);
  });

  return app;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
