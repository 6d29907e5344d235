import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { CryptoError } from "./errors.ts";

/** Re-exported so callers can type key parameters without importing node:crypto. */
export type { KeyObject };

/** A P-256 key pair as node:crypto key objects (built once, reused on hot paths). */
export interface EcKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

// Fixed DER prefixes: SubjectPublicKeyInfo for P-256 with a 65-byte (uncompressed)
// or 33-byte (compressed) point, and PKCS#8 with a bare 32-byte scalar. Importing
// through DER lets OpenSSL decompress and check the point in one step.
const SPKI_UNCOMPRESSED = Buffer.from("3059301306072a8648ce3d020106082a8648ce3d030107034200", "hex");
const SPKI_COMPRESSED = Buffer.from("3039301306072a8648ce3d020106082a8648ce3d030107032200", "hex");
const PKCS8_PREFIX = Buffer.from(
  "308141020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420",
  "hex",
);
const CURVE_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1";
}

/**
 * Parses a raw X9.62 point, compressed (33 B) or uncompressed (65 B), and
 * validates it: the point at infinity, hybrid encodings, coordinates ≥ p and
 * points off the curve are rejected (P-256 has cofactor 1, so on-curve is
 * enough). Throws INVALID_KEY.
 */
export function parsePublicKey(bytes: Uint8Array): KeyObject {
  let prefix: Buffer;
  if (bytes.byteLength === 65 && bytes[0] === 0x04) prefix = SPKI_UNCOMPRESSED;
  else if (bytes.byteLength === 33 && (bytes[0] === 0x02 || bytes[0] === 0x03)) prefix = SPKI_COMPRESSED;
  else throw new CryptoError("INVALID_KEY", "public key is not a P-256 point encoding");
  try {
    return createPublicKey({ key: Buffer.concat([prefix, bytes]), format: "der", type: "spki" });
  } catch {
    throw new CryptoError("INVALID_KEY", "public key is not a valid P-256 point");
  }
}

function jwkCoordinates(key: KeyObject): { x: Buffer; y: Buffer } {
  if (!isP256(key)) throw new CryptoError("INVALID_KEY", "not a P-256 key");
  const jwk = key.export({ format: "jwk" });
  if (typeof jwk.x !== "string" || typeof jwk.y !== "string") {
    throw new CryptoError("INVALID_KEY", "not a P-256 key");
  }
  return { x: Buffer.from(jwk.x, "base64url"), y: Buffer.from(jwk.y, "base64url") };
}

/** Uncompressed 65-byte `04 || X || Y`: the form the server emits and stores. */
export function encodePublicKey(key: KeyObject): Buffer {
  const { x, y } = jwkCoordinates(key);
  return Buffer.concat([Buffer.from([0x04]), x, y]);
}

/** Compressed 33-byte `02|03 || X`, the form mobile SDKs send. */
export function encodePublicKeyCompressed(key: KeyObject): Buffer {
  const { x, y } = jwkCoordinates(key);
  return Buffer.concat([Buffer.from([0x02 | (y[31] & 1)]), x]);
}

/** The 32-byte big-endian X coordinate (zero-padded). */
export function publicKeyCoordinateX(key: KeyObject): Buffer {
  return jwkCoordinates(key).x;
}

/**
 * Parses a private scalar given as big-endian bytes in the reference's Java
 * `BigInteger.toByteArray()` form: signed, so 33 bytes with a leading 0x00 when
 * the top bit is set, or shorter than 32 when the scalar is small. Leading zeros
 * are stripped, the rest left-padded to 32; 0 and values ≥ n are rejected.
 */
export function parsePrivateKey(bytes: Uint8Array): KeyObject {
  let start = 0;
  while (start < bytes.byteLength && bytes[start] === 0) start++;
  const significant = bytes.subarray(start);
  if (significant.byteLength === 0 || significant.byteLength > 32) {
    throw new CryptoError("INVALID_KEY", "private key is out of range");
  }
  const scalar = Buffer.alloc(32);
  scalar.set(significant, 32 - significant.byteLength);
  if (BigInt(`0x${scalar.toString("hex")}`) >= CURVE_ORDER) {
    throw new CryptoError("INVALID_KEY", "private key is out of range");
  }
  try {
    return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: "der", type: "pkcs8" });
  } catch {
    throw new CryptoError("INVALID_KEY", "private key is invalid");
  }
}

/** The private scalar as fixed 32 big-endian bytes. */
export function encodePrivateKey(key: KeyObject): Buffer {
  if (key.type !== "private" || !isP256(key)) throw new CryptoError("INVALID_KEY", "not a P-256 private key");
  const jwk = key.export({ format: "jwk" });
  if (typeof jwk.d !== "string") throw new CryptoError("INVALID_KEY", "not a P-256 private key");
  const d = Buffer.from(jwk.d, "base64url");
  if (d.byteLength === 32) return d;
  const out = Buffer.alloc(32);
  d.copy(out, 32 - d.byteLength);
  return out;
}

/**
 * The private scalar in the form the database stores (the reference server's
 * `BigInteger.toByteArray()`: minimal signed big-endian, 0x00 prefix when the top
 * bit is set), so existing records and new ones look alike.
 */
export function exportPrivateKeyForStorage(key: KeyObject): Buffer {
  const fixed = encodePrivateKey(key);
  let start = 0;
  while (start < 31 && fixed[start] === 0 && (fixed[start + 1] & 0x80) === 0) start++;
  const minimal = fixed.subarray(start);
  return minimal[0] & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : Buffer.from(minimal);
}

/** A fresh random P-256 key pair. */
export function generateKeyPair(): EcKeyPair {
  return generateKeyPairSync("ec", { namedCurve: "prime256v1" });
}

/** The public key belonging to a private key. */
export function publicKeyFromPrivateKey(key: KeyObject): KeyObject {
  if (key.type !== "private" || !isP256(key)) throw new CryptoError("INVALID_KEY", "not a P-256 private key");
  return createPublicKey(key);
}
