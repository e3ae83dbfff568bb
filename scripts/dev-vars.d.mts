// Types of scripts/dev-vars.mjs for TypeScript callers (e2e).
export const LOCAL_SECRETS: readonly string[];
export function ensureDevVars(root: string): Record<"JWT_SECRET" | "BRIDGE_TOKEN" | "EXCHANGE_KEYS_SECRET" | "METRICS_TOKEN", string>;
