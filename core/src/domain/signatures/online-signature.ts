import { onlineSignatureBaseData, signatureFormatForVersion } from "../../crypto/multi-factor-signature.ts";
import type { SignatureType } from "../../crypto/multi-factor-signature.ts";
import { utf8 } from "../../crypto/bytes.ts";
import type { Db, Tx } from "../../persistence/db.ts";
import { lockActivationForSignature } from "../../persistence/signature-attempt.repository.ts";
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
 * Verifies an online PowerAuth signature (VerifySignature) in one transaction holding the activation's row
 * lock, so concurrent requests of one device are serialised and never lose a counter step or a failure.
 */
export async function verifyOnlineSignature(db: Db, settings: ServiceSettings, request: OnlineSignatureRequest): Promise<SignatureVerdict> {
  return db.transaction((tx) => verifyOnlineSignatureInTransaction(tx, settings, request));
}

/**
 * The online check inside the caller's transaction (VaultUnlock verifies its signature exactly like this):
 * unknown activation → REMOVED; an application key that is unknown, unsupported or of another application →
 * invalid (`activation_invalid_application`); otherwise the signature is checked over `data&appSecret`.
 */
export async function verifyOnlineSignatureInTransaction(
  tx: Tx,
  settings: ServiceSettings,
  request: OnlineSignatureRequest,
  additionalInfo: KeyValue[] = [],
): Promise<SignatureVerdict> {
  const now = new Date();
  const locked = await lockActivationForSignature(tx, request.activationId, request.applicationKey);
  if (!locked) return UNKNOWN_ACTIVATION_VERDICT;
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
  return verifyLockedSignature(tx, settings, activation, { ...check, data: onlineSignatureBaseData(request.data, version.applicationSecret) }, now);
}
