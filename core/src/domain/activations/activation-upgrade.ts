import { encodeBase64 } from "../../crypto/bytes.ts";
import { ECIES_SHARED_INFO_1 } from "../../crypto/ecies.ts";
import type { EciesRequest, EciesResponse } from "../../crypto/ecies.ts";
import { generateCounterData } from "../../crypto/hash-counter.ts";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { lockActivation, saveActivation } from "../../persistence/activation.repository.ts";
import type { ApplicationVersion } from "../../persistence/application.entity.ts";
import { openActivationScopeRequest, sealJsonResponse } from "../e2ee/ecies-requests.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import { ActivationStatus } from "./activation-status.ts";
import type { ActivationKeyCache } from "./activation-keys.ts";
import { findSupportedVersion } from "./application-keys.ts";

// Upgrade of a protocol 2.x activation to 3.0: StartUpgrade hands the device its CTR_DATA, the device signs
// /pa/upgrade/commit with a 3.0 signature over it (VerifySignature with forcedSignatureVersion 3), and
// CommitUpgrade makes the activation version 3, which from then on signs with the hash-based counter.

const VERSION_2 = 2;
const VERSION_3 = 3;

/**
 * Starts the upgrade (StartUpgrade): only an ACTIVE version 2 activation (ERR0009 unknown, ERR0008 otherwise)
 * of the application the key names (ERR0015). The request is ECIES in the activation scope (`/pa/upgrade`)
 * and must not be empty. CTR_DATA is created only once, so a repeated call (a retry after a lost answer)
 * hands out the same value and the device and the server never disagree on it.
 */
export async function startUpgrade(
  db: Db,
  activationKeys: ActivationKeyCache,
  input: { activationId: string; applicationKey: string; request: EciesRequest },
): Promise<EciesResponse> {
  return db.transaction(async (tx) => {
    const { activation, version } = await lockUpgradableActivation(tx, input);
    const material = activationKeys.materialFor(activation);
    const opened = await openActivationScopeRequest(tx, material, ECIES_SHARED_INFO_1.UPGRADE, version.applicationSecret, input.request);
    if (opened.plaintext.byteLength === 0) throw new ServiceError(ServiceErrors.INVALID_INPUT_FORMAT);
    if (!activation.ctrData) {
      activation.ctrData = encodeBase64(generateCounterData());
      await saveActivation(tx, activation);
    }
    return sealJsonResponse(opened.context, { ctrData: activation.ctrData });
  });
}

/**
 * Finishes the upgrade (CommitUpgrade) after the intermediate verified the device's 3.0 signature of the
 * commit: the activation must still be ACTIVE, version 2 and have its CTR_DATA (ERR0008 otherwise; ERR0009,
 * ERR0015 as StartUpgrade). It becomes version 3; the counter data the signature advanced stays, so the next
 * signature continues from it.
 */
export async function commitUpgrade(db: Db, input: { activationId: string; applicationKey: string }): Promise<{ committed: boolean }> {
  return db.transaction(async (tx) => {
    const { activation } = await lockUpgradableActivation(tx, input);
    if (!activation.ctrData) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
    activation.version = VERSION_3;
    await saveActivation(tx, activation);
    return { committed: true };
  });
}

async function lockUpgradableActivation(
  tx: Tx,
  input: { activationId: string; applicationKey: string },
): Promise<{ activation: ActivationRecord; version: ApplicationVersion }> {
  const activation = await lockActivation(tx, input.activationId);
  if (!activation) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
  if (activation.activationStatus !== ActivationStatus.ACTIVE || activation.version !== VERSION_2) {
    throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
  }
  const version = await findSupportedVersion(tx, input.applicationKey);
  if (!version || version.applicationId !== activation.applicationId) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
  return { activation, version };
}
