import { describe, expect, it } from "vitest";
import { generateKeyPair } from "./ec-keys.ts";
import { signEcdsa, verifyEcdsa } from "./ecdsa.ts";

describe("ECDSA (SHA256withECDSA, DER)", () => {
  const { privateKey, publicKey } = generateKeyPair();
  const data = Buffer.from("AAAAA-AAAAA-AAAAA-AAAAA");

  it("emits DER SEQUENCE{r, s} of 70–72 bytes that verifies", () => {
    const sig = signEcdsa(privateKey, data);
    expect(sig[0]).toBe(0x30);
    expect(sig.byteLength).toBeGreaterThanOrEqual(8);
    expect(sig.byteLength).toBeLessThanOrEqual(72);
    expect(verifyEcdsa(publicKey, data, sig)).toBe(true);
  });

  it("is randomized", () => {
    expect(signEcdsa(privateKey, data).equals(signEcdsa(privateKey, data))).toBe(false);
  });

  it("returns false (no exception) for wrong data, wrong key and garbage signatures", () => {
    const sig = signEcdsa(privateKey, data);
    expect(verifyEcdsa(publicKey, Buffer.from("other"), sig)).toBe(false);
    expect(verifyEcdsa(generateKeyPair().publicKey, data, sig)).toBe(false);
    expect(verifyEcdsa(publicKey, data, Buffer.alloc(64, 1))).toBe(false);
    expect(verifyEcdsa(publicKey, data, Buffer.alloc(0))).toBe(false);
  });
});
