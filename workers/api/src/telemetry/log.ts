/**
 * Structured JSON logs: one line per event, `level`, `msg`, a timestamp and flat fields.
 * Callers pass the request id; never pass secrets, tokens or emails.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export function logLine(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
}

export function logJson(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const line = logLine(level, msg, fields);
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
