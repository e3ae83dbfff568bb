/**
 * Bindings of the edge Worker: generated from wrangler.toml by `wrangler types` into
 * worker-configuration.d.ts (secrets JWT_SECRET and BRIDGE_TOKEN come from .dev.vars locally
 * and `wrangler secret put` in production). Regenerate after changing wrangler.toml.
 */
export type Env = Cloudflare.Env;

/** Hono context typing shared by every route. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    userId: string;
  };
}
