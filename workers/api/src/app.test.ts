import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../test/helpers";
import { createApp, MAX_BODY_BYTES } from "./app";

describe("error handling", () => {
  it("answers unknown routes with 404 JSON", async () => {
    const res = await call("/api/nope");
    expect(res.status).toBe(404);
    const body = await res.json<{ error: { code: string; message: string; requestId: string } }>();
    expect(body.error.code).toBe("not_found");
    expect(body.error.message).toContain("/api/nope");
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("answers malformed JSON with 400 bad_json", async () => {
    const res = await call("/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("bad_json");
  });

  it("answers a body that is not JSON with 415", async () => {
    const res = await call("/auth/login", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
    expect(res.status).toBe(415);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("unsupported_media_type");
  });

  it("answers an oversized body with 413 before reading it", async () => {
    const big = JSON.stringify({ email: "a@b.co", password: "x".repeat(MAX_BODY_BYTES) });
    const res = await call("/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: big });
    expect(res.status).toBe(413);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("payload_too_large");
  });

  it("answers schema violations with 400 invalid_request naming the field", async () => {
    const res = await call("/auth/register", { method: "POST", json: { email: "not-an-email", password: "longenough", admin: true } });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(/email|admin/);
  });

  it("answers 504 JSON when a handler outlives the deadline", async () => {
    const app = createApp({ deadlineMs: 50 });
    app.get("/slow", async (c) => {
      await new Promise((r) => setTimeout(r, 500));
      return c.json({ late: true });
    });
    const res = await app.request("/slow", {}, env);
    expect(res.status).toBe(504);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("deadline_exceeded");
  });

  it("turns an unexpected exception into a 500 JSON error without leaking it", async () => {
    const app = createApp();
    app.get("/boom", () => {
      throw new Error("secret internals");
    });
    const res = await app.request("/boom", {}, env);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("secret internals");
    expect(JSON.parse(text).error.code).toBe("internal");
  });
});

describe("compression", () => {
  const app = createApp();
  app.get("/large", (c) => c.json({ rows: Array.from({ length: 100 }, (_, i) => ({ i, name: `row-${i}` })) }));
  app.get("/small", (c) => c.json({ ok: true }));

  it("asks the runtime to gzip JSON over 1 KB when the client accepts it, and does not compress it itself", async () => {
    const res = await app.request("/large", { headers: { "accept-encoding": "br, gzip;q=0.8" } }, env);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("vary")).toMatch(/Accept-Encoding/);
    // The app hands the runtime plain bytes (the runtime encodes them once; see e2e).
    expect((await res.json<{ rows: unknown[] }>()).rows).toHaveLength(100);
    const refused = await app.request("/large", { headers: { "accept-encoding": "gzip;q=0" } }, env);
    expect(refused.headers.get("content-encoding")).toBeNull();
  });

  it("leaves small responses and clients without gzip alone", async () => {
    const small = await app.request("/small", { headers: { "accept-encoding": "gzip" } }, env);
    expect(small.headers.get("content-encoding")).toBeNull();
    expect(await small.json()).toEqual({ ok: true });
    const noGzip = await app.request("/large", {}, env);
    expect(noGzip.headers.get("content-encoding")).toBeNull();
  });
});
