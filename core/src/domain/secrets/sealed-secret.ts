import { decodeBase64, encodeBase64 } from "../../crypto/bytes.ts";
import { CryptoError } from "../../crypto/errors.ts";
import { RECORD_ENCRYPTION_MODE, decryptRecord, encryptRecord } from "../../crypto/record-encryption.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import { masterDbKeyRing, ringKeyById } from "./master-db-keys.ts";
import type { MasterDbKeyRing, MasterDbKeys } from "./master-db-keys.ts";
import type { SecretKind } from "./secret-kinds.ts";

/**
 * A secret as its three columns hold it: the value (`B64(IV || AES-CBC(recordKey, IV, secret))` when
 * encrypted, the reference's format; the clear form otherwise), whether it is encrypted (the `*_encryption`
 * mode column, 1/`AES_HMAC` or 0/`NO_ENCRYPTION`) and the id of the master DB key that sealed it
 * (`*_encryption_key_id`; null in the clear, and for records sealed before key ids existed).
 */
export interface SealedSecret {
  stored: string;
  encrypted: boolean;
  keyId: string | null;
}

/** A sealed secret as read back: the mode exactly as its column holds it (numbers or the reference's names). */
export interface StoredSecret {
  stored: string;
  mode: number | string;
  keyId?: string | null;
}

/**
 * Seals a secret of `kind` owned by `owner` with the current master DB key, bound to the owner's row; in the
 * clear when no key is configured (only possible where plaintext secrets are explicitly allowed).
 */
export function sealSecret<Owner>(keys: MasterDbKeys, kind: SecretKind<Owner>, owner: Owner, secret: Uint8Array): SealedSecret {
  return sealWithRing(masterDbKeyRing(keys), kind, owner, secret);
}

/** {@link sealSecret} with an already built key ring (the re-sealing job builds it once). */
export function sealWithRing<Owner>(ring: MasterDbKeyRing, kind: SecretKind<Owner>, owner: Owner, secret: Uint8Array): SealedSecret {
  if (!ring.current) return { stored: clearText(kind, secret), encrypted: false, keyId: null };
  return { stored: encryptRecord(ring.current.key, kind.partsOf(owner), secret), encrypted: true, keyId: ring.current.id };
}

/**
 * The secret in clear. An encrypted record opens with the key its id names; a record without an id (sealed
 * before ids existed) with the first configured key under which it decrypts to something `kind` accepts. A
 * record whose key is not configured is ERR0020 (as the reference answers for a missing key), an unknown mode
 * ERR0021, a record that does not decrypt ERR0022.
 */
export function openSecret<Owner>(keys: MasterDbKeys, kind: SecretKind<Owner>, owner: Owner, sealed: StoredSecret): Buffer {
  return openWithRing(masterDbKeyRing(keys), kind, owner, sealed);
}

/** {@link openSecret} with an already built key ring. */
export function openWithRing<Owner>(ring: MasterDbKeyRing, kind: SecretKind<Owner>, owner: Owner, sealed: StoredSecret): Buffer {
  switch (isEncryptedMode(sealed.mode)) {
    case false:
      return fromClearText(kind, sealed.stored);
    case true:
      return decryptStored(ring, kind, owner, sealed);
    default:
      throw new ServiceError(ServiceErrors.UNSUPPORTED_ENCRYPTION_MODE);
  }
}

/** The integer mode column's value (`*_encryption`): 1 encrypted, 0 in the clear. */
export function encryptionModeCode(sealed: Pick<SealedSecret, "encrypted">): number {
  return sealed.encrypted ? RECORD_ENCRYPTION_MODE.AES_HMAC : RECORD_ENCRYPTION_MODE.NO_ENCRYPTION;
}

/** The text mode column's value (`encryption_mode`, the reference's names). */
export function encryptionModeName(sealed: Pick<SealedSecret, "encrypted">): "AES_HMAC" | "NO_ENCRYPTION" {
  return sealed.encrypted ? "AES_HMAC" : "NO_ENCRYPTION";
}

/** Whether a mode column's value means encrypted; undefined for a value neither form knows. */
export function isEncryptedMode(mode: number | string): boolean | undefined {
  if (mode === RECORD_ENCRYPTION_MODE.NO_ENCRYPTION || mode === "NO_ENCRYPTION" || mode === "0") return false;
  if (mode === RECORD_ENCRYPTION_MODE.AES_HMAC || mode === "AES_HMAC" || mode === "1") return true;
  return undefined;
}

function decryptStored<Owner>(ring: MasterDbKeyRing, kind: SecretKind<Owner>, owner: Owner, sealed: StoredSecret): Buffer {
  if (ring.all.length === 0) throw new ServiceError(ServiceErrors.MISSING_MASTER_DB_ENCRYPTION_KEY);
  const parts = kind.partsOf(owner);
  if (sealed.keyId) {
    const key = ringKeyById(ring, sealed.keyId);
    if (!key) throw new ServiceError(ServiceErrors.MISSING_MASTER_DB_ENCRYPTION_KEY);
    try {
      return decryptRecord(key.key, parts, sealed.stored);
    } catch (error) {
      throw cryptographyError(error);
    }
  }
  let lastError: unknown;
  for (const key of ring.all) {
    try {
      const plaintext = decryptRecord(key.key, parts, sealed.stored);
      if (kind.accepts(plaintext)) return plaintext;
    } catch (error) {
      lastError = error;
    }
  }
  throw new ServiceError(ServiceErrors.GENERIC_CRYPTOGRAPHY_ERROR, { cause: lastError });
}

function clearText<Owner>(kind: SecretKind<Owner>, secret: Uint8Array): string {
  return kind.clearForm === "base64" ? encodeBase64(secret) : Buffer.from(secret).toString("utf8");
}

function fromClearText<Owner>(kind: SecretKind<Owner>, stored: string): Buffer {
  if (kind.clearForm === "utf8") return Buffer.from(stored, "utf8");
  try {
    return decodeBase64(stored, kind.name);
  } catch (error) {
    throw cryptographyError(error);
  }
}

function cryptographyError(error: unknown): unknown {
  return error instanceof CryptoError ? new ServiceError(ServiceErrors.GENERIC_CRYPTOGRAPHY_ERROR, { cause: error }) : error;
}
