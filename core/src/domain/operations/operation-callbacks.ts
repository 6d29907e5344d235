import type { OperationCallbackTarget, OperationRecord } from "../../persistence/operation.repository.ts";
import type { Tx } from "../../persistence/tx.ts";
import { enqueueCallbackEvents } from "../callbacks/callback-outbox.ts";
import { callbackPayload } from "../callbacks/callback-payloads.ts";
import type { CallbackSubject } from "../callbacks/callback-payloads.ts";

/**
 * The attribute values of an operation as the Cloud API names them (the seed's OPERATION_STATUS_CHANGE list):
 * statuses and signature types by name, timestamps as ISO-8601 UTC. Unlike the reference, `activationFlag`
 * depends on the callback's configuration, not on its URL's text.
 */
export function operationCallbackSubject(operation: OperationRecord): CallbackSubject {
  return {
    type: "OPERATION",
    idField: "operationId",
    id: operation.id,
    attributes: {
      userId: operation.userId,
      applications: operation.applications,
      operationType: operation.operationType,
      parameters: operation.parameters,
      additionalData: operation.additionalData,
      activationFlag: operation.activationFlag,
      status: operation.status,
      data: operation.data,
      failureCount: operation.failureCount,
      maxFailureCount: operation.maxFailureCount,
      signatureType: operation.signatureType,
      externalId: operation.externalId,
      timestampCreated: operation.timestampCreated.toISOString(),
      timestampExpires: operation.timestampExpires.toISOString(),
      timestampFinalized: operation.timestampFinalized?.toISOString() ?? null,
    },
  };
}

/**
 * Writes, in the caller's transaction, one OPERATION_STATUS_CHANGE event per given callback of each operation's
 * applications, with the operation as it is now, so a change and its notification commit or vanish together.
 * The operation id is the ordering key, so one operation's events reach a callback in order. `callbacks` come
 * with the statement that read or locked the operation (or, for an expiry batch, one query for the batch).
 */
export async function enqueueOperationCallbacks(
  tx: Tx,
  operations: readonly OperationRecord[],
  callbacks: readonly OperationCallbackTarget[],
  now: Date,
): Promise<number> {
  const events = operations.flatMap((operation) => {
    const targets = callbacks.filter((callback) => operation.applications.includes(callback.applicationName));
    if (targets.length === 0) return [];
    const subject = operationCallbackSubject(operation);
    return targets.map((callback) => ({ callbackId: callback.id, payload: callbackPayload(subject, callback), orderingKey: operation.id, now }));
  });
  if (events.length > 0) await enqueueCallbackEvents(tx, events);
  return events.length;
}
