import type { Tx } from "./db.ts";
import { LOCK_ACTIVATION_FOR_SIGNATURE, RECORD_SIGNATURE_ATTEMPT, recordSignatureAttemptParams } from "./signature-attempt.sql.ts";
import type { SignatureAttemptRecord } from "./signature-attempt.sql.ts";
import { executeStatement } from "./sql-statement.ts";

export type { SignatureAttemptRecord };

/**
 * The activation as a signature check reads it under its row lock: plain values, not a managed entity (an
 * `Activation` entity has the same fields, so callers holding one may pass it instead).
 */
export interface SignatureActivation {
  activationId: string;
  applicationId: number;
  userId: string;
  activationStatus: number;
  blockedReason?: string | null;
  counter: number;
  ctrData?: string | null;
  failedAttempts: number;
  maxFailedAttempts: number;
  version?: number | null;
  serverPrivateKeyBase64: string;
  serverPrivateKeyEncryption: number;
  serverPublicKeyBase64: string;
  devicePublicKeyBase64?: string | null;
}

/** The application version a request's application key names. */
export interface SignatureApplicationVersion {
  applicationId: number;
  applicationSecret: string;
  supported: boolean;
}

interface LockedRow {
  activation_id: string;
  application_id: number | string;
  user_id: string;
  activation_status: number;
  blocked_reason: string | null;
  counter: number | string;
  ctr_data: string | null;
  failed_attempts: number | string;
  max_failed_attempts: number | string;
  version: number | null;
  server_private_key_base64: string;
  server_private_key_encryption: number;
  server_public_key_base64: string;
  device_public_key_base64: string | null;
  version_application_id: number | string | null;
  version_application_secret: string | null;
  version_supported: boolean | null;
}

/**
 * Locks the activation for a signature check (`SELECT … FOR UPDATE`, held until the transaction ends) and
 * reads the application version of `applicationKey` in the same round trip. Null when there is no such
 * activation; `version` null when the key names no version (or none was given).
 */
export async function lockActivationForSignature(
  tx: Tx,
  activationId: string,
  applicationKey: string | null,
): Promise<{ activation: SignatureActivation; version: SignatureApplicationVersion | null } | null> {
  const [row] = await executeStatement<LockedRow>(tx, LOCK_ACTIVATION_FOR_SIGNATURE, [activationId, applicationKey]);
  if (!row) return null;
  return {
    activation: {
      activationId: row.activation_id,
      applicationId: Number(row.application_id),
      userId: row.user_id,
      activationStatus: row.activation_status,
      blockedReason: row.blocked_reason,
      counter: Number(row.counter),
      ctrData: row.ctr_data,
      failedAttempts: Number(row.failed_attempts),
      maxFailedAttempts: Number(row.max_failed_attempts),
      version: row.version,
      serverPrivateKeyBase64: row.server_private_key_base64,
      serverPrivateKeyEncryption: row.server_private_key_encryption,
      serverPublicKeyBase64: row.server_public_key_base64,
      devicePublicKeyBase64: row.device_public_key_base64,
    },
    version:
      row.version_application_id === null
        ? null
        : {
            applicationId: Number(row.version_application_id),
            applicationSecret: row.version_application_secret ?? "",
            supported: row.version_supported === true,
          },
  };
}

/** Writes one attempt (counter bookkeeping of the locked activation + its audit row) in one statement. */
export async function recordSignatureAttempt(tx: Tx, record: SignatureAttemptRecord): Promise<void> {
  await executeStatement(tx, RECORD_SIGNATURE_ATTEMPT, recordSignatureAttemptParams(record));
}
