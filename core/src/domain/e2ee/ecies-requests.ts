import { CryptoError } from "../../crypto/errors.ts";
import {
  eciesActivationScopeSharedInfo2,
  eciesApplicationScopeSharedInfo2,
  eciesDecryptRequest,
  eciesEncryptResponse,
} from "../../crypto/ecies.ts";
import type { EciesContext, EciesRequest, EciesResponse, EciesSharedInfo1 } from "../../crypto/ecies.ts";
import type { KeyObject } from "../../crypto/ec-keys.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";

/** A decrypted ECIES request and the context its response must be encrypted under. */
export interface OpenedEciesRequest {
  plaintext: Buffer;
  context: EciesContext;
}

/**
 * Decrypts an application-scope request (sharedInfo2 = SHA256(appSecret)) with the master private key. The
 * version follows the request: a nonce means 3.1, none means 3.0. Any failure (bad ephemeral key, MAC,
 * padding) is ERR0018, as the reference reports every ECIES failure.
 */
export function openApplicationScopeRequest(
  masterPrivateKey: KeyObject,
  sharedInfo1: EciesSharedInfo1,
  applicationSecret: string,
  request: EciesRequest,
): OpenedEciesRequest {
  return decrypt(masterPrivateKey, sharedInfo1, eciesApplicationScopeSharedInfo2(applicationSecret), request);
}

/**
 * Decrypts an activation-scope request (sharedInfo2 = HMAC(KEY_TRANSPORT, appSecret)) with the activation's
 * server private key; failures are ERR0018.
 */
export function openActivationScopeRequest(
  material: { serverPrivateKey: KeyObject; keys: { transport: Uint8Array } },
  sharedInfo1: EciesSharedInfo1,
  applicationSecret: string,
  request: EciesRequest,
): OpenedEciesRequest {
  const sharedInfo2 = eciesActivationScopeSharedInfo2(material.keys.transport, applicationSecret);
  return decrypt(material.serverPrivateKey, sharedInfo1, sharedInfo2, request);
}

/** Encrypts a JSON response under the request's context (3.0: zero IV; 3.1: the request's IV). */
export function sealJsonResponse(context: EciesContext, body: unknown): EciesResponse {
  return eciesEncryptResponse(context, Buffer.from(JSON.stringify(body), "utf8"));
}

/**
 * Parses a decrypted JSON object; anything else is `null`, and the caller answers as the reference does at
 * that place (ERR0011, or an invalid signature for the vault).
 */
export function parseJsonObject(plaintext: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(plaintext.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Runs an ECIES step, turning any crypto failure (bad ephemeral key, MAC, padding) into ERR0018: the reference
 * reports every ECIES failure alike, which also tells an attacker nothing about which check failed.
 */
export function asDecryptionFailure<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.DECRYPTION_FAILED, { cause: error });
    throw error;
  }
}

function decrypt(privateKey: KeyObject, sharedInfo1: EciesSharedInfo1, sharedInfo2: Buffer, request: EciesRequest): OpenedEciesRequest {
  return asDecryptionFailure(() => eciesDecryptRequest(privateKey, sharedInfo1, sharedInfo2, request));
}
