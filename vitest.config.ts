/** All unit and integration suites; `npm test` runs them (plus typecheck and browser tests). */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      "./packages/core/vitest.config.ts",
      "./packages/analysis/vitest.config.ts",
      "./packages/realtime-client/vitest.config.ts",
      "./ml/vitest.config.ts",
      "./vitest.edge.config.ts",
      "./containers/exchange-bridge/vitest.config.ts",
      "./web/vitest.config.ts",
      "./perf/vitest.config.ts",
    ],
  },
});
