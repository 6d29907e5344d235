import { sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { CryptoError } from "./errors.ts";

/**
 * SHA256withECDSA, ASN.1 DER signature (what the reference emits and expects).
 * Randomized: each call gives a different, equally valid signature.
 */
export function signEcdsa(privateKey: KeyObject, data: Uint8Array): Buffer {
  try {
    return sign("sha256", data, { key: privateKey, dsaEncoding: "der" });
  } catch {
    throw new CryptoError("INVALID_KEY", "ECDSA signing failed");
  }
}

/**
 * Verifies a DER SHA256withECDSA signature. Malformed signatures are simply
 * invalid (false), never an exception, so callers need one code path.
 */
export function verifyEcdsa(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify("sha256", data, { key: publicKey, dsaEncoding: "der" }, signature);
  } catch {
    return false;
  }
}
