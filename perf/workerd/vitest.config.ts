/**
 * Benchmarks that must run inside workerd (Durable Object internals): the in-DO cost of an order.
 * Run by `npm run perf` (scenario order-in-do); not part of `npm test`.
 */
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: { JWT_SECRET: "bench-secret-0123456789abcdef0123456789", BRIDGE_TOKEN: "bench-bridge-token-0123456789" } },
    }),
  ],
  test: { name: "perf-workerd", include: ["perf/workerd/**/*.bench.test.ts"], testTimeout: 300_000 },
});
