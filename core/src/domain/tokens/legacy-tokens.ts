import { CryptoError } from "../../crypto/errors.ts";
import { encryptTokenResponseV2 } from "../../crypto/legacy-token.ts";
import type { SignatureType } from "../../crypto/multi-factor-signature.ts";
import type { Db } from "../../persistence/db.ts";
import { findActivation } from "../../persistence/activation.repository.ts";
import { ActivationStatus } from "../activations/activation-status.ts";
import { loadMasterKeyPair } from "../activations/application-keys.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { storeNewToken } from "./tokens.ts";

/**
 * Protocol 2.x token issuing (v2 CreateToken). The 2.x SDK sends only an ephemeral public key: the token ID
 * and secret go back under ECIES with the application's newest master key and no sharedInfo, so only that
 * device can read them. The intermediate has verified the device's signature before asking. An unknown
 * activation is ERR0009, one that is not ACTIVE ERR0008, an unusable ephemeral key ERR0010.
 */
export async function createTokenV2(
  db: Db,
  keys: MasterDbKeys,
  input: { activationId: string; signatureType: SignatureType; ephemeralPublicKey: Buffer },
): Promise<{ encryptedData: Buffer; mac: Buffer }> {
  return db.transaction(async (tx) => {
    const activation = await findActivation(tx, input.activationId);
    if (!activation) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
    if (activation.activationStatus !== ActivationStatus.ACTIVE) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
    const master = await loadMasterKeyPair(tx, keys, activation.applicationId);
    const token = await storeNewToken(tx, keys, activation.activationId, input.signatureType);
    try {
      return encryptTokenResponseV2(master.privateKey, input.ephemeralPublicKey, Buffer.from(JSON.stringify(token), "utf8"));
    } catch (error) {
      // Thrown inside the transaction, so the token is not kept.
      if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.INVALID_KEY_FORMAT, { cause: error });
      throw error;
    }
  });
}
