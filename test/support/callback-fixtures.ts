import { randomUUID } from "node:crypto";
import { sealCallbackAuthentication } from "../../core/src/domain/callbacks/callback-authentication.ts";
import type { CallbackAuthentication } from "../../core/src/domain/callbacks/callback-authentication.ts";
import type { Db } from "../../core/src/persistence/db.ts";
import { ApplicationCallback } from "../../core/src/persistence/callback.entity.ts";

/**
 * A callback row written straight through the ORM (as the registration API stores it), for delivery tests that
 * are about what happens after registration.
 */
export async function insertCallback(
  db: Db,
  fields: {
    applicationId: bigint | number;
    url: string;
    type?: "ACTIVATION_STATUS_CHANGE" | "OPERATION_STATUS_CHANGE";
    attributes?: string[];
    maxAttempts?: number | null;
    initialBackoff?: string | null;
    retentionPeriod?: string | null;
    authentication?: CallbackAuthentication;
    masterDbEncryptionKey?: Buffer;
  },
): Promise<string> {
  const id = randomUUID();
  const sealed = fields.authentication
    ? sealCallbackAuthentication({ masterDbEncryptionKey: fields.masterDbEncryptionKey }, id, fields.authentication)
    : { authentication: null, encryptionMode: "NO_ENCRYPTION" as const };
  await db.transaction(async (tx) => {
    tx.create(ApplicationCallback, {
      id,
      applicationId: Number(fields.applicationId),
      name: `cb-${id.slice(0, 8)}`,
      callbackUrl: fields.url,
      type: fields.type ?? "ACTIVATION_STATUS_CHANGE",
      attributes: fields.attributes ?? [],
      authentication: sealed.authentication,
      encryptionMode: sealed.encryptionMode,
      maxAttempts: fields.maxAttempts ?? null,
      initialBackoff: fields.initialBackoff ?? null,
      retentionPeriod: fields.retentionPeriod ?? null,
      enabled: true,
      timestampCreated: new Date(),
    });
  });
  return id;
}
