/** Requires a valid access token (`Authorization: Bearer …`) and puts the user id in the context. */
import type { MiddlewareHandler } from "hono";
import { verifyAccessToken } from "../auth/access-token";
import { unauthorized } from "../errors";
import type { AppEnv } from "../env";

export function requireUser(): MiddlewareHandler<AppEnv> {
  return async function requireUserMiddleware(c, next) {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized();
    const result = await verifyAccessToken(match[1], c.env.JWT_SECRET);
    if (!result.ok) {
      throw result.reason === "expired"
        ? unauthorized("the access token has expired", "token_expired")
        : unauthorized("the access token is not valid", "invalid_token");
    }
    c.set("userId", result.claims.sub);
    await next();
  };
}
