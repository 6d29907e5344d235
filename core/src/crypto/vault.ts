import { aesCbcDecrypt, aesCbcEncrypt } from "./aes.ts";
import { CryptoError } from "./errors.ts";

const ZERO_IV = Buffer.alloc(16);

/** vaultUnlock v3: `AESCBC_P7(KEY_TRANSPORT, 0^16, KEY_ENCRYPTION_VAULT)` (32 bytes). */
export function encryptVaultEncryptionKey(transportKey: Uint8Array, vaultEncryptionKey: Uint8Array): Buffer {
  if (vaultEncryptionKey.byteLength !== 16) throw new CryptoError("INVALID_INPUT", "vault key must be 16 bytes");
  return aesCbcEncrypt(transportKey, ZERO_IV, vaultEncryptionKey);
}

/** Client side of {@link encryptVaultEncryptionKey}. */
export function decryptVaultEncryptionKey(transportKey: Uint8Array, encrypted: Uint8Array): Buffer {
  return aesCbcDecrypt(transportKey, ZERO_IV, encrypted);
}

/** What the device keeps in its vault: `AESCBC_P7(KEY_ENCRYPTION_VAULT, 0^16, devicePrivateKey)`. */
export function encryptDevicePrivateKey(vaultEncryptionKey: Uint8Array, devicePrivateKey: Uint8Array): Buffer {
  return aesCbcEncrypt(vaultEncryptionKey, ZERO_IV, devicePrivateKey);
}

/** Inverse of {@link encryptDevicePrivateKey}. */
export function decryptDevicePrivateKey(vaultEncryptionKey: Uint8Array, encrypted: Uint8Array): Buffer {
  return aesCbcDecrypt(vaultEncryptionKey, ZERO_IV, encrypted);
}
