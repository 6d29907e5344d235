import type { KeyObject } from "node:crypto";
import { activationCodeFromBytes } from "./activation-code.ts";
import { randomBytes } from "./bytes.ts";
import { ecdhSharedSecret } from "./ecdh.ts";
import { CryptoError } from "./errors.ts";
import { deriveSecretKeyFromIndexBytes, x963KdfSha256 } from "./kdf.ts";

/** Recovery code (activation-code format) and the base key its PUKs derive from. */
export interface RecoveryCodeDerivation {
  readonly recoveryCode: string;
  readonly pukBaseKey: Buffer;
}

/** A fresh secret for a recovery code issued with an activation (16 random bytes). */
export function generateRecoverySecret(): Buffer {
  return randomBytes(16);
}

/** A fresh derivation nonce (32 random bytes; returned to the caller for postcards). */
export function generateRecoveryNonce(): Buffer {
  return randomBytes(32);
}

/** A fresh 8-byte PUK derivation index (the caller re-draws on duplicate PUKs). */
export function generatePukDerivationIndex(): Buffer {
  return randomBytes(8);
}

/**
 * Postcard secret: the FULL 32-byte ECDH of the server's postcard private key and
 * the printing centre's public key (not folded), so both sides derive the same codes.
 */
export function recoveryPostcardSecret(postcardPrivateKey: KeyObject, remotePostcardPublicKey: KeyObject): Buffer {
  return ecdhSharedSecret(postcardPrivateKey, remotePostcardPublicKey);
}

/** D = X963(SECRET, NONCE, 26); code = format(D[0..10)), PUK base key = D[10..26). */
export function deriveRecoveryCode(secret: Uint8Array, nonce: Uint8Array): RecoveryCodeDerivation {
  const d = x963KdfSha256(secret, nonce, 26);
  return { recoveryCode: activationCodeFromBytes(d.subarray(0, 10)), pukBaseKey: Buffer.from(d.subarray(10, 26)) };
}

/**
 * PUK_i = 10 digits of `(be64(PK[8..16)) & 0xFF_FFFF_FFFF) mod 10^10` with
 * `PK = AES-ECB(PUK_BASE, IDX || 08×8)` — the reference feeds the raw 8-byte
 * index through its PKCS#7 KDF, not the 16-byte numeric index block.
 */
export function derivePuk(pukBaseKey: Uint8Array, derivationIndex: Uint8Array): string {
  if (derivationIndex.byteLength !== 8) throw new CryptoError("INVALID_INPUT", "PUK derivation index must be 8 bytes");
  const pk = deriveSecretKeyFromIndexBytes(pukBaseKey, derivationIndex);
  const value = pk.readBigUInt64BE(8) & 0xff_ffff_ffffn;
  return (value % 10_000_000_000n).toString(10).padStart(10, "0");
}

/** The SOAP `pukDerivationIndex`: the 8 index bytes read as a signed 64-bit integer (Java long). */
export function pukDerivationIndexToLong(index: Uint8Array): bigint {
  if (index.byteLength !== 8) throw new CryptoError("INVALID_INPUT", "PUK derivation index must be 8 bytes");
  return Buffer.from(index).readBigInt64BE(0);
}

/** Inverse of {@link pukDerivationIndexToLong}. */
export function pukDerivationIndexFromLong(value: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(BigInt.asIntN(64, value));
  return out;
}
