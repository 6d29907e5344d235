import type { NamedStatement } from "./sql-statement.ts";

/**
 * Every statement that reads or writes the callback outbox (`pa_application_callback_event`): hot (each status
 * change writes it, the delivery worker claims and settles thousands of rows a second), so, like the activation,
 * it has one hand-written persistence path; `callback-event.repository.ts` is the only module that runs these,
 * and the `ApplicationCallbackEvent` entity only describes the table. Batches travel as arrays (`unnest`), so
 * each statement has one fixed text whatever the batch size.
 */

/** The channel a committed outbox write notifies, so that every core's worker wakes at once. */
export const CALLBACK_EVENT_CHANNEL = "powerauth_callback_event";

/**
 * Writes outbox rows as PENDING and due now, in array order (ids follow it, which is the delivery order of an
 * ordering key), and notifies {@link CALLBACK_EVENT_CHANNEL}: PostgreSQL delivers the notification when, and
 * only if, the transaction commits. `$1` callback ids, `$2` JSON bodies, `$3` creation times, `$4` idempotency
 * keys, `$5` ordering keys (null entries allowed).
 */
export const INSERT_CALLBACK_EVENTS: NamedStatement = {
  name: "pa_callback_event_insert",
  text: `with inserted as (
  insert into pa_application_callback_event
    (application_callback_id, callback_data, status, timestamp_created, timestamp_next_call, attempts, idempotency_key, ordering_key)
  select u.callback_id, u.data, 'PENDING', u.created, u.created, 0, u.idempotency_key, u.ordering_key
  from unnest($1::varchar[], $2::text[], $3::timestamptz[], $4::varchar[], $5::varchar[])
    with ordinality as u(callback_id, data, created, idempotency_key, ordering_key, n)
  order by u.n
  returning id
)
select count(*)::int as inserted, pg_notify('${CALLBACK_EVENT_CHANNEL}', '') is null as notified from inserted`,
};

/**
 * Claims up to `$3` events due at `$1` for delivery: PENDING, not of a callback in `$4` (open circuit breakers),
 * and not behind an earlier event of the same callback and ordering key that is still PENDING or PROCESSING (so
 * a later status never overtakes an earlier one being retried). Rows another worker holds are skipped, never
 * waited for, so several cores share the work and each row goes to exactly one. Claimed rows become PROCESSING
 * until `$2`; after that a crashed worker's rows are handed out again. Returns each event with its callback.
 */
export const CLAIM_CALLBACK_EVENTS: NamedStatement = {
  name: "pa_callback_event_claim",
  text: `update pa_application_callback_event e
set status = 'PROCESSING', timestamp_rerun_after = $2
from pa_application_callback c
where c.id = e.application_callback_id and e.id in (
  select d.id from pa_application_callback_event d
  where d.status = 'PENDING' and d.timestamp_next_call <= $1
    and not (d.application_callback_id = any($4::varchar[]))
    and not exists (
      select 1 from pa_application_callback_event o
      where o.application_callback_id = d.application_callback_id and o.ordering_key = d.ordering_key
        and o.id < d.id and o.status in ('PENDING', 'PROCESSING'))
  order by d.timestamp_next_call, d.id
  limit $3
  for update of d skip locked)
returning e.id, e.application_callback_id, e.callback_data, e.attempts, e.idempotency_key,
  c.callback_url, c.enabled, c.max_attempts, c.initial_backoff, c.retention_period, c.authentication, c.encryption_mode,
  c.authentication_encryption_key_id`,
};

/**
 * Settles claimed events in one statement: `$1` ids, `$2` new statuses (COMPLETED, PENDING or FAILED), `$3`
 * attempts made (1, or 0 for an event handed back unsent), `$4` time of the call (null = unchanged), `$5` next
 * call (PENDING), `$6` delete after (COMPLETED, FAILED). Only rows still PROCESSING change: a row handed out
 * again after its rerun time keeps the newer owner's outcome.
 */
export const SETTLE_CALLBACK_EVENTS: NamedStatement = {
  name: "pa_callback_event_settle",
  text: `update pa_application_callback_event e
set status = u.status, attempts = e.attempts + u.attempted, timestamp_last_call = coalesce(u.last_call, e.timestamp_last_call),
  timestamp_next_call = u.next_call, timestamp_delete_after = u.delete_after, timestamp_rerun_after = null
from unnest($1::bigint[], $2::varchar[], $3::int[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[])
  as u(id, status, attempted, last_call, next_call, delete_after)
where e.id = u.id and e.status = 'PROCESSING'`,
};

/** Hands PROCESSING events whose worker went away (rerun time `$1` passed) back as PENDING, due now. */
export const RESCUE_STALE_CALLBACK_EVENTS: NamedStatement = {
  name: "pa_callback_event_rescue",
  text: `with rescued as (
  update pa_application_callback_event
  set status = 'PENDING', timestamp_next_call = $1, timestamp_rerun_after = null
  where status = 'PROCESSING' and timestamp_rerun_after <= $1
  returning 1
)
select count(*)::int as count from rescued`,
};

/** When the next PENDING event that is not yet due (after `$1`) becomes due; null when none. */
export const NEXT_CALLBACK_EVENT_DUE: NamedStatement = {
  name: "pa_callback_event_next_due",
  text: `select min(timestamp_next_call) as next_call from pa_application_callback_event where status = 'PENDING' and timestamp_next_call > $1`,
};

/**
 * The outbox backlog for the metrics scrape: events waiting (PENDING) and being delivered (PROCESSING), and when
 * the oldest waiting one was created (null when none). Reads only those rows, through the status index.
 */
export const CALLBACK_QUEUE_STATS: NamedStatement = {
  name: "pa_callback_event_queue_stats",
  text: `select count(*) filter (where status = 'PENDING')::int as pending, count(*) filter (where status = 'PROCESSING')::int as processing,
  min(timestamp_created) filter (where status = 'PENDING') as oldest_pending
from pa_application_callback_event where status in ('PENDING', 'PROCESSING')`,
};

/** Deletes up to `$2` COMPLETED or FAILED events whose delete-after time `$1` has passed. */
export const DELETE_EXPIRED_CALLBACK_EVENTS: NamedStatement = {
  name: "pa_callback_event_delete_expired",
  text: `with deleted as (
  delete from pa_application_callback_event where id in (
    select id from pa_application_callback_event
    where timestamp_delete_after <= $1 and status in ('COMPLETED', 'FAILED')
    limit $2)
  returning 1
)
select count(*)::int as count from deleted`,
};

/**
 * Puts FAILED event `$1` back to PENDING, due at `$2`, with a fresh attempt budget, and wakes the workers.
 * Returns the id when the event was FAILED.
 */
export const RETRY_FAILED_CALLBACK_EVENT: NamedStatement = {
  name: "pa_callback_event_retry",
  text: `with retried as (
  update pa_application_callback_event
  set status = 'PENDING', attempts = 0, timestamp_next_call = $2, timestamp_delete_after = null, timestamp_rerun_after = null
  where id = $1 and status = 'FAILED'
  returning id
)
select id, pg_notify('${CALLBACK_EVENT_CHANNEL}', '') is null as notified from retried`,
};

/** The columns of an event as the admin API lists them. */
const EVENT_COLUMNS = `e.id, e.application_callback_id, e.status, e.attempts, e.idempotency_key, e.ordering_key, e.timestamp_created,
  e.timestamp_last_call, e.timestamp_next_call, e.timestamp_delete_after`;

/** One event by id. `$1` id. */
export const FIND_CALLBACK_EVENT: NamedStatement = {
  name: "pa_callback_event_find",
  text: `select ${EVENT_COLUMNS} from pa_application_callback_event e where e.id = $1`,
};

/**
 * A page of events, newest first: `$1` callback id or null, `$2` status or null, `$3` created at or after (or
 * null), `$4` created before (or null), `$5` only ids below this (the page token) or null, `$6` page size.
 */
export const LIST_CALLBACK_EVENTS: NamedStatement = {
  name: "pa_callback_event_list",
  text: `select ${EVENT_COLUMNS} from pa_application_callback_event e
where ($1::varchar is null or e.application_callback_id = $1)
  and ($2::varchar is null or e.status = $2)
  and ($3::timestamptz is null or e.timestamp_created >= $3)
  and ($4::timestamptz is null or e.timestamp_created < $4)
  and ($5::bigint is null or e.id < $5)
order by e.id desc
limit $6`,
};

/** Every event of one callback with its body, oldest first: `$1` callback id. What was queued, for audits and tests. */
export const LIST_CALLBACK_EVENT_BODIES: NamedStatement = {
  name: "pa_callback_event_bodies",
  text: `select ${EVENT_COLUMNS}, e.callback_data from pa_application_callback_event e where e.application_callback_id = $1 order by e.id`,
};

export const CALLBACK_EVENT_STATEMENTS: readonly NamedStatement[] = [
  INSERT_CALLBACK_EVENTS,
  CLAIM_CALLBACK_EVENTS,
  SETTLE_CALLBACK_EVENTS,
  RESCUE_STALE_CALLBACK_EVENTS,
  NEXT_CALLBACK_EVENT_DUE,
  CALLBACK_QUEUE_STATS,
  DELETE_EXPIRED_CALLBACK_EVENTS,
  RETRY_FAILED_CALLBACK_EVENT,
  FIND_CALLBACK_EVENT,
  LIST_CALLBACK_EVENTS,
  LIST_CALLBACK_EVENT_BODIES,
];
