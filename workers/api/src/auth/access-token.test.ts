import { describe, expect, it } from "vitest";
import { ACCESS_TOKEN_TTL_SEC, issueAccessToken, verifyAccessToken } from "./access-token";

const SECRET = "a-test-secret-of-enough-length-0123456789";

describe("verifyAccessToken with the per-isolate cache of verified tokens", () => {
  it("accepts a verified token again and refuses it once it expires, cached or not", async () => {
    const now = Date.now();
    const token = await issueAccessToken("user-1", SECRET, now);
    const first = await verifyAccessToken(token, SECRET, now);
    expect(first.ok && first.claims.sub).toBe("user-1");
    const again = await verifyAccessToken(token, SECRET, now + 1000);
    expect(again.ok && again.claims.sub).toBe("user-1");
    expect(await verifyAccessToken(token, SECRET, now + (ACCESS_TOKEN_TTL_SEC + 1) * 1000)).toEqual({ ok: false, reason: "expired" });
  });

  it("never lets a cached token pass under another secret", async () => {
    const token = await issueAccessToken("user-2", SECRET);
    expect((await verifyAccessToken(token, SECRET)).ok).toBe(true);
    expect(await verifyAccessToken(token, `${SECRET}-rotated`)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a token whose payload was changed after a valid one was cached", async () => {
    const token = await issueAccessToken("user-3", SECRET);
    expect((await verifyAccessToken(token, SECRET)).ok).toBe(true);
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    const forged = btoa(JSON.stringify({ ...claims, sub: "someone-else" })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    expect(await verifyAccessToken(`${header}.${forged}.${signature}`, SECRET)).toEqual({ ok: false, reason: "invalid" });
  });
});
