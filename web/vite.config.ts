/**
 * The dashboard build: Solid via vite-plugin-solid, emitted to web/dist, which the edge Worker
 * serves as static assets. Pages are split with `lazy()` so the sign-in screen stays small.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";

const root = new URL(".", import.meta.url);

/**
 * Emits /sw.js from sw-template.js with this build's precache list: the app shell, every emitted
 * JS/CSS asset and the public icons. The version is a hash of that list, so a new build
 * replaces the old cache.
 */
function serviceWorker(): Plugin {
  return {
    name: "bot-core-service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      const assets = Object.keys(bundle)
        .filter((f) => /\.(js|css)$/.test(f))
        .map((f) => `/${f}`);
      const precache = ["/", "/manifest.webmanifest", "/favicon.svg", "/icon-192.png", "/icon-512.png", ...assets.sort()];
      const version = createHash("sha256").update(precache.join("\n")).digest("hex").slice(0, 12);
      const template = readFileSync(new URL("sw-template.js", root), "utf8");
      this.emitFile({
        type: "asset",
        fileName: "sw.js",
        source: template.replace("__VERSION__", version).replace("__PRECACHE__", JSON.stringify(precache)),
      });
    },
  };
}

export default defineConfig({
  root: decodeURIComponent(root.pathname),
  plugins: [solid(), serviceWorker()],
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
