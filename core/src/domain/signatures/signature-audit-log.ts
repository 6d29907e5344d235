import { encodeBase64 } from "../../crypto/bytes.ts";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import { listSignatureAuditOfUser, recordSignatureAttempt } from "../../persistence/activation.repository.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { activationStatusName } from "../activations/activation-status.ts";
import type { ActivationStatusName } from "../activations/activation-status.ts";

/** One entry of the reference's KeyValueMap (audit `additionalInfo`). */
export interface KeyValue {
  key: string;
  value: string;
}

/** Keys the service itself puts into `additionalInfo` (the reference's AdditionalInformation constants). */
export const AdditionalInfoKey = {
  BLOCKED_REASON: "BLOCKED_REASON",
  VAULT_UNLOCKED_REASON: "VAULT_UNLOCKED_REASON",
  BIOMETRY_ALLOWED: "BIOMETRY_ALLOWED",
} as const;

/** Why a verification attempt ended as it did; the reference's audit notes, verbatim. */
export type AuditNote =
  | "signature_ok"
  | "signature_does_not_match"
  | "activation_invalid_application"
  | "activation_invalid_state"
  | "activation_invalid_state_ctr_mismatch";

/**
 * Stores one verification attempt (valid or not): the activation's counter, CTR_DATA, failed attempts and last
 * use, and the audit row with the counter, CTR_DATA and status as they are after the attempt, so an operator
 * can reconstruct what happened to an activation and why it got blocked. One statement, on the caller's
 * transaction (which holds the activation's row lock). A status change is not stored here but by the
 * status-change hook.
 */
export function recordSignatureAttemptWithAudit(
  tx: Tx,
  after: ActivationRecord,
  entry: {
    data: Uint8Array;
    signature: string;
    signatureType: string;
    valid: boolean;
    note: AuditNote;
    additionalInfo: readonly KeyValue[];
    version: number | null;
    signatureVersion: string | null;
    now: Date;
  },
): Promise<void> {
  return recordSignatureAttempt(tx, {
    activationId: after.activationId,
    counter: after.counter,
    ctrData: after.ctrData,
    failedAttempts: after.failedAttempts,
    timestamp: entry.now,
    activationStatus: after.activationStatus,
    additionalInfo: JSON.stringify({ entry: entry.additionalInfo }),
    dataBase64: encodeBase64(entry.data),
    signatureType: entry.signatureType,
    // The column is bounded; a caller cannot make the audit row fail by sending a huge signature.
    signature: entry.signature.slice(0, 255),
    valid: entry.valid,
    note: entry.note,
    version: entry.version,
    signatureVersion: entry.signatureVersion,
  });
}

/** One audit row as SignatureAudit reports it. */
export interface SignatureAuditItem {
  id: number;
  userId: string;
  applicationId: number;
  activationId: string;
  activationCounter: number;
  activationCtrData: string | null;
  activationStatus: ActivationStatusName;
  additionalInfo: KeyValue[];
  dataBase64: string | null;
  signatureType: string;
  signature: string;
  note: string;
  valid: boolean;
  version: number;
  timestampCreated: Date;
  signatureVersion: string | null;
}

/**
 * The verification attempts on a user's activations within [from, to], newest first, optionally of one
 * application (SignatureAudit): evidence of what was signed, when and with which result.
 */
export async function getSignatureAudit(
  db: Db,
  query: { userId: string; applicationId?: number; from: Date; to: Date },
): Promise<SignatureAuditItem[]> {
  return db.read(async (tx) =>
    (await listSignatureAuditOfUser(tx, query)).map((audit) => ({
      id: audit.id,
      userId: audit.userId,
      applicationId: audit.applicationId,
      activationId: audit.activationId,
      activationCounter: audit.activationCounter,
      activationCtrData: audit.activationCtrData ?? null,
      activationStatus: activationStatusName(audit.activationStatus),
      additionalInfo: parseAdditionalInfo(audit.additionalInfo ?? null),
      dataBase64: audit.dataBase64 ?? null,
      signatureType: audit.signatureType,
      signature: audit.signature,
      note: audit.note,
      valid: audit.valid,
      version: audit.version ?? 0,
      timestampCreated: audit.timestampCreated,
      signatureVersion: audit.signatureVersion ?? null,
    })),
  );
}

function parseAdditionalInfo(stored: string | null): KeyValue[] {
  if (!stored) return [];
  const parsed = JSON.parse(stored) as { entry?: KeyValue[] };
  return parsed.entry ?? [];
}
