import { encodeBase64 } from "../../crypto/bytes.ts";
import { ECIES_SHARED_INFO_1 } from "../../crypto/ecies.ts";
import type { EciesRequest } from "../../crypto/ecies.ts";
import type { SignatureType } from "../../crypto/multi-factor-signature.ts";
import { encryptVaultEncryptionKey } from "../../crypto/vault.ts";
import type { Db } from "../../persistence/db.ts";
import { lockActivationForSignature } from "../../persistence/activation.repository.ts";
import { ActivationStatus } from "../activations/activation-status.ts";
import type { ActivationKeyCache } from "../activations/activation-keys.ts";
import { openActivationScopeRequest, parseJsonObject, sealJsonResponse } from "../e2ee/ecies-requests.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import { verifyOnlineSignatureOfLocked } from "../signatures/online-signature.ts";
import { AdditionalInfoKey } from "../signatures/signature-audit-log.ts";
import type { SignatureVerdict } from "../signatures/signature-verification.ts";

/** What the reference accepts as a vault unlock reason. */
const REASON_PATTERN = /^[A-Za-z0-9_\-.]{3,255}$/;
const REASON_NOT_SPECIFIED = "NOT_SPECIFIED";

/**
 * VaultUnlock's answer: the encrypted payload is absent when the request never got as far as decryption, the
 * signature's verdict when it never got as far as the signature check.
 */
export interface VaultUnlockResult {
  signatureValid: boolean;
  encryptedData?: Buffer;
  mac?: Buffer;
  verdict?: SignatureVerdict;
}

/**
 * Secure vault unlock (VaultUnlock): after a signature with the user's PIN (POSSESSION_KNOWLEDGE, or
 * POSSESSION_BIOMETRY when configured; other types are ERR0012), the device gets KEY_ENCRYPTION_VAULT
 * encrypted with its transport key and can decrypt its own private key. The signature is verified, counted
 * and audited exactly like VerifySignature (the reason goes into the audit), in the same transaction holding
 * the activation's row lock. The ECIES response (activation scope, `/pa/vault/unlock`) carries the key only
 * when the signature is valid. A missing or inactive activation or an unusable application version answer
 * `signatureValid: false` without an error, as in the reference.
 */
export async function vaultUnlock(
  db: Db,
  settings: ServiceSettings,
  activationKeys: ActivationKeyCache,
  input: {
    activationId: string;
    applicationKey: string;
    signedData: string;
    signature: string;
    signatureType: SignatureType;
    signatureVersion?: string;
    request: EciesRequest;
  },
): Promise<VaultUnlockResult> {
  const biometryAllowed = settings.secureVaultBiometricAuthentication && input.signatureType === "POSSESSION_BIOMETRY";
  if (input.signatureType !== "POSSESSION_KNOWLEDGE" && !biometryAllowed) throw new ServiceError(ServiceErrors.INVALID_SIGNATURE);
  return db.transaction(async (tx) => {
    // One lock for the whole unlock: the ECIES keys and the signature check see the same row.
    const locked = await lockActivationForSignature(tx, input.activationId, input.applicationKey);
    if (!locked || locked.activation.activationStatus !== ActivationStatus.ACTIVE) return { signatureValid: false };
    const { version } = locked;
    if (!version || !version.supported) return { signatureValid: false };
    const material = activationKeys.materialFor(locked.activation);
    const opened = await openActivationScopeRequest(tx, material, ECIES_SHARED_INFO_1.VAULT_UNLOCK, version.applicationSecret, input.request);
    const payload = parseJsonObject(opened.plaintext);
    if (!payload) return { signatureValid: false };
    const reason = payload.reason ?? null;
    if (reason !== null && (typeof reason !== "string" || !REASON_PATTERN.test(reason))) {
      throw new ServiceError(ServiceErrors.INVALID_INPUT_FORMAT);
    }
    const verdict = await verifyOnlineSignatureOfLocked(
      tx,
      settings,
      activationKeys,
      locked,
      {
        activationId: input.activationId,
        applicationKey: input.applicationKey,
        data: input.signedData,
        signature: input.signature,
        signatureType: input.signatureType,
        signatureVersion: input.signatureVersion,
      },
      [{ key: AdditionalInfoKey.VAULT_UNLOCKED_REASON, value: reason ?? REASON_NOT_SPECIFIED }],
    );
    const encryptedVaultEncryptionKey = verdict.signatureValid
      ? encodeBase64(encryptVaultEncryptionKey(material.keys.transport, material.keys.vaultEncryption))
      : null;
    const response = sealJsonResponse(opened.context, { encryptedVaultEncryptionKey });
    return { signatureValid: verdict.signatureValid, encryptedData: response.encryptedData, mac: response.mac, verdict };
  });
}
