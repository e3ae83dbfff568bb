/**
 * Structured logging: one JSON object per line with `time`, `level` and `msg` first.
 *
 * Secrets are kept out by construction (nothing passes the bridge token to a log call) and, as a
 * second line of defence, every line is scrubbed of the strings listed in `redact` before it is
 * written.
 *
 * @example
 * const log = createLogger({ level: "info", redact: [config.bridgeToken] });
 * log.info("edge link connected", { url });
 * // {"time":"2024-05-01T12:00:00.000Z","level":"info","msg":"edge link connected","url":"ws://…"}
 */

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ component: "edge-link" }`). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Lines below this level are skipped. Default "info". */
  level?: LogLevel;
  /** Where a finished line (without the trailing newline) goes. Default: stdout. */
  write?: (line: string) => void;
  /** Epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Strings that must never appear in a line; each is replaced by "[REDACTED]". */
  redact?: readonly string[];
  /** Fields added to every line. */
  base?: LogFields;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const RESERVED = new Set(["time", "level", "msg"]);
const REDACTED = "[REDACTED]";
/** Shorter strings are not redacted: replacing them would mangle ordinary text. */
const MIN_REDACT_LENGTH = 8;

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const secrets = redactionPatterns(options.redact ?? []);

  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (RANK[level] < threshold) return;
      const record: Record<string, unknown> = { time: new Date(now()).toISOString(), level, msg };
      copyFields(record, base);
      if (fields) copyFields(record, fields);
      let line = serialize(record);
      for (const secret of secrets) line = line.replaceAll(secret, REDACTED);
      try {
        write(line);
      } catch {
        // A broken stdout must not take the bridge down; there is nowhere left to report it.
      }
    };
    return {
      debug: (msg, fields) => emit("debug", msg, fields),
      info: (msg, fields) => emit("info", msg, fields),
      warn: (msg, fields) => emit("warn", msg, fields),
      error: (msg, fields) => emit("error", msg, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
}

/** A logger that drops everything (for tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ write: () => {} });

function copyFields(target: Record<string, unknown>, fields: LogFields): void {
  for (const [key, value] of Object.entries(fields)) {
    if (!RESERVED.has(key)) target[key] = value;
  }
}

function serialize(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, replacer);
  } catch {
    // Circular structures and the like: keep the essentials rather than losing the line.
    return JSON.stringify({ time: record.time, level: record.level, msg: record.msg, logError: "unserializable fields" });
  }
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.stack) out.stack = value.stack;
    if (value.cause !== undefined) out.cause = value.cause;
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Each secret as it can appear in a JSON line: raw and JSON-escaped. */
function redactionPatterns(secrets: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_REDACT_LENGTH) continue;
    patterns.add(secret);
    patterns.add(JSON.stringify(secret).slice(1, -1));
  }
  return [...patterns];
}
