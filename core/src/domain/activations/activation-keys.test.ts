import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveActivationKeysFromKeyPair } from "../../crypto/activation-keys.ts";
import { encodeBase64 } from "../../crypto/bytes.ts";
import { encodePublicKey, generateKeyPair } from "../../crypto/ec-keys.ts";
import { ServiceError } from "../errors.ts";
import { ActivationKeyCache, sealServerPrivateKey } from "./activation-keys.ts";
import type { StoredActivationKeys } from "./activation-keys.ts";

function storedActivation(settings: { masterDbEncryptionKey?: Buffer }, userId = "u"): StoredActivationKeys {
  const server = generateKeyPair();
  const activationId = randomUUID();
  return {
    activationId,
    userId,
    ...sealServerPrivateKey(settings, server.privateKey, { userId, activationId }),
    serverPublicKeyBase64: encodeBase64(encodePublicKey(server.publicKey)),
    devicePublicKeyBase64: encodeBase64(encodePublicKey(generateKeyPair().publicKey)),
  };
}

const errorCode = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
  return "none";
};

describe("ActivationKeyCache", () => {
  it("derives the keys once per activation and serves them again while the stored keys are unchanged", () => {
    const settings = {};
    const cache = new ActivationKeyCache(settings);
    const row = storedActivation(settings);
    const first = cache.materialFor(row);
    expect(cache.materialFor({ ...row })).toBe(first);
    expect(cache.size).toBe(1);
    expect(first.keys).toEqual(deriveActivationKeysFromKeyPair(first.serverPrivateKey, first.devicePublicKey));
  });

  it("never serves keys derived from a row that has changed since", () => {
    const settings = {};
    const cache = new ActivationKeyCache(settings);
    const row = storedActivation(settings);
    const before = cache.materialFor(row);
    const newDevice = { ...row, devicePublicKeyBase64: encodeBase64(encodePublicKey(generateKeyPair().publicKey)) };
    const afterDeviceChange = cache.materialFor(newDevice);
    expect(afterDeviceChange.keys.signatureKnowledge).not.toEqual(before.keys.signatureKnowledge);
    const newServerKey = { ...storedActivation(settings), activationId: row.activationId, devicePublicKeyBase64: row.devicePublicKeyBase64 };
    expect(cache.materialFor(newServerKey).keys.signatureKnowledge).not.toEqual(before.keys.signatureKnowledge);
    // A stored value that no longer parses fails, even though keys for the activation were derived before.
    expect(errorCode(() => cache.materialFor({ ...row, devicePublicKeyBase64: encodeBase64(randomBytes(65)) }))).toBe("ERR0010");
  });

  it("keeps the keys of one master DB key to itself: a core without the key cannot open an encrypted row", () => {
    const encrypted = { masterDbEncryptionKey: randomBytes(16) };
    const cache = new ActivationKeyCache(encrypted);
    const row = storedActivation(encrypted);
    expect(cache.materialFor(row).serverPrivateKey.asymmetricKeyType).toBe("ec");
    expect(errorCode(() => new ActivationKeyCache({}).materialFor(row))).toBe("ERR0020");
    // Another key: the row names the key that sealed it, which is not configured there.
    expect(errorCode(() => new ActivationKeyCache({ masterDbEncryptionKey: randomBytes(16) }).materialFor(row))).toBe("ERR0020");
    // A row sealed before key ids existed is tried with every configured key; none opens it.
    const withoutKeyId = { ...row, serverPrivateKeyEncryptionKeyId: null };
    expect(errorCode(() => new ActivationKeyCache({ masterDbEncryptionKey: randomBytes(16) }).materialFor(withoutKeyId))).toBe("ERR0022");
    expect(cache.materialFor(withoutKeyId).serverPrivateKey.asymmetricKeyType).toBe("ec");
    // The ciphertext is bound to its owner: moved to another user it does not open, cached or not.
    expect(errorCode(() => cache.materialFor({ ...row, userId: "someone-else" }))).toBe("ERR0022");
  });

  it("refuses an activation without a device key (before its key exchange) with ERR0008", () => {
    const settings = {};
    expect(errorCode(() => new ActivationKeyCache(settings).materialFor({ ...storedActivation(settings), devicePublicKeyBase64: null }))).toBe("ERR0008");
  });

  it("holds at most its capacity, evicting the least recently used activation", () => {
    const settings = {};
    const cache = new ActivationKeyCache(settings, 2);
    const [a, b, c] = [storedActivation(settings), storedActivation(settings), storedActivation(settings)];
    const materialOfA = cache.materialFor(a);
    cache.materialFor(b);
    expect(cache.materialFor(a)).toBe(materialOfA);
    cache.materialFor(c);
    expect(cache.size).toBe(2);
    // a was used after b, so b went out and a is still served from the cache.
    expect(cache.materialFor(a)).toBe(materialOfA);
    expect(cache.size).toBe(2);
  });

  it("replaces, not adds, the entry of a changed row, and keeps nothing with capacity 0", () => {
    const settings = {};
    const cache = new ActivationKeyCache(settings, 5);
    const row = storedActivation(settings);
    cache.materialFor(row);
    cache.materialFor({ ...row, devicePublicKeyBase64: encodeBase64(encodePublicKey(generateKeyPair().publicKey)) });
    expect(cache.size).toBe(1);
    const uncached = new ActivationKeyCache(settings, 0);
    expect(uncached.materialFor(row)).not.toBe(uncached.materialFor(row));
    expect(uncached.size).toBe(0);
  });
});
