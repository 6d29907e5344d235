import type { KeyObject } from "../../crypto/ec-keys.ts";
import { CryptoError } from "../../crypto/errors.ts";
import { nonPersonalizedEncryptionKeyV2, personalizedEncryptionKeyV2, resolveSessionIndexV2 } from "../../crypto/legacy-e2e.ts";
import type { Db } from "../../persistence/db.ts";
import { findActivation } from "../../persistence/activation.repository.ts";
import { ActivationStatus } from "../activations/activation-status.ts";
import type { ActivationKeyCache } from "../activations/activation-keys.ts";
import { findSupportedVersion, loadMasterKeyPair } from "../activations/application-keys.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";

// Protocol 2.x end-to-end encryption keys: the intermediate asks for a key and runs the legacy E2E scheme
// itself. Both answers change nothing, so they only read.

/** A derived 2.x E2E key and the 16-byte session index it was derived with. */
export interface LegacyEncryptionKey {
  encryptionKey: Buffer;
  encryptionKeyIndex: Buffer;
}

/**
 * The personalized E2E key of an activation (GetPersonalizedEncryptionKey), derived from its transport key
 * and the caller's session index (a fresh random one unless it sent exactly 16 bytes). Only an ACTIVE
 * activation has one; anything else is ERR0009, as in the reference.
 */
export async function getPersonalizedEncryptionKey(
  db: Db,
  activationKeys: ActivationKeyCache,
  input: { activationId: string; sessionIndex: Buffer | null },
): Promise<LegacyEncryptionKey & { activationId: string }> {
  return db.read(async (tx) => {
    const activation = await findActivation(tx, input.activationId);
    if (!activation || activation.activationStatus !== ActivationStatus.ACTIVE) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
    const { keys } = activationKeys.materialFor(activation);
    const index = resolveSessionIndexV2(input.sessionIndex);
    return { activationId: activation.activationId, encryptionKey: personalizedEncryptionKeyV2(keys.transport, index), encryptionKeyIndex: index };
  });
}

/**
 * The non-personalized E2E key of an application (GetNonPersonalizedEncryptionKey), for a device that is not
 * activated yet: ECDH of the newest master key with the app's ephemeral key, folded and derived with the
 * session index. An unknown or unsupported application key is ERR0015, an unusable ephemeral key ERR0010.
 */
export async function getNonPersonalizedEncryptionKey(
  db: Db,
  keys: MasterDbKeys,
  input: { applicationKey: string; sessionIndex: Buffer | null; ephemeralPublicKey: Buffer },
): Promise<LegacyEncryptionKey & { applicationId: number }> {
  return db.read(async (tx) => {
    const version = await findSupportedVersion(tx, input.applicationKey);
    if (!version) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    const master = await loadMasterKeyPair(tx, keys, version.applicationId);
    const index = resolveSessionIndexV2(input.sessionIndex);
    return {
      applicationId: version.applicationId,
      encryptionKey: deriveWithEphemeralKey(master.privateKey, input.ephemeralPublicKey, index),
      encryptionKeyIndex: index,
    };
  });
}

function deriveWithEphemeralKey(masterPrivateKey: KeyObject, ephemeralPublicKey: Buffer, index: Buffer): Buffer {
  try {
    return nonPersonalizedEncryptionKeyV2(masterPrivateKey, ephemeralPublicKey, index);
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.INVALID_KEY_FORMAT, { cause: error });
    throw error;
  }
}
