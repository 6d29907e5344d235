import type { Tx } from "./tx.ts";
import { executeStatement, toDate, timestampParam } from "./sql-statement.ts";
import type { TimestampColumn } from "./sql-statement.ts";
import {
  CALLBACK_QUEUE_STATS,
  CLAIM_CALLBACK_EVENTS,
  DELETE_EXPIRED_CALLBACK_EVENTS,
  FIND_CALLBACK_EVENT,
  INSERT_CALLBACK_EVENTS,
  LIST_CALLBACK_EVENTS,
  LIST_CALLBACK_EVENT_BODIES,
  NEXT_CALLBACK_EVENT_DUE,
  RESCUE_STALE_CALLBACK_EVENTS,
  RETRY_FAILED_CALLBACK_EVENT,
  SETTLE_CALLBACK_EVENTS,
} from "./callback-event.sql.ts";

/** `PENDING` → `PROCESSING` → `COMPLETED` | `FAILED` (a failed attempt with attempts left goes back to PENDING). */
export type CallbackEventStatus = "PENDING" | "PROCESSING" | "COMPLETED" | "FAILED";

/** A new outbox row. */
export interface NewCallbackEvent {
  callbackId: string;
  /** The JSON body, exactly as it will be POSTed. */
  body: string;
  idempotencyKey: string;
  orderingKey: string | null;
  createdAt: Date;
}

/** An event claimed for delivery, with what its callback says about delivering it. */
export interface ClaimedCallbackEvent {
  id: number;
  callbackId: string;
  body: string;
  /** Attempts made before this one. */
  attempts: number;
  idempotencyKey: string;
  callback: {
    url: string;
    enabled: boolean;
    maxAttempts: number | null;
    initialBackoff: string | null;
    retentionPeriod: string | null;
    authentication: string | null;
    encryptionMode: string;
    authenticationEncryptionKeyId: string | null;
  };
}

/** What became of a claimed event. */
export interface CallbackEventOutcome {
  id: number;
  status: "COMPLETED" | "PENDING" | "FAILED";
  /** 1 when a call was made, 0 when the event goes back unsent (open circuit breaker). */
  attempted: 0 | 1;
  lastCall: Date | null;
  nextCall: Date | null;
  deleteAfter: Date | null;
}

/** An event as the admin API shows it (never its body). */
export interface CallbackEventRecord {
  id: number;
  callbackId: string;
  status: CallbackEventStatus;
  attempts: number;
  idempotencyKey: string;
  orderingKey: string | null;
  timestampCreated: Date;
  timestampLastCall: Date | null;
  timestampNextCall: Date | null;
  timestampDeleteAfter: Date | null;
}

export interface CallbackEventFilter {
  callbackId: string | null;
  status: CallbackEventStatus | null;
  createdFrom: Date | null;
  createdBefore: Date | null;
  /** Only events with a smaller id (the previous page's last id). */
  beforeId: number | null;
  limit: number;
}

/** Writes the events as PENDING, due at their creation, in the caller's transaction; workers wake on commit. */
export async function insertCallbackEvents(tx: Tx, events: readonly NewCallbackEvent[]): Promise<void> {
  if (events.length === 0) return;
  await executeStatement(tx, INSERT_CALLBACK_EVENTS, [
    events.map((e) => e.callbackId),
    events.map((e) => e.body),
    events.map((e) => e.createdAt.toISOString()),
    events.map((e) => e.idempotencyKey),
    events.map((e) => e.orderingKey),
  ]);
}

/** Claims up to `limit` due events (see {@link CLAIM_CALLBACK_EVENTS}), PROCESSING until `rerunAfter`. */
export async function claimCallbackEvents(
  tx: Tx,
  now: Date,
  rerunAfter: Date,
  limit: number,
  excludedCallbackIds: readonly string[],
): Promise<ClaimedCallbackEvent[]> {
  const rows = await executeStatement<ClaimRow>(tx, CLAIM_CALLBACK_EVENTS, [
    now.toISOString(),
    rerunAfter.toISOString(),
    limit,
    [...excludedCallbackIds],
  ]);
  // An UPDATE returns rows in no particular order; deliver in id order.
  return rows
    .map((row) => ({
      id: Number(row.id),
      callbackId: row.application_callback_id,
      body: row.callback_data,
      attempts: row.attempts,
      idempotencyKey: row.idempotency_key,
      callback: {
        url: row.callback_url,
        enabled: row.enabled,
        maxAttempts: row.max_attempts,
        initialBackoff: row.initial_backoff,
        retentionPeriod: row.retention_period,
        authentication: row.authentication,
        encryptionMode: row.encryption_mode,
        authenticationEncryptionKeyId: row.authentication_encryption_key_id,
      },
    }))
    .sort((a, b) => a.id - b.id);
}

/** Records the outcomes of claimed events in one statement. */
export async function settleCallbackEvents(tx: Tx, outcomes: readonly CallbackEventOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await executeStatement(tx, SETTLE_CALLBACK_EVENTS, [
    outcomes.map((o) => o.id),
    outcomes.map((o) => o.status),
    outcomes.map((o) => o.attempted),
    outcomes.map((o) => timestampParam(o.lastCall)),
    outcomes.map((o) => timestampParam(o.nextCall)),
    outcomes.map((o) => timestampParam(o.deleteAfter)),
  ]);
}

/** Hands events whose worker vanished back as PENDING; returns how many. */
export async function rescueStaleCallbackEvents(tx: Tx, now: Date): Promise<number> {
  const [row] = await executeStatement<{ count: number }>(tx, RESCUE_STALE_CALLBACK_EVENTS, [now.toISOString()]);
  return row?.count ?? 0;
}

/** When the next PENDING event not due at `now` becomes due, or null. */
export async function nextCallbackEventDue(tx: Tx, now: Date): Promise<Date | null> {
  const [row] = await executeStatement<{ next_call: TimestampColumn | null }>(tx, NEXT_CALLBACK_EVENT_DUE, [now.toISOString()]);
  return row?.next_call ? toDate(row.next_call) : null;
}

/** The outbox backlog (see {@link CALLBACK_QUEUE_STATS}). */
export async function callbackQueueStats(tx: Tx): Promise<{ pending: number; processing: number; oldestPendingAt: Date | null }> {
  const [row] = await executeStatement<{ pending: number; processing: number; oldest_pending: TimestampColumn | null }>(tx, CALLBACK_QUEUE_STATS, []);
  return { pending: row.pending, processing: row.processing, oldestPendingAt: row.oldest_pending ? toDate(row.oldest_pending) : null };
}

/** Deletes up to `limit` settled events past their delete-after time; returns how many. */
export async function deleteExpiredCallbackEvents(tx: Tx, now: Date, limit: number): Promise<number> {
  const [row] = await executeStatement<{ count: number }>(tx, DELETE_EXPIRED_CALLBACK_EVENTS, [now.toISOString(), limit]);
  return row?.count ?? 0;
}

/** Puts a FAILED event back to PENDING due at `now`; false when there is no FAILED event of that id. */
export async function retryFailedCallbackEvent(tx: Tx, id: number, now: Date): Promise<boolean> {
  const rows = await executeStatement(tx, RETRY_FAILED_CALLBACK_EVENT, [id, now.toISOString()]);
  return rows.length > 0;
}

export async function findCallbackEvent(tx: Tx, id: number): Promise<CallbackEventRecord | null> {
  const [row] = await executeStatement<EventRow>(tx, FIND_CALLBACK_EVENT, [id]);
  return row ? toEventRecord(row) : null;
}

/** Every event queued for one callback with its JSON body, oldest first. */
export async function listEventsOfCallback(tx: Tx, callbackId: string): Promise<(CallbackEventRecord & { callbackData: string })[]> {
  const rows = await executeStatement<EventRow & { callback_data: string }>(tx, LIST_CALLBACK_EVENT_BODIES, [callbackId]);
  return rows.map((row) => ({ ...toEventRecord(row), callbackData: row.callback_data }));
}

/** A page of events matching the filter, newest first. */
export async function listCallbackEvents(tx: Tx, filter: CallbackEventFilter): Promise<CallbackEventRecord[]> {
  const rows = await executeStatement<EventRow>(tx, LIST_CALLBACK_EVENTS, [
    filter.callbackId,
    filter.status,
    timestampParam(filter.createdFrom),
    timestampParam(filter.createdBefore),
    filter.beforeId,
    filter.limit,
  ]);
  return rows.map(toEventRecord);
}

interface ClaimRow {
  id: string | number;
  application_callback_id: string;
  callback_data: string;
  attempts: number;
  idempotency_key: string;
  callback_url: string;
  enabled: boolean;
  max_attempts: number | null;
  initial_backoff: string | null;
  retention_period: string | null;
  authentication: string | null;
  encryption_mode: string;
  authentication_encryption_key_id: string | null;
}

interface EventRow {
  id: string | number;
  application_callback_id: string;
  status: CallbackEventStatus;
  attempts: number;
  idempotency_key: string;
  ordering_key: string | null;
  timestamp_created: TimestampColumn;
  timestamp_last_call: TimestampColumn | null;
  timestamp_next_call: TimestampColumn | null;
  timestamp_delete_after: TimestampColumn | null;
}

function toEventRecord(row: EventRow): CallbackEventRecord {
  return {
    id: Number(row.id),
    callbackId: row.application_callback_id,
    status: row.status,
    attempts: row.attempts,
    idempotencyKey: row.idempotency_key,
    orderingKey: row.ordering_key,
    timestampCreated: toDate(row.timestamp_created),
    timestampLastCall: row.timestamp_last_call === null ? null : toDate(row.timestamp_last_call),
    timestampNextCall: row.timestamp_next_call === null ? null : toDate(row.timestamp_next_call),
    timestampDeleteAfter: row.timestamp_delete_after === null ? null : toDate(row.timestamp_delete_after),
  };
}

