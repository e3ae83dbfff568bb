import { describe, expect, it } from "vitest";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, PBKDF2_ITERATIONS, verifyPassword } from "./password";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("refuses malformed or hostile stored hashes instead of throwing", async () => {
    for (const bad of ["", "plain", "md5$1$a$b", `pbkdf2-sha256$${PBKDF2_ITERATIONS * 10}$AAAA$AAAA`, "pbkdf2-sha256$0$AAAA$AAAA", "pbkdf2-sha256$1000$!!$??"]) {
      expect(await verifyPassword("x", bad)).toBe(false);
    }
    expect(await verifyPassword("anything", DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it("keeps verifying hashes made with fewer iterations and flags them for re-hashing", async () => {
    const old = await hashPassword("legacy password", 1000);
    expect(await verifyPassword("legacy password", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword("new"))).toBe(false);
  });
});
