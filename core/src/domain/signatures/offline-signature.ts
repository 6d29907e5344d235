import { createOfflineSignaturePayload, OFFLINE_KEY_INDICATOR } from "../../crypto/offline-signature.ts";
import { offlineSignatureBaseData } from "../../crypto/multi-factor-signature.ts";
import type { SignatureType } from "../../crypto/multi-factor-signature.ts";
import type { Db } from "../../persistence/db.ts";
import { findActivation, lockActivation } from "../../persistence/activation.repository.ts";
import { openServerPrivateKey } from "../activations/activation-keys.ts";
import type { ActivationKeyCache } from "../activations/activation-keys.ts";
import { loadMasterKeyPair } from "../activations/application-keys.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { UNKNOWN_ACTIVATION_VERDICT, verifyLockedSignature } from "./signature-verification.ts";
import type { SignatureVerdict } from "./signature-verification.ts";

/** What the app displays and signs offline (e.g. from a QR code): the data, a nonce and the server's ECDSA. */
export interface OfflinePayload {
  offlineData: string;
  nonce: string;
}

/**
 * Offline payload signed with the activation's server private key (key indicator '1'), for data meant for
 * one device: the app verifies it with its server public key before showing it. No state check, as in the
 * reference; an unknown activation is ERR0009.
 */
export async function createPersonalizedOfflineSignaturePayload(
  db: Db,
  settings: ServiceSettings,
  input: { activationId: string; data: string },
): Promise<OfflinePayload> {
  return db.read(async (tx) => {
    const activation = await findActivation(tx, input.activationId);
    if (!activation) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
    return createOfflineSignaturePayload(openServerPrivateKey(settings, activation), input.data, OFFLINE_KEY_INDICATOR.PERSONALIZED_SERVER_KEY);
  });
}

/**
 * Offline payload signed with the application's master private key (key indicator '0'), for data any device
 * of the application may show. An application without a master key pair (or an unknown one) is ERR0003.
 */
export async function createNonPersonalizedOfflineSignaturePayload(
  db: Db,
  keys: MasterDbKeys,
  input: { applicationId: number; data: string },
): Promise<OfflinePayload> {
  return db.read(async (tx) => {
    const master = await loadMasterKeyPair(tx, keys, input.applicationId);
    return createOfflineSignaturePayload(master.privateKey, input.data, OFFLINE_KEY_INDICATOR.MASTER_SERVER_KEY);
  });
}

/**
 * Verifies a signature the user typed in from an offline device (VerifyOfflineSignature): decimal, over
 * `data&offline`, trying POSSESSION_KNOWLEDGE and, when allowed, POSSESSION_BIOMETRY at each counter step;
 * counted, blocked and audited like an online signature, under the activation's row lock.
 */
export async function verifyOfflineSignature(
  db: Db,
  settings: ServiceSettings,
  activationKeys: ActivationKeyCache,
  input: { activationId: string; data: string; signature: string; allowBiometry: boolean },
): Promise<SignatureVerdict> {
  return db.transaction(async (tx) => {
    const activation = await lockActivation(tx, input.activationId);
    if (!activation) return UNKNOWN_ACTIVATION_VERDICT;
    const signatureTypes: SignatureType[] = input.allowBiometry ? ["POSSESSION_KNOWLEDGE", "POSSESSION_BIOMETRY"] : ["POSSESSION_KNOWLEDGE"];
    return verifyLockedSignature(
      tx,
      settings,
      activationKeys,
      activation,
      {
        data: offlineSignatureBaseData(input.data),
        signature: input.signature,
        signatureTypes,
        format: "DECIMAL",
        signatureVersion: null,
        additionalInfo: [],
        biometryAllowed: input.allowBiometry,
      },
      new Date(),
    );
  });
}
