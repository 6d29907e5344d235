import { decodeBase64, encodeBase64 } from "../../crypto/bytes.ts";
import { CryptoError } from "../../crypto/errors.ts";
import { deriveActivationKeysFromKeyPair } from "../../crypto/activation-keys.ts";
import type { ActivationKeys } from "../../crypto/activation-keys.ts";
import { exportPrivateKeyForStorage, parsePrivateKey, parsePublicKey } from "../../crypto/ec-keys.ts";
import type { KeyObject } from "../../crypto/ec-keys.ts";
import { RECORD_ENCRYPTION_MODE, decryptRecord, encryptRecord } from "../../crypto/record-encryption.ts";
import type { Activation } from "../../persistence/activation.entity.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";

/**
 * The stored form of a new activation's server private key: encrypted with the master DB key bound to
 * `userId&activationId` when that key is configured (so a ciphertext cannot be moved to another row),
 * plain Base64 otherwise. The mode column says which, so records of both kinds can coexist.
 */
export function sealServerPrivateKey(
  settings: Pick<ServiceSettings, "masterDbEncryptionKey">,
  privateKey: KeyObject,
  owner: { userId: string; activationId: string },
): { serverPrivateKeyBase64: string; serverPrivateKeyEncryption: number } {
  const raw = exportPrivateKeyForStorage(privateKey);
  if (!settings.masterDbEncryptionKey) {
    return { serverPrivateKeyBase64: encodeBase64(raw), serverPrivateKeyEncryption: RECORD_ENCRYPTION_MODE.NO_ENCRYPTION };
  }
  return {
    serverPrivateKeyBase64: encryptRecord(settings.masterDbEncryptionKey, [owner.userId, owner.activationId], raw),
    serverPrivateKeyEncryption: RECORD_ENCRYPTION_MODE.AES_HMAC,
  };
}

/**
 * The activation's server private key, decrypted if it is stored encrypted. An encrypted record without a
 * configured key is ERR0020 (as the reference), an unknown mode ERR0021, a record that does not decrypt
 * ERR0022. The activation must have been loaded with its private key.
 */
export function openServerPrivateKey(settings: Pick<ServiceSettings, "masterDbEncryptionKey">, activation: Activation): KeyObject {
  const stored = activation.serverPrivateKeyBase64;
  try {
    switch (activation.serverPrivateKeyEncryption) {
      case RECORD_ENCRYPTION_MODE.NO_ENCRYPTION:
        return parsePrivateKey(decodeBase64(stored, "server private key"));
      case RECORD_ENCRYPTION_MODE.AES_HMAC:
        if (!settings.masterDbEncryptionKey) throw new ServiceError(ServiceErrors.MISSING_MASTER_DB_ENCRYPTION_KEY);
        return parsePrivateKey(decryptRecord(settings.masterDbEncryptionKey, [activation.userId, activation.activationId], stored));
      default:
        throw new ServiceError(ServiceErrors.UNSUPPORTED_ENCRYPTION_MODE);
    }
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.GENERIC_CRYPTOGRAPHY_ERROR, { cause: error });
    throw error;
  }
}

/** Everything derived from the activation's key pair: the raw keys and the symmetric activation keys. */
export interface ActivationKeyMaterial {
  serverPrivateKey: KeyObject;
  devicePublicKey: KeyObject;
  serverPublicKey: KeyObject;
  keys: ActivationKeys;
}

/**
 * Derives the activation's keys (KEY_MASTER_SECRET and its children) from the stored key pair. Only an
 * activation past its key exchange has a device public key; asking earlier is ERR0008.
 */
export function activationKeyMaterial(settings: Pick<ServiceSettings, "masterDbEncryptionKey">, activation: Activation): ActivationKeyMaterial {
  if (!activation.devicePublicKeyBase64) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
  const serverPrivateKey = openServerPrivateKey(settings, activation);
  try {
    const devicePublicKey = parsePublicKey(decodeBase64(activation.devicePublicKeyBase64, "device public key"));
    const serverPublicKey = parsePublicKey(decodeBase64(activation.serverPublicKeyBase64, "server public key"));
    return { serverPrivateKey, devicePublicKey, serverPublicKey, keys: deriveActivationKeysFromKeyPair(serverPrivateKey, devicePublicKey) };
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.INVALID_KEY_FORMAT, { cause: error });
    throw error;
  }
}
