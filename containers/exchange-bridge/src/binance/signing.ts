/**
 * Binance request signing: HMAC-SHA256 over the exact bytes sent (query string followed directly
 * by the body), hex-encoded. The parameters are serialized once, in order, and that same string
 * is both signed and sent, so no re-encoding can change what the signature covers.
 *
 * @example
 * const query = encodeParams({ symbol: "LTCBTC", side: "BUY", recvWindow: 5000, timestamp: 1499827319559 });
 * const signature = signPayload(secret, query); // 64 hex characters
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type ParamValue = string | number | boolean;
export type Params = Readonly<Record<string, ParamValue | undefined>>;

/** `a=1&b=x` in insertion order; undefined values are left out; values percent-encoded. */
export function encodeParams(params: Params): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.join("&");
}

/** Hex HMAC-SHA256 of `payload` under `secret`. */
export function signPayload(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload, "utf8").digest("hex");
}

/** Constant-time check of a hex signature (HMAC signatures are case-insensitive at Binance). */
export function verifySignature(secret: string, payload: string, signature: string): boolean {
  const expected = Buffer.from(signPayload(secret, payload), "utf8");
  const given = Buffer.from(signature.toLowerCase(), "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * The signed query: `params` + recvWindow + timestamp, then `&signature=…` appended.
 * Returns the string to send (as the query string or as the form body).
 */
export function signedQuery(secret: string, params: Params, timestamp: number, recvWindow: number): string {
  const payload = encodeParams({ ...params, recvWindow, timestamp });
  return `${payload}&signature=${signPayload(secret, payload)}`;
}
