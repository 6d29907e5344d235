import {
  ECIES_SHARED_INFO_1,
  eciesActivationScopeSharedInfo2,
  eciesApplicationScopeSharedInfo2,
  getEciesDecryptor as deriveDecryptor,
} from "../../crypto/ecies.ts";
import type { Db } from "../../persistence/db.ts";
import { requireActiveActivation } from "../activations/active-activation.ts";
import { findSupportedVersion, loadMasterKeyPair } from "../activations/application-keys.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import type { ActivationKeyCache } from "../activations/activation-keys.ts";
import { asDecryptionFailure, refuseReplayedEciesRequest } from "./ecies-requests.ts";

/**
 * The ECIES envelope key and sharedInfo2 for an intermediate server that decrypts a device's request and
 * encrypts the response itself (GetEciesDecryptor). Without an activation ID: application scope
 * (`/pa/generic/application`, master key); with one: activation scope (`/pa/generic/activation`, the
 * activation's server key, which must be ACTIVE and of the key's application). The envelope length follows
 * the configured decryptor version (32 bytes for a 3.0 integration, 48 for 3.1), because the intermediate's
 * library insists on its exact length. An ephemeral key is handed out once (the reference's issue #956): asking
 * again for the same one is a replayed request, ERR0024.
 */
export async function getEciesDecryptor(
  db: Db,
  settings: ServiceSettings,
  activationKeys: ActivationKeyCache,
  input: { applicationKey: string; ephemeralPublicKey: Buffer; activationId?: string },
): Promise<{ secretKey: Buffer; sharedInfo2: Buffer }> {
  return db.transaction(async (tx) => {
    if (input.activationId === undefined) {
      const version = await findSupportedVersion(tx, input.applicationKey);
      if (!version) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
      const master = await loadMasterKeyPair(tx, settings, version.applicationId);
      const decryptor = asDecryptionFailure(() =>
        deriveDecryptor(
          master.privateKey,
          input.ephemeralPublicKey,
          ECIES_SHARED_INFO_1.APPLICATION_SCOPE_GENERIC,
          eciesApplicationScopeSharedInfo2(version.applicationSecret),
          settings.eciesDecryptorVersion,
        ),
      );
      await refuseReplayedEciesRequest(tx, "ECIES_APPLICATION_SCOPE", input);
      return decryptor;
    }
    const { version, material } = await requireActiveActivation(tx, activationKeys, { activationId: input.activationId, applicationKey: input.applicationKey });
    const decryptor = asDecryptionFailure(() =>
      deriveDecryptor(
        material.serverPrivateKey,
        input.ephemeralPublicKey,
        ECIES_SHARED_INFO_1.ACTIVATION_SCOPE_GENERIC,
        eciesActivationScopeSharedInfo2(material.keys.transport, version.applicationSecret),
        settings.eciesDecryptorVersion,
      ),
    );
    await refuseReplayedEciesRequest(tx, "ECIES_ACTIVATION_SCOPE", input);
    return decryptor;
  });
}
