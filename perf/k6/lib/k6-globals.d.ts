/**
 * Globals the k6 runtime provides that @types/k6 does not declare. Only for perf/k6/tsconfig.json
 * (k6 scripts, no DOM, no Node); the tests' config has Node's own `console`.
 */
interface K6Console {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}
declare var console: K6Console;
