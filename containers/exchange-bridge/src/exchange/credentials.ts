/**
 * A user's exchange API key and secret, held so that they cannot leak by accident: the secret is
 * a private field, and printing, logging or serializing the object shows only a masked key.
 * Code that signs requests asks the object to sign; nothing reads the secret back.
 *
 * @example
 * const creds = new ApiCredentials(apiKey, secret);
 * headers.set("X-MBX-APIKEY", creds.apiKey);
 * const signature = creds.hmacSha256Hex(payload);
 * JSON.stringify(creds); // {"apiKey":"vmPU…h8A","secret":"[REDACTED]"}
 */
import { createHmac } from "node:crypto";
import { inspect } from "node:util";

const PRINTABLE = /^[\x21-\x7e]{8,512}$/;

export class ApiCredentials {
  readonly #secret: string;

  constructor(
    readonly apiKey: string,
    secret: string,
  ) {
    if (!PRINTABLE.test(apiKey)) throw new TypeError("API key must be 8-512 printable ASCII characters");
    if (!PRINTABLE.test(secret)) throw new TypeError("API secret must be 8-512 printable ASCII characters");
    this.#secret = secret;
  }

  /** Hex HMAC-SHA256 of `payload` under the secret. */
  hmacSha256Hex(payload: string): string {
    return createHmac("sha256", this.#secret).update(payload, "utf8").digest("hex");
  }

  /** The strings a logger must scrub (see `createLogger({ redact })`). */
  redactions(): string[] {
    return [this.apiKey, this.#secret];
  }

  /** For the keystore only: the plaintext to encrypt. */
  toPlaintext(): string {
    return JSON.stringify({ apiKey: this.apiKey, secret: this.#secret });
  }

  toJSON(): Record<string, string> {
    return { apiKey: maskKey(this.apiKey), secret: "[REDACTED]" };
  }

  toString(): string {
    return `ApiCredentials(${maskKey(this.apiKey)})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** First and last 4 characters: enough to tell keys apart, useless to an attacker. */
export function maskKey(key: string): string {
  return key.length <= 8 ? "****" : `${key.slice(0, 4)}…${key.slice(-4)}`;
}
