import { createCipheriv, createDecipheriv } from "node:crypto";
import { CryptoError } from "./errors.ts";

const ZERO_IV = Buffer.alloc(16);

function checkKeyAndIv(key: Uint8Array, iv: Uint8Array): void {
  if (key.byteLength !== 16) throw new CryptoError("INVALID_KEY", "AES key must be 16 bytes");
  if (iv.byteLength !== 16) throw new CryptoError("INVALID_INPUT", "AES IV must be 16 bytes");
}

/** A fresh all-zero IV (3.0 ECIES, status blob 3.0, vault key, KDF). */
export function zeroIv(): Buffer {
  return Buffer.from(ZERO_IV);
}

/** AES-128-CBC with PKCS#7 padding (the protocol's default transformation). */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  checkKeyAndIv(key, iv);
  const c = createCipheriv("aes-128-cbc", key, iv);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

/** Inverse of {@link aesCbcEncrypt}; bad padding or length is DECRYPTION_FAILED. */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  checkKeyAndIv(key, iv);
  if (ciphertext.byteLength === 0 || ciphertext.byteLength % 16 !== 0) {
    throw new CryptoError("DECRYPTION_FAILED", "ciphertext length is not a positive multiple of 16");
  }
  try {
    const d = createDecipheriv("aes-128-cbc", key, iv);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch {
    throw new CryptoError("DECRYPTION_FAILED", "AES decryption failed");
  }
}

/** AES-128-CBC without padding; input must be whole blocks (status blob). */
export function aesCbcEncryptNoPadding(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  checkKeyAndIv(key, iv);
  if (plaintext.byteLength % 16 !== 0) {
    throw new CryptoError("INVALID_INPUT", "plaintext length is not a multiple of 16");
  }
  const c = createCipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

/** Inverse of {@link aesCbcEncryptNoPadding}. */
export function aesCbcDecryptNoPadding(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  checkKeyAndIv(key, iv);
  if (ciphertext.byteLength % 16 !== 0) {
    throw new CryptoError("DECRYPTION_FAILED", "ciphertext length is not a multiple of 16");
  }
  const d = createDecipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}

/** One raw AES-128 block encryption (ECB, no padding): the core of the index KDF. */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Buffer {
  if (key.byteLength !== 16) throw new CryptoError("INVALID_KEY", "AES key must be 16 bytes");
  if (block.byteLength !== 16) throw new CryptoError("INVALID_INPUT", "AES block must be 16 bytes");
  const c = createCipheriv("aes-128-ecb", key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}
