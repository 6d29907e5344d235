import type { Tx } from "./tx.ts";
import { UniqueValue } from "./unique-value.entity.ts";

/**
 * Records a value in the caller's transaction unless it is already there: `INSERT … ON CONFLICT DO NOTHING`, so
 * the primary key decides between concurrent callers (also in other cores; the second waits for the first to
 * commit or roll back). True when this call recorded it, false when it was seen before.
 */
export async function insertUniqueValue(tx: Tx, row: { uniqueValue: string; type: string; timestampExpires: Date }): Promise<boolean> {
  const result = await tx.createQueryBuilder(UniqueValue).insert(row).onConflict("uniqueValue").ignore().execute("run");
  return result.affectedRows === 1;
}

/** Deletes the values whose expiry has passed (one statement over the expiry index); returns how many. */
export async function deleteExpiredUniqueValues(tx: Tx, now: Date): Promise<number> {
  return tx.nativeDelete(UniqueValue, { timestampExpires: { $lt: now } });
}
