/** The one list of secrets (scripts/secrets.mjs) against wrangler.toml, .dev.vars.example and dev-vars. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDevVars, LOCAL_SECRETS } from "./dev-vars.mjs";
import { DEPLOY_ENVIRONMENTS, readWranglerConfig, ROOT } from "./repo";
import { productionSecretProblems, SECRET_NAMES, SECRETS, secretProblem } from "./secrets.mjs";

const config = readWranglerConfig();

describe("secrets are listed in one place", () => {
  it("names the five secrets the issue asks for", () => {
    expect([...SECRET_NAMES].sort()).toEqual(["BRIDGE_TOKEN", "EXCHANGE_KEYS_SECRET", "JWT_SECRET", "METRICS_TOKEN", "MONGODB_URI"]);
  });

  it("wrangler.toml requires exactly these, locally and in every deployed environment", () => {
    expect(config.secrets?.required).toEqual([...SECRET_NAMES]);
    for (const name of DEPLOY_ENVIRONMENTS) expect(config.env?.[name]?.secrets?.required, name).toEqual([...SECRET_NAMES]);
  });

  it(".dev.vars.example lists each one with its example value", () => {
    const text = readFileSync(join(ROOT, ".dev.vars.example"), "utf8");
    const keys = [...text.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(keys).toEqual([...SECRET_NAMES]);
    for (const s of SECRETS) expect(text).toContain(`${s.name}="${s.example}"`);
  });

  it("no secret is a plain var in wrangler.toml", () => {
    for (const vars of [config.vars, ...DEPLOY_ENVIRONMENTS.map((e) => config.env?.[e]?.vars)]) {
      for (const name of SECRET_NAMES) expect(Object.keys(vars ?? {})).not.toContain(name);
    }
  });
});

describe("local dev generates its secrets and needs none from the user", () => {
  const dir = mkdtempSync(join(tmpdir(), "dev-vars-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates .dev.vars with every local secret, strong enough for production's check, and keeps them", () => {
    const first = ensureDevVars(dir);
    expect(Object.keys(first).sort()).toEqual([...LOCAL_SECRETS].sort());
    expect(LOCAL_SECRETS).not.toContain("MONGODB_URI");
    for (const spec of SECRETS.filter((s) => s.local === "generate")) expect(secretProblem(spec, first[spec.name as keyof typeof first]), spec.name).toBeNull();
    const text = readFileSync(join(dir, ".dev.vars"), "utf8");
    expect(ensureDevVars(dir)).toEqual(first);
    expect(readFileSync(join(dir, ".dev.vars"), "utf8")).toBe(text);
  });
});

describe("secretProblem", () => {
  const spec = (name: string) => SECRETS.find((s) => s.name === name)!;

  it("accepts random tokens and a real-looking MongoDB URI", () => {
    expect(productionSecretProblems({
      JWT_SECRET: "kq2V9x7LrT0pW4mZ8sB1nC6yD3fH5jG_uE-aQ",
      BRIDGE_TOKEN: "P7dK2mN9vX4cR8tL1wQ6zS3bF5hJ0gY_aE-uT",
      EXCHANGE_KEYS_SECRET: "Zr4T8yU2iO6pA0sD3fG7hJ1kL5zX9cV_bN-mQ",
      MONGODB_URI: "mongodb://bot:pw@db1.internal:27017,db2.internal:27017/bot-core?replicaSet=rs0",
      METRICS_TOKEN: "Hq5W1eR7tY3uI9oP2aS6dF0gH4jK8lZ_xC-vB",
    })).toEqual([]);
  });

  it("rejects missing, empty, short, placeholder, low-variety and example values", () => {
    const jwt = spec("JWT_SECRET");
    expect(secretProblem(jwt, undefined)).toBe("JWT_SECRET is missing");
    expect(secretProblem(jwt, "   ")).toBe("JWT_SECRET is missing");
    expect(secretProblem(jwt, "Ab3$".repeat(7))).toMatch(/too short/);
    expect(secretProblem(jwt, "please-change-me-before-going-live-0123")).toMatch(/placeholder/);
    expect(secretProblem(jwt, "abababababababababababababababababab")).toMatch(/weak/);
    expect(secretProblem(jwt, jwt.example)).toMatch(/example value|placeholder/);
    const mongo = spec("MONGODB_URI");
    expect(secretProblem(mongo, mongo.example)).toMatch(/example/);
    expect(secretProblem(mongo, "postgres://user:pw@db.internal/bot")).toMatch(/not a mongodb/);
    expect(secretProblem(mongo, "mongodb://localhost:27017/bot-core")).toMatch(/localhost/);
  });

  it("reports one problem per bad secret, in list order", () => {
    expect(productionSecretProblems({}).map((p) => p.split(" ")[0])).toEqual([...SECRET_NAMES]);
  });
});
