import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { findApplicationById } from "../../persistence/application.repository.ts";
import type { ApplicationCallback } from "../../persistence/callback.entity.ts";
import { listActivationStatusCallbacks } from "../../persistence/callback.repository.ts";
import type { Tx } from "../../persistence/tx.ts";
import { activationStatusName } from "../activations/activation-status.ts";
import type { CallbackEventToEnqueue } from "./callback-outbox.ts";
import type { CallbackPayloadFormat } from "./callback-rules.ts";

/**
 * What a callback is told about, independent of its kind: the payload's `type`, the id field and every
 * attribute value a callback may pick. Activations build one with {@link activationCallbackSubject}; operations
 * (issue #9) add their own builder and reuse {@link callbackPayload} and the outbox unchanged.
 */
export interface CallbackSubject {
  type: "ACTIVATION" | "OPERATION";
  idField: "activationId" | "operationId";
  id: string;
  /** Values by attribute name; null or undefined = not set, left out of the payload. */
  attributes: Readonly<Record<string, unknown>>;
}

/** The parts of a callback row its payload depends on. */
export type PayloadSettings = Pick<ApplicationCallback, "attributes"> & { payloadFormat: CallbackPayloadFormat | string };

/** What an activation's callbacks may be told about it. */
export type ActivationCallbackFields = Pick<
  ActivationRecord,
  "activationId" | "userId" | "activationName" | "deviceInfo" | "platform" | "flags" | "activationStatus" | "blockedReason"
>;

/**
 * The attribute values of an activation as the Cloud API names them. `applicationId` is the Cloud application
 * id, i.e. the application's name (the reference sent the number up to 1.2, the name since 1.3); `protocol` is
 * always `powerauth` here (no FIDO2 activations).
 */
export function activationCallbackSubject(activation: ActivationCallbackFields, applicationName: string | null): CallbackSubject {
  return {
    type: "ACTIVATION",
    idField: "activationId",
    id: activation.activationId,
    attributes: {
      userId: activation.userId,
      activationName: activation.activationName,
      deviceInfo: activation.deviceInfo,
      platform: activation.platform,
      protocol: "powerauth",
      activationFlags: activation.flags,
      activationStatus: cloudActivationStatusName(activation.activationStatus),
      blockedReason: activation.blockedReason,
      applicationId: applicationName,
    },
  };
}

/**
 * Status names as the Cloud API and the 1.x server spell them: the state the 0.22 XSD calls OTP_USED (keys
 * exchanged, waiting for the commit) is PENDING_COMMIT there.
 */
function cloudActivationStatusName(code: number): string {
  const name = activationStatusName(code);
  return name === "OTP_USED" ? "PENDING_COMMIT" : name;
}

/**
 * The body POSTed to one callback. A callback registered through SOAP gets exactly the 0.22 payload
 * (`{"activationId":…}`), which is what receivers written against 0.22 parse; any other gets `type`, the id,
 * and exactly the attributes it asked for that have a value (in the order it asked for them).
 */
export function callbackPayload(subject: CallbackSubject, callback: PayloadSettings): Record<string, unknown> {
  if (callback.payloadFormat === "SOAP_0_22") return { [subject.idField]: subject.id };
  const payload: Record<string, unknown> = { type: subject.type, [subject.idField]: subject.id };
  for (const attribute of callback.attributes) {
    if (attribute === subject.idField) continue;
    const value = subject.attributes[attribute];
    if (value !== undefined && value !== null) payload[attribute] = value;
  }
  return payload;
}

/**
 * The notifications an activation status change causes: one per enabled activation callback of its
 * application, in the caller's transaction (so they commit or vanish with the change). The application's name
 * is read only when some callback asks for `applicationId`, so the common case costs one query.
 */
export async function activationCallbackEvents(tx: Tx, activation: ActivationRecord, now: Date): Promise<CallbackEventToEnqueue[]> {
  return activationsCallbackEvents(tx, activation.applicationId, [activation], now);
}

/**
 * {@link activationCallbackEvents} for status changes of several activations of one application at once (the
 * expiry job's batches): the callbacks, and the name if needed, are read once for all of them.
 */
export async function activationsCallbackEvents(
  tx: Tx,
  applicationId: number,
  activations: readonly ActivationCallbackFields[],
  now: Date,
): Promise<CallbackEventToEnqueue[]> {
  const callbacks = await listActivationStatusCallbacks(tx, applicationId);
  if (callbacks.length === 0) return [];
  const needsName = callbacks.some((callback) => callback.payloadFormat !== "SOAP_0_22" && callback.attributes.includes("applicationId"));
  const applicationName = needsName ? ((await findApplicationById(tx, applicationId))?.name ?? null) : null;
  return activations.flatMap((activation) => {
    const subject = activationCallbackSubject(activation, applicationName);
    // Ordered by activation: a later status of one activation never overtakes an earlier one at a callback.
    return callbacks.map((callback) => ({ callbackId: callback.id, payload: callbackPayload(subject, callback), orderingKey: activation.activationId, now }));
  });
}
