import { createCipheriv, createECDH, createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodePublicKey, generateKeyPair } from "./ec-keys.ts";
import {
  ECIES_SHARED_INFO_1,
  eciesActivationScopeSharedInfo2,
  eciesApplicationScopeSharedInfo2,
  eciesDecryptRequest,
  eciesEncryptResponse,
  getEciesDecryptor,
} from "./ecies.ts";
import type { EciesRequest } from "./ecies.ts";
import { CryptoError } from "./errors.ts";

// A client written directly on node:crypto primitives, to exercise the server side.
function clientRequest(serverPublic: Buffer, sh1: string, sh2: Buffer, plaintext: Buffer, nonce: Buffer | null): { request: EciesRequest; keys: Buffer } {
  const eph = createECDH("prime256v1");
  eph.generateKeys();
  const e = eph.getPublicKey(null, "compressed");
  const z = eph.computeSecret(serverPublic);
  const info = Buffer.concat([Buffer.from(sh1), e]);
  const k = Buffer.concat([1, 2].map((i) => createHash("sha256").update(z).update(Buffer.from([0, 0, 0, i])).update(info).digest()));
  const iv = nonce
    ? (() => {
        const m = createHmac("sha256", k.subarray(32, 48)).update(nonce).digest();
        return Buffer.from(m.subarray(0, 16).map((x, i) => x ^ m[i + 16]));
      })()
    : Buffer.alloc(16);
  const c = createCipheriv("aes-128-cbc", k.subarray(0, 16), iv);
  const encryptedData = Buffer.concat([c.update(plaintext), c.final()]);
  const mac = createHmac("sha256", k.subarray(16, 32)).update(encryptedData).update(sh2).digest();
  return { request: { ephemeralPublicKey: e, encryptedData, mac, nonce }, keys: k };
}

describe("ECIES", () => {
  const server = generateKeyPair();
  const pub = encodePublicKey(server.publicKey);
  const sh2 = eciesApplicationScopeSharedInfo2("appSecretB64==");

  it("exports every sharedInfo1 of protocol 3.0/3.1", () => {
    expect(Object.values(ECIES_SHARED_INFO_1).sort()).toEqual(
      ["/pa/activation", "/pa/generic/activation", "/pa/generic/application", "/pa/recovery/confirm", "/pa/token/create", "/pa/upgrade", "/pa/vault/unlock"],
    );
  });

  it("derives sharedInfo2 from the application secret string", () => {
    expect(sh2.equals(createHash("sha256").update("appSecretB64==").digest())).toBe(true);
    const tk = Buffer.alloc(16, 5);
    expect(eciesActivationScopeSharedInfo2(tk, "s").equals(createHmac("sha256", tk).update("s").digest())).toBe(true);
  });

  for (const nonce of [null, Buffer.alloc(16, 3)]) {
    const version = nonce ? "3.1" : "3.0";
    it(`${version}: decrypts a request and answers with the ${nonce ? "request's" : "zero"} IV`, () => {
      const { request, keys } = clientRequest(pub, "/pa/activation", sh2, Buffer.from('{"a":1}'), nonce);
      const { plaintext, context } = eciesDecryptRequest(server.privateKey, ECIES_SHARED_INFO_1.ACTIVATION_LAYER_2, sh2, request);
      expect(plaintext.toString()).toBe('{"a":1}');
      expect(context.version).toBe(version);
      expect(context.iv.equals(nonce ? context.iv : Buffer.alloc(16))).toBe(true);
      const response = eciesEncryptResponse(context, Buffer.from("{}"));
      const c = createCipheriv("aes-128-cbc", keys.subarray(0, 16), context.iv);
      expect(response.encryptedData.equals(Buffer.concat([c.update("{}"), c.final()]))).toBe(true);
      const d = getEciesDecryptor(server.privateKey, Buffer.from(request.ephemeralPublicKey), "/pa/activation", sh2, version);
      expect(d.secretKey.equals(keys.subarray(0, nonce ? 48 : 32))).toBe(true);
    });
  }

  it("checks the MAC before decrypting and reports INVALID_MAC", () => {
    const { request } = clientRequest(pub, "/pa/token/create", sh2, Buffer.from("{}"), null);
    const tampered = { ...request, encryptedData: Buffer.from(request.encryptedData).fill(0) };
    expect(() => eciesDecryptRequest(server.privateKey, "/pa/token/create", sh2, tampered)).toThrow(
      expect.objectContaining({ kind: "INVALID_MAC" }),
    );
    // Wrong sharedInfo1 or sharedInfo2 also ends as a MAC failure.
    expect(() => eciesDecryptRequest(server.privateKey, "/pa/upgrade", sh2, request)).toThrow(CryptoError);
    expect(() => eciesDecryptRequest(server.privateKey, "/pa/token/create", Buffer.alloc(32), request)).toThrow(CryptoError);
  });

  it("rejects an invalid ephemeral key as INVALID_KEY", () => {
    const { request } = clientRequest(pub, "/pa/activation", sh2, Buffer.from("{}"), null);
    const bad = { ...request, ephemeralPublicKey: Buffer.from([0]) };
    expect(() => eciesDecryptRequest(server.privateKey, "/pa/activation", sh2, bad)).toThrow(expect.objectContaining({ kind: "INVALID_KEY" }));
  });
});
