import type { SignatureType } from "../../crypto/multi-factor-signature.ts";
import { encryptVaultEncryptionKeyV2 } from "../../crypto/legacy-vault.ts";
import type { Db } from "../../persistence/db.ts";
import { lockActivation, lockActivationForSignature, saveActivation } from "../../persistence/activation.repository.ts";
import { ActivationStatus, activationStatusName } from "../activations/activation-status.ts";
import type { ActivationStatusName } from "../activations/activation-status.ts";
import type { ActivationKeyCache } from "../activations/activation-keys.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import { verifyOnlineSignatureOfLocked } from "../signatures/online-signature.ts";
import { AdditionalInfoKey } from "../signatures/signature-audit-log.ts";
import type { SignatureVerdict } from "../signatures/signature-verification.ts";

/** The longest unlock reason the reference accepts (the column it audits into). */
const MAX_REASON_LENGTH = 255;
const REASON_NOT_SPECIFIED = "NOT_SPECIFIED";
/** A vault unlock needs two factors: these are refused before anything is checked. */
const ONE_FACTOR_TYPES: readonly SignatureType[] = ["POSSESSION", "KNOWLEDGE", "BIOMETRY"];

/** v2 VaultUnlock's answer. */
export interface LegacyVaultUnlockResult {
  activationId: string;
  userId: string;
  activationStatus: ActivationStatusName;
  blockedReason: string | null;
  remainingAttempts: number;
  signatureValid: boolean;
  /** Only after a valid signature: KEY_ENCRYPTION_VAULT under KDF(KEY_TRANSPORT, counter). */
  encryptedVaultEncryptionKey: Buffer | null;
  /** The signature check's verdict; absent when the activation was not found, so nothing was checked. */
  verdict?: SignatureVerdict;
}

/**
 * Protocol 2.x secure vault unlock (v2 VaultUnlock): a multi-factor signature (one-factor types are ERR0012)
 * is verified, counted and audited exactly like VerifySignature, under the activation's row lock held for the
 * whole call. When it is valid, the vault key goes back encrypted with a key derived from the transport key
 * and the counter as it is after the signature; then the counter moves once more, valid or not, because the
 * 2.x SDK advances its own counter twice for an unlock and decrypts with the value before the last step. An
 * unknown or no longer ACTIVE activation answers REMOVED and "UNKNOWN", without an error.
 */
export async function vaultUnlockV2(
  db: Db,
  settings: ServiceSettings,
  activationKeys: ActivationKeyCache,
  input: { activationId: string; applicationKey: string; data: string; signature: string; signatureType: SignatureType; reason: string | null },
): Promise<LegacyVaultUnlockResult> {
  if (ONE_FACTOR_TYPES.includes(input.signatureType)) throw new ServiceError(ServiceErrors.INVALID_SIGNATURE);
  if (input.reason !== null && input.reason.length > MAX_REASON_LENGTH) throw new ServiceError(ServiceErrors.INVALID_INPUT_FORMAT);
  const unknown: LegacyVaultUnlockResult = {
    activationId: input.activationId,
    userId: "UNKNOWN",
    activationStatus: "REMOVED",
    blockedReason: null,
    remainingAttempts: 0,
    signatureValid: false,
    encryptedVaultEncryptionKey: null,
  };
  return db.transaction(async (tx) => {
    const locked = await lockActivationForSignature(tx, input.activationId, input.applicationKey);
    if (!locked) return unknown;
    const verdict = await verifyOnlineSignatureOfLocked(
      tx,
      settings,
      activationKeys,
      locked,
      {
        activationId: input.activationId,
        applicationKey: input.applicationKey,
        data: input.data,
        signature: input.signature,
        signatureType: input.signatureType,
        // No signature version travels on the v2 port: 2.x signatures are decimal.
      },
      [{ key: AdditionalInfoKey.VAULT_UNLOCKED_REASON, value: input.reason ?? REASON_NOT_SPECIFIED }],
    );
    // The row as the signature check left it (counter, failures, status); the lock is still ours.
    const activation = await lockActivation(tx, input.activationId);
    if (!activation || activation.activationStatus !== ActivationStatus.ACTIVE) return { ...unknown, verdict };
    const encryptedVaultEncryptionKey = verdict.signatureValid
      ? encryptVaultKeyAtCounter(activationKeys, activation, activation.counter)
      : null;
    activation.counter += 1;
    await saveActivation(tx, activation);
    return {
      activationId: activation.activationId,
      userId: activation.userId,
      activationStatus: activationStatusName(activation.activationStatus),
      blockedReason: verdict.signatureValid ? null : activation.blockedReason,
      // After a valid signature the reference reports the maximum, as VerifySignature does.
      remainingAttempts: verdict.signatureValid ? activation.maxFailedAttempts : activation.maxFailedAttempts - activation.failedAttempts,
      signatureValid: verdict.signatureValid,
      encryptedVaultEncryptionKey,
      verdict,
    };
  });
}

function encryptVaultKeyAtCounter(
  activationKeys: ActivationKeyCache,
  activation: Parameters<ActivationKeyCache["materialFor"]>[0],
  counter: number,
): Buffer {
  const { keys } = activationKeys.materialFor(activation);
  return encryptVaultEncryptionKeyV2(keys.transport, keys.vaultEncryption, counter);
}
