// Bundles src/main.ts into dist/main.js and the analysis worker (src/analysis/worker.ts) into
// dist/analysis-worker.js (the pool loads it from beside main.js) for Node 22.
//
// Workspace packages (@bot-core/*) ship TypeScript source, so they are bundled in; every
// third-party dependency declared in package.json stays external and is loaded from
// node_modules at run time (`--packages=external` would leave @bot-core/core external too, and
// Node cannot load its .ts source).
import { readFile } from "node:fs/promises";
import { build } from "esbuild";

const root = new URL(".", import.meta.url);
const pkg = JSON.parse(await readFile(new URL("package.json", root), "utf8"));
const external = Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith("@bot-core/"));

await build({
  absWorkingDir: root.pathname,
  entryPoints: { main: "src/main.ts", "analysis-worker": "src/analysis/worker.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  external,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "info",
});
