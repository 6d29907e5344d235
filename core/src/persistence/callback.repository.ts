import type { Tx } from "./tx.ts";
import { ApplicationCallback, ApplicationCallbackEvent } from "./callback.entity.ts";

/** Enabled callbacks of the application that want activation status changes, in creation order. */
export function listActivationStatusCallbacks(tx: Tx, applicationId: number) {
  return tx.find(
    ApplicationCallback,
    { applicationId, type: "ACTIVATION_STATUS_CHANGE", enabled: true },
    { orderBy: { timestampCreated: "asc", id: "asc" } },
  );
}

/** Outbox rows of one callback, oldest first. */
export function listEventsOfCallback(tx: Tx, applicationCallbackId: string) {
  return tx.find(ApplicationCallbackEvent, { applicationCallbackId }, { orderBy: { id: "asc" } });
}
