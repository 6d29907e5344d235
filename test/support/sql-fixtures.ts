import { executeStatement } from "../../core/src/persistence/sql-statement.ts";
import type { Db } from "../../core/src/persistence/db.ts";
import type { Tx } from "../../core/src/persistence/tx.ts";

/**
 * Rows written straight with SQL, for tests of background jobs that only care about a few columns (statuses,
 * timestamps) and not about how the rows came to be: no keys are generated and no domain rule runs.
 */

/** One set-up statement with `$n` parameters on the unit of work's own connection (inside a transaction, the transaction's). */
export function sql<Row>(tx: Tx, text: string, params: unknown[] = []): Promise<Row[]> {
  return executeStatement<Row>(tx, { name: "", text }, params);
}

/** An application row without versions or keys; returns its id. */
export async function insertBareApplication(db: Db, name: string): Promise<number> {
  const [row] = await db.transaction((tx) => sql<{ id: string | number }>(tx, `insert into pa_application (name) values ($1) returning id`, [name]));
  return Number(row.id);
}

/** An activation row with placeholder keys in `status`, expiring at `expires`. */
export async function insertBareActivation(
  db: Db,
  fields: { activationId: string; applicationId: number; userId?: string; status: number; expires: Date },
): Promise<void> {
  await db.transaction((tx) =>
    sql(
      tx,
      `insert into pa_activation (activation_id, application_id, user_id, activation_status, server_private_key_base64,
         server_public_key_base64, timestamp_activation_expire) values ($1, $2, $3, $4, 'private', 'public', $5)`,
      [fields.activationId, fields.applicationId, fields.userId ?? "user", fields.status, fields.expires.toISOString()],
    ),
  );
}
