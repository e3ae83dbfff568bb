#!/usr/bin/env node
// Installs npm dependencies from the committed lockfile when they are missing or stale.
// Runs on whatever Node started it (the machine's Node 20 on a fresh clone); everything after
// it runs on the Node 22 that the `node` devDependency provides (see docs/decisions.md).
//
// Why `npm install` and not `npm ci`: the registry reachable here lacks some platform builds of
// workerd that the lockfile lists, which `npm ci` treats as fatal; `npm install` with the
// lockfile installs the same versions and leaves the lockfile unchanged.
import { existsSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const marker = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
const node22 = join(root, "node_modules", ".bin", "node");

const stale = !existsSync(marker) || !existsSync(node22) || statSync(lock).mtimeMs > statSync(marker).mtimeMs;
if (stale) {
  console.log("[ensure-deps] installing npm packages from package-lock.json …");
  const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error("[ensure-deps] npm install failed");
    process.exit(r.status ?? 1);
  }
}
