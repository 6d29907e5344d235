import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { validateActivationCode } from "./activation-code.ts";
import { generateKeyPair } from "./ec-keys.ts";
import { x963KdfSha256 } from "./kdf.ts";
import {
  derivePuk,
  deriveRecoveryCode,
  generatePukDerivationIndex,
  generateRecoveryNonce,
  generateRecoverySecret,
  pukDerivationIndexFromLong,
  pukDerivationIndexToLong,
  recoveryPostcardSecret,
} from "./recovery.ts";

describe("recovery codes and PUKs", () => {
  it("derives a valid code and the PUK base key from X963(secret, nonce, 26)", () => {
    const secret = generateRecoverySecret();
    const nonce = generateRecoveryNonce();
    const { recoveryCode, pukBaseKey } = deriveRecoveryCode(secret, nonce);
    expect(validateActivationCode(recoveryCode)).toBe(true);
    expect(pukBaseKey.equals(x963KdfSha256(secret, nonce, 26).subarray(10))).toBe(true);
  });

  it("PUK = (be64(AES(base, idx || 08×8)[8..16)) & 0xFF_FFFF_FFFF) mod 10^10", () => {
    const base = Buffer.alloc(16, 0x5a);
    const idx = generatePukDerivationIndex();
    const pk = createCipheriv("aes-128-ecb", base, null).setAutoPadding(false).update(Buffer.concat([idx, Buffer.alloc(8, 8)]));
    const expected = ((pk.readBigUInt64BE(8) & 0xffffffffffn) % 10000000000n).toString().padStart(10, "0");
    expect(derivePuk(base, idx)).toBe(expected);
    expect(derivePuk(base, idx)).toMatch(/^\d{10}$/);
    expect(() => derivePuk(base, Buffer.alloc(16))).toThrow();
  });

  it("converts derivation indexes to and from Java longs (signed)", () => {
    const idx = Buffer.from("ffffffffffffffff", "hex");
    expect(pukDerivationIndexToLong(idx)).toBe(-1n);
    expect(pukDerivationIndexFromLong(-1n).equals(idx)).toBe(true);
    expect(pukDerivationIndexFromLong(pukDerivationIndexToLong(Buffer.from("0123456789abcdef", "hex"))).toString("hex")).toBe("0123456789abcdef");
  });

  it("postcard: both sides derive the same codes from the 32-byte ECDH secret", () => {
    const server = generateKeyPair();
    const printer = generateKeyPair();
    const a = recoveryPostcardSecret(server.privateKey, printer.publicKey);
    const b = recoveryPostcardSecret(printer.privateKey, server.publicKey);
    expect(a.byteLength).toBe(32);
    const nonce = generateRecoveryNonce();
    expect(deriveRecoveryCode(a, nonce)).toEqual(deriveRecoveryCode(b, nonce));
  });
});
