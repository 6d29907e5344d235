import type { Db } from "../../persistence/db.ts";
import { expirePendingOperations, listOperationCallbacks } from "../../persistence/operation.repository.ts";
import { enqueueOperationCallbacks } from "./operation-callbacks.ts";

/**
 * The periodic job's work: every PENDING operation past its expiry becomes EXPIRED, with its callbacks, in
 * batches of `batchSize`, each batch one short transaction that claims its rows with `FOR UPDATE SKIP LOCKED`
 * (so several cores share the work, and an operation someone is approving right now is left to that call,
 * which expires it lazily). It runs until nothing is left, with no cap per run: the reference's 100 per
 * 5 seconds let a backlog grow without bound. Returns how many it expired.
 */
export async function expireOperations(db: Db, now: Date = new Date(), batchSize = 1000): Promise<number> {
  let expired = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const operations = await expirePendingOperations(tx, now, batchSize);
      if (operations.length === 0) return 0;
      const callbacks = await listOperationCallbacks(tx, [...new Set(operations.flatMap((operation) => operation.applications))]);
      await enqueueOperationCallbacks(tx, operations, callbacks, now);
      return operations.length;
    });
    expired += batch;
    if (batch < batchSize) return expired;
  }
}
