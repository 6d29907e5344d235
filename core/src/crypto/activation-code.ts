import type { KeyObject } from "node:crypto";
import { decodeBase32, encodeBase32 } from "./base32.ts";
import { randomBytes, utf8 } from "./bytes.ts";
import { crc16Arc } from "./crc16.ts";
import { signEcdsa, verifyEcdsa } from "./ecdsa.ts";
import { CryptoError } from "./errors.ts";

const CODE_RE = /^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/;

/**
 * Formats 10 random bytes as an activation code: append big-endian CRC-16/ARC,
 * Base32 (20 chars), group as XXXXX-XXXXX-XXXXX-XXXXX. Deterministic, for tests
 * and for recovery codes whose bytes come from a KDF.
 */
export function activationCodeFromBytes(random10: Uint8Array): string {
  if (random10.byteLength !== 10) throw new CryptoError("INVALID_INPUT", "activation code needs 10 bytes");
  const raw = Buffer.alloc(12);
  raw.set(random10, 0);
  raw.writeUInt16BE(crc16Arc(random10), 10);
  const s = encodeBase32(raw);
  return `${s.slice(0, 5)}-${s.slice(5, 10)}-${s.slice(10, 15)}-${s.slice(15, 20)}`;
}

/** A fresh random activation code (v3 format). */
export function generateActivationCode(): string {
  return activationCodeFromBytes(randomBytes(10));
}

/**
 * True when the code has the v3 shape and its checksum matches. The four unused
 * low bits of the last character are ignored, as the reference does, so
 * `…-AAAAB` is as valid as `…-AAAAA`.
 */
export function validateActivationCode(code: string): boolean {
  if (!CODE_RE.test(code)) return false;
  const raw = decodeBase32(code.replaceAll("-", ""));
  if (raw.byteLength !== 12) return false;
  return crc16Arc(raw.subarray(0, 10)) === raw.readUInt16BE(10);
}

/** The v2 view of a v3 code: `activationIdShort` = first 11 chars, `activationOtp` = last 11. */
export function splitActivationCode(code: string): { activationIdShort: string; activationOtp: string } {
  if (!CODE_RE.test(code)) throw new CryptoError("INVALID_INPUT", "not an activation code");
  return { activationIdShort: code.slice(0, 11), activationOtp: code.slice(12) };
}

/** ACTIVATION_SIGNATURE: DER ECDSA with the master private key over the whole 23-char code. */
export function signActivationCode(masterPrivateKey: KeyObject, activationCode: string): Buffer {
  return signEcdsa(masterPrivateKey, utf8(activationCode));
}

/** Client-side check of {@link signActivationCode} (also serves v2 `idShort-otp` data). */
export function verifyActivationCodeSignature(masterPublicKey: KeyObject, activationCode: string, signature: Uint8Array): boolean {
  return verifyEcdsa(masterPublicKey, utf8(activationCode), signature);
}
