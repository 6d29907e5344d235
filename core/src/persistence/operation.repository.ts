import {
  EXPIRE_PENDING_OPERATIONS,
  FIND_OPERATION,
  FIND_TEMPLATE_FOR_OPERATION,
  LIST_OPERATION_CALLBACKS,
  INSERT_OPERATION,
  LIST_OPERATIONS_OF_USER,
  LOCK_OPERATION,
  OLDEST_OVERDUE_OPERATION,
  SAVE_OPERATION,
} from "./operation.sql.ts";
import { executeStatement, toDate } from "./sql-statement.ts";
import type { TimestampColumn } from "./sql-statement.ts";
import type { Tx } from "./tx.ts";

/**
 * One operation (`pa_operation`) as the domain sees it: a plain value, read and written only through this
 * module's hand-written statements (the `Operation` entity only describes the table). A rule changes the
 * fields of a locked record and hands it back to {@link saveOperation}.
 */
export interface OperationRecord {
  id: string;
  userId: string | null;
  /** Cloud application ids (names). */
  applications: string[];
  externalId: string | null;
  activationFlag: string | null;
  activationId: string | null;
  operationType: string;
  templateName: string;
  data: string;
  parameters: Record<string, string>;
  additionalData: Record<string, string>;
  /** `PENDING`, `CANCELED`, `EXPIRED`, `APPROVED`, `REJECTED` or `FAILED`. */
  status: string;
  statusReason: string | null;
  /** Names of the allowed signature types. */
  signatureType: string[];
  failureCount: number;
  maxFailureCount: number;
  timestampCreated: Date;
  timestampExpires: Date;
  timestampFinalized: Date | null;
}

/** An operation callback as a status change needs it: where the event goes and what its payload holds. */
export interface OperationCallbackTarget {
  id: string;
  attributes: string[];
  payloadFormat: string;
  /** The Cloud id of the callback's application. */
  applicationName: string;
}

/** An operation under its row lock, with its applications' operation callbacks. */
export interface LockedOperation {
  operation: OperationRecord;
  callbacks: OperationCallbackTarget[];
}

/** What creating an operation needs of its template and applications. */
export interface TemplateForOperation {
  templateName: string;
  operationType: string;
  dataTemplate: string;
  signatureTypes: string[];
  maxFailureCount: number;
  /** Seconds. */
  expiration: number;
  /** Those of the asked application names that exist. */
  applications: string[];
  callbacks: OperationCallbackTarget[];
}

interface CallbacksColumn {
  callbacks: OperationCallbackTarget[] | string;
}

interface OperationRow {
  id: string;
  user_id: string | null;
  applications: string[] | string;
  external_id: string | null;
  activation_flag: string | null;
  activation_id: string | null;
  operation_type: string;
  template_name: string;
  data: string;
  parameters: Record<string, string> | string;
  additional_data: Record<string, string> | string;
  status: string;
  status_reason: string | null;
  signature_type: string[] | string;
  failure_count: number;
  max_failure_count: number;
  timestamp_created: Date | string;
  timestamp_expires: Date | string;
  timestamp_finalized: Date | string | null;
}

export async function insertOperation(tx: Tx, operation: OperationRecord): Promise<void> {
  await executeStatement(tx, INSERT_OPERATION, [
    operation.id,
    operation.userId,
    JSON.stringify(operation.applications),
    operation.externalId,
    operation.activationFlag,
    operation.activationId,
    operation.operationType,
    operation.templateName,
    operation.data,
    JSON.stringify(operation.parameters),
    JSON.stringify(operation.additionalData),
    operation.status,
    operation.statusReason,
    JSON.stringify(operation.signatureType),
    operation.failureCount,
    operation.maxFailureCount,
    operation.timestampCreated.toISOString(),
    operation.timestampExpires.toISOString(),
    operation.timestampFinalized?.toISOString() ?? null,
  ]);
}

/** Plain read, for answers that change nothing. */
export async function findOperation(tx: Tx, id: string): Promise<OperationRecord | null> {
  const [row] = await executeStatement<OperationRow>(tx, FIND_OPERATION, [id]);
  return row ? toOperationRecord(row) : null;
}

/**
 * `SELECT … FOR UPDATE`: every change of an operation holds this lock until its transaction ends. The
 * operation's callbacks come in the same round trip, so a change can tell them at once.
 */
export async function lockOperation(tx: Tx, id: string): Promise<LockedOperation | null> {
  const [row] = await executeStatement<OperationRow & CallbacksColumn>(tx, LOCK_OPERATION, [id]);
  return row ? { operation: toOperationRecord(row), callbacks: json(row.callbacks) } : null;
}

/** The template, which of the named applications exist and their operation callbacks, in one round trip. */
export async function findTemplateForOperation(tx: Tx, templateName: string, applicationNames: readonly string[]): Promise<TemplateForOperation | null> {
  const [row] = await executeStatement<{
    template_name: string;
    operation_type: string;
    data_template: string;
    signature_types: string[] | string;
    max_failure_count: number;
    expiration: number | string;
    applications: string[] | string;
  } & CallbacksColumn>(tx, FIND_TEMPLATE_FOR_OPERATION, [templateName, applicationNames]);
  if (!row) return null;
  return {
    templateName: row.template_name,
    operationType: row.operation_type,
    dataTemplate: row.data_template,
    signatureTypes: json(row.signature_types),
    maxFailureCount: Number(row.max_failure_count),
    expiration: Number(row.expiration),
    applications: json(row.applications),
    callbacks: json(row.callbacks),
  };
}

/** The operation callbacks of these applications (by Cloud id). */
export async function listOperationCallbacks(tx: Tx, applicationNames: readonly string[]): Promise<OperationCallbackTarget[]> {
  const [row] = await executeStatement<CallbacksColumn>(tx, LIST_OPERATION_CALLBACKS, [applicationNames]);
  return row ? json(row.callbacks) : [];
}

/** Stores the changeable fields of a locked operation (the caller holds its row lock). */
export async function saveOperation(tx: Tx, operation: OperationRecord): Promise<void> {
  await executeStatement(tx, SAVE_OPERATION, [
    operation.id,
    operation.userId,
    operation.status,
    operation.statusReason,
    operation.failureCount,
    JSON.stringify(operation.additionalData),
    operation.timestampFinalized?.toISOString() ?? null,
  ]);
}

/** A user's operations in one application, newest first, one page. */
export async function listOperationsOfUser(
  tx: Tx,
  query: { userId: string; applicationName: string; status: string | null; limit: number; offset: number },
): Promise<OperationRecord[]> {
  const rows = await executeStatement<OperationRow>(tx, LIST_OPERATIONS_OF_USER, [
    query.userId,
    query.applicationName,
    query.status,
    query.limit,
    query.offset,
  ]);
  return rows.map(toOperationRecord);
}

/**
 * Claims up to `limit` PENDING operations past their expiry that no one else holds, marks them EXPIRED as of
 * `now` and returns them; they stay locked until the caller's transaction ends.
 */
export async function expirePendingOperations(tx: Tx, now: Date, limit: number): Promise<OperationRecord[]> {
  const rows = await executeStatement<OperationRow>(tx, EXPIRE_PENDING_OPERATIONS, [now.toISOString(), limit]);
  return rows.map(toOperationRecord);
}

/** When the longest-overdue PENDING operation expired (before `now`); null when none is overdue. */
export async function oldestOverdueOperation(tx: Tx, now: Date): Promise<Date | null> {
  const [row] = await executeStatement<{ expired_at: TimestampColumn | null }>(tx, OLDEST_OVERDUE_OPERATION, [now.toISOString()]);
  return row?.expired_at ? toDate(row.expired_at) : null;
}

function toOperationRecord(row: OperationRow): OperationRecord {
  return {
    id: row.id,
    userId: row.user_id,
    applications: json(row.applications),
    externalId: row.external_id,
    activationFlag: row.activation_flag,
    activationId: row.activation_id,
    operationType: row.operation_type,
    templateName: row.template_name,
    data: row.data,
    parameters: json(row.parameters),
    additionalData: json(row.additional_data),
    status: row.status,
    statusReason: row.status_reason,
    signatureType: json(row.signature_type),
    failureCount: Number(row.failure_count),
    maxFailureCount: Number(row.max_failure_count),
    timestampCreated: toDate(row.timestamp_created),
    timestampExpires: toDate(row.timestamp_expires),
    timestampFinalized: row.timestamp_finalized === null ? null : toDate(row.timestamp_finalized),
  };
}

/** Drivers hand jsonb back parsed; a string is parsed here so both engines give the same value. */
function json<T>(value: T | string): T {
  return typeof value === "string" ? (JSON.parse(value) as T) : value;
}

