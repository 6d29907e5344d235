import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { listExpiredActivationIds, lockActivation, lockActivationUnlessBusy } from "../../persistence/activation.repository.ts";
import { ActivationStatus, isPendingActivationStatus } from "./activation-status.ts";
import { changeActivationStatus } from "./status-change.ts";

function isExpired(activation: ActivationRecord, now: Date): boolean {
  return isPendingActivationStatus(activation.activationStatus) && now.getTime() > activation.timestampActivationExpire.getTime();
}

/**
 * Lazy expiry (the reference's deactivatePendingActivation): an activation still waiting for its key
 * exchange or commit past its expiry becomes REMOVED the moment anyone touches it. Takes the row lock only
 * when there is something to change, re-checks under it, and returns the activation as it now is.
 */
export async function expireIfPending(tx: Tx, activation: ActivationRecord, now: Date): Promise<ActivationRecord> {
  if (!isExpired(activation, now)) return activation;
  const locked = (await lockActivation(tx, activation.activationId)) ?? activation;
  if (isExpired(locked, now)) await changeActivationStatus(tx, locked, ActivationStatus.REMOVED, { now });
  return locked;
}

/**
 * The periodic job's work: removes abandoned CREATED/OTP_USED activations past their expiry, in batches,
 * each in its own short transaction. Rows another transaction holds are skipped (they are being touched, and
 * that call expires them lazily), and the state is re-checked under the lock, so several core instances can
 * run the job at once without removing anything twice. Returns how many activations it removed.
 */
export async function expireAbandonedActivations(db: Db, now: Date = new Date(), batchSize = 100): Promise<number> {
  let removed = 0;
  for (;;) {
    const ids = await db.read((tx) =>
      listExpiredActivationIds(tx, [ActivationStatus.CREATED, ActivationStatus.OTP_USED], now, batchSize),
    );
    let removedInBatch = 0;
    for (const activationId of ids) {
      const done = await db.transaction(async (tx) => {
        const activation = await lockActivationUnlessBusy(tx, activationId);
        if (!activation || !isExpired(activation, now)) return false;
        await changeActivationStatus(tx, activation, ActivationStatus.REMOVED, { now });
        return true;
      });
      if (done) removedInBatch++;
    }
    removed += removedInBatch;
    if (ids.length < batchSize || removedInBatch === 0) return removed;
  }
}
