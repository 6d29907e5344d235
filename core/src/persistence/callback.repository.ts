import { LockMode } from "@mikro-orm/core";
import type { Tx } from "./tx.ts";
import { ApplicationCallback } from "./callback.entity.ts";

/** Enabled callbacks of the application that want activation status changes, in creation order. */
export function listActivationStatusCallbacks(tx: Tx, applicationId: number) {
  return tx.find(
    ApplicationCallback,
    { applicationId, type: "ACTIVATION_STATUS_CHANGE", enabled: true },
    { orderBy: { timestampCreated: "asc", id: "asc" } },
  );
}

/** Enabled callbacks of the application, by name (as the reference lists them), then creation. */
export function listCallbacksOfApplication(tx: Tx, applicationId: number, options: { withAuthentication?: boolean } = {}) {
  return tx.find(
    ApplicationCallback,
    { applicationId, enabled: true },
    { orderBy: { name: "asc", timestampCreated: "asc", id: "asc" }, populate: options.withAuthentication ? ["authentication"] : [] },
  );
}

/** An enabled callback by its id; a removed one is not found. */
export function findEnabledCallback(tx: Tx, id: string, options: { withAuthentication?: boolean; forUpdate?: boolean } = {}) {
  return tx.findOne(
    ApplicationCallback,
    { id, enabled: true },
    { populate: options.withAuthentication ? ["authentication"] : [], ...(options.forUpdate && { lockMode: LockMode.PESSIMISTIC_WRITE }) },
  );
}
