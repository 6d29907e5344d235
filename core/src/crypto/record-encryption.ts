import { aesCbcDecrypt, aesCbcEncrypt } from "./aes.ts";
import { decodeBase64, encodeBase64, randomBytes, utf8 } from "./bytes.ts";
import { CryptoError } from "./errors.ts";
import { hmacSha256 } from "./hash.ts";
import { kdfInternal } from "./kdf.ts";

/** `*_encryption` column values: how a secret column is stored. */
export const RECORD_ENCRYPTION_MODE = {
  NO_ENCRYPTION: 0,
  AES_HMAC: 1,
} as const;
/** A {@link RECORD_ENCRYPTION_MODE} value. */
export type RecordEncryptionMode = (typeof RECORD_ENCRYPTION_MODE)[keyof typeof RECORD_ENCRYPTION_MODE];

/**
 * Per-record key: `fold(HMAC(key = masterDbKey, msg = u8(parts.join("&"))))`,
 * parts e.g. [userId, activationId] for an activation's server private key.
 * Binding the key to the record stops ciphertexts being swapped between rows.
 */
export function deriveRecordKey(masterDbKey: Uint8Array, indexParts: readonly string[]): Buffer {
  if (masterDbKey.byteLength !== 16) throw new CryptoError("INVALID_KEY", "master DB key must be 16 bytes");
  return kdfInternal(masterDbKey, utf8(indexParts.join("&")));
}

/** Encrypts a column value: `B64(IV || AESCBC_P7(recordKey, IV, plaintext))` with a random IV. */
export function encryptRecord(masterDbKey: Uint8Array, indexParts: readonly string[], plaintext: Uint8Array): string {
  const iv = randomBytes(16);
  return encodeBase64(Buffer.concat([iv, aesCbcEncrypt(deriveRecordKey(masterDbKey, indexParts), iv, plaintext)]));
}

/** Inverse of {@link encryptRecord}; wrong key or parts → DECRYPTION_FAILED (with high probability). */
export function decryptRecord(masterDbKey: Uint8Array, indexParts: readonly string[], stored: string): Buffer {
  const raw = decodeBase64(stored, "encrypted record");
  if (raw.byteLength < 32) throw new CryptoError("DECRYPTION_FAILED", "encrypted record is too short");
  return aesCbcDecrypt(deriveRecordKey(masterDbKey, indexParts), raw.subarray(0, 16), raw.subarray(16));
}

/**
 * The id stored beside each record sealed with `masterDbKey`, so the right key of a key ring opens it:
 * hex of the first 4 bytes of `HMAC-SHA256(masterDbKey, "powerauth-db-key-id")`. Derived, so nothing has to be
 * configured twice; an HMAC rather than a hash of the key, so the id says nothing a hash of the key would.
 */
export function masterDbKeyId(masterDbKey: Uint8Array): string {
  if (masterDbKey.byteLength !== 16) throw new CryptoError("INVALID_KEY", "master DB key must be 16 bytes");
  return hmacSha256(masterDbKey, utf8("powerauth-db-key-id")).subarray(0, 4).toString("hex");
}
