import { argon2i } from "@noble/hashes/argon2.js";
import { describe, expect, it } from "vitest";
import { hashPassword, hashPasswordSync, verifyPasswordHash, verifyPasswordHashSync } from "./password-hash.ts";

describe("Argon2i PUK hash", () => {
  it("emits the reference MCF with t=3, m=32768, p=16, 8-byte salt, 32-byte tag", async () => {
    const mcf = await hashPassword("1234567890");
    const m = /^\$argon2i\$v=19\$m=32768,t=3,p=16\$([A-Za-z0-9+/]{11})\$([A-Za-z0-9+/]{43})$/.exec(mcf);
    expect(m).not.toBeNull();
    expect(await verifyPasswordHash("1234567890", mcf)).toBe(true);
    expect(await verifyPasswordHash("1234567891", mcf)).toBe(false);
    expect(verifyPasswordHashSync("1234567890", hashPasswordSync("1234567890"))).toBe(true);
  });

  it("accepts the old v16 syntax (no version field) via @noble/hashes", () => {
    const salt = Buffer.from("saltsalt");
    const tag = Buffer.from(argon2i("0123456789", salt, { t: 1, m: 64, p: 1, dkLen: 32, version: 0x10 }));
    const b64 = (b: Buffer): string => b.toString("base64").replace(/=+$/, "");
    const mcf = `$argon2i$m=64,t=1,p=1$${b64(salt)}$${b64(tag)}`;
    expect(verifyPasswordHashSync("0123456789", mcf)).toBe(true);
    expect(verifyPasswordHashSync("0123456788", mcf)).toBe(false);
  });

  it("rejects malformed hashes with INVALID_INPUT", async () => {
    for (const bad of ["", "$argon2id$v=19$m=32768,t=3,p=16$c2FsdHNhbHQ$AAAA", "$argon2i$v=19$m=32768,t=3,p=16$$", "$argon2i$v=99$m=32768,t=3,p=16$c2FsdHNhbHQ$AAAAAAAA"]) {
      expect(() => verifyPasswordHashSync("x", bad)).toThrow(expect.objectContaining({ kind: "INVALID_INPUT" }));
    }
    await expect(verifyPasswordHash("x", "nope")).rejects.toThrow();
  });
});
