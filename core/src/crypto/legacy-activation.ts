import type { KeyObject } from "node:crypto";
import { aesCbcDecrypt, aesCbcEncrypt } from "./aes.ts";
import { constantTimeEqual, encodeBase64, utf8 } from "./bytes.ts";
import { ecdhSharedSecret } from "./ecdh.ts";
import { signEcdsa, verifyEcdsa } from "./ecdsa.ts";
import { CryptoError } from "./errors.ts";
import { hmacSha256 } from "./hash.ts";
import { fold, pbkdf2Sha1, pbkdf2Sha1InBackground } from "./kdf.ts";

// Protocol 2.x activation (v2 SOAP prepareActivation/createActivation). The
// device public key travels under two AES layers: an OTP-derived key and,
// when the client sent an ephemeral key, a folded ECDH key with the master key.

/** PBKDF2 iterations of the v2 OTP key. */
export const V2_OTP_KEY_ITERATIONS = 10_000;

/** K_otp = PBKDF2-HMAC-SHA1(u8(otp), u8(activationIdShort or identity), 10 000, 16). */
export function deriveOtpKeyV2(activationOtp: string, activationIdShort: string): Buffer {
  return pbkdf2Sha1(utf8(activationOtp), utf8(activationIdShort), V2_OTP_KEY_ITERATIONS, 16);
}

/** {@link deriveOtpKeyV2} off the event loop, for the server. */
export function deriveOtpKeyV2InBackground(activationOtp: string, activationIdShort: string): Promise<Buffer> {
  return pbkdf2Sha1InBackground(utf8(activationOtp), utf8(activationIdShort), V2_OTP_KEY_ITERATIONS, 16);
}

/** K_eph = fold(ECDH(priv, pub)) — the v2 ephemeral layer key (either side). */
export function deriveEphemeralKeyV2(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  return fold(ecdhSharedSecret(privateKey, publicKey));
}

function requireNonce(nonce: Uint8Array): void {
  if (nonce.byteLength !== 16) throw new CryptoError("INVALID_INPUT", "activation nonce must be 16 bytes");
}

/**
 * Client side: C = AES(K_eph, nonce, AES(K_otp, nonce, devicePublicKey)); the
 * outer layer only when the client uses an ephemeral key (K_eph non-null).
 */
export function encryptDevicePublicKeyV2(
  devicePublicKey: Uint8Array,
  otpKey: Uint8Array,
  ephemeralKey: Uint8Array | null,
  nonce: Uint8Array,
): Buffer {
  requireNonce(nonce);
  const inner = aesCbcEncrypt(otpKey, nonce, devicePublicKey);
  return ephemeralKey ? aesCbcEncrypt(ephemeralKey, nonce, inner) : inner;
}

/** Server side of {@link encryptDevicePublicKeyV2}: returns the device public key bytes. */
export function decryptDevicePublicKeyV2(
  encryptedDevicePublicKey: Uint8Array,
  otpKey: Uint8Array,
  ephemeralKey: Uint8Array | null,
  nonce: Uint8Array,
): Buffer {
  requireNonce(nonce);
  const inner = ephemeralKey ? aesCbcDecrypt(ephemeralKey, nonce, encryptedDevicePublicKey) : encryptedDevicePublicKey;
  return aesCbcDecrypt(otpKey, nonce, inner);
}

/**
 * v2 applicationSignature: HMAC with the DECODED 16-byte application secret over
 * `idShort & B64(nonce) & B64(C_devicePublicKey) & B64(applicationKey)` (Base64 re-encoded canonically).
 */
export function computeApplicationSignatureV2(
  applicationSecret: Uint8Array,
  activationIdShort: string,
  nonce: Uint8Array,
  encryptedDevicePublicKey: Uint8Array,
  applicationKey: Uint8Array,
): Buffer {
  const text = `${activationIdShort}&${encodeBase64(nonce)}&${encodeBase64(encryptedDevicePublicKey)}&${encodeBase64(applicationKey)}`;
  return hmacSha256(applicationSecret, utf8(text));
}

/** Constant-time check of {@link computeApplicationSignatureV2}. */
export function verifyApplicationSignatureV2(
  applicationSecret: Uint8Array,
  activationIdShort: string,
  nonce: Uint8Array,
  encryptedDevicePublicKey: Uint8Array,
  applicationKey: Uint8Array,
  signature: Uint8Array,
): boolean {
  return constantTimeEqual(
    computeApplicationSignatureV2(applicationSecret, activationIdShort, nonce, encryptedDevicePublicKey, applicationKey),
    signature,
  );
}

/**
 * Server side: C_serverPub = AES(K_eph', n', AES(K_otp, n', serverPublicKey65)),
 * K_eph' = fold(ECDH(serverEphemeralPrivate, devicePublic)), n' = server nonce (96 bytes out).
 */
export function encryptServerPublicKeyV2(
  serverPublicKey: Uint8Array,
  otpKey: Uint8Array,
  ephemeralKey: Uint8Array,
  nonce: Uint8Array,
): Buffer {
  requireNonce(nonce);
  return aesCbcEncrypt(ephemeralKey, nonce, aesCbcEncrypt(otpKey, nonce, serverPublicKey));
}

/** Client side of {@link encryptServerPublicKeyV2}. */
export function decryptServerPublicKeyV2(
  encryptedServerPublicKey: Uint8Array,
  otpKey: Uint8Array,
  ephemeralKey: Uint8Array,
  nonce: Uint8Array,
): Buffer {
  requireNonce(nonce);
  return aesCbcDecrypt(otpKey, nonce, aesCbcDecrypt(ephemeralKey, nonce, encryptedServerPublicKey));
}

function serverPublicKeySignatureBase(activationId: string, encryptedServerPublicKey: Uint8Array): Buffer {
  return utf8(`${encodeBase64(utf8(activationId))}&${encodeBase64(encryptedServerPublicKey)}`);
}

/** encryptedServerPublicKeySignature: DER ECDSA(master, u8(B64(u8(activationId)) & B64(C_serverPub))). */
export function signEncryptedServerPublicKeyV2(
  masterPrivateKey: KeyObject,
  activationId: string,
  encryptedServerPublicKey: Uint8Array,
): Buffer {
  return signEcdsa(masterPrivateKey, serverPublicKeySignatureBase(activationId, encryptedServerPublicKey));
}

/** Client side of {@link signEncryptedServerPublicKeyV2}. */
export function verifyEncryptedServerPublicKeySignatureV2(
  masterPublicKey: KeyObject,
  activationId: string,
  encryptedServerPublicKey: Uint8Array,
  signature: Uint8Array,
): boolean {
  return verifyEcdsa(masterPublicKey, serverPublicKeySignatureBase(activationId, encryptedServerPublicKey), signature);
}
