import { CryptoError } from "../../crypto/errors.ts";
import { exportPrivateKeyForStorage, parsePrivateKey } from "../../crypto/ec-keys.ts";
import type { KeyObject } from "../../crypto/ec-keys.ts";
import type { Tx } from "../../persistence/tx.ts";
import type { ApplicationVersion, MasterKeypair } from "../../persistence/application.entity.ts";
import { findLatestMasterKeypair, findMasterKeypairById, findVersionByApplicationKey } from "../../persistence/application.repository.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { encryptionModeCode, openSecret, sealSecret } from "../secrets/sealed-secret.ts";
import { MASTER_PRIVATE_KEY } from "../secrets/secret-kinds.ts";

/**
 * The application version a client names by its application key, when it may still be used: known and
 * supported. Null otherwise; each caller answers that as the reference does at its place (ERR0007, ERR0015 or
 * an invalid signature).
 */
export async function findSupportedVersion(tx: Tx, applicationKey: string): Promise<ApplicationVersion | null> {
  const version = await findVersionByApplicationKey(tx, applicationKey);
  return version && version.supported ? version : null;
}

/**
 * The application's newest master key pair with its private key parsed: the reference always signs and
 * decrypts with the latest pair. No pair is ERR0003, an unparsable key ERR0004.
 */
export async function loadMasterKeyPair(tx: Tx, keys: MasterDbKeys, applicationId: number): Promise<{ keypair: MasterKeypair; privateKey: KeyObject }> {
  return openMasterKeyPair(keys, await findLatestMasterKeypair(tx, applicationId, { withPrivateKey: true }));
}

/**
 * The master key pair an activation was created with (the 2.x key exchange decrypts and signs with that pair,
 * not the newest); the newest pair when the record names none. Errors as {@link loadMasterKeyPair}.
 */
export async function loadMasterKeyPairOfActivation(
  tx: Tx,
  keys: MasterDbKeys,
  activation: { applicationId: number; masterKeypairId: number | null },
): Promise<{ keypair: MasterKeypair; privateKey: KeyObject }> {
  if (activation.masterKeypairId === null) return loadMasterKeyPair(tx, keys, activation.applicationId);
  return openMasterKeyPair(keys, await findMasterKeypairById(tx, activation.masterKeypairId, { withPrivateKey: true }));
}

/**
 * The stored columns of a new master private key: sealed with the current master DB key, bound to the
 * application and the pair's public key, or plain Base64 where plaintext secrets are allowed.
 */
export function sealMasterPrivateKey(
  keys: MasterDbKeys,
  owner: { applicationId: number; masterKeyPublicBase64: string },
  privateKey: KeyObject,
): { masterKeyPrivateBase64: string; masterKeyPrivateEncryption: number; masterKeyPrivateEncryptionKeyId: string | null } {
  const sealed = sealSecret(keys, MASTER_PRIVATE_KEY, owner, exportPrivateKeyForStorage(privateKey));
  return { masterKeyPrivateBase64: sealed.stored, masterKeyPrivateEncryption: encryptionModeCode(sealed), masterKeyPrivateEncryptionKeyId: sealed.keyId };
}

/** A sealed key whose master DB key is missing is ERR0020, one that does not decrypt ERR0022, one that does not parse ERR0004. */
function openMasterKeyPair(keys: MasterDbKeys, keypair: MasterKeypair | null): { keypair: MasterKeypair; privateKey: KeyObject } {
  if (!keypair) throw new ServiceError(ServiceErrors.NO_MASTER_SERVER_KEYPAIR);
  const raw = openSecret(keys, MASTER_PRIVATE_KEY, keypair, {
    stored: keypair.masterKeyPrivateBase64,
    mode: keypair.masterKeyPrivateEncryption,
    keyId: keypair.masterKeyPrivateEncryptionKeyId,
  });
  try {
    return { keypair, privateKey: parsePrivateKey(raw) };
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.INCORRECT_MASTER_SERVER_KEYPAIR_PRIVATE, { cause: error });
    throw error;
  }
}
