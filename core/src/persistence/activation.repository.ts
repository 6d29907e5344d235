import {
  ACTIVATION_CODE_PREFIX_EXISTS,
  ACTIVATION_ID_EXISTS,
  FIND_ACTIVATION,
  FIND_CREATED_ACTIVATION_BY_CODE,
  FIND_CREATED_ACTIVATION_BY_CODE_PREFIX,
  INSERT_ACTIVATION,
  INSERT_ACTIVATION_HISTORY,
  LIST_ACTIVATION_HISTORY,
  LIST_ACTIVATIONS_OF_USER,
  OLDEST_ABANDONED_ACTIVATION,
  LIST_SIGNATURE_AUDIT_OF_USER,
  LOCK_ACTIVATION,
  LOCK_ACTIVATION_FOR_SIGNATURE,
  RECORD_SIGNATURE_ATTEMPT,
  SAVE_ACTIVATION,
  TOUCH_ACTIVATION,
  COUNT_ACTIVE_USERS,
  recordSignatureAttemptParams,
  FIND_ACTIVATION_FOR_SIGNATURE,
  RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED,
} from "./activation.sql.ts";
import type { SignatureAttemptRecord } from "./activation.sql.ts";
import { executeStatement, toDate, timestampParam } from "./sql-statement.ts";
import type { BigintColumn, TimestampColumn } from "./sql-statement.ts";
import type { Tx } from "./tx.ts";

export type { SignatureAttemptRecord };

/**
 * One activation (`pa_activation`) as the domain sees it: a plain value, read and written only through this
 * module's hand-written statements (the `Activation` entity describes the table for the schema, nothing
 * else). A domain rule changes the fields of a locked record and hands it back to {@link saveActivation}.
 */
export interface ActivationRecord {
  activationId: string;
  applicationId: number;
  userId: string;
  activationName: string | null;
  activationCode: string | null;
  /** The reference's integer code (1 CREATED … 5 REMOVED), also the status blob's status byte. */
  activationStatus: number;
  activationOtpValidation: number;
  blockedReason: string | null;
  extras: string | null;
  platform: string | null;
  deviceInfo: string | null;
  flags: string[];
  counter: number;
  /** Base64 of the 16-byte hash-based counter (CTR_DATA) of a version 3 activation. */
  ctrData: string | null;
  devicePublicKeyBase64: string | null;
  failedAttempts: number;
  maxFailedAttempts: number;
  /** Base64 of the server private key, or of its AES_HMAC encryption (see `serverPrivateKeyEncryption`). */
  serverPrivateKeyBase64: string;
  serverPrivateKeyEncryption: number;
  /** Id of the master DB key that sealed the private key (null in the clear, or sealed before key ids). */
  serverPrivateKeyEncryptionKeyId: string | null;
  serverPublicKeyBase64: string;
  masterKeypairId: number | null;
  timestampCreated: Date;
  timestampActivationExpire: Date;
  timestampLastUsed: Date;
  timestampLastChange: Date | null;
  /** Protocol version of the activation: 2 or 3; null until the key exchange tells. */
  version: number | null;
}

/** The application version a signed request's application key names. */
export interface SignatureApplicationVersion {
  applicationId: number;
  applicationSecret: string;
  supported: boolean;
}

/** One status change of an activation (`pa_activation_history`). */
export interface ActivationHistoryRecord {
  id: number;
  activationId: string;
  activationStatus: number;
  eventReason: string | null;
  externalUserId: string | null;
  timestampCreated: Date;
}

/** One signature audit row with the user and application of its activation. */
export interface SignatureAuditRecord {
  id: number;
  activationId: string;
  userId: string;
  applicationId: number;
  activationCounter: number;
  activationCtrData: string | null;
  activationStatus: number;
  additionalInfo: string | null;
  dataBase64: string | null;
  signatureType: string;
  signature: string;
  valid: boolean;
  note: string;
  timestampCreated: Date;
  version: number | null;
  signatureVersion: string | null;
}

/** Plain read, for answers that change nothing. */
export async function findActivation(tx: Tx, activationId: string): Promise<ActivationRecord | null> {
  const [row] = await executeStatement<ActivationRow>(tx, FIND_ACTIVATION, [activationId]);
  return row ? toActivationRecord(row) : null;
}

/**
 * Loads the activation with `SELECT … FOR UPDATE`: every mutation of an activation holds this row lock until
 * its transaction ends, so concurrent signatures never lose a counter step or a failed attempt.
 */
export async function lockActivation(tx: Tx, activationId: string): Promise<ActivationRecord | null> {
  const [row] = await executeStatement<ActivationRow>(tx, LOCK_ACTIVATION, [activationId]);
  return row ? toActivationRecord(row) : null;
}

/**
 * Locks the activation for a signature check and reads the application version of `applicationKey` in the
 * same round trip. Null when there is no such activation; `version` null when the key names no version.
 */
export async function lockActivationForSignature(
  tx: Tx,
  activationId: string,
  applicationKey: string | null,
): Promise<LockedForSignature | null> {
  const [row] = await executeStatement<ActivationRow & VersionColumns>(tx, LOCK_ACTIVATION_FOR_SIGNATURE, [activationId, applicationKey]);
  return row ? toLockedForSignature(row) : null;
}

/** An activation with the application version its signature names. */
export interface LockedForSignature {
  activation: ActivationRecord;
  version: SignatureApplicationVersion | null;
}

function toLockedForSignature(row: ActivationRow & VersionColumns): LockedForSignature {
  return {
    activation: toActivationRecord(row),
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

/**
 * Activations read for a signature without their lock ({@link findActivationForSignature}), per unit of work, as
 * they were read: what {@link recordSignatureAttempt} checks they still are.
 */
const readWithoutLock = new WeakMap<Tx, Map<string, ActivationRecord>>();

/**
 * A write to an activation read without its lock could not be made: something changed it since, or the write
 * needs the lock (a status change). The caller verifies again, under the lock.
 */
export class ActivationChangedError extends Error {
  constructor(activationId: string) {
    super(`activation ${activationId} needs its row lock for this change`);
    this.name = "ActivationChangedError";
  }
}

/**
 * {@link lockActivationForSignature} without the lock, for a unit of work outside a transaction: the signature
 * attempt it leads to is then recorded only if the activation is unchanged ({@link recordSignatureAttempt}), and
 * any other write to it throws {@link ActivationChangedError}.
 */
export async function findActivationForSignature(tx: Tx, activationId: string, applicationKey: string | null): Promise<LockedForSignature | null> {
  const [row] = await executeStatement<ActivationRow & VersionColumns>(tx, FIND_ACTIVATION_FOR_SIGNATURE, [activationId, applicationKey]);
  if (!row) return null;
  const found = toLockedForSignature(row);
  let seen = readWithoutLock.get(tx);
  if (!seen) readWithoutLock.set(tx, (seen = new Map()));
  seen.set(activationId, { ...found.activation });
  return found;
}

/**
 * Writes one signature attempt (counter bookkeeping + its audit row) in one statement: on the locked activation,
 * or, for one read by {@link findActivationForSignature}, only if it is still as read (else
 * {@link ActivationChangedError}).
 */
export async function recordSignatureAttempt(tx: Tx, record: SignatureAttemptRecord): Promise<void> {
  const asRead = readWithoutLock.get(tx)?.get(record.activationId);
  if (!asRead) {
    await executeStatement(tx, RECORD_SIGNATURE_ATTEMPT, recordSignatureAttemptParams(record));
    return;
  }
  const recorded = await executeStatement(tx, RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED, [
    ...recordSignatureAttemptParams(record),
    asRead.counter,
    asRead.ctrData,
    asRead.failedAttempts,
    asRead.activationStatus,
    asRead.version,
    asRead.maxFailedAttempts,
  ]);
  if (recorded.length === 0) throw new ActivationChangedError(record.activationId);
}

/** Refuses a write that needs the row lock to an activation this unit of work read without it. */
function requireLock(tx: Tx, activationId: string): void {
  if (readWithoutLock.get(tx)?.has(activationId)) throw new ActivationChangedError(activationId);
}

export async function insertActivation(tx: Tx, activation: ActivationRecord): Promise<void> {
  await executeStatement(tx, INSERT_ACTIVATION, [
    activation.activationId,
    ...changeableColumnParams(activation),
    activation.applicationId,
    activation.userId,
    activation.activationCode,
    activation.serverPrivateKeyBase64,
    activation.serverPrivateKeyEncryption,
    activation.serverPublicKeyBase64,
    activation.masterKeypairId,
    timestampParam(activation.timestampCreated),
    activation.serverPrivateKeyEncryptionKeyId,
  ]);
}

/** Stores every changeable field of a locked activation (the caller holds its row lock). */
export async function saveActivation(tx: Tx, activation: ActivationRecord): Promise<void> {
  requireLock(tx, activation.activationId);
  await executeStatement(tx, SAVE_ACTIVATION, [activation.activationId, ...changeableColumnParams(activation)]);
}

/** The columns a domain rule may change, in the order both INSERT_ACTIVATION and SAVE_ACTIVATION take them. */
function changeableColumnParams(activation: ActivationRecord): unknown[] {
  return [
    activation.activationName,
    activation.activationStatus,
    activation.activationOtpValidation,
    activation.blockedReason,
    activation.extras,
    activation.platform,
    activation.deviceInfo,
    JSON.stringify(activation.flags),
    activation.counter,
    activation.ctrData,
    activation.devicePublicKeyBase64,
    activation.failedAttempts,
    activation.maxFailedAttempts,
    timestampParam(activation.timestampActivationExpire),
    timestampParam(activation.timestampLastUsed),
    timestampParam(activation.timestampLastChange),
    activation.version,
  ];
}

export async function insertActivationHistory(tx: Tx, entry: Omit<ActivationHistoryRecord, "id">): Promise<void> {
  await executeStatement(tx, INSERT_ACTIVATION_HISTORY, [
    entry.activationId,
    entry.activationStatus,
    entry.eventReason,
    entry.externalUserId,
    timestampParam(entry.timestampCreated),
  ]);
}

export async function activationIdExists(tx: Tx, activationId: string): Promise<boolean> {
  return (await executeStatement(tx, ACTIVATION_ID_EXISTS, [activationId])).length > 0;
}

/**
 * Whether an activation of the application has a code starting with `prefix`. The reference checks new codes
 * on their first 11 characters (the v2 short activation ID), so v2 clients never see a collision either.
 */
export async function activationCodePrefixExists(tx: Tx, applicationId: number, prefix: string): Promise<boolean> {
  return (await executeStatement(tx, ACTIVATION_CODE_PREFIX_EXISTS, [applicationId, `${prefix}%`])).length > 0;
}

/** The CREATED, not yet expired activation a device refers to by its activation code. */
export async function findCreatedActivationByCode(
  tx: Tx,
  applicationId: number,
  activationCode: string,
  now: Date,
  createdStatus: number,
): Promise<ActivationRecord | null> {
  const [row] = await executeStatement<ActivationRow>(tx, FIND_CREATED_ACTIVATION_BY_CODE, [
    applicationId,
    activationCode,
    createdStatus,
    timestampParam(now),
  ]);
  return row ? toActivationRecord(row) : null;
}

/**
 * The CREATED, not yet expired activation a protocol 2.x device refers to by the first 11 characters of its
 * activation code (the v2 short activation ID); codes are unique on that prefix per application.
 */
export async function findCreatedActivationByShortId(
  tx: Tx,
  applicationId: number,
  activationIdShort: string,
  now: Date,
  createdStatus: number,
): Promise<ActivationRecord | null> {
  // LIKE wildcards in the caller's text match only themselves.
  const prefix = `${activationIdShort.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const [row] = await executeStatement<ActivationRow>(tx, FIND_CREATED_ACTIVATION_BY_CODE_PREFIX, [
    applicationId,
    prefix,
    createdStatus,
    timestampParam(now),
  ]);
  return row ? toActivationRecord(row) : null;
}

/** All activations of a user, newest first, optionally of one application only. */
export async function listActivationsOfUser(tx: Tx, userId: string, applicationId?: number): Promise<ActivationRecord[]> {
  const rows = await executeStatement<ActivationRow>(tx, LIST_ACTIVATIONS_OF_USER, [userId, applicationId ?? null]);
  return rows.map(toActivationRecord);
}

/** When the longest-overdue activation still pending (CREATED, OTP_USED) expired (before `now`); null when none is overdue. */
export async function oldestAbandonedActivation(tx: Tx, now: Date): Promise<Date | null> {
  const [row] = await executeStatement<{ expired_at: TimestampColumn | null }>(tx, OLDEST_ABANDONED_ACTIVATION, [timestampParam(now)]);
  return row?.expired_at ? toDate(row.expired_at) : null;
}

/** Status history of one activation within [from, to], newest first (ties broken by id, as the reference). */
export async function listActivationHistory(tx: Tx, activationId: string, from: Date, to: Date): Promise<ActivationHistoryRecord[]> {
  const rows = await executeStatement<HistoryRow>(tx, LIST_ACTIVATION_HISTORY, [activationId, timestampParam(from), timestampParam(to)]);
  return rows.map((row) => ({
    id: Number(row.id),
    activationId: row.activation_id,
    activationStatus: row.activation_status,
    eventReason: row.event_reason,
    externalUserId: row.external_user_id,
    timestampCreated: toDate(row.timestamp_created),
  }));
}

/** Audit rows of a user's activations (optionally of one application) within [from, to], newest first. */
export async function listSignatureAuditOfUser(
  tx: Tx,
  query: { userId: string; applicationId?: number; from: Date; to: Date },
): Promise<SignatureAuditRecord[]> {
  const rows = await executeStatement<AuditRow>(tx, LIST_SIGNATURE_AUDIT_OF_USER, [
    query.userId,
    query.applicationId ?? null,
    timestampParam(query.from),
    timestampParam(query.to),
  ]);
  return rows.map((row) => ({
    id: Number(row.id),
    activationId: row.activation_id,
    userId: row.user_id,
    applicationId: Number(row.application_id),
    activationCounter: Number(row.activation_counter),
    activationCtrData: row.activation_ctr_data,
    activationStatus: row.activation_status,
    additionalInfo: row.additional_info,
    dataBase64: row.data_base64,
    signatureType: row.signature_type,
    signature: row.signature,
    valid: row.valid,
    note: row.note,
    timestampCreated: toDate(row.timestamp_created),
    version: row.version,
    signatureVersion: row.signature_version,
  }));
}

/** Records a use of the activation other than a signature (which records its own): only its last-use time. */
export async function touchActivation(tx: Tx, activationId: string, at: Date): Promise<void> {
  await executeStatement(tx, TOUCH_ACTIVATION, [activationId, timestampParam(at)]);
}

/** How many distinct users have an activation of the application used within [from, to]. */
export async function countActiveUsers(tx: Tx, applicationId: number, from: Date, to: Date): Promise<number> {
  const [row] = await executeStatement<{ users: BigintColumn }>(tx, COUNT_ACTIVE_USERS, [applicationId, timestampParam(from), timestampParam(to)]);
  return row ? Number(row.users) : 0;
}

interface ActivationRow {
  activation_id: string;
  application_id: BigintColumn;
  user_id: string;
  activation_name: string | null;
  activation_code: string | null;
  activation_status: number;
  activation_otp_validation: number;
  blocked_reason: string | null;
  extras: string | null;
  platform: string | null;
  device_info: string | null;
  flags: string[] | string | null;
  counter: BigintColumn;
  ctr_data: string | null;
  device_public_key_base64: string | null;
  failed_attempts: BigintColumn;
  max_failed_attempts: BigintColumn;
  server_private_key_base64: string;
  server_private_key_encryption: number;
  server_private_key_encryption_key_id: string | null;
  server_public_key_base64: string;
  master_keypair_id: BigintColumn | null;
  timestamp_created: TimestampColumn;
  timestamp_activation_expire: TimestampColumn;
  timestamp_last_used: TimestampColumn;
  timestamp_last_change: TimestampColumn | null;
  version: number | null;
}

interface VersionColumns {
  version_application_id: BigintColumn | null;
  version_application_secret: string | null;
  version_supported: boolean | null;
}

interface HistoryRow {
  id: BigintColumn;
  activation_id: string;
  activation_status: number;
  event_reason: string | null;
  external_user_id: string | null;
  timestamp_created: TimestampColumn;
}

interface AuditRow {
  id: BigintColumn;
  activation_id: string;
  user_id: string;
  application_id: BigintColumn;
  activation_counter: BigintColumn;
  activation_ctr_data: string | null;
  activation_status: number;
  additional_info: string | null;
  data_base64: string | null;
  signature_type: string;
  signature: string;
  valid: boolean;
  note: string;
  timestamp_created: TimestampColumn;
  version: number | null;
  signature_version: string | null;
}

function toActivationRecord(row: ActivationRow): ActivationRecord {
  return {
    activationId: row.activation_id,
    applicationId: Number(row.application_id),
    userId: row.user_id,
    activationName: row.activation_name,
    activationCode: row.activation_code,
    activationStatus: row.activation_status,
    activationOtpValidation: row.activation_otp_validation,
    blockedReason: row.blocked_reason,
    extras: row.extras,
    platform: row.platform,
    deviceInfo: row.device_info,
    flags: typeof row.flags === "string" ? (JSON.parse(row.flags) as string[]) : (row.flags ?? []),
    counter: Number(row.counter),
    ctrData: row.ctr_data,
    devicePublicKeyBase64: row.device_public_key_base64,
    failedAttempts: Number(row.failed_attempts),
    maxFailedAttempts: Number(row.max_failed_attempts),
    serverPrivateKeyBase64: row.server_private_key_base64,
    serverPrivateKeyEncryption: row.server_private_key_encryption,
    serverPrivateKeyEncryptionKeyId: row.server_private_key_encryption_key_id,
    serverPublicKeyBase64: row.server_public_key_base64,
    masterKeypairId: row.master_keypair_id === null ? null : Number(row.master_keypair_id),
    timestampCreated: toDate(row.timestamp_created),
    timestampActivationExpire: toDate(row.timestamp_activation_expire),
    timestampLastUsed: toDate(row.timestamp_last_used),
    timestampLastChange: row.timestamp_last_change === null ? null : toDate(row.timestamp_last_change),
    version: row.version,
  };
}

