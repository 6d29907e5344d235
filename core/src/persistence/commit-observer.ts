import type { Tx } from "./tx.ts";

/**
 * What a process learns about committed changes (its metrics count them). Told only after the transaction
 * committed, so a change that was rolled back is never counted.
 */
export interface CommitObserver {
  /** An activation's status was written (the new status code). */
  activationStatusChanged(status: number): void;
}

/**
 * Statuses a transaction in progress has written, keyed by its unit of work. Entries live only as long as the
 * transaction's EntityManager; nothing is shared between transactions or processes' databases.
 */
const writtenStatuses = new WeakMap<Tx, number[]>();

/** Notes that `tx` wrote activation status `status`; announced to the database's observers once `tx` commits. */
export function noteActivationStatusChange(tx: Tx, status: number): void {
  const statuses = writtenStatuses.get(tx);
  if (statuses) statuses.push(status);
  else writtenStatuses.set(tx, [status]);
}

/** Tells `observers` what the committed unit of work `tx` noted (nothing, on most transactions). */
export function announceCommitted(tx: Tx | undefined, observers: ReadonlySet<CommitObserver>): void {
  if (!tx) return;
  const statuses = writtenStatuses.get(tx);
  if (!statuses) return;
  writtenStatuses.delete(tx);
  for (const observer of observers) for (const status of statuses) observer.activationStatusChanged(status);
}
