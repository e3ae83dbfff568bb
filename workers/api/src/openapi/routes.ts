/**
 * GET /api/openapi.json  the OpenAPI 3.1 document (built once per isolate)
 * GET /api/docs          a self-contained reference page rendered from it (no CDN, no script)
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { openApiDocument, ROUTES } from "./document";

let cached: { json: string; html: string } | undefined;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function renderReference(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, { summary: string; parameters?: Array<{ name: string; in: string; required: boolean; description?: string }>; requestBody?: { content: { "application/json": { schema: unknown } } }; responses: Record<string, { description: string }>; security: unknown[] }>>;
  const info = doc.info as { title: string; description: string; version: string };
  const sections = ROUTES.map((r) => {
    const op = paths[r.path]![r.method]!;
    const params = (op.parameters ?? []).map((p) => `<li><code>${esc(p.name)}</code> <small>${esc(p.in)}${p.required ? ", required" : ""}</small>${p.description ? ` — ${esc(p.description)}` : ""}</li>`).join("");
    const body = op.requestBody ? `<details><summary>Request body (JSON Schema)</summary><pre>${esc(JSON.stringify(op.requestBody.content["application/json"].schema, null, 2))}</pre></details>` : "";
    const responses = Object.entries(op.responses).map(([code, res]) => `<li><code>${esc(code)}</code> ${esc(res.description)}</li>`).join("");
    return `<section id="${esc(`${r.method}-${r.path}`)}"><h3><span class="m ${r.method}">${r.method.toUpperCase()}</span> <code>${esc(r.path)}</code>${r.auth ? ' <small class="lock">bearer token</small>' : ""}</h3>
<p>${esc(op.summary)}</p>${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ""}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
  }).join("\n");
  const toc = ROUTES.map((r) => `<li><a href="#${esc(`${r.method}-${r.path}`)}"><span class="m ${r.method}">${r.method.toUpperCase()}</span> ${esc(r.path)}</a></li>`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} — reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#111}code,pre{font:13px ui-monospace,monospace}pre{background:#f4f4f5;padding:.75rem;overflow:auto}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4.5em;font:bold 12px ui-monospace,monospace;color:#fff;background:#555;padding:2px 6px;border-radius:3px;text-align:center}
.get{background:#1d6fb8}.post{background:#17803d}.put,.patch{background:#a15c00}.delete{background:#b42318}.lock{color:#555}ul{padding-left:1.2rem}</style></head>
<body><header><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1, generated from the request validators).</p></header>
<nav><h2>Endpoints</h2><ul>${toc}</ul></nav><main>${sections}</main></body></html>`;
}

function build(): { json: string; html: string } {
  cached ??= (() => {
    const doc = openApiDocument();
    return { json: JSON.stringify(doc), html: renderReference(doc) };
  })();
  return cached;
}

export const openApiRoutes = new Hono<AppEnv>()
  .get("/openapi.json", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.body(build().json, 200, { "content-type": "application/json; charset=utf-8" });
  })
  .get("/docs", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    return c.html(build().html);
  });
