import { decodeBase64, encodeBase64 } from "../../crypto/bytes.ts";
import { encodePublicKey, exportPrivateKeyForStorage, generateKeyPair, parsePrivateKey, parsePublicKey } from "../../crypto/ec-keys.ts";
import type { KeyObject } from "../../crypto/ec-keys.ts";
import { CryptoError } from "../../crypto/errors.ts";
import type { Db } from "../../persistence/db.ts";
import { findApplicationById } from "../../persistence/application.repository.ts";
import { RecoveryConfig } from "../../persistence/recovery.entity.ts";
import { findRecoveryConfig } from "../../persistence/recovery.repository.ts";
import type { Tx } from "../../persistence/tx.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { encryptionModeCode, openSecret, sealSecret } from "../secrets/sealed-secret.ts";
import { RECOVERY_POSTCARD_PRIVATE_KEY } from "../secrets/secret-kinds.ts";

/** An application's recovery configuration as GetRecoveryConfig reports it (public keys only). */
export interface RecoveryConfigView {
  applicationId: number;
  activationRecoveryEnabled: boolean;
  recoveryPostcardEnabled: boolean;
  allowMultipleRecoveryCodes: boolean;
  /** Base64 of the server's postcard public key (uncompressed), once postcards were enabled. */
  postcardPublicKey: string | null;
  /** Base64 of the printing centre's public key. */
  remotePostcardPublicKey: string | null;
}

export interface RecoveryConfigUpdate {
  applicationId: number;
  activationRecoveryEnabled: boolean;
  recoveryPostcardEnabled: boolean;
  /** Unchanged when absent. */
  allowMultipleRecoveryCodes?: boolean;
  /** Unchanged when absent; the empty string clears it. */
  remotePostcardPublicKey?: string;
}

/**
 * GetRecoveryConfig: the application must exist (ERR0024, as the reference); an application that never had a
 * configuration gets the default one (everything off) stored, so that the answer and the database agree.
 */
export async function getRecoveryConfig(db: Db, input: { applicationId: number }): Promise<RecoveryConfigView> {
  return db.transaction(async (tx) => toView(await requireRecoveryConfigRow(tx, input.applicationId)));
}

/**
 * UpdateRecoveryConfig: sets the flags; enabling postcards for the first time creates the server's postcard key
 * pair (the private key sealed with the master DB key when configured). The printing centre's key must be a
 * valid P-256 point (ERR0010 otherwise), so a typo is refused here rather than when the first postcard is made.
 */
export async function updateRecoveryConfig(db: Db, settings: ServiceSettings, input: RecoveryConfigUpdate): Promise<{ updated: true }> {
  const remoteKey = input.remotePostcardPublicKey === undefined ? undefined : normalizeRemoteKey(input.remotePostcardPublicKey);
  return db.transaction(async (tx) => {
    const config = await requireRecoveryConfigRow(tx, input.applicationId);
    if (input.recoveryPostcardEnabled && config.postcardPublicKeyBase64 === null) {
      const keyPair = generateKeyPair();
      Object.assign(config, sealPostcardPrivateKey(settings, input.applicationId, keyPair.privateKey));
      config.postcardPublicKeyBase64 = encodeBase64(encodePublicKey(keyPair.publicKey));
    }
    config.activationRecoveryEnabled = input.activationRecoveryEnabled;
    config.recoveryPostcardEnabled = input.recoveryPostcardEnabled;
    if (input.allowMultipleRecoveryCodes !== undefined) config.allowMultipleRecoveryCodes = input.allowMultipleRecoveryCodes;
    if (remoteKey !== undefined) config.remotePublicKeyBase64 = remoteKey;
    return { updated: true as const };
  });
}

/**
 * The configuration row of an existing application, created with everything off when missing. The application's
 * row lock serialises callers, so two first calls cannot both create the row.
 */
async function requireRecoveryConfigRow(tx: Tx, applicationId: number): Promise<RecoveryConfig> {
  const application = await findApplicationById(tx, applicationId, { forUpdate: true });
  if (!application) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
  const existing = await findRecoveryConfig(tx, applicationId);
  if (existing) return existing;
  return tx.create(RecoveryConfig, {
    applicationId,
    activationRecoveryEnabled: false,
    recoveryPostcardEnabled: false,
    allowMultipleRecoveryCodes: false,
    postcardPrivateKeyBase64: null,
    postcardPrivateKeyEncryption: encryptionModeCode({ encrypted: false }),
    postcardPrivateKeyEncryptionKeyId: null,
    postcardPublicKeyBase64: null,
    remotePublicKeyBase64: null,
  });
}

/** Whether the application hands out recovery codes with its activations (false when never configured). */
export async function isActivationRecoveryEnabled(tx: Tx, applicationId: number): Promise<boolean> {
  return (await findRecoveryConfig(tx, applicationId))?.activationRecoveryEnabled ?? false;
}

/** The server's postcard private key, opened with the master DB key when it is stored sealed. */
export function openPostcardPrivateKey(settings: MasterDbKeys, config: RecoveryConfig): KeyObject {
  const stored = config.postcardPrivateKeyBase64;
  if (!stored) throw new ServiceError(ServiceErrors.INVALID_RECOVERY_CONFIGURATION);
  const raw = openSecret(settings, RECOVERY_POSTCARD_PRIVATE_KEY, config, {
    stored,
    mode: config.postcardPrivateKeyEncryption,
    keyId: config.postcardPrivateKeyEncryptionKeyId,
  });
  try {
    return parsePrivateKey(raw);
  } catch (error) {
    if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.GENERIC_CRYPTOGRAPHY_ERROR, { cause: error });
    throw error;
  }
}

function sealPostcardPrivateKey(settings: MasterDbKeys, applicationId: number, privateKey: KeyObject) {
  const sealed = sealSecret(settings, RECOVERY_POSTCARD_PRIVATE_KEY, { applicationId }, exportPrivateKeyForStorage(privateKey));
  return {
    postcardPrivateKeyBase64: sealed.stored,
    postcardPrivateKeyEncryption: encryptionModeCode(sealed),
    postcardPrivateKeyEncryptionKeyId: sealed.keyId,
  };
}

/** "" clears the key; anything else must be Base64 of a P-256 point, stored uncompressed. */
function normalizeRemoteKey(value: string): string | null {
  if (value === "") return null;
  try {
    return encodeBase64(encodePublicKey(parsePublicKey(decodeBase64(value, "remotePostcardPublicKey"))));
  } catch (error) {
    throw new ServiceError(ServiceErrors.INVALID_KEY_FORMAT, { cause: error });
  }
}

function toView(config: RecoveryConfig): RecoveryConfigView {
  return {
    applicationId: config.applicationId,
    activationRecoveryEnabled: config.activationRecoveryEnabled,
    recoveryPostcardEnabled: config.recoveryPostcardEnabled,
    allowMultipleRecoveryCodes: config.allowMultipleRecoveryCodes,
    postcardPublicKey: config.postcardPublicKeyBase64 ?? null,
    remotePostcardPublicKey: config.remotePublicKeyBase64 ?? null,
  };
}
