import { decodeBase64 } from "../../crypto/bytes.ts";
import { CryptoError } from "../../crypto/errors.ts";
import { parsePrivateKey } from "../../crypto/ec-keys.ts";
import type { KeyObject } from "../../crypto/ec-keys.ts";
import type { Tx } from "../../persistence/tx.ts";
import type { ApplicationVersion, MasterKeypair } from "../../persistence/application.entity.ts";
import { findLatestMasterKeypair, findMasterKeypairById, findVersionByApplicationKey } from "../../persistence/application.repository.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";

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
export async function loadMasterKeyPair(tx: Tx, applicationId: number): Promise<{ keypair: MasterKeypair; privateKey: KeyObject }> {
  return openMasterKeyPair(await findLatestMasterKeypair(tx, applicationId, { withPrivateKey: true }));
}

/**
 * The master key pair an activation was created with (the 2.x key exchange decrypts and signs with that pair,
 * not the newest); the newest pair when the record names none. Errors as {@link loadMasterKeyPair}.
 */
export async function loadMasterKeyPairOfActivation(
  tx: Tx,
  activation: { applicationId: number; masterKeypairId: number | null },
): Promise<{ keypair: MasterKeypair; privateKey: KeyObject }> {
  if (activation.masterKeypairId === null) return loadMasterKeyPair(tx, activation.applicationId);
  return openMasterKeyPair(await findMasterKeypairById(tx, activation.masterKeypairId, { withPrivateKey: true }));
}

function openMasterKeyPair(keypair: MasterKeypair | null): { keypair: MasterKeypair; privateKey: KeyObject } {
  if (!keypair) throw new ServiceError(ServiceErrors.NO_MASTER_SERVER_KEYPAIR);
  try {
    return { keypair, privateKey: parsePrivateKey(decodeBase64(keypair.masterKeyPrivateBase64, "master private key")) };
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.INCORRECT_MASTER_SERVER_KEYPAIR_PRIVATE, { cause: error });
    throw error;
  }
}
