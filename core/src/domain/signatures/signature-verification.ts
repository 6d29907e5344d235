import { decodeBase64, encodeBase64 } from "../../crypto/bytes.ts";
import { nextCounterData, numericCounterData } from "../../crypto/hash-counter.ts";
import { signatureKeysForType, verifySignature } from "../../crypto/multi-factor-signature.ts";
import type { SignatureFactorKeys, SignatureFormat, SignatureType } from "../../crypto/multi-factor-signature.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import type { Tx } from "../../persistence/tx.ts";
import { ActivationStatus, BlockedReason, activationStatusName } from "../activations/activation-status.ts";
import type { ActivationStatusName } from "../activations/activation-status.ts";
import type { ActivationKeyCache } from "../activations/activation-keys.ts";
import { changeActivationStatus } from "../activations/status-change.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import { AdditionalInfoKey, recordSignatureAttemptWithAudit } from "./signature-audit-log.ts";
import type { AuditNote, KeyValue } from "./signature-audit-log.ts";

/** One signature to check against a locked activation. */
export interface SignatureCheck {
  /** The exact bytes that were signed (request data with `&appSecret`, or `&offline`). */
  data: Buffer;
  signature: string;
  /** Online: the one requested type. Offline: the types to try at each counter step, in order. */
  signatureTypes: readonly SignatureType[];
  format: SignatureFormat;
  /** Only 3 is honoured, and only for a version 2 activation that already has CTR_DATA (upgrade commit). */
  forcedSignatureVersion?: number;
  /** The client's protocol version, kept in the audit. */
  signatureVersion: string | null;
  additionalInfo: KeyValue[];
  /** Offline with biometry allowed: a failure is audited with BIOMETRY_ALLOWED=TRUE. */
  biometryAllowed?: boolean;
}

/** The answer to a signature verification (VerifySignature, VerifyOfflineSignature, and the vault's check). */
export interface SignatureVerdict {
  signatureValid: boolean;
  activationStatus: ActivationStatusName;
  blockedReason?: string | null;
  activationId?: string;
  userId?: string;
  applicationId?: number;
  signatureType?: SignatureType;
  remainingAttempts?: number;
}

/** The answer when the activation does not exist: invalid, REMOVED, nothing else disclosed. */
export const UNKNOWN_ACTIVATION_VERDICT: SignatureVerdict = { signatureValid: false, activationStatus: "REMOVED" };

/**
 * The shared core of every signature check (the reference's SignatureSharedServiceBehavior), on an activation
 * the caller has locked: tries each counter step from the stored counter up to the lookahead; a match moves
 * the counter (and CTR_DATA) just past the matched step, anything else leaves them alone. Failures count
 * against `maxFailedAttempts` unless the signature is possession-only, and the last allowed failure blocks
 * the activation through the status-change hook. Every attempt leaves an audit row, written together with the
 * counter bookkeeping in one statement. Keys are derived only for an ACTIVE activation below its limit.
 */
export async function verifyLockedSignature(
  tx: Tx,
  settings: ServiceSettings,
  activationKeys: ActivationKeyCache,
  activation: ActivationRecord,
  check: SignatureCheck,
  now: Date,
): Promise<SignatureVerdict> {
  const requestedType = check.signatureTypes[0];
  const after = activationBeforeAttempt(activation);
  if (activation.activationStatus !== ActivationStatus.ACTIVE) {
    return rejectUnchecked(tx, activation, after, check, "activation_invalid_state", now);
  }
  if (activation.failedAttempts >= activation.maxFailedAttempts) {
    // Cannot happen through this service; guards rows changed behind its back (as the reference does since 1.4).
    const additionalInfo = await blockForFailures(tx, after, check, now);
    return rejectUnchecked(tx, activation, after, { ...check, additionalInfo }, "activation_invalid_state_ctr_mismatch", now);
  }

  const signatureVersion = resolveSignatureVersion(activation, check.forcedSignatureVersion);
  const { keys } = activationKeys.materialFor(activation);
  const factorKeys: SignatureFactorKeys = {
    possession: keys.signaturePossession,
    knowledge: keys.signatureKnowledge,
    biometry: keys.signatureBiometry,
  };
  const match = findMatchingStep(activation, signatureVersion, factorKeys, check, settings.signatureValidationLookahead);

  if (match) {
    after.counter = match.nextCounter;
    if (match.nextCtrData) after.ctrData = encodeBase64(match.nextCtrData);
    if (match.signatureType !== "POSSESSION") after.failedAttempts = 0;
    await audit(tx, after, check, { signatureType: match.signatureType, valid: true, note: "signature_ok", version: signatureVersion, now });
    return {
      signatureValid: true,
      activationStatus: "ACTIVE",
      blockedReason: null,
      activationId: activation.activationId,
      userId: activation.userId,
      applicationId: activation.applicationId,
      signatureType: match.signatureType,
      // Not the remaining attempts but the maximum: what the reference reports after a valid signature.
      remainingAttempts: activation.maxFailedAttempts,
    };
  }

  if (requestedType !== "POSSESSION") after.failedAttempts += 1;
  const additionalInfo = [...check.additionalInfo];
  if (check.biometryAllowed) additionalInfo.push({ key: AdditionalInfoKey.BIOMETRY_ALLOWED, value: "TRUE" });
  const remainingAttempts = activation.maxFailedAttempts - after.failedAttempts;
  const finalInfo = remainingAttempts <= 0 ? await blockForFailures(tx, after, { ...check, additionalInfo }, now) : additionalInfo;
  await audit(tx, after, { ...check, additionalInfo: finalInfo }, {
    signatureType: requestedType,
    valid: false,
    note: "signature_does_not_match",
    version: signatureVersion,
    now,
  });
  return {
    signatureValid: false,
    activationStatus: activationStatusName(after.activationStatus),
    blockedReason: after.blockedReason,
    activationId: activation.activationId,
    userId: activation.userId,
    applicationId: activation.applicationId,
    signatureType: requestedType,
    remainingAttempts: Math.max(remainingAttempts, 0),
  };
}

/**
 * A signature made with an application key that is unknown, unsupported or of another application: never
 * checked, audited as `activation_invalid_application` (with `&applicationKey` as the data suffix, the secret
 * being unknown), and counted as a failure unless possession-only. Only an ACTIVE activation is counted and
 * blocked (the reference would also flip other states to BLOCKED).
 */
export async function recordInvalidApplicationAttempt(
  tx: Tx,
  activation: ActivationRecord,
  check: SignatureCheck,
  now: Date,
): Promise<SignatureVerdict> {
  const requestedType = check.signatureTypes[0];
  const after = activationBeforeAttempt(activation);
  let additionalInfo = check.additionalInfo;
  if (activation.activationStatus === ActivationStatus.ACTIVE && requestedType !== "POSSESSION") {
    after.failedAttempts += 1;
    if (activation.maxFailedAttempts - after.failedAttempts <= 0) additionalInfo = await blockForFailures(tx, after, check, now);
  }
  return rejectUnchecked(tx, activation, after, { ...check, additionalInfo }, "activation_invalid_application", now);
}

/**
 * The activation as the attempt leaves it: a copy of the locked row that the attempt changes, while the row
 * as it was (counter, failures before the attempt) stays readable.
 */
function activationBeforeAttempt(activation: ActivationRecord): ActivationRecord {
  return { ...activation, flags: [...activation.flags] };
}

/** Audits an attempt whose signature was never computed and answers with the activation's state only. */
async function rejectUnchecked(
  tx: Tx,
  activation: ActivationRecord,
  after: ActivationRecord,
  check: SignatureCheck,
  note: AuditNote,
  now: Date,
): Promise<SignatureVerdict> {
  await audit(tx, after, check, { signatureType: check.signatureTypes[0], valid: false, note, version: activation.version ?? null, now });
  return { signatureValid: false, activationStatus: activationStatusName(after.activationStatus) };
}

/**
 * Blocks the activation through the one status-change hook (saved with its history and callbacks in this
 * transaction, which already holds the row lock), and says so in the audit's additional info.
 */
async function blockForFailures(
  tx: Tx,
  after: ActivationRecord,
  check: SignatureCheck,
  now: Date,
): Promise<KeyValue[]> {
  await changeActivationStatus(tx, after, ActivationStatus.BLOCKED, { reason: BlockedReason.MAX_FAILED_ATTEMPTS, now });
  return [...check.additionalInfo, { key: AdditionalInfoKey.BLOCKED_REASON, value: BlockedReason.MAX_FAILED_ATTEMPTS }];
}

interface MatchedStep {
  signatureType: SignatureType;
  nextCounter: number;
  /** CTR_DATA after the matched step (version 3 only). */
  nextCtrData: Buffer | null;
}

function findMatchingStep(
  activation: ActivationRecord,
  signatureVersion: 2 | 3,
  factorKeys: SignatureFactorKeys,
  check: SignatureCheck,
  lookahead: number,
): MatchedStep | null {
  let hashCounter: Buffer | null = null;
  if (signatureVersion === 3) {
    if (!activation.ctrData) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
    hashCounter = decodeBase64(activation.ctrData, "counter data");
  }
  for (let step = activation.counter; step < activation.counter + lookahead; step++) {
    let ctrData: Buffer;
    if (hashCounter) {
      ctrData = hashCounter;
      hashCounter = nextCounterData(hashCounter);
    } else {
      ctrData = numericCounterData(step);
    }
    for (const signatureType of check.signatureTypes) {
      const keys = signatureKeysForType(signatureType, factorKeys);
      if (verifySignature(keys, ctrData, check.data, check.signature, check.format)) {
        return { signatureType, nextCounter: step + 1, nextCtrData: hashCounter };
      }
    }
  }
  return null;
}

function resolveSignatureVersion(activation: ActivationRecord, forcedSignatureVersion: number | undefined): 2 | 3 {
  const version = activation.version;
  if (version !== 2 && version !== 3) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
  if (forcedSignatureVersion === 3 && version === 2 && activation.ctrData) return 3;
  return version;
}

function audit(
  tx: Tx,
  after: ActivationRecord,
  check: SignatureCheck,
  outcome: { signatureType: SignatureType; valid: boolean; note: AuditNote; version: number | null; now: Date },
): Promise<void> {
  return recordSignatureAttemptWithAudit(tx, after, {
    data: check.data,
    signature: check.signature,
    signatureType: outcome.signatureType,
    valid: outcome.valid,
    note: outcome.note,
    additionalInfo: check.additionalInfo,
    version: outcome.version,
    signatureVersion: check.signatureVersion,
    now: outcome.now,
  });
}
