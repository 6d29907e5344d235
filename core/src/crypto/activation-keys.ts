import type { KeyObject } from "node:crypto";
import { ecdhSharedSecret } from "./ecdh.ts";
import { deriveSecretKey, fold } from "./kdf.ts";

/** KDF indexes of the keys derived from KEY_MASTER_SECRET (and from KEY_TRANSPORT). */
export const KEY_INDEX = {
  SIGNATURE_POSSESSION: 1,
  SIGNATURE_KNOWLEDGE: 2,
  SIGNATURE_BIOMETRY: 3,
  TRANSPORT: 1000,
  ENCRYPTION_VAULT: 2000,
  TRANSPORT_IV: 3000,
  TRANSPORT_CTR: 4000,
} as const;

/** The symmetric keys of one activation. */
export interface ActivationKeys {
  readonly signaturePossession: Buffer;
  readonly signatureKnowledge: Buffer;
  readonly signatureBiometry: Buffer;
  readonly transport: Buffer;
  readonly vaultEncryption: Buffer;
}

/**
 * KEY_MASTER_SECRET = fold(ECDH(serverPrivate, devicePublic)); the device gets
 * the same value from its private key and the server public key.
 */
export function deriveMasterSecretKey(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  return fold(ecdhSharedSecret(privateKey, publicKey));
}

/** All activation keys from KEY_MASTER_SECRET (index KDF 1, 2, 3, 1000, 2000). */
export function deriveActivationKeys(masterSecretKey: Uint8Array): ActivationKeys {
  return {
    signaturePossession: deriveSecretKey(masterSecretKey, KEY_INDEX.SIGNATURE_POSSESSION),
    signatureKnowledge: deriveSecretKey(masterSecretKey, KEY_INDEX.SIGNATURE_KNOWLEDGE),
    signatureBiometry: deriveSecretKey(masterSecretKey, KEY_INDEX.SIGNATURE_BIOMETRY),
    transport: deriveSecretKey(masterSecretKey, KEY_INDEX.TRANSPORT),
    vaultEncryption: deriveSecretKey(masterSecretKey, KEY_INDEX.ENCRYPTION_VAULT),
  };
}

/** Server side shortcut: ECDH + fold + all derived keys. */
export function deriveActivationKeysFromKeyPair(serverPrivateKey: KeyObject, devicePublicKey: KeyObject): ActivationKeys {
  return deriveActivationKeys(deriveMasterSecretKey(serverPrivateKey, devicePublicKey));
}
