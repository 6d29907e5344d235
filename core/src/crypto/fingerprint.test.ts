import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodePublicKey, generateKeyPair, publicKeyCoordinateX } from "./ec-keys.ts";
import type { EcKeyPair } from "./ec-keys.ts";
import { devicePublicKeyFingerprintV2, devicePublicKeyFingerprintV3 } from "./fingerprint.ts";

function decimal8(h: Buffer): string {
  return String((h.readUInt32BE(28) & 0x7fffffff) % 100000000).padStart(8, "0");
}

describe("device public key fingerprint", () => {
  it("uses the minimal-length X coordinate (leading zero bytes stripped)", () => {
    let pair: EcKeyPair | null = null;
    for (let i = 0; i < 5000 && !pair; i++) {
      const p = generateKeyPair();
      if (publicKeyCoordinateX(p.publicKey)[0] === 0) pair = p;
    }
    expect(pair).not.toBeNull();
    if (!pair) return;
    const x = encodePublicKey(pair.publicKey).subarray(1, 33);
    const minimal = x.subarray(1);
    expect(devicePublicKeyFingerprintV2(pair.publicKey)).toBe(decimal8(createHash("sha256").update(minimal).digest()));
    expect(devicePublicKeyFingerprintV2(pair.publicKey)).not.toBe(decimal8(createHash("sha256").update(x).digest()));
  });

  it("v3 binds the activation ID and the server key", () => {
    const dev = generateKeyPair().publicKey;
    const srv = generateKeyPair().publicKey;
    const a = devicePublicKeyFingerprintV3(dev, "a", srv);
    expect(a).toMatch(/^\d{8}$/);
    expect(devicePublicKeyFingerprintV3(dev, "b", srv)).not.toBe(a);
  });
});
