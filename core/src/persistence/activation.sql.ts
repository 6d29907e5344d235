import type { NamedStatement } from "./sql-statement.ts";

/**
 * Every statement that reads or writes the activation aggregate (`pa_activation`, its history and its
 * signature audit rows), as plain text with `$n` parameters. `activation.repository.ts` is the only module
 * that runs them; `test/bench/api.bench.ts` runs the signature statements directly through `pg` as the
 * database's ceiling, so this file has no runtime imports. On PostgreSQL each statement runs as a named
 * prepared statement (`prepared-statements.ts`): parsed and planned once per connection.
 *
 * A signature verification that only moves the counter (the common case) is two round trips without an explicit
 * transaction: {@link FIND_ACTIVATION_FOR_SIGNATURE}, then {@link RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED}, which
 * writes only if nothing changed the activation in between. Any other outcome (a block, a concurrent change) is
 * one transaction under the row lock: `begin`, {@link LOCK_ACTIVATION_FOR_SIGNATURE}, the writes, `commit`.
 */

/** The columns of an activation as the repository maps them (`a` is `pa_activation`). */
const ACTIVATION_COLUMNS = `a.activation_id, a.application_id, a.user_id, a.activation_name, a.activation_code, a.activation_status,
  a.activation_otp_validation, a.blocked_reason, a.extras, a.platform, a.device_info, a.flags, a.counter, a.ctr_data,
  a.device_public_key_base64, a.failed_attempts, a.max_failed_attempts, a.server_private_key_base64,
  a.server_private_key_encryption, a.server_private_key_encryption_key_id, a.server_public_key_base64, a.master_keypair_id,
  a.timestamp_created, a.timestamp_activation_expire, a.timestamp_last_used, a.timestamp_last_change, a.version`;

/** `$1` activation_id. */
export const FIND_ACTIVATION: NamedStatement = {
  name: "pa_activation_find",
  text: `select ${ACTIVATION_COLUMNS} from pa_activation a where a.activation_id = $1`,
};

/**
 * Locks the activation row until the transaction ends: every mutation of an activation holds this lock, so
 * concurrent calls on one activation queue here and never lose a counter step or a failed attempt.
 * `$1` activation_id.
 */
export const LOCK_ACTIVATION: NamedStatement = {
  name: "pa_activation_lock",
  text: `select ${ACTIVATION_COLUMNS} from pa_activation a where a.activation_id = $1 for update`,
  locksRows: true,
};

/** The activation `$1` with the application version its request's application key `$2` names (null columns if none). */
const ACTIVATION_WITH_SIGNING_VERSION = `select ${ACTIVATION_COLUMNS},
  v.application_id as version_application_id, v.application_secret as version_application_secret, v.supported as version_supported
from pa_activation a
left join pa_application_version v on v.application_key = $2
where a.activation_id = $1`;

/**
 * {@link LOCK_ACTIVATION} that also reads, in the same round trip, the application version named by the
 * request's application key (null columns when there is none; `$2` may be null for offline signatures).
 * `$1` activation_id, `$2` application_key.
 */
export const LOCK_ACTIVATION_FOR_SIGNATURE: NamedStatement = {
  name: "pa_lock_activation_for_signature",
  text: `${ACTIVATION_WITH_SIGNING_VERSION}
for update of a`,
  locksRows: true,
};

/**
 * {@link LOCK_ACTIVATION_FOR_SIGNATURE} without the lock, outside a transaction: the first of the two round trips
 * of a verification that only moves the counter ({@link RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED} is the second).
 * `$1` activation_id, `$2` application_key.
 */
export const FIND_ACTIVATION_FOR_SIGNATURE: NamedStatement = {
  name: "pa_find_activation_for_signature",
  text: ACTIVATION_WITH_SIGNING_VERSION,
};

/**
 * {@link RECORD_SIGNATURE_ATTEMPT} for an activation read without its lock ({@link FIND_ACTIVATION_FOR_SIGNATURE}):
 * the counter step and the audit row are written only if the activation is still as it was read (counter,
 * CTR_DATA, failed attempts, status, protocol version, attempt limit), all in this one statement, whose update
 * holds the row lock while it checks. One row (`recorded`) when written; none when a concurrent change came
 * first, and the caller verifies again under the lock.
 *
 * `$1`–`$14` as {@link RECORD_SIGNATURE_ATTEMPT}, then the values as read: `$15` counter, `$16` ctr_data,
 * `$17` failed_attempts, `$18` activation_status, `$19` version, `$20` max_failed_attempts.
 */
export const RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED: NamedStatement = {
  name: "pa_record_signature_attempt_if_unchanged",
  text: `with counter_step as (
  update pa_activation set counter = $2, ctr_data = $3, failed_attempts = $4, timestamp_last_used = $5
  where activation_id = $1 and counter = $15 and ctr_data is not distinct from $16 and failed_attempts = $17
    and activation_status = $18 and version is not distinct from $19 and max_failed_attempts = $20
  returning activation_id
)
insert into pa_signature_audit (activation_id, activation_counter, activation_ctr_data, activation_status, additional_info,
  data_base64, signature_type, signature, valid, note, timestamp_created, version, signature_version)
select activation_id, $2, $3, $6, $7, $8, $9, $10, $11, $12, $5, $13, $14 from counter_step
returning 1 as recorded`,
};

/**
 * Stores the outcome of one signature attempt and its audit row in one statement: the counter bookkeeping of
 * the locked activation (counter, CTR_DATA, failed attempts, last use) and the `pa_signature_audit` row, which
 * carries the counter, CTR_DATA and status as they are after the attempt. A status change (blocking) is
 * saved before it by {@link SAVE_ACTIVATION}, together with its history row.
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

/**
 * Inserts a new activation. `$1` activation_id, `$2`–`$18` the changeable columns in the order of
 * {@link SAVE_ACTIVATION}, then the columns that never change: `$19` application_id, `$20` user_id,
 * `$21` activation_code, `$22` server_private_key_base64, `$23` server_private_key_encryption,
 * `$24` server_public_key_base64, `$25` master_keypair_id, `$26` timestamp_created,
 * `$27` server_private_key_encryption_key_id.
 */
export const INSERT_ACTIVATION: NamedStatement = {
  name: "pa_activation_insert",
  text: `insert into pa_activation (activation_id, activation_name, activation_status, activation_otp_validation, blocked_reason,
  extras, platform, device_info, flags, counter, ctr_data, device_public_key_base64, failed_attempts, max_failed_attempts,
  timestamp_activation_expire, timestamp_last_used, timestamp_last_change, version,
  application_id, user_id, activation_code, server_private_key_base64, server_private_key_encryption, server_public_key_base64,
  master_keypair_id, timestamp_created, server_private_key_encryption_key_id)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26,
  $27)`,
};

/**
 * Writes every column a domain rule may change on a locked activation (identity, keys and creation time never
 * change). `$1` activation_id, then the columns in the order of the `set` list.
 */
export const SAVE_ACTIVATION: NamedStatement = {
  name: "pa_activation_save",
  text: `update pa_activation set activation_name = $2, activation_status = $3, activation_otp_validation = $4, blocked_reason = $5,
  extras = $6, platform = $7, device_info = $8, flags = $9::jsonb, counter = $10, ctr_data = $11, device_public_key_base64 = $12,
  failed_attempts = $13, max_failed_attempts = $14, timestamp_activation_expire = $15, timestamp_last_used = $16,
  timestamp_last_change = $17, version = $18
where activation_id = $1`,
};

/** `$1` activation_id, `$2` activation_status, `$3` event_reason, `$4` external_user_id, `$5` timestamp_created. */
export const INSERT_ACTIVATION_HISTORY: NamedStatement = {
  name: "pa_activation_history_insert",
  text: `insert into pa_activation_history (activation_id, activation_status, event_reason, external_user_id, timestamp_created)
values ($1, $2, $3, $4, $5)`,
};

/** `$1` activation_id. */
export const ACTIVATION_ID_EXISTS: NamedStatement = {
  name: "pa_activation_id_exists",
  text: `select 1 as found from pa_activation where activation_id = $1`,
};

/**
 * Whether an activation of the application has a code starting with `$2` (served by the
 * `varchar_pattern_ops` index). `$1` application_id, `$2` the prefix followed by `%`.
 */
export const ACTIVATION_CODE_PREFIX_EXISTS: NamedStatement = {
  name: "pa_activation_code_prefix_exists",
  text: `select 1 as found from pa_activation where application_id = $1 and activation_code like $2 limit 1`,
};

/** `$1` application_id, `$2` activation_code, `$3` status (CREATED), `$4` now. */
export const FIND_CREATED_ACTIVATION_BY_CODE: NamedStatement = {
  name: "pa_activation_find_created_by_code",
  text: `select ${ACTIVATION_COLUMNS} from pa_activation a
where a.application_id = $1 and a.activation_code = $2 and a.activation_status = $3 and a.timestamp_activation_expire > $4
limit 1`,
};

/**
 * The CREATED, unexpired activation whose code starts with `$2` (the v2 short activation ID, its first 11
 * characters; served by the `varchar_pattern_ops` index). `$1` application_id, `$2` the escaped prefix
 * followed by `%`, `$3` status (CREATED), `$4` now.
 */
export const FIND_CREATED_ACTIVATION_BY_CODE_PREFIX: NamedStatement = {
  name: "pa_activation_find_created_by_code_prefix",
  text: `select ${ACTIVATION_COLUMNS} from pa_activation a
where a.application_id = $1 and a.activation_code like $2 and a.activation_status = $3 and a.timestamp_activation_expire > $4
order by a.timestamp_created desc
limit 1`,
};

/** A user's activations, newest first. `$1` user_id, `$2` application_id or null for all. */
export const LIST_ACTIVATIONS_OF_USER: NamedStatement = {
  name: "pa_activation_list_of_user",
  text: `select ${ACTIVATION_COLUMNS} from pa_activation a
where a.user_id = $1 and ($2::bigint is null or a.application_id = $2)
order by a.timestamp_created desc, a.activation_id asc`,
};

/**
 * When the longest-overdue activation still pending (CREATED = 1, OTP_USED = 2) expired (before `$1`), for the
 * expiry-lag metric; null when none. The first entry of the partial index `pa_activation_pending_expiry`, whose
 * predicate the condition repeats word for word so that the planner can use it.
 */
export const OLDEST_ABANDONED_ACTIVATION: NamedStatement = {
  name: "pa_activation_oldest_abandoned",
  text: `select min(timestamp_activation_expire) as expired_at from pa_activation
where activation_status in (1, 2) and timestamp_activation_expire < $1`,
};

/** Status history within [`$2`, `$3`], newest first. `$1` activation_id. */
export const LIST_ACTIVATION_HISTORY: NamedStatement = {
  name: "pa_activation_history_list",
  text: `select id, activation_id, activation_status, event_reason, external_user_id, timestamp_created from pa_activation_history
where activation_id = $1 and timestamp_created >= $2 and timestamp_created <= $3
order by timestamp_created desc, id desc`,
};

/**
 * Audit rows of a user's activations (of one application when `$2` is not null) within [`$3`, `$4`], newest
 * first, with the activation's application.
 */
export const LIST_SIGNATURE_AUDIT_OF_USER: NamedStatement = {
  name: "pa_signature_audit_list_of_user",
  text: `select s.id, s.activation_id, s.activation_counter, s.activation_ctr_data, s.activation_status, s.additional_info,
  s.data_base64, s.signature_type, s.signature, s.valid, s.note, s.timestamp_created, s.version, s.signature_version,
  a.user_id, a.application_id
from pa_signature_audit s join pa_activation a on a.activation_id = s.activation_id
where a.user_id = $1 and ($2::bigint is null or a.application_id = $2) and s.timestamp_created >= $3 and s.timestamp_created <= $4
order by s.timestamp_created desc, s.id desc`,
};

/**
 * Marks a use of the activation that is not a signature (token validation): only `timestamp_last_used`, which
 * telemetry counts. `$1` activation_id, `$2` timestamp.
 */
export const TOUCH_ACTIVATION: NamedStatement = {
  name: "pa_activation_touch",
  text: `update pa_activation set timestamp_last_used = $2 where activation_id = $1`,
};

/**
 * Distinct users of an application with an activation (in any status) used within [`$2`, `$3`]; a range scan
 * of the `pa_activation_last_used` index, which carries user_id too. `$1` application_id.
 */
export const COUNT_ACTIVE_USERS: NamedStatement = {
  name: "pa_activation_count_active_users",
  text: `select count(distinct user_id) as users from pa_activation
where application_id = $1 and timestamp_last_used >= $2 and timestamp_last_used <= $3`,
};

/** Every statement of the activation aggregate, prepared by name on PostgreSQL connections. */
export const ACTIVATION_STATEMENTS: readonly NamedStatement[] = [
  FIND_ACTIVATION,
  LOCK_ACTIVATION,
  LOCK_ACTIVATION_FOR_SIGNATURE,
  RECORD_SIGNATURE_ATTEMPT,
  FIND_ACTIVATION_FOR_SIGNATURE,
  RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED,
  INSERT_ACTIVATION,
  SAVE_ACTIVATION,
  INSERT_ACTIVATION_HISTORY,
  ACTIVATION_ID_EXISTS,
  ACTIVATION_CODE_PREFIX_EXISTS,
  FIND_CREATED_ACTIVATION_BY_CODE,
  FIND_CREATED_ACTIVATION_BY_CODE_PREFIX,
  LIST_ACTIVATIONS_OF_USER,
  OLDEST_ABANDONED_ACTIVATION,
  LIST_ACTIVATION_HISTORY,
  LIST_SIGNATURE_AUDIT_OF_USER,
  TOUCH_ACTIVATION,
  COUNT_ACTIVE_USERS,
];

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
