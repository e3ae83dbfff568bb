import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  resolve: {
    // k6 scripts import k6's built-in modules, which exist only inside the k6 binary. Tests that
    // load a script to validate its `options` get recording stand-ins (k6/test-support/k6-stubs).
    alias: [{ find: /^k6(\/.*)?$/, replacement: `${here}k6/test-support/k6-stubs.ts` }],
  },
  test: {
    name: "perf",
    environment: "node",
    include: ["src/**/*.test.ts", "k6/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
