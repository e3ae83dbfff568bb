/**
 * The dashboard build: Solid via vite-plugin-solid, emitted to web/dist, which the edge Worker
 * serves as static assets. Pages are split with `lazy()` so the sign-in screen stays small.
 */
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

const root = new URL(".", import.meta.url);

export default defineConfig({
  root: decodeURIComponent(root.pathname),
  plugins: [solid()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Every browser that runs this app supports <link rel="modulepreload">.
    modulePreload: { polyfill: false },
    // Keep the build output free of inline data: URIs (a strict CSP comes later).
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    // `vite dev` talks to `wrangler dev` for the API and the socket.
    proxy: {
      "/auth": "http://127.0.0.1:8787",
      "/api": "http://127.0.0.1:8787",
      "/ws": { target: "ws://127.0.0.1:8787", ws: true },
    },
  },
});
