import { PushCredential } from "./push-credential.entity.ts";
import type { Tx } from "./tx.ts";

/** The configured push services of an application, without their secrets. */
export function listPushCredentialsOfApplication(tx: Tx, applicationId: number) {
  return tx.find(PushCredential, { applicationId }, { orderBy: { platform: "asc" } });
}

/** One platform's credentials of an application, with the sealed secret loaded. */
export function findPushCredentialWithSecret(tx: Tx, applicationId: number, platform: string) {
  return tx.findOne(PushCredential, { applicationId, platform }, { populate: ["secret"] });
}

/** Removes one platform's credentials; true when there were any. */
export async function deletePushCredential(tx: Tx, applicationId: number, platform: string): Promise<boolean> {
  return (await tx.nativeDelete(PushCredential, { applicationId, platform })) > 0;
}
