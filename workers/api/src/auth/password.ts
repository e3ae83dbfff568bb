/**
 * Password hashing with PBKDF2-HMAC-SHA256 from WebCrypto, a random 16-byte salt per user.
 *
 * Cloudflare's production runtime refuses more than 100,000 PBKDF2 iterations (workerd issue
 * #1346; the local workerd build does not enforce it), so we use exactly that: the highest the
 * runtime we deploy to allows. The stored format carries the parameters, so the
 * count can be raised later and old hashes still verify (and get re-hashed on login).
 *
 * Format: `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>`
 */
import { fromBase64, toBase64 } from "./encoding";

export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** Constant-time check of a password against a stored hash. False for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 4 || parts[0] !== "pbkdf2-sha256") return false;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) return false;
  const salt = fromBase64(parts[2] ?? "");
  const expected = fromBase64(parts[3] ?? "");
  if (!salt || !expected || expected.length !== HASH_BITS / 8) return false;
  const actual = await derive(password, salt, iterations);
  return crypto.subtle.timingSafeEqual(actual, expected);
}

/** Whether a stored hash uses weaker parameters than today's and should be re-hashed. */
export function needsRehash(stored: string): boolean {
  return Number(stored.split("$")[1]) < PBKDF2_ITERATIONS;
}

/**
 * A fixed hash to verify against when the email is unknown, so a login for a missing account
 * costs the same time as one for a real account (no user enumeration by timing).
 */
export const DUMMY_PASSWORD_HASH =
  "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
