import { decodeBase64, encodeBase64, randomBytes } from "../../crypto/bytes.ts";
import { signActivationCode } from "../../crypto/activation-code.ts";
import { devicePublicKeyFingerprintV2, devicePublicKeyFingerprintV3 } from "../../crypto/fingerprint.ts";
import { encryptStatusBlob } from "../../crypto/status-blob.ts";
import type { Db } from "../../persistence/db.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { findActivation } from "../../persistence/activation.repository.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import { ActivationStatus, activationStatusName } from "./activation-status.ts";
import type { ActivationStatusName } from "./activation-status.ts";
import type { ActivationKeyCache, ActivationKeyMaterial } from "./activation-keys.ts";
import { expireIfPending, isExpired } from "./activation-expiry.ts";
import { loadMasterKeyPair } from "./application-keys.ts";

/** Highest activation version this server can upgrade to (the status blob's "upgrade version"). */
const UPGRADE_VERSION = 3;

/** GetActivationStatus as the domain answers it. */
export interface ActivationStatusReport {
  activationId: string;
  activationStatus: ActivationStatusName;
  blockedReason: string | null;
  activationName: string | null;
  userId: string;
  extras: string | null;
  applicationId: number;
  timestampCreated: Date;
  timestampLastUsed: Date;
  timestampLastChange: Date | null;
  /** 32 bytes: the encrypted status blob, or random bytes when there is nothing the device could decrypt. */
  encryptedStatusBlob: Buffer;
  /** Only when the caller sent a challenge (protocol 3.1). */
  encryptedStatusBlobNonce: Buffer | null;
  activationCode: string | null;
  activationSignature: string | null;
  devicePublicKeyFingerprint: string | null;
  /** Activation version; 0 while unknown. */
  version: number;
}

/**
 * The state of an activation for the intermediate and, through the encrypted status blob, for the device
 * (GetActivationStatus). With a 16-byte challenge the blob uses the 3.1 layout and IV (counter byte,
 * lookahead, CTR_DATA hash for resynchronisation) and a fresh nonce is returned; without one it is the
 * 3.0-compatible blob under a zero IV. A CREATED activation gets its code and a fresh code signature and a
 * random blob (no keys exist yet); an unknown activation is reported as REMOVED with a random blob rather
 * than as an error, so the answer does not reveal which IDs exist.
 */
export async function getActivationStatus(
  db: Db,
  settings: ServiceSettings,
  activationKeys: ActivationKeyCache,
  input: { activationId: string; challenge?: Buffer },
): Promise<ActivationStatusReport> {
  // A status poll only reads: one statement, no transaction, unless the activation's time is up and it must be
  // expired (which takes the row lock and re-checks under it).
  const now = new Date();
  const found = await db.read((tx) => findActivation(tx, input.activationId));
  if (!found) return unknownActivationReport(input.activationId, input.challenge);
  const activation = isExpired(found, now) ? await db.transaction((tx) => expireIfPending(tx, found, now)) : found;
  const randomBlob = {
    encryptedStatusBlob: randomBytes(32),
    encryptedStatusBlobNonce: input.challenge ? randomBytes(16) : null,
  };
  if (activation.activationStatus === ActivationStatus.CREATED) {
    const master = await db.read((tx) => loadMasterKeyPair(tx, settings, activation.applicationId));
    const activationCode = activation.activationCode ?? "";
    return {
      ...baseReport(activation),
      ...randomBlob,
      activationCode,
      activationSignature: encodeBase64(signActivationCode(master.privateKey, activationCode)),
    };
  }
  if (!activation.devicePublicKeyBase64) return { ...baseReport(activation), ...randomBlob };
  const material = activationKeys.materialFor(activation);
  const blob = encryptStatusBlob(
    material.keys.transport,
    {
      activationStatus: activation.activationStatus,
      currentVersion: activation.version ?? 0,
      upgradeVersion: UPGRADE_VERSION,
      failedAttempts: activation.failedAttempts,
      maxFailedAttempts: activation.maxFailedAttempts,
      counter: activation.counter,
      ctrLookAhead: settings.signatureValidationLookahead,
      ctrData: activation.ctrData ? decodeBase64(activation.ctrData, "counter data") : null,
    },
    input.challenge,
  );
  return {
    ...baseReport(activation),
    encryptedStatusBlob: blob.encryptedStatusBlob,
    encryptedStatusBlobNonce: blob.nonce,
    devicePublicKeyFingerprint: fingerprint(activation, material),
  };
}

function fingerprint(activation: ActivationRecord, material: ActivationKeyMaterial): string {
  switch (activation.version) {
    case 2:
      return devicePublicKeyFingerprintV2(material.devicePublicKey);
    case 3:
      return devicePublicKeyFingerprintV3(material.devicePublicKey, activation.activationId, material.serverPublicKey);
    default:
      throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
  }
}

function baseReport(activation: ActivationRecord): Omit<ActivationStatusReport, "encryptedStatusBlob" | "encryptedStatusBlobNonce"> {
  return {
    activationId: activation.activationId,
    activationStatus: activationStatusName(activation.activationStatus),
    blockedReason: activation.blockedReason ?? null,
    activationName: activation.activationName ?? null,
    userId: activation.userId,
    extras: activation.extras ?? null,
    applicationId: activation.applicationId,
    timestampCreated: activation.timestampCreated,
    timestampLastUsed: activation.timestampLastUsed,
    timestampLastChange: activation.timestampLastChange ?? null,
    activationCode: null,
    activationSignature: null,
    devicePublicKeyFingerprint: null,
    version: activation.version ?? 0,
  };
}

function unknownActivationReport(activationId: string, challenge: Buffer | undefined): ActivationStatusReport {
  const epoch = new Date(0);
  return {
    activationId,
    activationStatus: "REMOVED",
    blockedReason: null,
    activationName: "unknown",
    userId: "unknown",
    extras: null,
    applicationId: 0,
    timestampCreated: epoch,
    timestampLastUsed: epoch,
    timestampLastChange: null,
    encryptedStatusBlob: randomBytes(32),
    encryptedStatusBlobNonce: challenge ? randomBytes(16) : null,
    activationCode: null,
    activationSignature: null,
    devicePublicKeyFingerprint: null,
    version: 0,
  };
}
