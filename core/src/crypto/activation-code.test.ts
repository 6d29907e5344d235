import { describe, expect, it } from "vitest";
import {
  activationCodeFromBytes,
  generateActivationCode,
  signActivationCode,
  splitActivationCode,
  validateActivationCode,
  verifyActivationCodeSignature,
} from "./activation-code.ts";
import { decodeBase32, encodeBase32 } from "./base32.ts";
import { crc16Arc } from "./crc16.ts";
import { generateKeyPair } from "./ec-keys.ts";

describe("CRC-16/ARC and Base32", () => {
  it("has the catalogue check value", () => {
    expect(crc16Arc(Buffer.from("123456789"))).toBe(0xbb3d);
    expect(crc16Arc(Buffer.alloc(0))).toBe(0);
  });

  it("encodes RFC 4648 Base32 without padding", () => {
    expect(encodeBase32(Buffer.from("foobar"))).toBe("MZXW6YTBOI");
    expect(decodeBase32("MZXW6YTBOI").toString()).toBe("foobar");
  });
});

describe("activation codes", () => {
  it("formats zero bytes as AAAAA-AAAAA-AAAAA-AAAAA", () => {
    expect(activationCodeFromBytes(Buffer.alloc(10))).toBe("AAAAA-AAAAA-AAAAA-AAAAA");
  });

  it("generates valid, distinct codes", () => {
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const code = generateActivationCode();
      expect(code).toMatch(/^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/);
      expect(validateActivationCode(code)).toBe(true);
      codes.add(code);
    }
    expect(codes.size).toBe(200);
  });

  it("ignores the four unused bits of the last character", () => {
    expect(validateActivationCode("AAAAA-AAAAA-AAAAA-AAAAB")).toBe(true);
    expect(validateActivationCode("AAAAA-AAAAA-AAAAA-AAAAP")).toBe(true);
    // The top bit of the last character is data (the CRC's low bit): Q = 10000 flips it.
    expect(validateActivationCode("AAAAA-AAAAA-AAAAA-AAAAQ")).toBe(false);
  });

  it("rejects bad checksums, lower case, wrong shape", () => {
    expect(validateActivationCode("AAAAA-AAAAA-AAAAA-AAABA")).toBe(false);
    expect(validateActivationCode("aaaaa-aaaaa-aaaaa-aaaaa")).toBe(false);
    expect(validateActivationCode("AAAAA-AAAAA-AAAAA")).toBe(false);
    expect(validateActivationCode("AAAAAAAAAAAAAAAAAAAA")).toBe(false);
    expect(validateActivationCode("AAAA1-AAAAA-AAAAA-AAAAA")).toBe(false);
  });

  it("splits into the v2 short ID and OTP", () => {
    expect(splitActivationCode("ABCDE-FGHIJ-KLMNO-PQRST")).toEqual({ activationIdShort: "ABCDE-FGHIJ", activationOtp: "KLMNO-PQRST" });
  });

  it("signs the whole code with the master key", () => {
    const { privateKey, publicKey } = generateKeyPair();
    const code = generateActivationCode();
    const sig = signActivationCode(privateKey, code);
    expect(verifyActivationCodeSignature(publicKey, code, sig)).toBe(true);
    expect(verifyActivationCodeSignature(publicKey, code.slice(0, 11), sig)).toBe(false);
  });
});
