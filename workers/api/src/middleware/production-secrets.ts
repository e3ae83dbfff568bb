/**
 * In production (ENVIRONMENT=production) the Worker refuses to serve while any secret from
 * scripts/secrets.mjs is missing, a placeholder, or weak: every request gets 503
 * `misconfigured` naming the secrets (never their values), and the problem is logged once per
 * isolate. Other environments (development, staging, tests) are not checked here; `npm run
 * deploy` checks staging's secrets are set before it deploys.
 */
import type { MiddlewareHandler } from "hono";
import { productionSecretProblems } from "../../../../scripts/secrets.mjs";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

let logged = false;

/** The problems that stop a production Worker from serving ([] when it may serve). */
export function productionRefusal(env: Readonly<Record<string, unknown>>): string[] {
  if (env.ENVIRONMENT !== "production") return [];
  return productionSecretProblems(env);
}

export function requireProductionSecrets(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const problems = productionRefusal(c.env as unknown as Record<string, unknown>);
    if (problems.length === 0) return next();
    if (!logged) {
      logged = true;
      console.error(JSON.stringify({ level: "error", msg: "refusing to serve: production secrets", problems }));
    }
    throw new ApiError(503, "misconfigured", `refusing to serve in production: ${problems.join("; ")}. Set them with: wrangler secret put NAME --env production`);
  };
}
