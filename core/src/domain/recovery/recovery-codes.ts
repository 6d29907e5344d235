import { validateActivationCode } from "../../crypto/activation-code.ts";
import type { Argon2Runner } from "../../crypto/argon2.ts";
import { decodeBase64, encodeBase64 } from "../../crypto/bytes.ts";
import { ECIES_SHARED_INFO_1 } from "../../crypto/ecies.ts";
import type { EciesRequest } from "../../crypto/ecies.ts";
import { parsePublicKey } from "../../crypto/ec-keys.ts";
import { hashPassword } from "../../crypto/password-hash.ts";
import {
  deriveRecoveryCode,
  derivePuk,
  generatePukDerivationIndex,
  generateRecoveryNonce,
  generateRecoverySecret,
  pukDerivationIndexToLong,
  recoveryPostcardSecret,
} from "../../crypto/recovery.ts";
import type { Db } from "../../persistence/db.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { findActivation } from "../../persistence/activation.repository.ts";
import { findApplicationById } from "../../persistence/application.repository.ts";
import { RecoveryCode, RecoveryPuk } from "../../persistence/recovery.entity.ts";
import {
  findRecoveryCodes,
  findRecoveryConfig,
  hasLiveCodeOfActivation,
  hasLivePostcardCode,
  listPuksOfCode,
  listPuksOfCodes,
  lockRecoveryCode,
  lockRecoveryCodeByCode,
  lockRecoveryCodesOfActivation,
  recoveryCodeExists,
} from "../../persistence/recovery.repository.ts";
import type { Tx } from "../../persistence/tx.ts";
import { ActivationStatus } from "../activations/activation-status.ts";
import type { ActivationKeyCache } from "../activations/activation-keys.ts";
import { findSupportedVersion } from "../activations/application-keys.ts";
import { openActivationScopeRequest, parseJsonObject, sealJsonResponse } from "../e2ee/ecies-requests.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import { isActivationRecoveryEnabled, openPostcardPrivateKey } from "./recovery-config.ts";
import { RecoveryCodeStatus, RecoveryPukStatus, recoveryCodeStatusName, recoveryPukStatusName } from "./recovery-status.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { encryptionModeCode, openSecret, sealSecret } from "../secrets/sealed-secret.ts";
import { RECOVERY_PUK_HASH } from "../secrets/secret-kinds.ts";
import type { RecoveryCodeStatusName, RecoveryPukStatusName } from "./recovery-status.ts";

/** How often a colliding recovery code is regenerated before giving up (the reference's 10). */
const GENERATE_CODE_ITERATIONS = 10;
/** How often a PUK equal to an earlier one of the same card is re-drawn (the reference's 20). */
const GENERATE_PUK_ITERATIONS = 20;
/** Most PUKs on one postcard. */
export const MAX_PUK_COUNT = 100;
/** PUK hashes computed at once for one postcard: enough to use a few pool threads, never the whole queue. */
const PUK_HASH_CONCURRENCY = 4;

/** What the device receives in layer 2 of an activation when the application enables recovery. */
export interface IssuedRecoveryCode {
  recoveryCode: string;
  puk: string;
}

/**
 * Issues the recovery code and its single PUK that travel with an activation (inside the caller's key-exchange
 * transaction), or returns null when the application does not enable activation recovery. The code is
 * CREATED and becomes ACTIVE when the activation is committed; only the PUK's Argon2 hash is stored.
 */
export async function issueRecoveryCodeForActivation(
  tx: Tx,
  settings: ServiceSettings,
  argon2: Argon2Runner,
  activation: ActivationRecord,
): Promise<IssuedRecoveryCode | null> {
  if (!(await isActivationRecoveryEnabled(tx, activation.applicationId))) return null;
  if (activation.activationStatus !== ActivationStatus.OTP_USED && activation.activationStatus !== ActivationStatus.ACTIVE) {
    throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
  }
  if (await hasLiveCodeOfActivation(tx, activation.activationId)) throw new ServiceError(ServiceErrors.RECOVERY_CODE_ALREADY_EXISTS);
  const card = await generateUniqueCard(tx, activation.applicationId, generateRecoverySecret(), 1);
  const [puk] = card.puks;
  const pukHash = await hashPassword(puk.puk, argon2);
  await insertCode(tx, settings, {
    applicationId: activation.applicationId,
    userId: activation.userId,
    activationId: activation.activationId,
    recoveryCode: card.recoveryCode,
    puks: [{ ...puk, pukHash }],
  });
  return { recoveryCode: card.recoveryCode, puk: puk.puk };
}

/** The activation was committed: its CREATED codes become ACTIVE (CommitActivation). */
export async function activateRecoveryCodesOfActivation(tx: Tx, activationId: string, now: Date): Promise<void> {
  for (const code of await lockRecoveryCodesOfActivation(tx, activationId)) {
    if (code.status !== RecoveryCodeStatus.CREATED) continue;
    code.status = RecoveryCodeStatus.ACTIVE;
    code.timestampLastChange = now;
  }
}

/**
 * Revokes every code of an activation and invalidates their VALID PUKs (RemoveActivation with
 * revokeRecoveryCodes, and the activation a recovery replaced), so a removed phone's code cannot be used.
 */
export async function revokeRecoveryCodesOfActivation(tx: Tx, activationId: string, now: Date): Promise<void> {
  for (const code of await lockRecoveryCodesOfActivation(tx, activationId)) await revokeLockedCode(tx, code, now);
}

/** A postcard as the printing centre needs it: it derives code and PUKs itself from the nonce and the indexes. */
export interface CreatedRecoveryCode {
  nonce: string;
  userId: string;
  recoveryCodeId: number;
  recoveryCodeMasked: string;
  status: RecoveryCodeStatusName;
  puks: { pukIndex: number; pukDerivationIndex: bigint; status: RecoveryPukStatusName }[];
}

/**
 * CreateRecoveryCode (a recovery postcard): code and n PUKs derived from the ECDH of the server's postcard key
 * and the printing centre's key, so neither side has to send the other a secret. Refuses a second live postcard
 * code for the user unless the application allows several. The Argon2 hashes (up to 100) are computed between
 * two transactions, so no connection or lock is held while they run; the write re-checks everything it read.
 */
export async function createRecoveryCode(
  db: Db,
  settings: ServiceSettings,
  argon2: Argon2Runner,
  input: { applicationId: number; userId: string; pukCount: number },
): Promise<CreatedRecoveryCode> {
  if (input.pukCount < 1 || input.pukCount > MAX_PUK_COUNT || input.userId.trim() === "" || input.userId.length > 255) {
    throw new ServiceError(ServiceErrors.INVALID_REQUEST);
  }
  const { card, nonce } = await db.read(async (tx) => {
    const config = await requirePostcardConfig(tx, settings, input);
    const secret = recoveryPostcardSecret(config.privateKey, config.remoteKey);
    return generateUniqueCardWithNonce(tx, input.applicationId, secret, input.pukCount);
  });
  const puks = await hashAll(card.puks, argon2);
  return db.transaction(async (tx) => {
    await requirePostcardConfig(tx, settings, input, { forUpdate: true });
    if (await recoveryCodeExists(tx, input.applicationId, card.recoveryCode)) throw new ServiceError(ServiceErrors.UNABLE_TO_GENERATE_RECOVERY_CODE);
    const recoveryCodeId = await insertCode(tx, settings, {
      applicationId: input.applicationId,
      userId: input.userId,
      activationId: null,
      recoveryCode: card.recoveryCode,
      puks,
    });
    return {
      nonce: encodeBase64(nonce),
      userId: input.userId,
      recoveryCodeId,
      recoveryCodeMasked: maskRecoveryCode(card.recoveryCode),
      status: "CREATED" as const,
      puks: puks.map((puk) => ({ pukIndex: puk.pukIndex, pukDerivationIndex: pukDerivationIndexToLong(puk.derivationIndex), status: "VALID" as const })),
    };
  });
}

/**
 * ConfirmRecoveryCode: the device proves (ECIES in its activation scope, `/pa/recovery/confirm`) that it holds
 * a code of its user, typically a postcard's; a CREATED code becomes ACTIVE. Confirming an ACTIVE code again
 * succeeds with `alreadyConfirmed`, so a retried request is harmless.
 */
export async function confirmRecoveryCode(
  db: Db,
  activationKeys: ActivationKeyCache,
  input: { activationId: string; applicationKey: string; request: EciesRequest },
): Promise<{ activationId: string; userId: string; encryptedData: Buffer; mac: Buffer }> {
  return db.transaction(async (tx) => {
    const activation = await findActivation(tx, input.activationId);
    if (!activation) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
    if (!(await isActivationRecoveryEnabled(tx, activation.applicationId))) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
    if (activation.activationStatus !== ActivationStatus.ACTIVE) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
    const version = await findSupportedVersion(tx, input.applicationKey);
    if (!version || version.applicationId !== activation.applicationId) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    const material = activationKeys.materialFor(activation);
    const opened = await openActivationScopeRequest(tx, material, ECIES_SHARED_INFO_1.CONFIRM_RECOVERY_CODE, version.applicationSecret, input.request);
    const recoveryCode = parseJsonObject(opened.plaintext)?.recoveryCode;
    if (typeof recoveryCode !== "string" || !validateActivationCode(recoveryCode)) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
    const code = await lockRecoveryCodeByCode(tx, activation.applicationId, recoveryCode);
    if (!code) throw new ServiceError(ServiceErrors.RECOVERY_CODE_NOT_FOUND);
    if (code.userId !== activation.userId) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
    let alreadyConfirmed: boolean;
    if (code.status === RecoveryCodeStatus.CREATED) {
      code.status = RecoveryCodeStatus.ACTIVE;
      code.timestampLastChange = new Date();
      alreadyConfirmed = false;
    } else if (code.status === RecoveryCodeStatus.ACTIVE) {
      alreadyConfirmed = true;
    } else {
      throw new ServiceError(ServiceErrors.INVALID_REQUEST);
    }
    const response = sealJsonResponse(opened.context, { alreadyConfirmed });
    return { activationId: activation.activationId, userId: activation.userId, ...response };
  });
}

export interface RecoveryCodeLookup {
  userId?: string;
  activationId?: string;
  applicationId?: number;
  recoveryCodeStatus?: RecoveryCodeStatusName;
  recoveryPukStatus?: RecoveryPukStatusName;
}

export interface RecoveryCodeItem {
  recoveryCodeId: number;
  recoveryCodeMasked: string;
  userId: string;
  applicationId: number;
  activationId: string | null;
  status: RecoveryCodeStatusName;
  puks: { pukIndex: number; status: RecoveryPukStatusName }[];
}

/**
 * LookupRecoveryCodes: a user's or an activation's codes (an application alone is too broad: ERR0024), masked,
 * with their PUKs' states. With a PUK status filter, only matching PUKs are listed and codes left without one
 * are dropped.
 */
export async function lookupRecoveryCodes(db: Db, input: RecoveryCodeLookup): Promise<RecoveryCodeItem[]> {
  if (input.userId === undefined && input.activationId === undefined) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
  return db.read(async (tx) => {
    const codes = await findRecoveryCodes(tx, {
      userId: input.userId,
      activationId: input.activationId,
      applicationId: input.applicationId,
      status: input.recoveryCodeStatus === undefined ? undefined : RecoveryCodeStatus[input.recoveryCodeStatus],
    });
    const puks = await listPuksOfCodes(tx, codes.map((code) => code.id));
    const items: RecoveryCodeItem[] = [];
    for (const code of codes) {
      const matching = puks
        .filter((puk) => puk.recoveryCodeId === code.id)
        .filter((puk) => input.recoveryPukStatus === undefined || puk.status === RecoveryPukStatus[input.recoveryPukStatus]);
      if (input.recoveryPukStatus !== undefined && matching.length === 0) continue;
      items.push({
        recoveryCodeId: code.id,
        recoveryCodeMasked: maskRecoveryCode(code.recoveryCode),
        userId: code.userId,
        applicationId: code.applicationId,
        activationId: code.activationId ?? null,
        status: recoveryCodeStatusName(code.status),
        puks: matching.map((puk) => ({ pukIndex: puk.pukIndex, status: recoveryPukStatusName(puk.status) })),
      });
    }
    return items;
  });
}

/**
 * RevokeRecoveryCodes: each named code that is not REVOKED yet becomes REVOKED and its VALID PUKs INVALID.
 * Unknown ids are ignored (as the reference); a negative id is ERR0024. `revoked` says whether any changed.
 */
export async function revokeRecoveryCodes(db: Db, input: { recoveryCodeIds: number[] }): Promise<{ revoked: boolean }> {
  if (input.recoveryCodeIds.some((id) => !Number.isSafeInteger(id) || id < 0)) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
  return db.transaction(async (tx) => {
    const now = new Date();
    let revoked = 0;
    // Ascending order, so two revocations of overlapping sets take the row locks in the same order.
    for (const id of [...new Set(input.recoveryCodeIds)].sort((a, b) => a - b)) {
      const code = await lockRecoveryCode(tx, id);
      if (code && (await revokeLockedCode(tx, code, now))) revoked++;
    }
    return { revoked: revoked > 0 };
  });
}

/** `XXXXX-XXXXX-XXXXX-` and the code's last five characters: enough for a user to recognise a card. */
export function maskRecoveryCode(recoveryCode: string): string {
  return `XXXXX-XXXXX-XXXXX-${recoveryCode.slice(-5)}`;
}

/** The stored PUK hash (modular crypt format), opened with the master DB key when it is stored sealed. */
export function openPukHash(settings: MasterDbKeys, code: RecoveryCode, puk: RecoveryPuk): string {
  const owner = { applicationId: code.applicationId, userId: code.userId, recoveryCode: code.recoveryCode, pukIndex: puk.pukIndex };
  return openSecret(settings, RECOVERY_PUK_HASH, owner, { stored: puk.puk, mode: puk.pukEncryption, keyId: puk.pukEncryptionKeyId }).toString("utf8");
}

/** Revokes a code whose row lock the caller holds; false when it was already REVOKED. */
async function revokeLockedCode(tx: Tx, code: RecoveryCode, now: Date): Promise<boolean> {
  if (code.status === RecoveryCodeStatus.REVOKED) return false;
  code.status = RecoveryCodeStatus.REVOKED;
  code.timestampLastChange = now;
  for (const puk of await listPuksOfCode(tx, code.id)) {
    if (puk.status !== RecoveryPukStatus.VALID) continue;
    puk.status = RecoveryPukStatus.INVALID;
    puk.timestampLastChange = now;
  }
  return true;
}

interface DerivedPuk {
  pukIndex: number;
  derivationIndex: Buffer;
  puk: string;
}

interface Card {
  recoveryCode: string;
  puks: DerivedPuk[];
}

async function generateUniqueCard(tx: Tx, applicationId: number, secret: Uint8Array, pukCount: number): Promise<Card> {
  return (await generateUniqueCardWithNonce(tx, applicationId, secret, pukCount)).card;
}

/** A code free in the application (fresh nonce per attempt) and its PUKs, each PUK distinct from the others. */
async function generateUniqueCardWithNonce(tx: Tx, applicationId: number, secret: Uint8Array, pukCount: number): Promise<{ card: Card; nonce: Buffer }> {
  for (let attempt = 0; attempt < GENERATE_CODE_ITERATIONS; attempt++) {
    const nonce = generateRecoveryNonce();
    const { recoveryCode, pukBaseKey } = deriveRecoveryCode(secret, nonce);
    if (await recoveryCodeExists(tx, applicationId, recoveryCode)) continue;
    const puks: DerivedPuk[] = [];
    for (let pukIndex = 1; pukIndex <= pukCount; pukIndex++) puks.push(derivePukDistinctFrom(puks, pukBaseKey, pukIndex));
    return { card: { recoveryCode, puks }, nonce };
  }
  throw new ServiceError(ServiceErrors.UNABLE_TO_GENERATE_RECOVERY_CODE);
}

function derivePukDistinctFrom(earlier: DerivedPuk[], pukBaseKey: Buffer, pukIndex: number): DerivedPuk {
  for (let attempt = 0; attempt < GENERATE_PUK_ITERATIONS; attempt++) {
    const derivationIndex = generatePukDerivationIndex();
    const puk = derivePuk(pukBaseKey, derivationIndex);
    if (!earlier.some((other) => other.puk === puk)) return { pukIndex, derivationIndex, puk };
  }
  throw new ServiceError(ServiceErrors.UNABLE_TO_GENERATE_RECOVERY_CODE);
}

async function hashAll(puks: DerivedPuk[], argon2: Argon2Runner): Promise<(DerivedPuk & { pukHash: string })[]> {
  const out: (DerivedPuk & { pukHash: string })[] = [];
  for (let i = 0; i < puks.length; i += PUK_HASH_CONCURRENCY) {
    const batch = puks.slice(i, i + PUK_HASH_CONCURRENCY);
    const hashes = await Promise.all(batch.map((puk) => hashPassword(puk.puk, argon2)));
    batch.forEach((puk, j) => out.push({ ...puk, pukHash: hashes[j] }));
  }
  return out;
}

/** Application exists (ERR0024), recovery and postcards enabled with both keys (ERR0029), one live card per user unless allowed (ERR0025). */
async function requirePostcardConfig(
  tx: Tx,
  settings: ServiceSettings,
  input: { applicationId: number; userId: string },
  options: { forUpdate?: boolean } = {},
) {
  if (!(await findApplicationById(tx, input.applicationId))) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
  const config = await findRecoveryConfig(tx, input.applicationId, { withPrivateKey: true, forUpdate: options.forUpdate });
  if (
    !config ||
    !config.activationRecoveryEnabled ||
    !config.recoveryPostcardEnabled ||
    !config.postcardPrivateKeyBase64 ||
    !config.remotePublicKeyBase64
  ) {
    throw new ServiceError(ServiceErrors.INVALID_RECOVERY_CONFIGURATION);
  }
  if (!config.allowMultipleRecoveryCodes && (await hasLivePostcardCode(tx, input.applicationId, input.userId))) {
    throw new ServiceError(ServiceErrors.RECOVERY_CODE_ALREADY_EXISTS);
  }
  let remoteKey;
  try {
    remoteKey = parsePublicKey(decodeBase64(config.remotePublicKeyBase64, "remote postcard public key"));
  } catch (error) {
    throw new ServiceError(ServiceErrors.INVALID_RECOVERY_CONFIGURATION, { cause: error });
  }
  return { privateKey: openPostcardPrivateKey(settings, config), remoteKey };
}

/** Inserts a CREATED code and its VALID PUKs at once (so the new activation's foreign key is already there); returns the code's id. */
async function insertCode(
  tx: Tx,
  settings: ServiceSettings,
  input: {
    applicationId: number;
    userId: string;
    activationId: string | null;
    recoveryCode: string;
    puks: { pukIndex: number; pukHash: string }[];
  },
): Promise<number> {
  const now = new Date();
  const id = await tx.insert(RecoveryCode, {
    recoveryCode: input.recoveryCode,
    applicationId: input.applicationId,
    userId: input.userId,
    activationId: input.activationId,
    status: RecoveryCodeStatus.CREATED,
    failedAttempts: 0,
    maxFailedAttempts: settings.recoveryMaxFailedAttempts,
    timestampCreated: now,
    timestampLastChange: now,
  });
  const recoveryCodeId = Number(id);
  const owner = { applicationId: input.applicationId, userId: input.userId, recoveryCode: input.recoveryCode };
  for (const puk of input.puks) {
    await tx.insert(RecoveryPuk, {
      recoveryCodeId,
      pukIndex: puk.pukIndex,
      status: RecoveryPukStatus.VALID,
      timestampLastChange: now,
      ...sealPukHash(settings, owner, puk.pukIndex, puk.pukHash),
    });
  }
  return recoveryCodeId;
}

/** The PUK hash as stored: sealed with the master DB key, bound to the code and PUK index, when it is configured. */
function sealPukHash(
  settings: MasterDbKeys,
  owner: { applicationId: number; userId: string; recoveryCode: string },
  pukIndex: number,
  pukHash: string,
): { puk: string; pukEncryption: number; pukEncryptionKeyId: string | null } {
  const sealed = sealSecret(settings, RECOVERY_PUK_HASH, { ...owner, pukIndex }, Buffer.from(pukHash, "utf8"));
  return { puk: sealed.stored, pukEncryption: encryptionModeCode(sealed), pukEncryptionKeyId: sealed.keyId };
}
