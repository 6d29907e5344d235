import { describe, expect, it } from "vitest";
import { aesCbcDecrypt, aesCbcDecryptNoPadding, aesCbcEncrypt, aesCbcEncryptNoPadding, aesEncryptBlock, zeroIv } from "./aes.ts";
import { CryptoError } from "./errors.ts";

const key = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");

describe("AES-128", () => {
  it("encrypts the FIPS-197 block", () => {
    expect(aesEncryptBlock(key, Buffer.from("00112233445566778899aabbccddeeff", "hex")).toString("hex")).toBe(
      "69c4e0d86a7b0430d8cdb78070b4c55a",
    );
  });

  it("pads with PKCS#7 (16 bytes in → 32 out) and round-trips", () => {
    const c = aesCbcEncrypt(key, zeroIv(), Buffer.alloc(16, 7));
    expect(c.byteLength).toBe(32);
    expect(aesCbcDecrypt(key, zeroIv(), c).equals(Buffer.alloc(16, 7))).toBe(true);
  });

  it("without padding keeps whole blocks and refuses partial ones", () => {
    const c = aesCbcEncryptNoPadding(key, zeroIv(), Buffer.alloc(32, 1));
    expect(c.byteLength).toBe(32);
    expect(aesCbcDecryptNoPadding(key, zeroIv(), c).equals(Buffer.alloc(32, 1))).toBe(true);
    expect(() => aesCbcEncryptNoPadding(key, zeroIv(), Buffer.alloc(31))).toThrow(CryptoError);
  });

  it("reports wrong keys, IVs and paddings as CryptoErrors", () => {
    expect(() => aesCbcEncrypt(Buffer.alloc(15), zeroIv(), Buffer.alloc(1))).toThrow(/key must be 16/);
    expect(() => aesCbcEncrypt(key, Buffer.alloc(8), Buffer.alloc(1))).toThrow(/IV/);
    const c = aesCbcEncrypt(key, zeroIv(), Buffer.from("hello"));
    const wrongKey = Buffer.from(key);
    wrongKey[0] ^= 1;
    let kind = "";
    try {
      aesCbcDecrypt(wrongKey, zeroIv(), c);
    } catch (e) {
      kind = (e as CryptoError).kind;
    }
    // Wrong key almost always breaks the padding (1/256 chance it does not).
    expect(["DECRYPTION_FAILED", ""]).toContain(kind);
    expect(() => aesCbcDecrypt(key, zeroIv(), Buffer.alloc(0))).toThrow(CryptoError);
    expect(() => aesCbcDecrypt(key, zeroIv(), Buffer.alloc(17))).toThrow(CryptoError);
  });
});
