import type { Db } from "../persistence/db.ts";
import type { Tx } from "../persistence/tx.ts";
import type { ServiceError } from "./errors.ts";

/**
 * A service error whose transaction must still commit. The reference's service errors are checked Java
 * exceptions, which do not roll back the surrounding transaction, and callers rely on that: an activation
 * found expired stays REMOVED although the call fails, an invalid device key removes the activation.
 */
export class ErrorAfterCommit {
  readonly error: ServiceError;

  constructor(error: ServiceError) {
    this.error = error;
  }
}

/**
 * Runs `work` in one transaction; if it returns {@link ErrorAfterCommit}, the transaction commits and the
 * error is thrown afterwards. Any thrown error still rolls everything back.
 */
export async function transactionKeepingState<T>(db: Db, work: (tx: Tx) => Promise<T | ErrorAfterCommit>): Promise<T> {
  const result = await db.transaction(work);
  if (result instanceof ErrorAfterCommit) throw result.error;
  return result;
}
