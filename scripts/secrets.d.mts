// Types of scripts/secrets.mjs for TypeScript callers (the Worker, tests).
export interface SecretSpec {
  readonly name: string;
  readonly purpose: string;
  readonly usedBy: readonly ("worker" | "bridge")[];
  readonly minLength: number;
  readonly local: "generate" | "unset";
  readonly format?: "mongodb-uri";
  readonly example: string;
}
export const SECRETS: readonly SecretSpec[];
export const SECRET_NAMES: readonly string[];
export function secretProblem(spec: SecretSpec, value: string | undefined | null): string | null;
export function productionSecretProblems(values: Readonly<Record<string, unknown>>): string[];
