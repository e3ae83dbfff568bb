/**
 * Bridge configuration from environment variables, validated once at start-up.
 *
 * Numbers must be written as plain integers ("8788", not "8788.0" or "8e3"); an empty variable
 * counts as unset. A bad value stops the process with every problem listed at once. Values are
 * never echoed back in errors (BRIDGE_TOKEN is a secret).
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError on bad values
 */
import path from "node:path";
import { z } from "zod";
import { BINANCE_ENV, toBinanceConfig, type BinanceConfig } from "./binance/config";
import { MIN_KEYSTORE_SECRET_LENGTH } from "./exchange/keystore";
import { LOG_LEVELS, type LogLevel } from "./log";

export interface BridgeConfig {
  /** HTTP port of /health (0 = any free port). */
  readonly port: number;
  readonly host: string;
  /** Base URL of the edge Worker (http, https, ws or wss). */
  readonly edgeUrl: string;
  /** Shared secret the edge checks on the bridge socket. Never log it. */
  readonly bridgeToken: string;
  readonly simSeed: number;
  /** Ticker updates per second across all symbols. */
  readonly simUpdatesPerSec: number;
  readonly batchIntervalMs: number;
  /** Absolute path for local state: the embedded record store's file lives here. */
  readonly dataDir: string;
  /** When set, the system of record is MongoDB instead of the embedded SQLite file. A secret (may hold a password). */
  readonly mongodbUri: string | undefined;
  /** MongoDB connection pool size (maxPoolSize). */
  readonly mongodbPoolSize: number;
  readonly bridgeId: string;
  readonly logLevel: LogLevel;
  /** Where market data comes from: the built-in simulator (default) or Binance. */
  readonly marketSource: "simulator" | "binance";
  /** Binance settings (used when marketSource is "binance" or live orders go to Binance). */
  readonly binance: BinanceConfig;
  /** Secret the per-user exchange API keys are encrypted under (EXCHANGE_KEYS_SECRET). Never log it. */
  readonly exchangeKeysSecret: string | undefined;
  /** Key version new seals are made under (EXCHANGE_KEYS_VERSION, default 1). */
  readonly exchangeKeysVersion: number;
  /** An open live order with no update for this long is looked up at the venue (LIVE_RECONCILE_AFTER_MS, default 30 s). */
  readonly liveReconcileAfterMs: number;
}

export const CONFIG_DEFAULTS = {
  PORT: "8788",
  HOST: "127.0.0.1",
  EDGE_URL: "http://127.0.0.1:8787",
  SIM_SEED: "42",
  SIM_UPDATES_PER_SEC: "40",
  BATCH_INTERVAL_MS: "50",
  DATA_DIR: "./.data",
  MONGODB_POOL_SIZE: "100",
  BRIDGE_ID: "bridge-local",
  LOG_LEVEL: "info",
  MARKET_SOURCE: "simulator",
} as const;

export const MIN_TOKEN_LENGTH = 16;
export const MAX_SIM_UPDATES_PER_SEC = 200_000;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const emptyAsUnset = (v: unknown) => (v === "" ? undefined : v);

function integer(min: number, max: number, fallback: string) {
  return z.preprocess(
    emptyAsUnset,
    z
      .string()
      .default(fallback)
      .refine((s) => /^\d{1,10}$/.test(s), `must be a whole number between ${min} and ${max}`)
      .transform(Number)
      .refine((n) => n >= min && n <= max, `must be a whole number between ${min} and ${max}`),
  );
}

function text(fallback: string) {
  return z.preprocess(emptyAsUnset, z.string().trim().min(1).default(fallback));
}

const EDGE_SCHEMES = new Set(["http:", "https:", "ws:", "wss:"]);

const EnvSchema = z.object({
  PORT: integer(0, 65_535, CONFIG_DEFAULTS.PORT),
  HOST: text(CONFIG_DEFAULTS.HOST).refine((s) => !/\s/.test(s), "must be a host name or IP address"),
  EDGE_URL: text(CONFIG_DEFAULTS.EDGE_URL).refine((s) => {
    try {
      const url = new URL(s);
      return EDGE_SCHEMES.has(url.protocol) && !url.search && !url.hash && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "must be an http(s) or ws(s) URL without credentials, query or fragment, e.g. http://127.0.0.1:8787"),
  BRIDGE_TOKEN: z.preprocess(
    emptyAsUnset,
    z
      .string({ error: "is required (the shared secret the edge checks)" })
      .min(MIN_TOKEN_LENGTH, `must be at least ${MIN_TOKEN_LENGTH} characters`)
      .max(4096, "must be at most 4096 characters")
      .refine((s) => /^[\x21-\x7e]+$/.test(s), "must be printable ASCII without spaces"),
  ),
  SIM_SEED: integer(0, 0xffff_ffff, CONFIG_DEFAULTS.SIM_SEED),
  SIM_UPDATES_PER_SEC: integer(1, MAX_SIM_UPDATES_PER_SEC, CONFIG_DEFAULTS.SIM_UPDATES_PER_SEC),
  BATCH_INTERVAL_MS: integer(5, 1000, CONFIG_DEFAULTS.BATCH_INTERVAL_MS),
  DATA_DIR: text(CONFIG_DEFAULTS.DATA_DIR),
  MONGODB_URI: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .trim()
      .max(4096, "must be at most 4096 characters")
      .refine((s) => /^mongodb(\+srv)?:\/\/[^\s/]+/.test(s), "must be a mongodb:// or mongodb+srv:// connection string")
      .optional(),
  ),
  MONGODB_POOL_SIZE: integer(1, 1000, CONFIG_DEFAULTS.MONGODB_POOL_SIZE),
  BRIDGE_ID: text(CONFIG_DEFAULTS.BRIDGE_ID).refine(
    (s) => /^[A-Za-z0-9._-]{1,64}$/.test(s),
    "must be 1-64 characters of A-Z a-z 0-9 . _ -",
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === "string" ? emptyAsUnset(v.trim().toLowerCase()) : v),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ),
  MARKET_SOURCE: z.preprocess(
    (v) => (typeof v === "string" ? emptyAsUnset(v.trim().toLowerCase()) : v),
    z.enum(["simulator", "binance"], { error: "must be simulator or binance" }).default("simulator"),
  ),
  ...BINANCE_ENV,
  EXCHANGE_KEYS_SECRET: z.preprocess(
    emptyAsUnset,
    z.string().min(MIN_KEYSTORE_SECRET_LENGTH, `must be at least ${MIN_KEYSTORE_SECRET_LENGTH} characters`).max(4096).optional(),
  ),
  EXCHANGE_KEYS_VERSION: integer(1, 65_535, "1"),
  LIVE_RECONCILE_AFTER_MS: integer(1000, 3_600_000, "30000"),
});

/**
 * Reads and validates the configuration.
 * @throws ConfigError listing every invalid variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): BridgeConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new ConfigError([...new Set(problems)]);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    edgeUrl: e.EDGE_URL,
    bridgeToken: e.BRIDGE_TOKEN,
    simSeed: e.SIM_SEED,
    simUpdatesPerSec: e.SIM_UPDATES_PER_SEC,
    batchIntervalMs: e.BATCH_INTERVAL_MS,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    mongodbUri: e.MONGODB_URI,
    mongodbPoolSize: e.MONGODB_POOL_SIZE,
    bridgeId: e.BRIDGE_ID,
    logLevel: e.LOG_LEVEL,
    marketSource: e.MARKET_SOURCE,
    binance: toBinanceConfig(e),
    exchangeKeysSecret: e.EXCHANGE_KEYS_SECRET,
    exchangeKeysVersion: e.EXCHANGE_KEYS_VERSION,
    liveReconcileAfterMs: e.LIVE_RECONCILE_AFTER_MS,
  });
}

/** The configuration as it may be logged: everything except the secrets (the MongoDB URI may hold a password). */
export function describeConfig(config: BridgeConfig): Record<string, unknown> {
  const { bridgeToken: _secret, exchangeKeysSecret, binance, mongodbUri, ...rest } = config;
  return {
    ...rest,
    bridgeToken: "[REDACTED]",
    exchangeKeysSecret: exchangeKeysSecret === undefined ? undefined : "[REDACTED]",
    mongodbUri: mongodbUri === undefined ? null : "[REDACTED]",
    binance: { ...binance, symbols: binance.symbols.length },
  };
}

/** Strings the logger must scrub from every line: the token, the key-store secret, the MongoDB URI and its password. */
export function secretsOf(config: BridgeConfig): string[] {
  const secrets = [config.bridgeToken];
  if (config.exchangeKeysSecret) secrets.push(config.exchangeKeysSecret);
  if (config.mongodbUri) {
    secrets.push(config.mongodbUri);
    const password = /^mongodb(?:\+srv)?:\/\/[^:@/]*:([^@/]+)@/.exec(config.mongodbUri)?.[1];
    if (password) {
      secrets.push(password);
      try {
        secrets.push(decodeURIComponent(password));
      } catch {
        // not percent-encoded: the raw form is enough
      }
    }
  }
  return [...new Set(secrets)].filter((s) => s.length >= 4);
}
