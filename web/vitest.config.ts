/** Component and unit tests of the dashboard: jsdom, Solid's browser/development build. */
import { defineConfig } from "vitest/config";
import solid from "vite-plugin-solid";

const root = decodeURIComponent(new URL(".", import.meta.url).pathname);

export default defineConfig({
  root,
  plugins: [solid()],
  resolve: {
    // Load solid-js's client (not server) build, in development mode, as the testing-library README asks.
    conditions: ["development", "browser"],
  },
  test: {
    name: "web",
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    // Lazy page chunks are transformed on first import; on a loaded shared machine that alone can
    // take seconds (tests wait up to 10 s for a lazily loaded page).
    testTimeout: 15_000,
  },
});
