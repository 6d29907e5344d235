import { decodeBase64, encodeBase64, randomBytes } from "../../crypto/bytes.ts";
import { splitActivationCode, validateActivationCode } from "../../crypto/activation-code.ts";
import { encodePublicKey, generateKeyPair, parsePublicKey } from "../../crypto/ec-keys.ts";
import type { KeyObject } from "../../crypto/ec-keys.ts";
import { CryptoError } from "../../crypto/errors.ts";
import {
  decryptDevicePublicKeyV2,
  deriveEphemeralKeyV2,
  deriveOtpKeyV2InBackground,
  encryptServerPublicKeyV2,
  signEncryptedServerPublicKeyV2,
  verifyApplicationSignatureV2,
} from "../../crypto/legacy-activation.ts";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { findCreatedActivationByShortId, lockActivation } from "../../persistence/activation.repository.ts";
import type { ApplicationVersion } from "../../persistence/application.entity.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { ErrorAfterCommit, transactionKeepingState } from "../transactions.ts";
import { ActivationStatus } from "./activation-status.ts";
import { expireIfPending } from "./activation-expiry.ts";
import { findSupportedVersion, loadMasterKeyPair, loadMasterKeyPairOfActivation } from "./application-keys.ts";
import { createActivationRecord } from "./init-activation.ts";
import { changeActivationStatus } from "./status-change.ts";

// Protocol 2.x key exchange (v2 PrepareActivation and CreateActivation): the device public key arrives under
// an OTP-derived AES layer (and optionally an ephemeral ECDH layer with the master key), the server public key
// goes back the same way, signed with the master key. Activations made here are version 2 with the numeric
// counter and no CTR_DATA, until they are upgraded (activation-upgrade.ts).

/** Protocol version stored for activations created by the 2.x key exchange. */
const ACTIVATION_VERSION_2 = 2;

/** The encrypted device public key and what authenticates it, as every 2.x key exchange request carries them. */
export interface LegacyKeyExchangeRequest {
  activationName: string | null;
  extras: string | null;
  /** 16 bytes, the IV of both AES layers. */
  activationNonce: Buffer;
  /** The client's ephemeral public key; absent when it skipped the ephemeral layer. */
  ephemeralPublicKey: Buffer | null;
  encryptedDevicePublicKey: Buffer;
  applicationKey: string;
  /** HMAC with the application secret over the short ID (or identity), nonce, ciphertext and application key. */
  applicationSignature: Buffer;
}

/** The server's half of a 2.x key exchange (all for the device; Base64-encoded by the mapping). */
export interface LegacyKeyExchangeResult {
  activationId: string;
  activationNonce: Buffer;
  ephemeralPublicKey: Buffer;
  encryptedServerPublicKey: Buffer;
  encryptedServerPublicKeySignature: Buffer;
}

/**
 * 2.x key exchange for an activation started by InitActivation (v2 PrepareActivation): the short ID and OTP
 * are the two halves of its activation code. The activation must be CREATED, unexpired and of the application
 * the key names (else ERR0007); a device key that does not decrypt removes it (the code is burnt, ERR0009);
 * an application signature that does not match is ERR0007. It then waits in OTP_USED, version 2, for
 * CommitActivation.
 */
export async function prepareActivationV2(
  db: Db,
  keys: MasterDbKeys,
  input: LegacyKeyExchangeRequest & { activationIdShort: string },
): Promise<LegacyKeyExchangeResult> {
  return transactionKeepingState(db, async (tx) => {
    const now = new Date();
    const version = await findSupportedVersion(tx, input.applicationKey);
    if (!version) throw new ServiceError(ServiceErrors.ACTIVATION_EXPIRED);
    const found = await findCreatedActivationByShortId(tx, version.applicationId, input.activationIdShort, now, ActivationStatus.CREATED);
    const locked = found ? await lockActivation(tx, found.activationId) : null;
    if (!locked) throw new ServiceError(ServiceErrors.ACTIVATION_EXPIRED);
    const activation = await expireIfPending(tx, locked, now);
    const code = activation.activationCode ?? "";
    if (activation.activationStatus !== ActivationStatus.CREATED || activation.applicationId !== version.applicationId || !validateActivationCode(code)) {
      return new ErrorAfterCommit(new ServiceError(ServiceErrors.ACTIVATION_EXPIRED));
    }
    const master = await loadMasterKeyPairOfActivation(tx, keys, activation);
    const secret = await otpSecret(input.activationIdShort, splitActivationCode(code).activationOtp);
    const devicePublicKey = openDevicePublicKey(master.privateKey, secret.otpKey, input);
    if (!devicePublicKey) {
      // As the reference: the code is burnt and the device told "not found".
      await changeActivationStatus(tx, activation, ActivationStatus.REMOVED, { now });
      return new ErrorAfterCommit(new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND));
    }
    if (!applicationSignatureMatches(version, secret.identity, input)) {
      return new ErrorAfterCommit(new ServiceError(ServiceErrors.ACTIVATION_EXPIRED));
    }
    return completeKeyExchangeV2(tx, activation, master.privateKey, devicePublicKey, secret, input, now);
  });
}

/**
 * 2.x custom activation (v2 CreateActivation): the intermediate identified the user and chose `identity` and
 * `activationOtp` (the short ID and OTP of the key exchange), so the record is created and the key exchange
 * completed in one transaction. The device key and the application signature are checked before anything is
 * written, so a bad request leaves no record behind (ERR0009 and ERR0007 as in PrepareActivation).
 */
export async function createActivationV2(
  db: Db,
  settings: ServiceSettings,
  input: LegacyKeyExchangeRequest & {
    userId: string;
    applicationId: number;
    timestampActivationExpire?: Date;
    maxFailureCount?: number;
    identity: string;
    activationOtp: string;
  },
): Promise<LegacyKeyExchangeResult> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const version = await findSupportedVersion(tx, input.applicationKey);
    if (!version) throw new ServiceError(ServiceErrors.ACTIVATION_EXPIRED);
    if (version.applicationId !== input.applicationId) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    // The record links the newest master pair, the one used here.
    const master = await loadMasterKeyPair(tx, settings, version.applicationId);
    const secret = await otpSecret(input.identity, input.activationOtp);
    const devicePublicKey = openDevicePublicKey(master.privateKey, secret.otpKey, input);
    if (!devicePublicKey) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
    if (!applicationSignatureMatches(version, secret.identity, input)) throw new ServiceError(ServiceErrors.ACTIVATION_EXPIRED);
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
    return completeKeyExchangeV2(tx, activation, master.privateKey, devicePublicKey, secret, input, now);
  });
}

/** The short ID (or identity) and the OTP key derived from it once (PBKDF2 is deliberately slow). */
interface OtpSecret {
  identity: string;
  otpKey: Buffer;
}

async function otpSecret(identity: string, otp: string): Promise<OtpSecret> {
  return { identity, otpKey: await deriveOtpKeyV2InBackground(otp, identity) };
}

/** The device public key under its one or two AES layers; null when anything about it is wrong. */
function openDevicePublicKey(masterPrivateKey: KeyObject, otpKey: Buffer, input: LegacyKeyExchangeRequest): KeyObject | null {
  try {
    const ephemeralKey = input.ephemeralPublicKey ? deriveEphemeralKeyV2(masterPrivateKey, parsePublicKey(input.ephemeralPublicKey)) : null;
    return parsePublicKey(decryptDevicePublicKeyV2(input.encryptedDevicePublicKey, otpKey, ephemeralKey, input.activationNonce));
  } catch (error) {
    if (error instanceof CryptoError) return null;
    throw error;
  }
}

/** The application signature proves the request comes from an app that knows the version's secret. */
function applicationSignatureMatches(version: ApplicationVersion, identity: string, input: LegacyKeyExchangeRequest): boolean {
  return verifyApplicationSignatureV2(
    decodeBase64(version.applicationSecret, "application secret"),
    identity,
    input.activationNonce,
    input.encryptedDevicePublicKey,
    decodeBase64(version.applicationKey, "application key"),
    input.applicationSignature,
  );
}

async function completeKeyExchangeV2(
  tx: Tx,
  activation: ActivationRecord,
  masterPrivateKey: KeyObject,
  devicePublicKey: KeyObject,
  secret: OtpSecret,
  input: LegacyKeyExchangeRequest,
  now: Date,
): Promise<LegacyKeyExchangeResult> {
  activation.devicePublicKeyBase64 = encodeBase64(encodePublicKey(devicePublicKey));
  activation.activationName = input.activationName;
  activation.extras = input.extras;
  activation.version = ACTIVATION_VERSION_2;
  activation.ctrData = null;
  activation.counter = 0;
  await changeActivationStatus(tx, activation, ActivationStatus.OTP_USED, { now });

  const serverNonce = randomBytes(16);
  const serverEphemeral = generateKeyPair();
  const encryptedServerPublicKey = encryptServerPublicKeyV2(
    decodeBase64(activation.serverPublicKeyBase64, "server public key"),
    secret.otpKey,
    deriveEphemeralKeyV2(serverEphemeral.privateKey, devicePublicKey),
    serverNonce,
  );
  return {
    activationId: activation.activationId,
    activationNonce: serverNonce,
    ephemeralPublicKey: encodePublicKey(serverEphemeral.publicKey),
    encryptedServerPublicKey,
    encryptedServerPublicKeySignature: signEncryptedServerPublicKeyV2(masterPrivateKey, activation.activationId, encryptedServerPublicKey),
  };
}
