import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { constantTimeEqual, utf8 } from "./bytes.ts";
import { parsePublicKey } from "./ec-keys.ts";
import { ecdhSharedSecret } from "./ecdh.ts";
import { CryptoError } from "./errors.ts";
import { hmacSha256, sha256 } from "./hash.ts";
import { kdfInternal, x963KdfSha256 } from "./kdf.ts";

/** sharedInfo1 of every ECIES use in protocol 3.0/3.1 (ASCII, no version prefix). */
export const ECIES_SHARED_INFO_1 = {
  /** Activation layer 2: prepare/create/recoveryCodeActivation (application scope). */
  ACTIVATION_LAYER_2: "/pa/activation",
  /** getEciesDecryptor without activationId; also activation layer 1 at the intermediate. */
  APPLICATION_SCOPE_GENERIC: "/pa/generic/application",
  /** getEciesDecryptor with activationId. */
  ACTIVATION_SCOPE_GENERIC: "/pa/generic/activation",
  /** startUpgrade (activation scope). */
  UPGRADE: "/pa/upgrade",
  /** vaultUnlock v3 (activation scope). */
  VAULT_UNLOCK: "/pa/vault/unlock",
  /** createToken v3 (activation scope). */
  CREATE_TOKEN: "/pa/token/create",
  /** confirmRecoveryCode (activation scope). */
  CONFIRM_RECOVERY_CODE: "/pa/recovery/confirm",
} as const;
/** One of the {@link ECIES_SHARED_INFO_1} values. */
export type EciesSharedInfo1 = (typeof ECIES_SHARED_INFO_1)[keyof typeof ECIES_SHARED_INFO_1];

const SHARED_INFO_1_BYTES = new Map<string, Buffer>(
  Object.values(ECIES_SHARED_INFO_1).map((v) => [v, Buffer.from(v, "ascii")]),
);
const ZERO_IV = Buffer.alloc(16);

/** 3.0: 32-byte envelope, zero IV. 3.1: 48-byte envelope, IV from the request nonce. */
export type EciesVersion = "3.0" | "3.1";

/** Envelope key length (32 for 3.0, 48 for 3.1). */
export function eciesEnvelopeKeyLength(version: EciesVersion): 32 | 48 {
  return version === "3.0" ? 32 : 48;
}

/** An ECIES request as received (raw bytes; `nonce` present only from 3.1 clients). */
export interface EciesRequest {
  readonly ephemeralPublicKey: Uint8Array;
  readonly encryptedData: Uint8Array;
  readonly mac: Uint8Array;
  readonly nonce?: Uint8Array | null;
}

/** An ECIES response: no ephemeral key and no nonce in 3.0/3.1. */
export interface EciesResponse {
  readonly encryptedData: Buffer;
  readonly mac: Buffer;
}

/** What a decrypted request leaves behind for encrypting its response. */
export interface EciesContext {
  readonly version: EciesVersion;
  readonly encKey: Buffer;
  readonly macKey: Buffer;
  /** Zero IV in 3.0; the request IV, re-used for the response, in 3.1. */
  readonly iv: Buffer;
  readonly sharedInfo2: Buffer;
}

function sharedInfo1Bytes(sharedInfo1: string | Uint8Array): Uint8Array {
  if (typeof sharedInfo1 !== "string") return sharedInfo1;
  return SHARED_INFO_1_BYTES.get(sharedInfo1) ?? utf8(sharedInfo1);
}

/** sharedInfo2 for application scope: `SHA256(u8(applicationSecret))` (secret as its Base64 string). */
export function eciesApplicationScopeSharedInfo2(applicationSecret: string): Buffer {
  return sha256(utf8(applicationSecret));
}

/** sharedInfo2 for activation scope: `HMAC(key = KEY_TRANSPORT, msg = u8(applicationSecret))`. */
export function eciesActivationScopeSharedInfo2(transportKey: Uint8Array, applicationSecret: string): Buffer {
  return hmacSha256(transportKey, utf8(applicationSecret));
}

/**
 * Envelope key `X963(ECDH(priv, E), sharedInfo1 || E, length)`. `E` is the
 * ephemeral key exactly as the client sent it (usually compressed) — it enters
 * the KDF byte for byte, so it must not be re-encoded.
 */
export function deriveEciesEnvelopeKey(
  privateKey: KeyObject,
  ephemeralPublicKey: Uint8Array,
  sharedInfo1: string | Uint8Array,
  length: 32 | 48,
): Buffer {
  const z = ecdhSharedSecret(privateKey, parsePublicKey(ephemeralPublicKey));
  return x963KdfSha256(z, Buffer.concat([sharedInfo1Bytes(sharedInfo1), ephemeralPublicKey]), length);
}

/**
 * getEciesDecryptor: the envelope key and sharedInfo2 handed to an intermediate
 * server, which then does the symmetric part itself. Its library checks the
 * exact key length: 32 for a 3.0 (server 0.22) integration, 48 for 3.1.
 */
export function getEciesDecryptor(
  privateKey: KeyObject,
  ephemeralPublicKey: Uint8Array,
  sharedInfo1: string | Uint8Array,
  sharedInfo2: Uint8Array,
  version: EciesVersion,
): { secretKey: Buffer; sharedInfo2: Buffer } {
  return {
    secretKey: deriveEciesEnvelopeKey(privateKey, ephemeralPublicKey, sharedInfo1, eciesEnvelopeKeyLength(version)),
    sharedInfo2: Buffer.from(sharedInfo2),
  };
}

/**
 * Builds the symmetric context from an envelope key. 3.1 (nonce given):
 * IV = KDF_INTERNAL(KEY_IV, nonce); 3.0: zero IV.
 */
export function eciesContextFromEnvelopeKey(
  envelopeKey: Uint8Array,
  sharedInfo2: Uint8Array,
  nonce: Uint8Array | null | undefined,
): EciesContext {
  const key = Buffer.from(envelopeKey);
  if (nonce) {
    if (key.byteLength < 48) throw new CryptoError("INVALID_INPUT", "3.1 envelope key must be 48 bytes");
    if (nonce.byteLength !== 16) throw new CryptoError("INVALID_INPUT", "ECIES nonce must be 16 bytes");
    return {
      version: "3.1",
      encKey: key.subarray(0, 16),
      macKey: key.subarray(16, 32),
      iv: kdfInternal(key.subarray(32, 48), nonce),
      sharedInfo2: Buffer.from(sharedInfo2),
    };
  }
  if (key.byteLength < 32) throw new CryptoError("INVALID_INPUT", "envelope key must be 32 bytes");
  return {
    version: "3.0",
    encKey: key.subarray(0, 16),
    macKey: key.subarray(16, 32),
    iv: ZERO_IV,
    sharedInfo2: Buffer.from(sharedInfo2),
  };
}

/**
 * Server side of a 3.0/3.1 request: derive the envelope, check
 * `HMAC(KEY_MAC, C || sharedInfo2)` in constant time BEFORE decrypting, then
 * AES-CBC-PKCS7 decrypt. The version follows from the nonce's presence.
 * Throws INVALID_KEY (bad ephemeral key), INVALID_MAC or DECRYPTION_FAILED.
 */
export function eciesDecryptRequest(
  privateKey: KeyObject,
  sharedInfo1: string | Uint8Array,
  sharedInfo2: Uint8Array,
  request: EciesRequest,
): { plaintext: Buffer; context: EciesContext } {
  const version: EciesVersion = request.nonce ? "3.1" : "3.0";
  const envelope = deriveEciesEnvelopeKey(
    privateKey,
    request.ephemeralPublicKey,
    sharedInfo1,
    eciesEnvelopeKeyLength(version),
  );
  const context = eciesContextFromEnvelopeKey(envelope, sharedInfo2, request.nonce);
  return { plaintext: eciesDecryptWithContext(context, request.encryptedData, request.mac), context };
}

/** MAC check then decryption under an existing context (also the client's response path). */
export function eciesDecryptWithContext(context: EciesContext, encryptedData: Uint8Array, mac: Uint8Array): Buffer {
  const expected = createHmac("sha256", context.macKey).update(encryptedData).update(context.sharedInfo2).digest();
  if (!constantTimeEqual(expected, mac)) throw new CryptoError("INVALID_MAC", "ECIES MAC mismatch");
  if (encryptedData.byteLength === 0 || encryptedData.byteLength % 16 !== 0) {
    throw new CryptoError("DECRYPTION_FAILED", "ECIES ciphertext has an invalid length");
  }
  try {
    const d = createDecipheriv("aes-128-cbc", context.encKey, context.iv);
    return Buffer.concat([d.update(encryptedData), d.final()]);
  } catch {
    throw new CryptoError("DECRYPTION_FAILED", "ECIES decryption failed");
  }
}

/**
 * Encrypts a response (or, for a client, a request) under `context`:
 * 3.0 zero IV, 3.1 the request's IV again; MAC over `C || sharedInfo2`.
 */
export function eciesEncryptResponse(context: EciesContext, plaintext: Uint8Array): EciesResponse {
  const c = createCipheriv("aes-128-cbc", context.encKey, context.iv);
  const encryptedData = Buffer.concat([c.update(plaintext), c.final()]);
  const mac = createHmac("sha256", context.macKey).update(encryptedData).update(context.sharedInfo2).digest();
  return { encryptedData, mac };
}
