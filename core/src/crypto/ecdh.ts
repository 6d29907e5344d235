import { diffieHellman } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { CryptoError } from "./errors.ts";

/**
 * Raw ECDH: the 32-byte big-endian X coordinate of `priv · pub`. Not folded —
 * ECIES and the postcard secret use all 32 bytes.
 */
export function ecdhSharedSecret(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  try {
    return diffieHellman({ privateKey, publicKey });
  } catch {
    throw new CryptoError("INVALID_KEY", "ECDH key agreement failed");
  }
}
