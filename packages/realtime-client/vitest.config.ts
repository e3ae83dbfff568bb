import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Resolve `include` against this package, also when run from the repository root with --config.
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: { name: "realtime-client", environment: "node", include: ["src/**/*.test.ts"] },
});
