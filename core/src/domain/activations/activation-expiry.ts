import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { lockActivation } from "../../persistence/activation.repository.ts";
import { expirePendingActivations } from "../../persistence/activation-expiry.repository.ts";
import { noteActivationStatusChange } from "../../persistence/commit-observer.ts";
import { activationsCallbackEvents } from "../callbacks/callback-payloads.ts";
import { enqueueCallbackEvents } from "../callbacks/callback-outbox.ts";
import { ActivationStatus, isPendingActivationStatus } from "./activation-status.ts";
import { changeActivationStatus } from "./status-change.ts";

export function isExpired(activation: ActivationRecord, now: Date): boolean {
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
 * The periodic job's work: every abandoned CREATED/OTP_USED activation past its expiry becomes REMOVED, with
 * its history row and its callbacks, in batches of `batchSize`, each one short transaction of a few round
 * trips whatever its size (one statement claims, changes and records the batch; one reads the callbacks of
 * each application in it; one writes the outbox rows). Rows another transaction holds are skipped (they are
 * being touched, and that call expires them lazily) and the expiry is re-checked under the lock, so several
 * cores can run the job at once without removing anything twice. It runs until nothing is left. Returns how
 * many activations it removed.
 */
export async function expireAbandonedActivations(db: Db, now: Date = new Date(), batchSize = 1000): Promise<number> {
  let removed = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const expired = await expirePendingActivations(tx, ActivationStatus.REMOVED, now, batchSize);
      for (const [applicationId, activations] of Map.groupBy(expired, (activation) => activation.applicationId)) {
        await enqueueCallbackEvents(tx, await activationsCallbackEvents(tx, applicationId, activations, now));
      }
      // Counted by the process's metrics once the batch commits, as every status change is.
      for (const activation of expired) noteActivationStatusChange(tx, activation.activationStatus);
      return expired.length;
    });
    removed += batch;
    if (batch < batchSize) return removed;
  }
}
