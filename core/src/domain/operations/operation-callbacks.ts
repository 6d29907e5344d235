import { findApplicationsByNames } from "../../persistence/application.repository.ts";
import { listOperationStatusCallbacks } from "../../persistence/callback.repository.ts";
import type { OperationRecord } from "../../persistence/operation.repository.ts";
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
 * Writes, in the caller's transaction, one OPERATION_STATUS_CHANGE event per enabled operation callback of each
 * operation's applications, with the operation as it is now, so a change and its notification commit or vanish
 * together. The operation id is the ordering key, so one operation's events reach a callback in order. The
 * callbacks of all given operations are read at once (the expiry job passes a whole batch).
 */
export async function enqueueOperationCallbacks(tx: Tx, operations: readonly OperationRecord[], now: Date): Promise<number> {
  if (operations.length === 0) return 0;
  const applications = await findApplicationsByNames(tx, [...new Set(operations.flatMap((operation) => operation.applications))]);
  if (applications.length === 0) return 0;
  const callbacks = await listOperationStatusCallbacks(tx, applications.map((application) => application.id));
  if (callbacks.length === 0) return 0;
  const nameById = new Map(applications.map((application) => [application.id, application.name]));
  const events = operations.flatMap((operation) => {
    const subject = operationCallbackSubject(operation);
    return callbacks
      .filter((callback) => operation.applications.includes(nameById.get(callback.applicationId) ?? ""))
      .map((callback) => ({ callbackId: callback.id, payload: callbackPayload(subject, callback), orderingKey: operation.id, now }));
  });
  await enqueueCallbackEvents(tx, events);
  return events.length;
}
