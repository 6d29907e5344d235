import { DELETE_ACTIVATION_HISTORY_BATCH, DELETE_SIGNATURE_AUDIT_BATCH } from "./retention.sql.ts";
import { executeStatement, timestampParam } from "./sql-statement.ts";
import type { NamedStatement } from "./sql-statement.ts";
import type { Tx } from "./tx.ts";

/** The trails the retention job trims, each with its batch statement. */
const TRAIL_STATEMENTS = {
  signatureAudit: DELETE_SIGNATURE_AUDIT_BATCH,
  activationHistory: DELETE_ACTIVATION_HISTORY_BATCH,
} as const satisfies Record<string, NamedStatement>;

export type AuditTrail = keyof typeof TRAIL_STATEMENTS;

/**
 * Deletes at most `limit` of the oldest rows of `trail` created before `cutoff`, skipping rows another core's
 * batch holds; returns how many it deleted. Must run in a transaction (the batch's rows are locked until then).
 */
export async function deleteTrailBatch(tx: Tx, trail: AuditTrail, cutoff: Date, limit: number): Promise<number> {
  const [row] = await executeStatement<{ removed: number }>(tx, TRAIL_STATEMENTS[trail], [timestampParam(cutoff), limit]);
  return Number(row?.removed ?? 0);
}
