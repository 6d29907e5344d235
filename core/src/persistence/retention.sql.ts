import type { NamedStatement } from "./sql-statement.ts";

/**
 * The retention job's statements: they delete the oldest rows of the activation aggregate's append-only trails
 * (`pa_signature_audit`, one row per verification; `pa_activation_history`, one per status change), one batch
 * per statement. Each batch is the `$2` oldest rows created before `$1`, found through the table's
 * `timestamp_created` index (so a batch costs the same however large the table is) and claimed with
 * `FOR UPDATE SKIP LOCKED`, so cores running the job at once delete different rows instead of queueing on each
 * other. Nothing on the hot path locks these rows: the signature path only inserts new ones. Each statement
 * answers how many rows it deleted. No runtime imports, like the other `*.sql.ts` files.
 */

/** The batch statement of one trail: `$1` cutoff (rows created before it go), `$2` batch size. */
function deleteOldestBatch(name: string, table: "pa_signature_audit" | "pa_activation_history"): NamedStatement {
  return {
    name,
    text: `with removed as (
  delete from ${table} where id in (
    select id from ${table} where timestamp_created < $1
    order by timestamp_created limit $2
    for update skip locked)
  returning 1)
select count(*)::int as removed from removed`,
    locksRows: true,
  };
}

export const DELETE_SIGNATURE_AUDIT_BATCH = deleteOldestBatch("pa_signature_audit_delete_batch", "pa_signature_audit");
export const DELETE_ACTIVATION_HISTORY_BATCH = deleteOldestBatch("pa_activation_history_delete_batch", "pa_activation_history");

export const RETENTION_STATEMENTS: readonly NamedStatement[] = [DELETE_SIGNATURE_AUDIT_BATCH, DELETE_ACTIVATION_HISTORY_BATCH];
