import { createCipheriv, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  deriveSecretKey,
  deriveSecretKeyFromIndexBytes,
  fold,
  kdfIndexBlock,
  kdfInternal,
  kdfInternalLegacy,
  pbkdf2Sha1,
  x963KdfSha256,
} from "./kdf.ts";

const ecb = (key: Buffer, block: Buffer): Buffer => createCipheriv("aes-128-ecb", key, null).setAutoPadding(false).update(block);

describe("fold", () => {
  it("XORs the two halves", () => {
    const x = Buffer.concat([Buffer.alloc(16, 0x0f), Buffer.alloc(16, 0xf0)]);
    expect(fold(x).equals(Buffer.alloc(16, 0xff))).toBe(true);
    expect(() => fold(Buffer.alloc(16))).toThrow();
  });
});

describe("index KDF", () => {
  const key = Buffer.alloc(16, 0x42);

  it("puts the index into the LAST 8 bytes of the block", () => {
    expect(kdfIndexBlock(1000).toString("hex")).toBe("000000000000000000000000000003e8");
    expect(deriveSecretKey(key, 1000).equals(ecb(key, kdfIndexBlock(1000)))).toBe(true);
  });

  it("with an 8-byte index (PUKs) pads PKCS#7 first: AES(K, idx || 08×8)", () => {
    const idx = Buffer.from("0102030405060708", "hex");
    expect(deriveSecretKeyFromIndexBytes(key, idx).equals(ecb(key, Buffer.concat([idx, Buffer.alloc(8, 8)])))).toBe(true);
    // …which differs from the 16-byte numeric index form.
    expect(deriveSecretKeyFromIndexBytes(key, idx).equals(deriveSecretKey(key, 0x0102030405060708n))).toBe(false);
    expect(deriveSecretKeyFromIndexBytes(key, kdfIndexBlock(7)).equals(deriveSecretKey(key, 7))).toBe(true);
  });
});

describe("KDF_INTERNAL", () => {
  it("3.1 orientation keys the HMAC with the key; legacy keys it with the data", () => {
    const k = Buffer.alloc(16, 1);
    const d = Buffer.alloc(16, 2);
    expect(kdfInternal(k, d).equals(fold(createHmac("sha256", k).update(d).digest()))).toBe(true);
    expect(kdfInternalLegacy(k, d).equals(fold(createHmac("sha256", d).update(k).digest()))).toBe(true);
    expect(kdfInternal(k, d).equals(kdfInternalLegacy(k, d))).toBe(false);
  });
});

describe("X9.63 KDF", () => {
  it("is prefix-stable: 48 bytes start with the 32-byte output", () => {
    const z = Buffer.alloc(32, 9);
    const info = Buffer.from("/pa/activation");
    expect(x963KdfSha256(z, info, 48).subarray(0, 32).equals(x963KdfSha256(z, info, 32))).toBe(true);
    expect(x963KdfSha256(z, info, 26).byteLength).toBe(26);
    expect(() => x963KdfSha256(z, info, 0)).toThrow();
  });
});

describe("PBKDF2-HMAC-SHA1", () => {
  it("matches RFC 6070 (c = 1 and c = 4096)", () => {
    expect(pbkdf2Sha1(Buffer.from("password"), Buffer.from("salt"), 1, 20).toString("hex")).toBe("0c60c80f961f0e71f3a9b524af6012062fe037a6");
    expect(pbkdf2Sha1(Buffer.from("password"), Buffer.from("salt"), 4096, 20).toString("hex")).toBe("4b007901b765489abead49d926f721d065a429c1");
  });
});
