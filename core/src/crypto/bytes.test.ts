import { describe, expect, it } from "vitest";
import { constantTimeEqual, constantTimeEqualStrings, decodeBase64, encodeBase64, uint32BE, uint64BE } from "./bytes.ts";
import { CryptoError } from "./errors.ts";

describe("decodeBase64", () => {
  it("decodes standard Base64 with or without padding", () => {
    expect(decodeBase64("AAEC").toString("hex")).toBe("000102");
    expect(decodeBase64("AAE=").toString("hex")).toBe("0001");
    expect(decodeBase64("AAE").toString("hex")).toBe("0001");
  });

  it("rejects what Java's decoder rejects: URL-safe characters, whitespace, bad lengths", () => {
    for (const bad of ["AA-_", "AA E", "A", "AA=A", "AAA==", "%%%%"]) {
      expect(() => decodeBase64(bad)).toThrow(CryptoError);
    }
  });

  it("never puts the input into the error message", () => {
    try {
      decodeBase64("secret-value!", "token secret");
    } catch (e) {
      expect((e as CryptoError).kind).toBe("INVALID_INPUT");
      expect((e as Error).message).not.toContain("secret-value");
    }
  });

  it("round-trips through encodeBase64 (padded output)", () => {
    const data = Buffer.from([1, 2, 3, 4, 5]);
    expect(encodeBase64(data)).toBe("AQIDBAU=");
    expect(decodeBase64(encodeBase64(data)).equals(data)).toBe(true);
  });
});

describe("constantTimeEqual", () => {
  it("compares content and treats different lengths as unequal", () => {
    expect(constantTimeEqual(Buffer.from("abc"), Buffer.from("abc"))).toBe(true);
    expect(constantTimeEqual(Buffer.from("abc"), Buffer.from("abd"))).toBe(false);
    expect(constantTimeEqual(Buffer.from("abc"), Buffer.from("abcd"))).toBe(false);
    expect(constantTimeEqualStrings("12345678-87654321", "12345678-87654321")).toBe(true);
    expect(constantTimeEqualStrings("12345678", "1234567")).toBe(false);
  });
});

describe("big-endian encoders", () => {
  it("encode 64- and 32-bit unsigned values and reject overflow", () => {
    expect(uint64BE(1000).toString("hex")).toBe("00000000000003e8");
    expect(uint64BE(0xffff_ffff_ffff_ffffn).toString("hex")).toBe("ffffffffffffffff");
    expect(() => uint64BE(-1)).toThrow(CryptoError);
    expect(() => uint64BE(1n << 64n)).toThrow(CryptoError);
    expect(uint32BE(1).toString("hex")).toBe("00000001");
  });
});
