import { aesCbcEncrypt } from "./aes.ts";
import { deriveSecretKey } from "./kdf.ts";

const ZERO_IV = Buffer.alloc(16);

/**
 * v2 vaultUnlock: K_vt = KDF(KEY_TRANSPORT, 0^8 || be64(counter)) with the
 * counter value after the signature step, then AESCBC_P7(K_vt, 0^16, vault key).
 * (The domain advances the counter once more afterwards, as 2.x clients expect.)
 */
export function encryptVaultEncryptionKeyV2(transportKey: Uint8Array, vaultEncryptionKey: Uint8Array, counter: bigint | number): Buffer {
  return aesCbcEncrypt(deriveSecretKey(transportKey, counter), ZERO_IV, vaultEncryptionKey);
}
