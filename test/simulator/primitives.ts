import { p256 } from "@noble/curves/nist.js";
import { hmac } from "@noble/hashes/hmac.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes as nobleRandomBytes } from "@noble/hashes/utils.js";
import { aesCbcDecrypt, aesCbcEncrypt, aesEncryptBlock } from "./aes.ts";

// The device's own primitives, written from protocol.md on @noble/curves and
// @noble/hashes (plus the local AES): nothing here comes from core/src/crypto.

export type Bytes = Uint8Array;

export const te = new TextEncoder();
export const td = new TextDecoder();

export function concat(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function b64(data: Bytes): string {
  return Buffer.from(data).toString("base64");
}

export function unb64(text: string): Bytes {
  return new Uint8Array(Buffer.from(text, "base64"));
}

export function random(n: number): Bytes {
  return nobleRandomBytes(n);
}

export function equal(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export function hmacSha256(key: Bytes, data: Bytes): Bytes {
  return hmac(sha256, key, data);
}

export { sha256 };

export function fold(x: Bytes): Bytes {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = x[i] ^ x[i + 16];
  return out;
}

function be64(n: bigint): Bytes {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

/** KDF(K, n) = AES(K, 0^8 || be64(n)). */
export function kdf(key: Bytes, index: number | bigint): Bytes {
  return aesEncryptBlock(key, concat(new Uint8Array(8), be64(BigInt(index))));
}

/** KDF_INTERNAL (3.1 orientation): fold(HMAC(key, data)). */
export function kdfInternal(key: Bytes, data: Bytes): Bytes {
  return fold(hmacSha256(key, data));
}

export function x963(secret: Bytes, info: Bytes, length: number): Bytes {
  const out: Bytes[] = [];
  for (let i = 1; out.length * 32 < length; i++) {
    const ctr = new Uint8Array(4);
    new DataView(ctr.buffer).setUint32(0, i);
    out.push(sha256(concat(secret, ctr, info)));
  }
  return concat(...out).slice(0, length);
}

export function pbkdf2Sha1(password: Bytes, salt: Bytes, iterations: number, length: number): Bytes {
  return pbkdf2(sha1, password, salt, { c: iterations, dkLen: length });
}

export { aesCbcEncrypt, aesCbcDecrypt };

export function counterBytes(counter: number | bigint): Bytes {
  return concat(new Uint8Array(8), be64(BigInt(counter)));
}

export function nextCtr(ctr: Bytes): Bytes {
  return fold(sha256(ctr));
}

// --- P-256 --------------------------------------------------------------

export interface SimKeyPair {
  readonly privateKey: Bytes; // 32-byte scalar
  readonly publicKey: Bytes; // compressed, as mobile SDKs send it
}

export function generateKeyPair(): SimKeyPair {
  const privateKey = p256.utils.randomSecretKey();
  return { privateKey, publicKey: p256.getPublicKey(privateKey, true) };
}

/** ECDH: X coordinate of the shared point (32 bytes). */
export function ecdh(privateKey: Bytes, publicKey: Bytes): Bytes {
  return p256.getSharedSecret(privateKey, publicKey, true).slice(1);
}

export function uncompressed(publicKey: Bytes): Bytes {
  return p256.Point.fromBytes(publicKey).toBytes(false);
}

/** X coordinate without leading zero bytes (Java BigInteger style). */
export function minimalX(publicKey: Bytes): Bytes {
  const x = p256.Point.fromBytes(publicKey).toBytes(false).slice(1, 33);
  let i = 0;
  while (i < 31 && x[i] === 0) i++;
  return x.slice(i);
}

export function ecdsaSign(privateKey: Bytes, data: Bytes): Bytes {
  return p256.sign(data, privateKey, { format: "der", lowS: false });
}

export function ecdsaVerify(publicKey: Bytes, data: Bytes, signature: Bytes): boolean {
  try {
    return p256.verify(signature, data, publicKey, { format: "der", lowS: false });
  } catch {
    return false;
  }
}

/** Private scalar from the Java BigInteger form (strip zeros, left-pad to 32). */
export function scalarFromJava(bytes: Bytes): Bytes {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const out = new Uint8Array(32);
  out.set(bytes.slice(i), 32 - (bytes.length - i));
  return out;
}

// --- signatures ---------------------------------------------------------

/** Multi-factor signature components (protocol.md §8.3). */
export function signatureComponents(keys: Bytes[], ctr: Bytes, data: Bytes): Bytes[] {
  const out: Bytes[] = [];
  for (let i = 0; i < keys.length; i++) {
    let x = hmacSha256(keys[i], ctr);
    for (let j = 0; j < i; j++) x = hmacSha256(hmacSha256(keys[j + 1], ctr), x);
    out.push(hmacSha256(x, data));
  }
  return out;
}

export function decimalSignature(components: Bytes[], length = 8): string {
  return components
    .map((c) => {
      const v = new DataView(c.buffer, c.byteOffset, c.byteLength).getUint32(28) & 0x7fffffff;
      return String(v % 10 ** length).padStart(length, "0");
    })
    .join("-");
}

export function base64Signature(components: Bytes[]): string {
  return b64(concat(...components.map((c) => c.slice(16, 32))));
}
