import { constantTimeEqual, randomBytes, utf8 } from "./bytes.ts";
import { CryptoError } from "./errors.ts";
import { hmacSha256 } from "./hash.ts";

const AMPERSAND = Buffer.from("&");

/** A fresh token secret (16 random bytes, stored and returned as Base64). */
export function generateTokenSecret(): Buffer {
  return randomBytes(16);
}

/**
 * Token digest (3.0/3.1): `HMAC(key = secret[16], msg = nonce[16] || "&" || u8(decimal timestamp))`.
 * The timestamp enters as its decimal ASCII text, the nonce as raw bytes.
 */
export function computeTokenDigest(tokenSecret: Uint8Array, nonce: Uint8Array, timestamp: bigint | number | string): Buffer {
  const ts = typeof timestamp === "string" ? timestamp : BigInt(timestamp).toString(10);
  if (!/^-?\d+$/.test(ts)) throw new CryptoError("INVALID_INPUT", "timestamp must be an integer");
  return hmacSha256(tokenSecret, nonce, AMPERSAND, utf8(ts));
}

/** Constant-time check of a client's token digest. */
export function verifyTokenDigest(
  tokenSecret: Uint8Array,
  nonce: Uint8Array,
  timestamp: bigint | number | string,
  digest: Uint8Array,
): boolean {
  return constantTimeEqual(computeTokenDigest(tokenSecret, nonce, timestamp), digest);
}
