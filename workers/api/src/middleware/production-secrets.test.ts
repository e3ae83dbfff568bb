/**
 * The production secrets guard on workerd: the real app with the test env, ENVIRONMENT switched
 * to production and secrets replaced per case.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SECRETS } from "../../../../scripts/secrets.mjs";
import { createApp } from "../app";

const strong: Record<string, string> = {
  JWT_SECRET: "kq2V9x7LrT0pW4mZ8sB1nC6yD3fH5jG_uE-aQ",
  BRIDGE_TOKEN: "P7dK2mN9vX4cR8tL1wQ6zS3bF5hJ0gY_aE-uT",
  EXCHANGE_KEYS_SECRET: "Zr4T8yU2iO6pA0sD3fG7hJ1kL5zX9cV_bN-mQ",
  MONGODB_URI: "mongodb+srv://bot:s3cr3t-Pw@cluster0.ab12c.mongodb.net/bot-core",
  METRICS_TOKEN: "Hq5W1eR7tY3uI9oP2aS6dF0gH4jK8lZ_xC-vB",
};

function productionEnv(overrides: Record<string, string | undefined>) {
  return { ...env, ENVIRONMENT: "production", ...strong, ...overrides } as unknown as typeof env;
}

async function health(e: typeof env) {
  const res = await createApp().request("/health", {}, e);
  return { status: res.status, body: await res.json<{ status?: string; error?: { code: string; message: string; requestId: string } }>() };
}

describe("production refuses to serve without its secrets", () => {
  it("serves when every secret is set and strong", async () => {
    const { status, body } = await health(productionEnv({}));
    expect(status).toBe(200);
    expect(body.status).toBe("ok");
  });

  it("covers every secret of scripts/secrets.mjs", () => {
    expect(Object.keys(strong).sort()).toEqual(SECRETS.map((s) => s.name).sort());
  });

  for (const spec of SECRETS) {
    it(`answers 503 naming ${spec.name} when it is missing`, async () => {
      const { status, body } = await health(productionEnv({ [spec.name]: undefined }));
      expect(status).toBe(503);
      expect(body.error?.code).toBe("misconfigured");
      expect(body.error?.message).toContain(`${spec.name} is missing`);
      for (const other of SECRETS.filter((s) => s.name !== spec.name)) expect(body.error?.message).not.toContain(other.name);
    });
  }

  it("names each default, placeholder or weak secret and never echoes a value", async () => {
    const bad = {
      JWT_SECRET: "change-me-change-me-change-me-change-me",
      BRIDGE_TOKEN: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      EXCHANGE_KEYS_SECRET: "x9Qz-4",
      MONGODB_URI: "mongodb://127.0.0.1:27017/bot-core",
      METRICS_TOKEN: SECRETS.find((s) => s.name === "METRICS_TOKEN")!.example,
    };
    const { status, body } = await health(productionEnv(bad));
    expect(status).toBe(503);
    const message = body.error?.message ?? "";
    expect(message).toContain("JWT_SECRET looks like a default or placeholder value");
    expect(message).toContain("BRIDGE_TOKEN is weak");
    expect(message).toContain("EXCHANGE_KEYS_SECRET is too short");
    expect(message).toContain("MONGODB_URI points at localhost");
    expect(message).toContain("METRICS_TOKEN is the example value");
    for (const value of Object.values(bad)) expect(message).not.toContain(value);
  });

  it("refuses every route, API and websocket entry included, with the request id", async () => {
    const app = createApp();
    const e = productionEnv({ JWT_SECRET: undefined });
    for (const path of ["/api/health", "/api/me", "/auth/login", "/ws"]) {
      const res = await app.request(path, { method: path === "/auth/login" ? "POST" : "GET" }, e);
      expect(res.status, path).toBe(503);
      const body = await res.json<{ error: { requestId: string } }>();
      expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
    }
  });

  it("does not check development or staging (local dev needs no secret)", async () => {
    for (const ENVIRONMENT of ["development", "staging"]) {
      const { status } = await health({ ...env, ENVIRONMENT, JWT_SECRET: undefined, MONGODB_URI: undefined } as unknown as typeof env);
      expect(status).toBe(200);
    }
  });
});
