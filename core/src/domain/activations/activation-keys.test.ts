import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveActivationKeysFromKeyPair } from "../../crypto/activation-keys.ts";
import { encodeBase64 } from "../../crypto/bytes.ts";
import { encodePublicKey, generateKeyPair } from "../../crypto/ec-keys.ts";
import { ServiceError } from "../errors.ts";
import { activationKeyMaterial, sealServerPrivateKey } from "./activation-keys.ts";
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

describe("activationKeyMaterial", () => {
  it("derives the keys once per activation and serves them again while the stored keys are unchanged", () => {
    const settings = {};
    const row = storedActivation(settings);
    const first = activationKeyMaterial(settings, row);
    expect(activationKeyMaterial(settings, { ...row })).toBe(first);
    expect(first.keys).toEqual(deriveActivationKeysFromKeyPair(first.serverPrivateKey, first.devicePublicKey));
  });

  it("never serves keys derived from a row that has changed since", () => {
    const settings = {};
    const row = storedActivation(settings);
    const before = activationKeyMaterial(settings, row);
    const newDevice = { ...row, devicePublicKeyBase64: encodeBase64(encodePublicKey(generateKeyPair().publicKey)) };
    const afterDeviceChange = activationKeyMaterial(settings, newDevice);
    expect(afterDeviceChange.keys.signatureKnowledge).not.toEqual(before.keys.signatureKnowledge);
    const newServerKey = { ...storedActivation(settings), activationId: row.activationId, devicePublicKeyBase64: row.devicePublicKeyBase64 };
    expect(activationKeyMaterial(settings, newServerKey).keys.signatureKnowledge).not.toEqual(before.keys.signatureKnowledge);
    // A stored value that no longer parses fails, even though keys for the activation were derived before.
    expect(errorCode(() => activationKeyMaterial(settings, { ...row, devicePublicKeyBase64: encodeBase64(randomBytes(65)) }))).toBe("ERR0010");
  });

  it("keeps the keys of one master DB key to itself: a core without the key cannot open an encrypted row", () => {
    const encrypted = { masterDbEncryptionKey: randomBytes(16) };
    const row = storedActivation(encrypted);
    expect(activationKeyMaterial(encrypted, row).serverPrivateKey.asymmetricKeyType).toBe("ec");
    expect(errorCode(() => activationKeyMaterial({}, row))).toBe("ERR0020");
    expect(errorCode(() => activationKeyMaterial({ masterDbEncryptionKey: randomBytes(16) }, row))).toBe("ERR0022");
    // The ciphertext is bound to its owner: moved to another user it does not open, cached or not.
    expect(errorCode(() => activationKeyMaterial(encrypted, { ...row, userId: "someone-else" }))).toBe("ERR0022");
  });

  it("refuses an activation without a device key (before its key exchange) with ERR0008", () => {
    const settings = {};
    expect(errorCode(() => activationKeyMaterial(settings, { ...storedActivation(settings), devicePublicKeyBase64: null }))).toBe("ERR0008");
  });
});
