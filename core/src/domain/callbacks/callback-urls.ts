import { randomUUID } from "node:crypto";
import { findApplicationById } from "../../persistence/application.repository.ts";
import { ApplicationCallback } from "../../persistence/callback.entity.ts";
import { findEnabledCallback, listCallbacksOfApplication } from "../../persistence/callback.repository.ts";
import type { Db } from "../../persistence/db.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import { isValidCallbackUrl } from "./callback-rules.ts";

/** A callback as the 0.22 SOAP methods show it. */
export interface CallbackUrlView {
  id: string;
  applicationId: number;
  name: string;
  callbackUrl: string;
}

/**
 * Registers an activation callback the 0.22 way (SOAP CreateCallbackUrl): no attributes, no authentication,
 * the configured delivery defaults, and the 0.22 payload `{"activationId":…}`, because a receiver written for
 * 0.22 knows no other. An invalid URL is ERR0014, an unknown application ERR0015 (checked in that order, as
 * the reference).
 */
export async function createCallbackUrl(db: Db, input: { applicationId: number; name: string; callbackUrl: string }): Promise<CallbackUrlView> {
  if (!isValidCallbackUrl(input.callbackUrl)) throw new ServiceError(ServiceErrors.INVALID_URL_FORMAT);
  return db.transaction(async (tx) => {
    const application = await findApplicationById(tx, input.applicationId);
    if (!application) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    const callback = tx.create(ApplicationCallback, {
      id: randomUUID(),
      applicationId: application.id,
      name: input.name,
      callbackUrl: input.callbackUrl,
      type: "ACTIVATION_STATUS_CHANGE",
      attributes: [],
      authentication: null,
      encryptionMode: "NO_ENCRYPTION",
      payloadFormat: "SOAP_0_22",
      enabled: true,
      timestampCreated: new Date(),
    });
    await tx.flush();
    return toCallbackUrlView(callback);
  });
}

/**
 * The application's callbacks (SOAP GetCallbackUrlList), removed ones left out, ordered by name as the
 * reference. An unknown application is ERR0015 rather than the reference's empty list, so a wrong id is not
 * mistaken for "no callbacks".
 */
export async function getCallbackUrlList(db: Db, applicationId: number): Promise<CallbackUrlView[]> {
  return db.read(async (tx) => {
    if (!(await findApplicationById(tx, applicationId))) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    return (await listCallbacksOfApplication(tx, applicationId)).map(toCallbackUrlView);
  });
}

/**
 * Removes a callback (SOAP RemoveCallbackUrl) by clearing `enabled`: outbox rows still reference it, and no new
 * ones are written. Answers whether a callback was removed (false for an unknown or already removed id).
 */
export async function removeCallbackUrl(db: Db, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const callback = await findEnabledCallback(tx, id, { forUpdate: true });
    if (!callback) return false;
    callback.enabled = false;
    callback.timestampLastUpdated = new Date();
    await tx.flush();
    return true;
  });
}

function toCallbackUrlView(callback: ApplicationCallback): CallbackUrlView {
  return { id: callback.id, applicationId: callback.applicationId, name: callback.name ?? "", callbackUrl: callback.callbackUrl };
}
