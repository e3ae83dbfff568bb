// Every secret the system needs, in one place. Read by:
//   scripts/dev-vars.mjs   (generates the local ones into .dev.vars on first start)
//   scripts/deploy.mjs     (checks each is set on the target with `wrangler secret list`)
//   workers/api/src/production-secrets.ts (the Worker refuses to serve in production without them)
//   wrangler.toml `secrets.required` and .dev.vars.example (a test keeps both equal to this list)
// Values are never printed: problems name the secret, never its value.

/**
 * @typedef {{
 *   name: string,
 *   purpose: string,
 *   usedBy: readonly ("worker" | "bridge")[],
 *   minLength: number,
 *   local: "generate" | "unset",
 *   format?: "mongodb-uri",
 *   example: string,
 * }} SecretSpec
 */

/** @type {readonly SecretSpec[]} */
export const SECRETS = Object.freeze([
  {
    name: "JWT_SECRET",
    purpose: "HMAC key that signs access tokens (HS256)",
    usedBy: ["worker"],
    minLength: 32,
    local: "generate",
    example: "generate-with: openssl rand -base64 48",
  },
  {
    name: "BRIDGE_TOKEN",
    purpose: "shared secret between the edge and the exchange bridge (both directions)",
    usedBy: ["worker", "bridge"],
    minLength: 32,
    local: "generate",
    example: "generate-with: openssl rand -base64 48",
  },
  {
    name: "EXCHANGE_KEYS_SECRET",
    purpose: "key the bridge encrypts users' exchange API keys under (rotate with EXCHANGE_KEYS_VERSION)",
    usedBy: ["bridge"],
    minLength: 32,
    local: "generate",
    example: "generate-with: openssl rand -base64 48",
  },
  {
    name: "MONGODB_URI",
    purpose: "system of record in production (local dev uses the bridge's SQLite file instead)",
    usedBy: ["bridge"],
    minLength: 16,
    local: "unset",
    format: "mongodb-uri",
    example: "mongodb+srv://USER:PASSWORD@CLUSTER.mongodb.net/bot-core",
  },
  {
    name: "METRICS_TOKEN",
    purpose: "bearer token a metrics scraper presents on /metrics",
    usedBy: ["worker"],
    minLength: 32,
    local: "generate",
    example: "generate-with: openssl rand -base64 48",
  },
]);

export const SECRET_NAMES = Object.freeze(SECRETS.map((s) => s.name));

/** Values that are obviously placeholders, whatever their length. Compared lower-cased. */
const PLACEHOLDER_WORDS = ["change-me", "changeme", "replace-me", "placeholder", "example", "generate-with", "your-", "default", "password", "secret", "test-", "dev-", "todo"];

/** Fewest distinct characters a random-looking secret of this length has (16 for a 32-character random token). */
const MIN_DISTINCT_CHARS = 10;

/**
 * Why a production value for `spec` is unacceptable, or null when it is fine.
 * @param {SecretSpec} spec
 * @param {string | undefined | null} value
 * @returns {string | null}
 */
export function secretProblem(spec, value) {
  if (typeof value !== "string" || value.trim() === "") return `${spec.name} is missing`;
  if (value.length < spec.minLength) return `${spec.name} is too short (at least ${spec.minLength} characters)`;
  if (value === spec.example) return `${spec.name} is the example value from .dev.vars.example`;
  if (spec.format === "mongodb-uri") {
    if (!/^mongodb(\+srv)?:\/\/[^\s/]+/.test(value)) return `${spec.name} is not a mongodb:// or mongodb+srv:// connection string`;
    if (/(^|[/@:.])(127\.0\.0\.1|localhost)([:/]|$)/i.test(value)) return `${spec.name} points at localhost`;
    if (/USER:PASSWORD@|CLUSTER\./.test(value)) return `${spec.name} still holds the example's USER/PASSWORD/CLUSTER`;
    return null;
  }
  const lower = value.toLowerCase();
  const word = PLACEHOLDER_WORDS.find((w) => lower.includes(w));
  if (word) return `${spec.name} looks like a default or placeholder value (contains "${word}")`;
  if (new Set(value).size < MIN_DISTINCT_CHARS) return `${spec.name} is weak (fewer than ${MIN_DISTINCT_CHARS} distinct characters)`;
  return null;
}

/**
 * Problems with a set of production secrets, one per bad secret, in SECRETS order.
 * @param {Readonly<Record<string, unknown>>} values
 * @returns {string[]}
 */
export function productionSecretProblems(values) {
  const problems = [];
  for (const spec of SECRETS) {
    const raw = values[spec.name];
    const problem = secretProblem(spec, typeof raw === "string" ? raw : undefined);
    if (problem) problems.push(problem);
  }
  return problems;
}
