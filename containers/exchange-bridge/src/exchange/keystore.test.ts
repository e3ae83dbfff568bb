import { describe, expect, it } from "vitest";
import { ApiCredentials } from "./credentials";
import { ApiKeyring, KeystoreError, KeyVault, MemorySealedKeyStore } from "./keystore";

const SECRET_V1 = "k".repeat(16) + "0123456789abcdef-v1";
const SECRET_V2 = "z".repeat(16) + "0123456789abcdef-v2";
const OWNER = { userId: "user-1", venue: "binance-spot" };
const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const API_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const creds = () => new ApiCredentials(API_KEY, API_SECRET);

describe("KeyVault", () => {
  it("seals to an opaque blob with a fresh IV each time and opens it back", async () => {
    const vault = await KeyVault.create([{ version: 1, secret: SECRET_V1 }]);
    const a = await vault.seal(OWNER, creds());
    const b = await vault.seal(OWNER, creds());
    expect(a).not.toBe(b); // random IV
    expect(a.split(".")[2]).toHaveLength(16); // 12 bytes, base64url
    for (const blob of [a, b]) {
      expect(blob).not.toContain(API_SECRET);
      expect(blob).not.toContain(API_KEY);
      expect(blob).toMatch(/^bce1\.1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    }
    const opened = await vault.open(OWNER, a);
    expect(opened.apiKey).toBe(API_KEY);
    expect(opened.hmacSha256Hex("x")).toBe(creds().hmacSha256Hex("x"));
  });

  it("refuses a tampered blob (any flipped byte of IV or ciphertext)", async () => {
    const vault = await KeyVault.create([{ version: 1, secret: SECRET_V1 }]);
    const sealed = await vault.seal(OWNER, creds());
    const [f, v, iv, ct] = sealed.split(".") as [string, string, string, string];
    const flip = (s: string, i: number) => {
      const bytes = Buffer.from(s, "base64url");
      bytes[i] = bytes[i]! ^ 0x01;
      return bytes.toString("base64url");
    };
    for (const bad of [`${f}.${v}.${flip(iv, 0)}.${ct}`, `${f}.${v}.${iv}.${flip(ct, 0)}`, `${f}.${v}.${iv}.${flip(ct, Buffer.from(ct, "base64url").length - 1)}`]) {
      await expect(vault.open(OWNER, bad)).rejects.toThrow(KeystoreError);
    }
    await expect(vault.open(OWNER, "garbage")).rejects.toThrow(KeystoreError);
    await expect(vault.open(OWNER, `${f}.${v}.${iv}.`)).rejects.toThrow(KeystoreError);
  });

  it("refuses the wrong key, another user's blob and another venue's blob", async () => {
    const vault = await KeyVault.create([{ version: 1, secret: SECRET_V1 }]);
    const other = await KeyVault.create([{ version: 1, secret: SECRET_V2 }]);
    const sealed = await vault.seal(OWNER, creds());
    await expect(other.open(OWNER, sealed)).rejects.toThrow(/failed authentication/);
    await expect(vault.open({ ...OWNER, userId: "user-2" }, sealed)).rejects.toThrow(/failed authentication/);
    await expect(vault.open({ ...OWNER, venue: "binance-usdm" }, sealed)).rejects.toThrow(/failed authentication/);
    // The version in the envelope is authenticated too: relabelling it does not help.
    const both = await KeyVault.create([{ version: 1, secret: SECRET_V1 }, { version: 2, secret: SECRET_V1 }]);
    await expect(both.open(OWNER, sealed.replace("bce1.1.", "bce1.2."))).rejects.toThrow(KeystoreError);
  });

  it("rejects weak or missing secrets", async () => {
    await expect(KeyVault.create([])).rejects.toThrow(KeystoreError);
    await expect(KeyVault.create([{ version: 1, secret: "short" }])).rejects.toThrow(/at least 32/);
  });
});

describe("ApiKeyring", () => {
  it("stores only sealed blobs and re-seals old key versions on read (rotation)", async () => {
    const store = new MemorySealedKeyStore();
    const old = new ApiKeyring(await KeyVault.create([{ version: 1, secret: SECRET_V1 }]), store);
    await old.set(OWNER, creds());
    expect(await store.get(OWNER)).toMatch(/^bce1\.1\./);

    const rotated = new ApiKeyring(await KeyVault.create([{ version: 1, secret: SECRET_V1 }, { version: 2, secret: SECRET_V2 }]), store);
    expect((await rotated.get(OWNER))?.apiKey).toBe(API_KEY);
    expect(await store.get(OWNER)).toMatch(/^bce1\.2\./);
    expect(await rotated.get({ ...OWNER, userId: "nobody" })).toBeUndefined();
    await rotated.delete(OWNER);
    expect(await store.get(OWNER)).toBeUndefined();
  });
});
