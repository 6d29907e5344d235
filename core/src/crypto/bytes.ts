import { randomBytes as nodeRandomBytes, timingSafeEqual } from "node:crypto";
import { CryptoError } from "./errors.ts";

// Convention for the whole module: binary values are Node `Buffer`s in and out,
// EC keys are `KeyObject`s, human-facing codes and signatures are strings.

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict standard Base64 decoding. Node's own decoder silently skips invalid
 * characters; the reference (Java) rejects them, so must we. Padding is optional
 * as in `java.util.Base64`, URL-safe characters and whitespace are not allowed.
 */
export function decodeBase64(value: string, what = "value"): Buffer {
  if (!BASE64_RE.test(value) || value.length % 4 === 1) {
    throw new CryptoError("INVALID_INPUT", `${what} is not valid Base64`);
  }
  const padIndex = value.indexOf("=");
  if (padIndex !== -1 && value.length % 4 !== 0) {
    throw new CryptoError("INVALID_INPUT", `${what} is not valid Base64`);
  }
  return Buffer.from(value, "base64");
}

/** Standard Base64 with padding, the only form the protocol emits. */
export function encodeBase64(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
}

/** UTF-8 bytes of a string. */
export function utf8(value: string): Buffer {
  return Buffer.from(value, "utf8");
}

/** Cryptographically secure random bytes. */
export function randomBytes(length: number): Buffer {
  return nodeRandomBytes(length);
}

/**
 * Constant-time equality. Different lengths return false at once: the length
 * of a MAC or signature is public, its content is not.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/** Constant-time equality of two strings compared as UTF-8 bytes. */
export function constantTimeEqualStrings(a: string, b: string): boolean {
  return constantTimeEqual(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Big-endian unsigned 64-bit encoding (`be64`). */
export function uint64BE(value: bigint | number): Buffer {
  const n = BigInt(value);
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) {
    throw new CryptoError("INVALID_INPUT", "value does not fit an unsigned 64-bit integer");
  }
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(n);
  return out;
}

/** Big-endian unsigned 32-bit encoding (`be32`). */
export function uint32BE(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

/** Throws INVALID_INPUT unless `value` has exactly `length` bytes. */
export function requireLength(value: Uint8Array, length: number, what: string): void {
  if (value.byteLength !== length) {
    throw new CryptoError("INVALID_INPUT", `${what} must be ${length} bytes`);
  }
}
