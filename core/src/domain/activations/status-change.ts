import type { Tx } from "../../persistence/tx.ts";
import { insertActivationHistory, saveActivation } from "../../persistence/activation.repository.ts";
import { noteActivationStatusChange } from "../../persistence/commit-observer.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { activationCallbackEvents } from "../callbacks/callback-payloads.ts";
import { enqueueCallbackEvents } from "../callbacks/callback-outbox.ts";
import { ActivationStatus, BlockedReason } from "./activation-status.ts";
import type { ActivationStatusCode } from "./activation-status.ts";

export interface StatusChangeOptions {
  /** For BLOCKED: the blocked reason (default NOT_SPECIFIED); otherwise recorded as the history's event reason. */
  reason?: string | null;
  /** Who (in the caller's system) asked for the change; kept in the history. */
  externalUserId?: string | null;
  now?: Date;
}

/**
 * The one way an activation changes state (the reference's saveActivationAndLogChange + callback
 * notification): sets the status, saves the locked record with every other change the caller made to it,
 * writes the history row and one outbox row per activation callback of the application, all in the caller's
 * transaction — so a status change, its audit trail and its notification commit or vanish together. Also
 * used when the state stays the same but the reference still records and notifies (removing an already
 * removed activation).
 */
export async function changeActivationStatus(
  tx: Tx,
  activation: ActivationRecord,
  status: ActivationStatusCode,
  options: StatusChangeOptions = {},
): Promise<void> {
  const now = options.now ?? new Date();
  activation.activationStatus = status;
  if (status === ActivationStatus.BLOCKED) activation.blockedReason = options.reason ?? BlockedReason.NOT_SPECIFIED;
  if (status === ActivationStatus.ACTIVE) activation.blockedReason = null;
  activation.timestampLastChange = now;
  await saveActivation(tx, activation);
  await insertActivationHistory(tx, {
    activationId: activation.activationId,
    activationStatus: status,
    eventReason: status === ActivationStatus.BLOCKED ? activation.blockedReason : (options.reason ?? null),
    externalUserId: options.externalUserId ?? null,
    timestampCreated: now,
  });
  await enqueueCallbackEvents(tx, await activationCallbackEvents(tx, activation, now));
  // Counted by the process's metrics once the transaction commits.
  noteActivationStatusChange(tx, status);
}
