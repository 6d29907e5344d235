import { randomUUID } from "node:crypto";
import { encodeBase64 } from "../../crypto/bytes.ts";
import { generateActivationCode, signActivationCode } from "../../crypto/activation-code.ts";
import { encodePublicKey, generateKeyPair } from "../../crypto/ec-keys.ts";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import { findApplicationById } from "../../persistence/application.repository.ts";
import { activationCodePrefixExists, activationIdExists, insertActivation } from "../../persistence/activation.repository.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import { ActivationStatus } from "./activation-status.ts";
import { sealServerPrivateKey } from "./activation-keys.ts";
import { loadMasterKeyPair } from "./application-keys.ts";
import { changeActivationStatus } from "./status-change.ts";

/** How often a colliding activation ID or code is regenerated before giving up (the reference's 10). */
const GENERATE_ITERATIONS = 10;

export interface InitActivationInput {
  userId: string;
  applicationId: number;
  /** Default: now + the configured activation validity. */
  timestampActivationExpire?: Date;
  /** Default: the configured maximum of failed signature attempts. */
  maxFailureCount?: number;
}

export interface InitActivationResult {
  activationId: string;
  activationCode: string;
  /** Base64 DER ECDSA of the code with the application's master private key (QR code: `CODE#SIGNATURE`). */
  activationSignature: string;
  userId: string;
  applicationId: number;
}

/** Overridable only by tests that need to force collisions. */
export interface IdentifierGenerators {
  activationId?: () => string;
  activationCode?: () => string;
}

/**
 * Starts an activation (InitActivation): a CREATED record with a fresh server key pair, a unique activation
 * ID and an activation code unique per application, signed with the master key so the app can trust a
 * scanned code. The intermediate hands code and signature to the user; the device completes the key
 * exchange with PrepareActivation before the activation expires.
 */
export async function initActivation(
  db: Db,
  settings: ServiceSettings,
  input: InitActivationInput,
  generators: IdentifierGenerators = {},
): Promise<InitActivationResult> {
  return db.transaction(async (tx) => {
    const { activation, activationSignature } = await createActivationRecord(tx, settings, input, generators);
    return {
      activationId: activation.activationId,
      activationCode: activation.activationCode ?? "",
      activationSignature,
      userId: activation.userId,
      applicationId: activation.applicationId,
    };
  });
}

/**
 * Creates the CREATED record inside the caller's transaction (InitActivation, and CreateActivation which
 * continues with the key exchange on the same record).
 */
export async function createActivationRecord(
  tx: Tx,
  settings: ServiceSettings,
  input: InitActivationInput,
  generators: IdentifierGenerators = {},
  now: Date = new Date(),
): Promise<{ activation: ActivationRecord; activationSignature: string }> {
  if (input.userId.trim() === "" || input.userId.length > 255) throw new ServiceError(ServiceErrors.NO_USER_ID);
  if (input.applicationId === 0) throw new ServiceError(ServiceErrors.NO_APPLICATION_ID);
  const application = await findApplicationById(tx, input.applicationId);
  if (!application) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
  const master = await loadMasterKeyPair(tx, settings, application.id);

  const activationId = await generateUnique(
    generators.activationId ?? randomUUID,
    async (id) => !(await activationIdExists(tx, id)),
    ServiceErrors.UNABLE_TO_GENERATE_ACTIVATION_ID,
  );
  const activationCode = await generateUnique(
    generators.activationCode ?? generateActivationCode,
    async (code) => !(await activationCodePrefixExists(tx, application.id, code.slice(0, 11))),
    ServiceErrors.UNABLE_TO_GENERATE_ACTIVATION_CODE,
  );
  const serverKeyPair = generateKeyPair();
  const activation: ActivationRecord = {
    activationId,
    applicationId: application.id,
    userId: input.userId,
    activationName: null,
    activationCode,
    activationStatus: ActivationStatus.CREATED,
    activationOtpValidation: 0,
    blockedReason: null,
    extras: null,
    platform: null,
    deviceInfo: null,
    flags: [],
    counter: 0,
    ctrData: null,
    devicePublicKeyBase64: null,
    failedAttempts: 0,
    maxFailedAttempts: input.maxFailureCount ?? settings.signatureMaxFailedAttempts,
    ...sealServerPrivateKey(settings, serverKeyPair.privateKey, { userId: input.userId, activationId }),
    serverPublicKeyBase64: encodeBase64(encodePublicKey(serverKeyPair.publicKey)),
    masterKeypairId: master.keypair.id,
    timestampCreated: now,
    timestampActivationExpire: input.timestampActivationExpire ?? new Date(now.getTime() + settings.activationValidityMs),
    timestampLastUsed: now,
    timestampLastChange: null,
    version: null,
  };
  await insertActivation(tx, activation);
  await changeActivationStatus(tx, activation, ActivationStatus.CREATED, { now });
  return { activation, activationSignature: encodeBase64(signActivationCode(master.privateKey, activationCode)) };
}

async function generateUnique(
  generate: () => string,
  isFree: (value: string) => Promise<boolean>,
  failure: ServiceError["code"],
): Promise<string> {
  for (let i = 0; i < GENERATE_ITERATIONS; i++) {
    const candidate = generate();
    if (await isFree(candidate)) return candidate;
  }
  throw new ServiceError(failure);
}
