import { onlineSignatureBaseData, signatureFormatForVersion } from "../../crypto/multi-factor-signature.ts";
import type { SignatureType } from "../../crypto/multi-factor-signature.ts";
import { utf8 } from "../../crypto/bytes.ts";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import { ActivationChangedError, findActivationForSignature, lockActivationForSignature } from "../../persistence/activation.repository.ts";
import type { ActivationRecord, SignatureApplicationVersion } from "../../persistence/activation.repository.ts";
import type { ActivationKeyCache } from "../activations/activation-keys.ts";
import type { ServiceSettings } from "../service-settings.ts";
import { UNKNOWN_ACTIVATION_VERDICT, recordInvalidApplicationAttempt, verifyLockedSignature } from "./signature-verification.ts";
import type { SignatureVerdict } from "./signature-verification.ts";
import type { KeyValue } from "./signature-audit-log.ts";

/** VerifySignature as the domain takes it. */
export interface OnlineSignatureRequest {
  activationId: string;
  applicationKey: string;
  /** REQUEST_DATA as normalized by the intermediate: `METHOD&B64(uriId)&nonce&B64(body)`. */
  data: string;
  signature: string;
  signatureType: SignatureType;
  /** The client's `pa_version`: "3.0" (or absent) → decimal signature, "3.1"+ → Base64. */
  signatureVersion?: string;
  forcedSignatureVersion?: number;
}

/**
 * Verifies an online PowerAuth signature (VerifySignature) so that concurrent requests of one device never lose a
 * counter step or a failure. Most verifications only move the counter and write their audit row: those read the
 * activation without a lock and store the attempt in one statement that applies only if the activation is still
 * as read — two round trips, no transaction held open over the cryptography. Anything else (a block, or a
 * concurrent change in between) is verified again in one transaction holding the activation's row lock.
 */
export async function verifyOnlineSignature(
  db: Db,
  settings: ServiceSettings,
  activationKeys: ActivationKeyCache,
  request: OnlineSignatureRequest,
): Promise<SignatureVerdict> {
  const withoutLock = await db
    .read(async (tx) => {
      const found = await findActivationForSignature(tx, request.activationId, request.applicationKey);
      if (!found) return UNKNOWN_ACTIVATION_VERDICT;
      return verifyOnlineSignatureOfLocked(tx, settings, activationKeys, found, request);
    })
    .catch((error: unknown) => {
      if (error instanceof ActivationChangedError) return undefined;
      throw error;
    });
  if (withoutLock) return withoutLock;
  return db.transaction(async (tx) => {
    const locked = await lockActivationForSignature(tx, request.activationId, request.applicationKey);
    if (!locked) return UNKNOWN_ACTIVATION_VERDICT;
    return verifyOnlineSignatureOfLocked(tx, settings, activationKeys, locked, request);
  });
}

/**
 * The online check on an activation the caller has locked together with the request's application version
 * (VaultUnlock verifies its signature exactly like this): an application key that is unknown, unsupported
 * or of another application → invalid (`activation_invalid_application`); otherwise the signature is
 * checked over `data&appSecret`.
 */
export async function verifyOnlineSignatureOfLocked(
  tx: Tx,
  settings: ServiceSettings,
  activationKeys: ActivationKeyCache,
  locked: { activation: ActivationRecord; version: SignatureApplicationVersion | null },
  request: OnlineSignatureRequest,
  additionalInfo: KeyValue[] = [],
): Promise<SignatureVerdict> {
  const now = new Date();
  const { activation, version } = locked;
  const check = {
    signature: request.signature,
    signatureTypes: [request.signatureType],
    format: signatureFormatForVersion(request.signatureVersion),
    forcedSignatureVersion: request.forcedSignatureVersion,
    signatureVersion: request.signatureVersion ?? null,
    additionalInfo,
  };
  if (!version || !version.supported || version.applicationId !== activation.applicationId) {
    return recordInvalidApplicationAttempt(tx, activation, { ...check, data: utf8(`${request.data}&${request.applicationKey}`) }, now);
  }
  return verifyLockedSignature(
    tx,
    settings,
    activationKeys,
    activation,
    { ...check, data: onlineSignatureBaseData(request.data, version.applicationSecret) },
    now,
  );
}
