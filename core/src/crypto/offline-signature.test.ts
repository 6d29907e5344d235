import { describe, expect, it } from "vitest";
import { generateKeyPair } from "./ec-keys.ts";
import { verifyEcdsa } from "./ecdsa.ts";
import { OFFLINE_KEY_INDICATOR, createOfflineSignaturePayload, verifyOfflineSignaturePayload } from "./offline-signature.ts";

describe("offline signature payload", () => {
  const { privateKey, publicKey } = generateKeyPair();

  it("is DATA\\nNONCE\\nIND followed directly by the Base64 DER signature", () => {
    const nonce = Buffer.alloc(16, 4);
    const p = createOfflineSignaturePayload(privateKey, "5ff1b1ed\nPay 100 CZK", OFFLINE_KEY_INDICATOR.PERSONALIZED_SERVER_KEY, nonce);
    expect(p.nonce).toBe(nonce.toString("base64"));
    const prefix = `5ff1b1ed\nPay 100 CZK\n${p.nonce}\n1`;
    expect(p.offlineData.startsWith(prefix)).toBe(true);
    const sig = Buffer.from(p.offlineData.slice(prefix.length), "base64");
    expect(sig[0]).toBe(0x30);
    expect(verifyEcdsa(publicKey, Buffer.from(prefix), sig)).toBe(true);
    expect(verifyOfflineSignaturePayload(publicKey, p.offlineData)).toBe(true);
  });

  it("does not verify with another key or altered data", () => {
    const p = createOfflineSignaturePayload(privateKey, "DATA", OFFLINE_KEY_INDICATOR.MASTER_SERVER_KEY);
    expect(p.nonce).toHaveLength(24);
    expect(verifyOfflineSignaturePayload(generateKeyPair().publicKey, p.offlineData)).toBe(false);
    expect(verifyOfflineSignaturePayload(publicKey, p.offlineData.replace("DATA", "DATB"))).toBe(false);
    expect(verifyOfflineSignaturePayload(publicKey, "no newline")).toBe(false);
  });
});
