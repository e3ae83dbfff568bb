/**
 * Access tokens: HS256 JWTs, 15 minutes, verified with the algorithm pinned to HS256.
 * A token with another `alg` (including `none`), another key, no `exp`, a wrong issuer or
 * type, or an expired one is refused.
 */
import { sign, verify } from "hono/jwt";
import { z } from "zod";

export const ACCESS_TOKEN_TTL_SEC = 15 * 60;
export const TOKEN_ISSUER = "bot-core-edge";
const ALG = "HS256";

const AccessClaims = z.object({
  sub: z.string().min(1).max(64),
  iss: z.literal(TOKEN_ISSUER),
  typ: z.literal("access"),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1),
});
export type AccessClaims = z.infer<typeof AccessClaims>;

/**
 * The HMAC key imported once per isolate and secret (importing it costs a WebCrypto call per
 * request otherwise). Keyed by the secret itself: a rotated JWT_SECRET gets its own key.
 */
const hmacKeys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    key.catch(() => hmacKeys.delete(secret));
    if (hmacKeys.size > 4) hmacKeys.clear();
    hmacKeys.set(secret, key);
  }
  return key;
}

export async function issueAccessToken(userId: string, secret: string, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const claims: AccessClaims = {
    sub: userId,
    iss: TOKEN_ISSUER,
    typ: "access",
    iat,
    exp: iat + ACCESS_TOKEN_TTL_SEC,
    jti: crypto.randomUUID(),
  };
  return sign(claims, await hmacKey(secret), ALG);
}

export type TokenFailure = "expired" | "invalid";

/**
 * Tokens this isolate has verified, until they expire: a trader's client sends the same token
 * with every request for 15 minutes, and the HMAC check is a WebCrypto call each time. A hit
 * needs the exact token bytes (its signature included) verified under the same secret, and
 * `exp` is checked again on every hit, so the cache never accepts what `verify` would refuse.
 * Bounded; the oldest entry goes first.
 */
const VERIFIED_MAX = 2048;
const verified = new Map<string, { secret: string; claims: AccessClaims }>();

/** Verifies a token; returns its claims or why it was refused. Never throws. */
export async function verifyAccessToken(
  token: string,
  secret: string,
  now = Date.now(),
): Promise<{ ok: true; claims: AccessClaims } | { ok: false; reason: TokenFailure }> {
  const hit = verified.get(token);
  if (hit && hit.secret === secret) {
    if (now < hit.claims.exp * 1000) return { ok: true, claims: hit.claims };
    verified.delete(token);
    return { ok: false, reason: "expired" };
  }
  try {
    const payload = await verify(token, await hmacKey(secret), { alg: ALG, iss: TOKEN_ISSUER });
    const claims = AccessClaims.safeParse(payload);
    if (!claims.success) return { ok: false, reason: "invalid" };
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { secret, claims: claims.data });
    return { ok: true, claims: claims.data };
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    return { ok: false, reason: name === "JwtTokenExpired" ? "expired" : "invalid" };
  }
}
