/**
 * The edge REST app. Middleware order: request id -> production secrets check -> request metrics ->
 * compression -> deadline -> routes.
 * Every thrown error becomes `{"error":{"code","message","requestId"}}` in one onError.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { ApiErrorBody } from "@bot-core/core";
import { toPublicUser, usersRepo } from "./auth/users";
import type { AppEnv } from "./env";
import { ApiError, notFound } from "./errors";
import { requireUser } from "./middleware/auth";
import { userRateLimit } from "./middleware/rate-limit";
import { compressOver } from "./middleware/compression";
import { deadline } from "./middleware/deadline";
import { authRoutes } from "./routes/auth";
import { healthRoutes } from "./routes/health";
import { marketDataRoutes } from "./routes/market-data";
import { orderRoutes, riskRoutes } from "./routes/orders";
import { openApiRoutes } from "./openapi/routes";
import { aiRoutes } from "./routes/ai";
import { botRoutes } from "./routes/bot";
import { exchangeKeyRoutes } from "./routes/exchange-keys";
import { internalExecutionRoutes } from "./routes/internal-executions";
import { serverTiming } from "./middleware/server-timing";
import { requireProductionSecrets } from "./middleware/production-secrets";
import { requestMetrics } from "./middleware/request-metrics";
import { metricsRoutes } from "./routes/metrics";
import { rumRoutes } from "./routes/rum";
import { BRIDGE_WS_PATH, handleBridgeUpgrade, handleClientUpgrade } from "../../ws-hub/src";

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Spec: a hard 30 s limit for any request, answered with 504. */
export const REQUEST_DEADLINE_MS = 30_000;

function unlessUpgrade(middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return (c, next) => (c.req.header("upgrade") ? next() : middleware(c, next));
}

export function createApp(options: { deadlineMs?: number } = {}) {
  const app = new Hono<AppEnv>();

  app.use(requestId({ headerName: "X-Request-Id" }));
  // Production with a missing or weak secret: 503 on everything, naming the secrets.
  app.use(requireProductionSecrets());
  app.use(requestMetrics());
  app.use(unlessUpgrade(serverTiming()));
  // A 101 upgrade response has immutable headers and no body: leave it alone.
  app.use(unlessUpgrade(secureHeaders({ crossOriginResourcePolicy: "same-origin" })));
  app.use(unlessUpgrade(compressOver(1024)));
  app.use(deadline(options.deadlineMs ?? REQUEST_DEADLINE_MS));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, "payload_too_large", `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  app.route("/", healthRoutes);
  app.route("/", metricsRoutes);
  app.route("/auth", authRoutes);
  app.get("/api/me", requireUser(), userRateLimit(), async (c) => {
    const user = await usersRepo(c.env.DB).findById(c.get("userId"));
    if (!user) throw notFound("account not found");
    return c.json({ user: toPublicUser(user) });
  });
  app.route("/api/market-data", marketDataRoutes);
  app.route("/api", openApiRoutes);
  app.route("/api", orderRoutes);
  app.route("/api", riskRoutes);
  app.route("/api", aiRoutes);
  app.route("/api", botRoutes);
  app.route("/api", exchangeKeyRoutes);
  app.route("/", internalExecutionRoutes);
  app.route("/api", rumRoutes);
  app.get("/ws", handleClientUpgrade);
  app.get(BRIDGE_WS_PATH, handleBridgeUpgrade);

  app.notFound((c) => {
    throw notFound(`no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  });

  app.onError((err, c) => {
    const requestId = c.get("requestId");
    let status = 500;
    let body: ApiErrorBody;
    let headers: Record<string, string> | undefined;
    if (err instanceof ApiError) {
      status = err.status;
      headers = err.headers;
      body = { error: { code: err.code, message: err.message, requestId, ...(err.details === undefined ? {} : { details: err.details }) } };
    } else if (err instanceof HTTPException) {
      status = err.status;
      body = { error: { code: status === 404 ? "not_found" : "http_error", message: err.message || "request failed", requestId } };
    } else {
      console.error(JSON.stringify({ level: "error", msg: "unhandled error", requestId, path: c.req.path, error: String(err), stack: err instanceof Error ? err.stack : undefined }));
      body = { error: { code: "internal", message: "internal error", requestId } };
    }
    const res = c.json(body, status as 500);
    for (const [k, v] of Object.entries(headers ?? {})) res.headers.set(k, v);
    return res;
  });

  return app;
}
