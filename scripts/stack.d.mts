// Types of scripts/stack.mjs for TypeScript callers (perf harness, e2e).
export const ROOT: string;
export function buildWeb(options?: { quiet?: boolean }): void;
export function waitFor(url: string, timeoutMs: number, isAlive?: () => boolean): Promise<void>;
export function startStack(options?: {
  edgePort?: number;
  bridgePort?: number;
  stateDir?: string;
  log?: (line: string) => void;
  bridgeEnv?: Record<string, string>;
  edgeVars?: Record<string, string>;
  edgeEnv?: Record<string, string>;
  build?: boolean;
}): Promise<unknown>;
