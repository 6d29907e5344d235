import { CryptoError } from "../../crypto/errors.ts";
import {
  eciesActivationScopeSharedInfo2,
  eciesApplicationScopeSharedInfo2,
  eciesDecryptRequest,
  eciesEncryptResponse,
} from "../../crypto/ecies.ts";
import type { EciesContext, EciesRequest, EciesResponse, EciesSharedInfo1 } from "../../crypto/ecies.ts";
import type { KeyObject } from "../../crypto/ec-keys.ts";
import type { Tx } from "../../persistence/tx.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import { acceptOnce } from "../replay/unique-values.ts";

/** A decrypted ECIES request and the context its response must be encrypted under. */
export interface OpenedEciesRequest {
  plaintext: Buffer;
  context: EciesContext;
}

/**
 * How long an ECIES request's ephemeral key (and nonce) is remembered. Requests of protocol 3.0/3.1 carry no
 * timestamp, so nothing bounds their validity; this is the reference's extended request expiry (2 hours), long
 * past any retry of a real client, and it bounds the table's size.
 */
export const ECIES_REPLAY_RETENTION_MS = 7_200_000;

/**
 * Decrypts an application-scope request (sharedInfo2 = SHA256(appSecret)) with the master private key. The
 * version follows the request: a nonce means 3.1, none means 3.0. Any failure (bad ephemeral key, MAC,
 * padding) is ERR0018, as the reference reports every ECIES failure. A request seen before is ERR0024 (a
 * replay), recorded in the caller's transaction so it counts only if the call succeeds.
 */
export async function openApplicationScopeRequest(
  tx: Tx,
  masterPrivateKey: KeyObject,
  sharedInfo1: EciesSharedInfo1,
  applicationSecret: string,
  request: EciesRequest,
): Promise<OpenedEciesRequest> {
  const opened = decrypt(masterPrivateKey, sharedInfo1, eciesApplicationScopeSharedInfo2(applicationSecret), request);
  await refuseReplayedEciesRequest(tx, "ECIES_APPLICATION_SCOPE", request);
  return opened;
}

/**
 * Decrypts an activation-scope request (sharedInfo2 = HMAC(KEY_TRANSPORT, appSecret)) with the activation's
 * server private key; failures are ERR0018, a request seen before ERR0024.
 */
export async function openActivationScopeRequest(
  tx: Tx,
  material: { serverPrivateKey: KeyObject; keys: { transport: Uint8Array } },
  sharedInfo1: EciesSharedInfo1,
  applicationSecret: string,
  request: EciesRequest,
): Promise<OpenedEciesRequest> {
  const sharedInfo2 = eciesActivationScopeSharedInfo2(material.keys.transport, applicationSecret);
  const opened = decrypt(material.serverPrivateKey, sharedInfo1, sharedInfo2, request);
  await refuseReplayedEciesRequest(tx, "ECIES_ACTIVATION_SCOPE", request);
  return opened;
}

/**
 * The one place every ECIES request passes (the methods above and GetEciesDecryptor): its ephemeral key and
 * nonce are accepted once in their scope, in the caller's transaction; a second time is ERR0024. Checked after
 * decryption, so requests that do not even decrypt never reach the table.
 */
export async function refuseReplayedEciesRequest(
  tx: Tx,
  scope: "ECIES_APPLICATION_SCOPE" | "ECIES_ACTIVATION_SCOPE",
  request: { ephemeralPublicKey: Uint8Array; nonce?: Uint8Array | null },
  now: Date = new Date(),
): Promise<void> {
  const parts = [request.ephemeralPublicKey, request.nonce ?? new Uint8Array(0)];
  if (!(await acceptOnce(tx, scope, parts, new Date(now.getTime() + ECIES_REPLAY_RETENTION_MS)))) {
    throw new ServiceError(ServiceErrors.INVALID_REQUEST);
  }
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
