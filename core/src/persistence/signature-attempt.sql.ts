import type { NamedStatement } from "./sql-statement.ts";

/**
 * The SQL of the signature verification hot path (VerifySignature, VerifyOfflineSignature, the vault's check),
 * kept as plain text with `$n` parameters in one module so that `test/bench/api.bench.ts` runs exactly these
 * statements through `pg` as the database's ceiling. No runtime imports: the bench loads this file on its own.
 *
 * A verification is one transaction of four round trips: `begin`, {@link LOCK_ACTIVATION_FOR_SIGNATURE},
 * {@link RECORD_SIGNATURE_ATTEMPT}, `commit`. On PostgreSQL both statements run as named prepared statements
 * (see `prepared-statements.ts`): parsed and planned once per connection, which halves the database's work.
 */

/**
 * Locks the activation row (`FOR UPDATE OF a`: concurrent attempts on one activation queue here, so no counter
 * step or failed attempt is lost) and reads, in the same round trip, the application version named by the
 * request's application key (null columns when there is none; `$2` may be null for offline signatures).
 *
 * `$1` activation_id, `$2` application_key.
 */
export const LOCK_ACTIVATION_FOR_SIGNATURE: NamedStatement = {
  name: "pa_lock_activation_for_signature",
  text: `select a.activation_id, a.application_id, a.user_id, a.activation_status, a.blocked_reason,
  a.counter, a.ctr_data, a.failed_attempts, a.max_failed_attempts, a.version,
  a.server_private_key_base64, a.server_private_key_encryption, a.server_public_key_base64, a.device_public_key_base64,
  v.application_id as version_application_id, v.application_secret as version_application_secret, v.supported as version_supported
from pa_activation a
left join pa_application_version v on v.application_key = $2
where a.activation_id = $1
for update of a`,
};

/**
 * Stores the outcome of one attempt and its audit row in one statement: the counter bookkeeping of the locked
 * activation (counter, CTR_DATA, failed attempts, last use) and the `pa_signature_audit` row, which carries the
 * counter, CTR_DATA and status as they are after the attempt. A status change (blocking) is not part of it: that
 * goes through the status-change hook, which also writes history and callbacks.
 *
 * `$1` activation_id, `$2` counter, `$3` ctr_data, `$4` failed_attempts, `$5` timestamp (last use and audit),
 * `$6` activation_status, `$7` additional_info, `$8` data_base64, `$9` signature_type, `$10` signature,
 * `$11` valid, `$12` note, `$13` version, `$14` signature_version.
 */
export const RECORD_SIGNATURE_ATTEMPT: NamedStatement = {
  name: "pa_record_signature_attempt",
  text: `with counter_step as (
  update pa_activation set counter = $2, ctr_data = $3, failed_attempts = $4, timestamp_last_used = $5
  where activation_id = $1
)
insert into pa_signature_audit (activation_id, activation_counter, activation_ctr_data, activation_status, additional_info,
  data_base64, signature_type, signature, valid, note, timestamp_created, version, signature_version)
values ($1, $2, $3, $6, $7, $8, $9, $10, $11, $12, $5, $13, $14)`,
};

/** Every statement of the hot path, to be prepared by name on PostgreSQL connections. */
export const SIGNATURE_STATEMENTS: readonly NamedStatement[] = [LOCK_ACTIVATION_FOR_SIGNATURE, RECORD_SIGNATURE_ATTEMPT];

/** What one verification attempt leaves behind: the activation's counter bookkeeping and its audit row. */
export interface SignatureAttemptRecord {
  activationId: string;
  counter: number;
  ctrData: string | null;
  failedAttempts: number;
  /** When the attempt happened: the activation's last use and the audit row's creation. */
  timestamp: Date;
  activationStatus: number;
  /** The reference's KeyValueMap as JSON. */
  additionalInfo: string;
  dataBase64: string;
  signatureType: string;
  signature: string;
  valid: boolean;
  note: string;
  version: number | null;
  signatureVersion: string | null;
}

/** The parameters of {@link RECORD_SIGNATURE_ATTEMPT}, in its order. */
export function recordSignatureAttemptParams(record: SignatureAttemptRecord): unknown[] {
  return [
    record.activationId,
    record.counter,
    record.ctrData,
    record.failedAttempts,
    record.timestamp.toISOString(),
    record.activationStatus,
    record.additionalInfo,
    record.dataBase64,
    record.signatureType,
    record.signature,
    record.valid,
    record.note,
    record.version,
    record.signatureVersion,
  ];
}
