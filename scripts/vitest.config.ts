/**
 * Deploy checks (`npm test` runs them as their own stage): the secrets list against wrangler.toml
 * and .dev.vars.example, the offline deploy dry run, the bundle budget, types drift, the GitHub
 * workflows and the commands in the docs.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    name: "deploy",
    environment: "node",
    include: ["**/*.test.ts"],
    // The wrangler runs (dry-run bundles, type generation) take a few seconds each.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // They share web/dist and the repository root: one file at a time.
    fileParallelism: false,
  },
});
