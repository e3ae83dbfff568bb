import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Resolve `include` against this folder, also when run from the repository root with --config.
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: { name: "ml", environment: "node", include: ["**/*.test.ts"], testTimeout: 60_000 },
});
