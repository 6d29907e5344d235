import { SimulatedDevice } from "../simulator/index.ts";
import type { ApplicationDetail } from "../../core/src/domain/applications/applications.ts";
import { commitActivation } from "../../core/src/domain/activations/activation-lifecycle.ts";
import { createActivation } from "../../core/src/domain/activations/key-exchange.ts";
import { inlineArgon2 } from "../../core/src/crypto/argon2.ts";
import type { ServiceSettings } from "../../core/src/domain/service-settings.ts";
import type { Db } from "../../core/src/persistence/db.ts";

/**
 * For domain-level tests: an ACTIVE activation created through the domain functions (no RPC layer), with the
 * simulated device that holds its keys.
 */
export async function activateThroughDomain(
  db: Db,
  settings: ServiceSettings,
  application: ApplicationDetail,
  options: { userId?: string; maxFailureCount?: number } = {},
): Promise<SimulatedDevice> {
  const version = application.versions[0];
  const device = new SimulatedDevice({ applicationKey: version.applicationKey, applicationSecret: version.applicationSecret, masterPublicKey: application.masterPublicKey });
  const fields = device.createActivationRequest();
  const b64 = (value: string) => Buffer.from(value, "base64");
  const created = await createActivation(db, settings, inlineArgon2, {
    userId: options.userId ?? "u",
    maxFailureCount: options.maxFailureCount,
    applicationKey: version.applicationKey,
    request: { ephemeralPublicKey: b64(fields.ephemeralPublicKey), encryptedData: b64(fields.encryptedData), mac: b64(fields.mac), nonce: fields.nonce ? b64(fields.nonce) : null },
  });
  device.processActivationResponse({ encryptedData: created.encryptedData.toString("base64"), mac: created.mac.toString("base64") });
  await commitActivation(db, { activationId: created.activationId });
  return device;
}
