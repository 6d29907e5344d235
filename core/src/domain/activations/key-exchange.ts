import type { Argon2Runner } from "../../crypto/argon2.ts";
import { decodeBase64, encodeBase64 } from "../../crypto/bytes.ts";
import { validateActivationCode } from "../../crypto/activation-code.ts";
import { encodePublicKey, parsePublicKey } from "../../crypto/ec-keys.ts";
import type { KeyObject } from "../../crypto/ec-keys.ts";
import { ECIES_SHARED_INFO_1 } from "../../crypto/ecies.ts";
import type { EciesContext, EciesRequest } from "../../crypto/ecies.ts";
import { generateCounterData } from "../../crypto/hash-counter.ts";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { findCreatedActivationByCode, lockActivation } from "../../persistence/activation.repository.ts";
import { openApplicationScopeRequest, parseJsonObject, sealJsonResponse } from "../e2ee/ecies-requests.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import { issueRecoveryCodeForActivation } from "../recovery/recovery-codes.ts";
import type { ServiceSettings } from "../service-settings.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { hasControlCharacter } from "../text.ts";
import { ErrorAfterCommit, transactionKeepingState } from "../transactions.ts";
import { ActivationStatus } from "./activation-status.ts";
import { expireIfPending } from "./activation-expiry.ts";
import { findSupportedVersion, loadMasterKeyPair } from "./application-keys.ts";
import { createActivationRecord } from "./init-activation.ts";
import type { InitActivationInput } from "./init-activation.ts";
import { changeActivationStatus } from "./status-change.ts";

/** Protocol version stored for activations created by the 3.x key exchange. */
const ACTIVATION_VERSION_3 = 3;

/** The encrypted layer-2 answer of a key exchange. */
export interface KeyExchangeResult {
  activationId: string;
  userId: string;
  encryptedData: Buffer;
  mac: Buffer;
}

/** The decrypted layer-2 activation request. */
export interface Layer2Request {
  devicePublicKey: unknown;
  activationName: string | null;
  extras: string | null;
  platform: string | null;
  deviceInfo: string | null;
}

/**
 * Key exchange with an activation code (PrepareActivation): decrypts the device's layer-2 request with the
 * master key, binds the device public key to the CREATED activation the code names, and answers with the
 * server public key and the initial counter data, encrypted under the same ECIES context. The activation
 * moves to OTP_USED and waits for CommitActivation.
 */
export async function prepareActivation(
  db: Db,
  settings: ServiceSettings,
  argon2: Argon2Runner,
  input: { activationCode: string; applicationKey: string; request: EciesRequest },
): Promise<KeyExchangeResult> {
  return transactionKeepingState(db, async (tx) => {
    const now = new Date();
    const version = await findSupportedVersion(tx, input.applicationKey);
    if (!version) throw new ServiceError(ServiceErrors.ACTIVATION_EXPIRED);
    const { context, layer2 } = await openLayer2(tx, settings, version.applicationId, version.applicationSecret, input.request);
    const found = await findCreatedActivationByCode(tx, version.applicationId, input.activationCode, now, ActivationStatus.CREATED);
    if (!found) throw new ServiceError(ServiceErrors.ACTIVATION_EXPIRED);
    const locked = await lockActivation(tx, found.activationId);
    if (!locked) throw new ServiceError(ServiceErrors.ACTIVATION_EXPIRED);
    const activation = await expireIfPending(tx, locked, now);
    if (
      activation.activationStatus !== ActivationStatus.CREATED ||
      activation.applicationId !== version.applicationId ||
      !validateActivationCode(activation.activationCode ?? "")
    ) {
      return new ErrorAfterCommit(new ServiceError(ServiceErrors.ACTIVATION_EXPIRED));
    }
    return completeKeyExchange(tx, { settings, argon2 }, activation, layer2, context, now);
  });
}

/**
 * Custom activation (CreateActivation): the intermediate has identified the user by its own means, so the
 * CREATED record is created and the key exchange completed in one transaction. The payload is decrypted
 * before anything is written, so an undecryptable request leaves no orphan record behind.
 */
export async function createActivation(
  db: Db,
  settings: ServiceSettings,
  argon2: Argon2Runner,
  input: Omit<InitActivationInput, "applicationId"> & { applicationKey: string; request: EciesRequest },
): Promise<KeyExchangeResult> {
  return transactionKeepingState(db, async (tx) => {
    const now = new Date();
    const version = await findSupportedVersion(tx, input.applicationKey);
    if (!version) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    const { context, layer2 } = await openLayer2(tx, settings, version.applicationId, version.applicationSecret, input.request);
    const { activation } = await createActivationRecord(
      tx,
      settings,
      {
        userId: input.userId,
        applicationId: version.applicationId,
        timestampActivationExpire: input.timestampActivationExpire,
        maxFailureCount: input.maxFailureCount,
      },
      {},
      now,
    );
    return completeKeyExchange(tx, { settings, argon2 }, activation, layer2, context, now);
  });
}

/** Decrypts the device's layer-2 request (application scope, `/pa/activation`) with the application's master key. */
export async function openLayer2(
  tx: Tx,
  keys: MasterDbKeys,
  applicationId: number,
  applicationSecret: string,
  request: EciesRequest,
): Promise<{ context: EciesContext; layer2: Layer2Request }> {
  const master = await loadMasterKeyPair(tx, keys, applicationId);
  const opened = await openApplicationScopeRequest(tx, master.privateKey, ECIES_SHARED_INFO_1.ACTIVATION_LAYER_2, applicationSecret, request);
  const json = parseJsonObject(opened.plaintext);
  if (!json) throw new ServiceError(ServiceErrors.INVALID_INPUT_FORMAT);
  // Unknown properties (newer SDKs add activationOtp) are ignored, as a lenient reader should.
  return {
    context: opened.context,
    layer2: {
      devicePublicKey: json.devicePublicKey,
      activationName: deviceText(json.activationName, DEVICE_TEXT_COLUMN_LENGTH),
      extras: deviceText(json.extras, MAX_EXTRAS_LENGTH),
      platform: deviceText(json.platform, DEVICE_TEXT_COLUMN_LENGTH),
      deviceInfo: deviceText(json.deviceInfo, DEVICE_TEXT_COLUMN_LENGTH),
    },
  };
}

/** activation_name, platform and device_info are varchar(255). */
const DEVICE_TEXT_COLUMN_LENGTH = 255;
/** extras is text; the bound keeps one device from storing a megabyte per activation. */
const MAX_EXTRAS_LENGTH = 64 * 1024;

/**
 * What the device tells about itself inside the encrypted payload, which no boundary check sees: too long for
 * its column, or carrying a NUL or another control (PostgreSQL text cannot hold a NUL), is bad input (ERR0024),
 * never a database failure.
 */
function deviceText(value: unknown, maxLength: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.length > maxLength || hasControlCharacter(value, true)) {
    throw new ServiceError(ServiceErrors.INVALID_INPUT_FORMAT);
  }
  return value;
}

/**
 * Binds the device public key to the activation (OTP_USED) and seals the layer-2 answer, with a recovery code
 * and PUK when the application enables activation recovery (RecoveryCodeActivation ends here too).
 */
export async function completeKeyExchange(
  tx: Tx,
  recovery: { settings: ServiceSettings; argon2: Argon2Runner },
  activation: ActivationRecord,
  layer2: Layer2Request,
  context: EciesContext,
  now: Date,
): Promise<KeyExchangeResult | ErrorAfterCommit> {
  const devicePublicKey = parseDevicePublicKey(layer2.devicePublicKey);
  if (!devicePublicKey) {
    // The reference removes the activation (the code is burnt) and answers "not found".
    await changeActivationStatus(tx, activation, ActivationStatus.REMOVED, { now });
    return new ErrorAfterCommit(new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND));
  }
  const ctrData = encodeBase64(generateCounterData());
  activation.devicePublicKeyBase64 = encodeBase64(encodePublicKey(devicePublicKey));
  activation.activationName = layer2.activationName;
  activation.extras = layer2.extras;
  if (layer2.platform !== null) activation.platform = layer2.platform.toLowerCase();
  if (layer2.deviceInfo !== null) activation.deviceInfo = layer2.deviceInfo;
  activation.version = ACTIVATION_VERSION_3;
  activation.ctrData = ctrData;
  await changeActivationStatus(tx, activation, ActivationStatus.OTP_USED, { now });
  const activationRecovery = await issueRecoveryCodeForActivation(tx, recovery.settings, recovery.argon2, activation);
  const response = sealJsonResponse(context, {
    activationId: activation.activationId,
    serverPublicKey: activation.serverPublicKeyBase64,
    ctrData,
    activationRecovery,
  });
  return { activationId: activation.activationId, userId: activation.userId, encryptedData: response.encryptedData, mac: response.mac };
}

function parseDevicePublicKey(value: unknown): KeyObject | null {
  if (typeof value !== "string") return null;
  try {
    return parsePublicKey(decodeBase64(value, "device public key"));
  } catch {
    return null;
  }
}
