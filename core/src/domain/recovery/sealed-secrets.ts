import { decodeBase64, encodeBase64 } from "../../crypto/bytes.ts";
import { CryptoError } from "../../crypto/errors.ts";
import { RECORD_ENCRYPTION_MODE, decryptRecord, encryptRecord } from "../../crypto/record-encryption.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";

/** How a secret is written when it is stored in the clear. */
export type ClearForm = "base64" | "utf8";

/**
 * A recovery secret as stored (the postcard private key, a PUK hash): sealed with the master DB key bound to its
 * row (`parts`), so a ciphertext cannot be moved to another row, or in the clear when no key is configured (key
 * bytes as Base64, a PUK hash as its own text, as the reference stores them). The mode is stored beside it, so
 * rows of both kinds can coexist.
 */
export function sealSecret(
  settings: Pick<ServiceSettings, "masterDbEncryptionKey">,
  parts: readonly string[],
  secret: Uint8Array,
  clearForm: ClearForm,
): { stored: string; encryption: number } {
  if (!settings.masterDbEncryptionKey) {
    const stored = clearForm === "base64" ? encodeBase64(secret) : Buffer.from(secret).toString("utf8");
    return { stored, encryption: RECORD_ENCRYPTION_MODE.NO_ENCRYPTION };
  }
  return { stored: encryptRecord(settings.masterDbEncryptionKey, parts, secret), encryption: RECORD_ENCRYPTION_MODE.AES_HMAC };
}

/**
 * Inverse of {@link sealSecret}. A sealed secret without a configured key is ERR0020 (as the reference), an
 * unknown mode ERR0021, one that does not open ERR0022.
 */
export function openSecret(
  settings: Pick<ServiceSettings, "masterDbEncryptionKey">,
  parts: readonly string[],
  sealed: { stored: string; encryption: number },
  clearForm: ClearForm,
): Buffer {
  try {
    switch (sealed.encryption) {
      case RECORD_ENCRYPTION_MODE.NO_ENCRYPTION:
        return clearForm === "base64" ? decodeBase64(sealed.stored, "stored secret") : Buffer.from(sealed.stored, "utf8");
      case RECORD_ENCRYPTION_MODE.AES_HMAC:
        if (!settings.masterDbEncryptionKey) throw new ServiceError(ServiceErrors.MISSING_MASTER_DB_ENCRYPTION_KEY);
        return decryptRecord(settings.masterDbEncryptionKey, parts, sealed.stored);
      default:
        throw new ServiceError(ServiceErrors.UNSUPPORTED_ENCRYPTION_MODE);
    }
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.GENERIC_CRYPTOGRAPHY_ERROR, { cause: error });
    throw error;
  }
}
