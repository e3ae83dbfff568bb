import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "e2e",
    root: ".",
    include: ["e2e/**/*.e2e.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
