/**
 * Per-user exchange API keys, encrypted at rest with AES-256-GCM (WebCrypto).
 *
 * - The encryption key is derived with HKDF-SHA256 from a secret the bridge gets from its
 *   environment (`EXCHANGE_KEYS_SECRET`), one derived key per key version, non-extractable.
 * - Every seal uses a fresh random 96-bit IV. The user id, venue and key version are bound as
 *   additional authenticated data: a sealed blob copied to another user or venue does not open.
 * - A sealed blob is `bce1.<keyVersion>.<iv>.<ciphertext+tag>` (base64url), safe to store in any
 *   record store. Older key versions stay readable while a new one seals (rotation).
 * - Decryption happens only here, inside the bridge; the result is an `ApiCredentials`, which
 *   never prints or serializes its secret.
 *
 * @example
 * const vault = await KeyVault.create([{ version: 1, secret: config.exchangeKeysSecret }]);
 * const sealed = await vault.seal({ userId, venue: "binance-spot" }, new ApiCredentials(key, secret));
 * const creds = await vault.open({ userId, venue: "binance-spot" }, sealed); // throws KeystoreError if tampered
 */
import { webcrypto } from "node:crypto";
import { z } from "zod";
import { ApiCredentials } from "./credentials";

const subtle = webcrypto.subtle;
type CryptoKey = webcrypto.CryptoKey;
const FORMAT = "bce1";
const HKDF_SALT = new TextEncoder().encode("bot-core/exchange-api-keys");
export const MIN_KEYSTORE_SECRET_LENGTH = 32;

export class KeystoreError extends Error {
  override readonly name = "KeystoreError";
}

export interface KeyVersion {
  readonly version: number;
  /** At least 32 characters of high-entropy secret. */
  readonly secret: string;
}

export interface KeyOwner {
  readonly userId: string;
  /** e.g. "binance-spot", "binance-usdm". */
  readonly venue: string;
}

const Plaintext = z.strictObject({ apiKey: z.string(), secret: z.string() });

export class KeyVault {
  private constructor(
    readonly currentVersion: number,
    private readonly keys: ReadonlyMap<number, CryptoKey>,
  ) {}

  /** The highest version seals; all listed versions open. */
  static async create(versions: readonly KeyVersion[]): Promise<KeyVault> {
    if (versions.length === 0) throw new KeystoreError("no keystore secret configured");
    const keys = new Map<number, CryptoKey>();
    for (const { version, secret } of versions) {
      if (!Number.isInteger(version) || version < 1 || version > 65_535) throw new KeystoreError("key version must be 1..65535");
      if (secret.length < MIN_KEYSTORE_SECRET_LENGTH) throw new KeystoreError(`keystore secret must be at least ${MIN_KEYSTORE_SECRET_LENGTH} characters`);
      if (keys.has(version)) throw new KeystoreError(`key version ${version} listed twice`);
      const material = await subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
      const key = await subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: new TextEncoder().encode(`aes-gcm-256/v${version}`) },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
      keys.set(version, key);
    }
    return new KeyVault(Math.max(...keys.keys()), keys);
  }

  async seal(owner: KeyOwner, credentials: ApiCredentials): Promise<string> {
    const key = this.keys.get(this.currentVersion)!;
    const iv = webcrypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: aad(owner, this.currentVersion), tagLength: 128 },
      key,
      new TextEncoder().encode(credentials.toPlaintext()),
    );
    return `${FORMAT}.${this.currentVersion}.${b64url(iv)}.${b64url(new Uint8Array(ciphertext))}`;
  }

  /** @throws KeystoreError when the blob is malformed, tampered with, for another owner, or sealed under an unknown key. */
  async open(owner: KeyOwner, sealed: string): Promise<ApiCredentials> {
    const parts = sealed.split(".");
    if (parts.length !== 4 || parts[0] !== FORMAT || !/^\d{1,5}$/.test(parts[1]!)) throw new KeystoreError("not a sealed API key");
    const version = Number(parts[1]);
    const key = this.keys.get(version);
    if (!key) throw new KeystoreError(`sealed under key version ${version}, which is not configured`);
    const iv = fromB64url(parts[2]!);
    const data = fromB64url(parts[3]!);
    if (iv.length !== 12 || data.length < 17) throw new KeystoreError("not a sealed API key");
    let plain: ArrayBuffer;
    try {
      plain = await subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad(owner, version), tagLength: 128 }, key, data);
    } catch {
      // Wrong key, wrong owner or altered bytes: GCM cannot tell which, and neither do we.
      throw new KeystoreError("sealed API key failed authentication");
    }
    const parsed = Plaintext.safeParse(safeJson(new TextDecoder().decode(plain)));
    if (!parsed.success) throw new KeystoreError("sealed API key has an unexpected shape");
    return new ApiCredentials(parsed.data.apiKey, parsed.data.secret);
  }

  /** True when the blob was sealed under an older key version (re-seal it). */
  needsReseal(sealed: string): boolean {
    return Number(sealed.split(".")[1]) !== this.currentVersion;
  }
}

/** Where sealed blobs live (the record store in production; memory in tests). */
export interface SealedKeyStore {
  get(owner: KeyOwner): Promise<string | undefined>;
  put(owner: KeyOwner, sealed: string): Promise<void>;
  delete(owner: KeyOwner): Promise<void>;
}

export class MemorySealedKeyStore implements SealedKeyStore {
  readonly #blobs = new Map<string, string>();
  async get(owner: KeyOwner) {
    return this.#blobs.get(ownerKey(owner));
  }
  async put(owner: KeyOwner, sealed: string) {
    this.#blobs.set(ownerKey(owner), sealed);
  }
  async delete(owner: KeyOwner) {
    this.#blobs.delete(ownerKey(owner));
  }
}

/**
 * The bridge's API-key keeper: seals on write, opens on read, re-seals under the current key
 * version when it reads an older one.
 */
export class ApiKeyring {
  constructor(
    private readonly vault: KeyVault,
    private readonly store: SealedKeyStore,
  ) {}

  async set(owner: KeyOwner, credentials: ApiCredentials): Promise<void> {
    await this.store.put(owner, await this.vault.seal(owner, credentials));
  }

  async get(owner: KeyOwner): Promise<ApiCredentials | undefined> {
    const sealed = await this.store.get(owner);
    if (sealed === undefined) return undefined;
    const credentials = await this.vault.open(owner, sealed);
    if (this.vault.needsReseal(sealed)) await this.set(owner, credentials);
    return credentials;
  }

  async delete(owner: KeyOwner): Promise<void> {
    await this.store.delete(owner);
  }
}

function ownerKey(owner: KeyOwner): string {
  return `${owner.venue}\u0000${owner.userId}`;
}

function aad(owner: KeyOwner, version: number): Uint8Array {
  return new TextEncoder().encode(JSON.stringify([FORMAT, version, owner.userId, owner.venue]));
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function fromB64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new KeystoreError("not a sealed API key");
  return new Uint8Array(Buffer.from(text, "base64url"));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
