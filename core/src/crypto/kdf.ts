import { createHash, pbkdf2, pbkdf2Sync } from "node:crypto";
import { promisify } from "node:util";
import { aesCbcEncrypt, aesEncryptBlock, zeroIv } from "./aes.ts";
import { uint64BE } from "./bytes.ts";
import { CryptoError } from "./errors.ts";
import { hmacSha256 } from "./hash.ts";

/**
 * `fold`: XOR the two 16-byte halves of a 32-byte value (Java `convert32Bto16B`).
 * Turns an ECDH secret or an HMAC into an AES-128 key.
 */
export function fold(value: Uint8Array): Buffer {
  if (value.byteLength !== 32) throw new CryptoError("INVALID_INPUT", "fold needs 32 bytes");
  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 16; i++) out[i] = value[i] ^ value[i + 16];
  return out;
}

/**
 * The 16-byte index block for a numeric index: `0^8 || be64(index)`. The index
 * sits in the LAST 8 bytes (the reference code and vectors; one doc says first).
 */
export function kdfIndexBlock(index: bigint | number): Buffer {
  return Buffer.concat([Buffer.alloc(8), uint64BE(index)]);
}

/** Index KDF: `AES-ECB(key, 0^8 || be64(index))` — derives every activation key. */
export function deriveSecretKey(key: Uint8Array, index: bigint | number): Buffer {
  return aesEncryptBlock(key, kdfIndexBlock(index));
}

/**
 * Index KDF over raw index bytes, exactly as the reference does it: the first
 * 16 bytes of AES-CBC-PKCS7(key, zero IV, index). For a 16-byte index that is a
 * single AES block; for the 8-byte PUK derivation index PKCS#7 appends eight
 * 0x08 bytes first, i.e. `AES-ECB(key, index || 08×8)`.
 */
export function deriveSecretKeyFromIndexBytes(key: Uint8Array, index: Uint8Array): Buffer {
  if (index.byteLength === 16) return aesEncryptBlock(key, index);
  return aesCbcEncrypt(key, zeroIv(), index).subarray(0, 16);
}

/** KDF_INTERNAL as of 3.1: `fold(HMAC(key = key, msg = data))`. */
export function kdfInternal(key: Uint8Array, data: Uint8Array): Buffer {
  return fold(hmacSha256(key, data));
}

/**
 * KDF_INTERNAL in its pre-0.23 orientation: `fold(HMAC(key = data, msg = key))`.
 * Only the legacy v2 end-to-end encryption keys still use it.
 */
export function kdfInternalLegacy(key: Uint8Array, data: Uint8Array): Buffer {
  return fold(hmacSha256(data, key));
}

/**
 * ANSI X9.63 KDF with SHA-256: `SHA256(Z || be32(i) || info)` for i = 1, 2, …,
 * truncated to `length`. Used for the ECIES envelope key and recovery codes.
 */
export function x963KdfSha256(secret: Uint8Array, info: Uint8Array, length: number): Buffer {
  if (!Number.isInteger(length) || length < 1 || length > 32 * 0xffff) {
    throw new CryptoError("INVALID_INPUT", "invalid X9.63 output length");
  }
  const blocks = Math.ceil(length / 32);
  const out = Buffer.allocUnsafe(blocks * 32);
  const counter = Buffer.allocUnsafe(4);
  for (let i = 1; i <= blocks; i++) {
    counter.writeUInt32BE(i);
    createHash("sha256").update(secret).update(counter).update(info).digest().copy(out, (i - 1) * 32);
  }
  return out.subarray(0, length);
}

/** PBKDF2-HMAC-SHA1 (v2 activation OTP key: 10 000 iterations, 16 bytes). */
export function pbkdf2Sha1(password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Buffer {
  return pbkdf2Sync(password, salt, iterations, length, "sha1");
}

const pbkdf2Async = promisify(pbkdf2);

/** {@link pbkdf2Sha1} on libuv's thread pool: the server's path, so 10 000 iterations never hold the event loop. */
export function pbkdf2Sha1InBackground(password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Promise<Buffer> {
  return pbkdf2Async(password, salt, iterations, length, "sha1");
}
