#!/usr/bin/env node
// `node scripts/module-scope.mjs DIR`: evaluates the Worker bundle DIR/index.js (from `wrangler
// deploy --dry-run --outdir DIR`) in plain Node and prints JSON: the calls its module scope made
// to fetch, timers, crypto.subtle and WebAssembly, its exports, and how long evaluation took.
// Node stands in for workerd: `cloudflare:workers`, the bundle's only external import, becomes a
// stub with the base classes the Durable Objects extend.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const bundleDir = process.argv[2];
if (!bundleDir) throw new Error("usage: node scripts/module-scope.mjs BUNDLE_DIR");
const code = readFileSync(join(bundleDir, "index.js"), "utf8");
const externals = [...new Set([...code.matchAll(/^import [^;]* from "([^"]+)";$/gm)].map((m) => m[1]))];
const dir = mkdtempSync(join(tmpdir(), "bot-core-eval-"));
writeFileSync(join(dir, "cloudflare-workers.mjs"), "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }\nexport class WorkerEntrypoint extends DurableObject {}\nexport const env = {};\n");
writeFileSync(join(dir, "index.mjs"), code.replaceAll('from "cloudflare:workers"', 'from "./cloudflare-workers.mjs"'));

const calls = [];
const restore = [];
function spy(owner, key, label) {
  const original = owner[key];
  restore.push(() => (owner[key] = original));
  owner[key] = function (...args) {
    calls.push(label);
    return original.apply(this, args);
  };
}
spy(globalThis, "fetch", "fetch");
spy(globalThis, "setTimeout", "setTimeout");
spy(globalThis, "setInterval", "setInterval");
for (const m of ["importKey", "sign", "verify", "digest", "deriveBits", "deriveKey", "encrypt", "decrypt", "generateKey"]) spy(crypto.subtle, m, `crypto.subtle.${m}`);
for (const m of ["compile", "instantiate"]) spy(WebAssembly, m, `WebAssembly.${m}`);

let mod;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
try {
  mod = await import(pathToFileURL(join(dir, "index.mjs")).href);
} finally {
  for (const r of restore) r();
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  externals,
  calls,
  exports: Object.fromEntries(Object.entries(mod).map(([k, v]) => [k, typeof v === "object" && v ? Object.keys(v) : typeof v])),
  wallMs: Math.round(wallMs * 10) / 10,
  cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10,
}));
