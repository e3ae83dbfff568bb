/**
 * Edge tests: the Worker and its Durable Objects on the real workerd runtime
 * (@cloudflare/vitest-plugin), with D1 migrations applied before each file.
 */
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: "test-jwt-secret-0123456789abcdef0123456789abcdef",
            BRIDGE_TOKEN: "test-bridge-token-0123456789abcdef",
            METRICS_TOKEN: "test-metrics-token-0123456789abcdef",
            // Nothing listens here: the bridge is "down" unless a test says otherwise.
            BRIDGE_URL: "http://127.0.0.1:9",
            // Realtime tunables shrunk so resend and slow-consumer tests run in milliseconds.
            WS_RESEND_BASE_MS: "40",
            WS_SLOW_CONSUMER_FRAMES: "40",
          },
        },
      }),
    ],
    test: {
      name: "edge",
      include: ["workers/**/*.test.ts", "durable-objects/**/*.test.ts"],
      setupFiles: ["./workers/api/test/apply-migrations.ts"],
    },
  };
});
