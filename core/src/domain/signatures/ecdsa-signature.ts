import { decodeBase64 } from "../../crypto/bytes.ts";
import { CryptoError } from "../../crypto/errors.ts";
import { parsePublicKey } from "../../crypto/ec-keys.ts";
import { verifyEcdsa } from "../../crypto/ecdsa.ts";
import type { Db } from "../../persistence/db.ts";
import { findActivation } from "../../persistence/activation.repository.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";

/**
 * Verifies data the device signed with its own private key, which it only has after a vault unlock
 * (VerifyECDSASignature). Unknown activations, and activations without a device key yet, are simply
 * "invalid"; no state check, as in the reference.
 */
export async function verifyEcdsaSignature(db: Db, input: { activationId: string; data: Buffer; signature: Buffer }): Promise<boolean> {
  return db.read(async (tx) => {
    const activation = await findActivation(tx, input.activationId);
    if (!activation?.devicePublicKeyBase64) return false;
    try {
      return verifyEcdsa(parsePublicKey(decodeBase64(activation.devicePublicKeyBase64, "device public key")), input.data, input.signature);
    } catch (error) {
      if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.INVALID_KEY_FORMAT, { cause: error });
      throw error;
    }
  });
}
