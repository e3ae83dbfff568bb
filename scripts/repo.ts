/** Paths and parsed config of the repository, for the deploy checks. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";

export const ROOT = new URL("..", import.meta.url).pathname;
export const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");

export interface WranglerEnvConfig {
  name?: string;
  routes?: { pattern: string; custom_domain?: boolean }[];
  vars?: Record<string, string>;
  secrets?: { required?: string[] };
  d1_databases?: { binding: string; database_name: string; database_id: string; migrations_dir?: string }[];
  kv_namespaces?: { binding: string; id: string }[];
  analytics_engine_datasets?: { binding: string; dataset: string }[];
  durable_objects?: { bindings: { name: string; class_name: string }[] };
  workers_dev?: boolean;
  containers?: { class_name: string; image: string }[];
}
export interface WranglerConfig extends WranglerEnvConfig {
  env?: Record<string, WranglerEnvConfig>;
}

export function readWranglerConfig(): WranglerConfig {
  return parse(readFileSync(join(ROOT, "wrangler.toml"), "utf8")) as unknown as WranglerConfig;
}

export const DEPLOY_ENVIRONMENTS = ["staging", "production"] as const;
