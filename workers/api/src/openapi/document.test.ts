import { describe, expect, it } from "vitest";
import { PlaceOrderRequest } from "@bot-core/core";
import { createApp } from "../app";
import { call } from "../../test/helpers";
import { openApiDocument, ROUTES } from "./document";

type Op = { requestBody?: { content: { "application/json": { schema: { properties?: Record<string, { enum?: string[] }>; required?: string[] } } } }; parameters?: Array<{ name: string; in: string }> };

describe("OpenAPI document", () => {
  it("documents every route the app serves, and nothing it does not", () => {
    const served = new Set(
      createApp()
        .routes.filter((r) => r.method !== "ALL")
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const documented = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    const bridgeSocket = "get /bridge/ws"; // internal: the bridge's own socket, not a client API
    expect([...served].filter((r) => !documented.has(r) && r !== bridgeSocket)).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
  });

  it("takes request bodies from the validators: order types, sides and fields as the edge accepts them", () => {
    const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, Op>> };
    expect(doc.openapi).toBe("3.1.0");
    const body = doc.paths["/api/orders"]!.post!.requestBody!.content["application/json"].schema;
    expect(Object.keys(body.properties ?? {}).sort()).toEqual(Object.keys(PlaceOrderRequest.shape).sort());
    expect(body.properties?.type?.enum).toEqual(expect.arrayContaining(["market", "limit", "stop_market", "stop_limit", "LIMIT"]));
    expect(body.properties?.side?.enum).toEqual(expect.arrayContaining(["buy", "sell", "BUY", "SELL"]));
    expect(body.required).toEqual(["symbol", "side"]);
    const history = doc.paths["/api/trading/history"]!.get!.parameters!.map((p) => p.name);
    expect(history).toEqual(expect.arrayContaining(["limit", "cursor", "symbol", "from", "to"]));
    expect(doc.paths["/api/orders/{id}"]!.delete!.parameters).toEqual([expect.objectContaining({ name: "id", in: "path" })]);
  });

  it("is served at /api/openapi.json with a reference page at /api/docs", async () => {
    const json = await call("/api/openapi.json");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toMatch(/application\/json/);
    expect(((await json.json()) as { paths: object }).paths).toHaveProperty("/api/orders");
    const html = await call("/api/docs");
    expect(html.status).toBe(200);
    const text = await html.text();
    for (const r of ROUTES) expect(text).toContain(r.path.replace(/&/g, "&amp;"));
    expect(text).not.toContain("<script");
  });
});
