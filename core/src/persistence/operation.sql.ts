import type { NamedStatement } from "./sql-statement.ts";

/**
 * Every statement that reads or writes the operation aggregate (`pa_operation`), as plain text with `$n`
 * parameters. `operation.repository.ts` is the only module that runs them; on PostgreSQL each runs as a named
 * prepared statement (`prepared-statements.ts`). An approval is one transaction: `begin`, {@link LOCK_OPERATION},
 * {@link SAVE_OPERATION} (plus the callback outbox rows), `commit`.
 */

/**
 * The enabled OPERATION_STATUS_CHANGE callbacks of the applications whose names `names` (a `text[]` expression)
 * gives, as one JSON array column `callbacks` of `{id, attributes, payloadFormat, applicationName}`, in creation
 * order. It rides along with the statement that reads the operation (or its template), so telling the callbacks
 * costs no round trip of its own. The callback rows are only read here; they are written through their entities.
 */
function callbacksOf(names: string): string {
  return `(select coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'attributes', c.attributes, 'payloadFormat', c.payload_format,
    'applicationName', a.name) order by c.timestamp_created, c.id), '[]'::jsonb)
  from pa_application_callback c join pa_application a on a.id = c.application_id
  where a.name = any(${names}) and c.type = 'OPERATION_STATUS_CHANGE' and c.enabled) as callbacks`;
}

/** The columns of an operation as the repository maps them. */
const OPERATION_COLUMNS = `id, user_id, applications, external_id, activation_flag, activation_id, operation_type, template_name, data,
  parameters, additional_data, status, status_reason, signature_type, failure_count, max_failure_count, timestamp_created,
  timestamp_expires, timestamp_finalized`;

/**
 * `$1` id, `$2` user_id, `$3` applications (JSON), `$4` external_id, `$5` activation_flag, `$6` activation_id,
 * `$7` operation_type, `$8` template_name, `$9` data, `$10` parameters (JSON), `$11` additional_data (JSON),
 * `$12` status, `$13` status_reason, `$14` signature_type (JSON), `$15` failure_count, `$16` max_failure_count,
 * `$17` timestamp_created, `$18` timestamp_expires, `$19` timestamp_finalized.
 */
export const INSERT_OPERATION: NamedStatement = {
  name: "pa_operation_insert",
  text: `insert into pa_operation (${OPERATION_COLUMNS})
values ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14::jsonb, $15, $16, $17, $18, $19)`,
};

/** Plain read. `$1` id. */
export const FIND_OPERATION: NamedStatement = {
  name: "pa_operation_find",
  text: `select ${OPERATION_COLUMNS} from pa_operation where id = $1`,
};

/**
 * Locks the operation row until the transaction ends: every change of an operation (approval, rejection,
 * failure, cancel, expiry, claim) holds it, so concurrent calls queue here and exactly one of them finishes it,
 * and no failure is counted twice or lost. Reads its applications' operation callbacks in the same round trip.
 * `$1` id.
 */
export const LOCK_OPERATION: NamedStatement = {
  name: "pa_operation_lock",
  text: `select ${OPERATION_COLUMNS},
  ${callbacksOf("array(select jsonb_array_elements_text(pa_operation.applications))")}
from pa_operation where id = $1 for update of pa_operation`,
  locksRows: true,
};

/**
 * What creating an operation reads, in one round trip: the template `$1`, which of the application names `$2`
 * exist (`applications`, their names) and those applications' operation callbacks. No row when there is no
 * such template. The template is only read here; it is written through its entity.
 */
export const FIND_TEMPLATE_FOR_OPERATION: NamedStatement = {
  name: "pa_operation_template_for_operation",
  text: `select t.template_name, t.operation_type, t.data_template, t.signature_types, t.max_failure_count, t.expiration,
  (select coalesce(jsonb_agg(a.name), '[]'::jsonb) from pa_application a where a.name = any($2::text[])) as applications,
  ${callbacksOf("$2::text[]")}
from pa_operation_template t where t.template_name = $1`,
};

/** The operation callbacks of the applications named `$1` (a `text[]`): one query for an expiry batch. */
export const LIST_OPERATION_CALLBACKS: NamedStatement = {
  name: "pa_operation_callbacks",
  text: `select ${callbacksOf("$1::text[]")}`,
};

/**
 * Stores what a change may change on a locked operation.
 * `$1` id, `$2` user_id, `$3` status, `$4` status_reason, `$5` failure_count, `$6` additional_data (JSON),
 * `$7` timestamp_finalized.
 */
export const SAVE_OPERATION: NamedStatement = {
  name: "pa_operation_save",
  text: `update pa_operation set user_id = $2, status = $3, status_reason = $4, failure_count = $5, additional_data = $6::jsonb,
  timestamp_finalized = $7
where id = $1`,
};

/**
 * A user's operations in one application (`$2`, a Cloud id), newest first; `$3` a status or null for any.
 * `$1` user_id, `$4` limit, `$5` offset.
 */
export const LIST_OPERATIONS_OF_USER: NamedStatement = {
  name: "pa_operation_list_of_user",
  text: `select ${OPERATION_COLUMNS} from pa_operation
where user_id = $1 and applications @> jsonb_build_array($2::text) and ($3::text is null or status = $3::text)
order by timestamp_created desc, id desc
limit $4 offset $5`,
};

/**
 * The expiry job's one statement per batch: claims up to `$2` PENDING operations past their expiry at `$1`
 * that no other transaction holds (`FOR UPDATE SKIP LOCKED`, so several cores share the work and an operation
 * being approved right now is left to that call), marks them EXPIRED and returns them as they now are. The
 * locks last until the batch's transaction (with its callback rows) commits.
 */
export const EXPIRE_PENDING_OPERATIONS: NamedStatement = {
  name: "pa_operation_expire_pending",
  text: `with claimed as (
  select id from pa_operation where status = 'PENDING' and timestamp_expires < $1
  order by timestamp_expires limit $2
  for update skip locked
)
update pa_operation o set status = 'EXPIRED', timestamp_finalized = $1
from claimed where o.id = claimed.id
returning ${OPERATION_COLUMNS.split(",")
    .map((column) => `o.${column.trim()}`)
    .join(", ")}`,
  locksRows: true,
};

/** When the longest-overdue PENDING operation expired (before `$1`), for the expiry-lag metric; null when none. */
export const OLDEST_OVERDUE_OPERATION: NamedStatement = {
  name: "pa_operation_oldest_overdue",
  text: `select min(timestamp_expires) as expired_at from pa_operation where status = 'PENDING' and timestamp_expires < $1`,
};

export const OPERATION_STATEMENTS: readonly NamedStatement[] = [
  INSERT_OPERATION,
  FIND_OPERATION,
  LOCK_OPERATION,
  FIND_TEMPLATE_FOR_OPERATION,
  LIST_OPERATION_CALLBACKS,
  SAVE_OPERATION,
  LIST_OPERATIONS_OF_USER,
  EXPIRE_PENDING_OPERATIONS,
  OLDEST_OVERDUE_OPERATION,
];
