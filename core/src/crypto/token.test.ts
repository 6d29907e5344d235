import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeTokenDigest, generateTokenSecret, verifyTokenDigest } from "./token.ts";

describe("token digest", () => {
  const secret = generateTokenSecret();
  const nonce = Buffer.alloc(16, 1);

  it("is HMAC(secret, nonce || '&' || decimal timestamp)", () => {
    const expected = createHmac("sha256", secret).update(Buffer.concat([nonce, Buffer.from("&1700000000000")])).digest();
    expect(computeTokenDigest(secret, nonce, 1700000000000).equals(expected)).toBe(true);
    expect(computeTokenDigest(secret, nonce, 1700000000000n).equals(expected)).toBe(true);
    expect(computeTokenDigest(secret, nonce, "1700000000000").equals(expected)).toBe(true);
    expect(() => computeTokenDigest(secret, nonce, "17e3")).toThrow();
  });

  it("verifies in constant time and rejects other timestamps", () => {
    const d = computeTokenDigest(secret, nonce, 5);
    expect(verifyTokenDigest(secret, nonce, 5, d)).toBe(true);
    expect(verifyTokenDigest(secret, nonce, 6, d)).toBe(false);
    expect(verifyTokenDigest(secret, nonce, 5, d.subarray(0, 16))).toBe(false);
  });
});
