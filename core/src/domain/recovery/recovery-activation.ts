import type { Argon2Runner } from "../../crypto/argon2.ts";
import type { EciesRequest } from "../../crypto/ecies.ts";
import { verifyPasswordHash } from "../../crypto/password-hash.ts";
import type { Db } from "../../persistence/db.ts";
import { lockActivation } from "../../persistence/activation.repository.ts";
import { listPuksOfCode, lockRecoveryCodeByCode } from "../../persistence/recovery.repository.ts";
import type { RecoveryCode, RecoveryPuk } from "../../persistence/recovery.entity.ts";
import { ActivationStatus } from "../activations/activation-status.ts";
import { findSupportedVersion } from "../activations/application-keys.ts";
import { createActivationRecord } from "../activations/init-activation.ts";
import { completeKeyExchange, openLayer2 } from "../activations/key-exchange.ts";
import type { KeyExchangeResult } from "../activations/key-exchange.ts";
import { changeActivationStatus } from "../activations/status-change.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";
import { ErrorAfterCommit, transactionKeepingState } from "../transactions.ts";
import { isActivationRecoveryEnabled } from "./recovery-config.ts";
import { openPukHash, revokeRecoveryCodesOfActivation } from "./recovery-codes.ts";
import { RecoveryCodeStatus, RecoveryPukStatus } from "./recovery-status.ts";

export interface RecoveryCodeActivationInput {
  recoveryCode: string;
  puk: string;
  applicationKey: string;
  maxFailureCount?: number;
  request: EciesRequest;
}

/**
 * RecoveryCodeActivation: a user who lost the phone activates a new one with a recovery code and a PUK. The
 * layer-2 request is decrypted before the code is touched, then the code's row is locked for the rest of the
 * transaction, so parallel attempts are counted one after another. Only the first VALID PUK is checked: a
 * wrong one counts a failure (the code is BLOCKED at its limit) and answers ERR0028 with the index of the PUK
 * to use next, committed although the call fails; a right one is USED, the code's old activation is removed
 * with its codes revoked, and a new activation for the code's user goes through the key exchange (with a new
 * recovery code of its own).
 */
export async function recoveryCodeActivation(
  db: Db,
  settings: ServiceSettings,
  argon2: Argon2Runner,
  input: RecoveryCodeActivationInput,
): Promise<KeyExchangeResult> {
  return transactionKeepingState(db, async (tx) => {
    const now = new Date();
    const version = await findSupportedVersion(tx, input.applicationKey);
    if (!version) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
    if (!(await isActivationRecoveryEnabled(tx, version.applicationId))) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
    const { context, layer2 } = await openLayer2(tx, settings, version.applicationId, version.applicationSecret, input.request);

    const code = await lockRecoveryCodeByCode(tx, version.applicationId, input.recoveryCode);
    if (!code || code.status !== RecoveryCodeStatus.ACTIVE) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
    const puks = await listPuksOfCode(tx, code.id);
    const current = puks.find((puk) => puk.status === RecoveryPukStatus.VALID);
    if (!current) throw new ServiceError(ServiceErrors.INVALID_REQUEST);
    if (!(await verifyPasswordHash(input.puk, openPukHash(settings, code, current), argon2))) {
      return countFailedAttempt(code, current, puks, now);
    }

    code.failedAttempts = 0;
    code.timestampLastUsed = now;
    code.timestampLastChange = now;
    current.status = RecoveryPukStatus.USED;
    current.timestampLastChange = now;
    if (code.activationId) {
      // Codes before the activation, as RemoveActivation locks them.
      await revokeRecoveryCodesOfActivation(tx, code.activationId, now);
      const old = await lockActivation(tx, code.activationId);
      if (old) await changeActivationStatus(tx, old, ActivationStatus.REMOVED, { now });
    }
    const { activation } = await createActivationRecord(
      tx,
      settings,
      { userId: code.userId, applicationId: version.applicationId, maxFailureCount: input.maxFailureCount },
      {},
      now,
    );
    return completeKeyExchange(tx, { settings, argon2 }, activation, layer2, context, now);
  });
}

/** A wrong PUK: one more failure, BLOCKED (and that PUK INVALID) at the limit; ERR0028 names the PUK to use next. */
function countFailedAttempt(code: RecoveryCode, current: RecoveryPuk, puks: RecoveryPuk[], now: Date): ErrorAfterCommit {
  code.failedAttempts += 1;
  code.timestampLastChange = now;
  if (code.failedAttempts >= code.maxFailedAttempts) {
    code.status = RecoveryCodeStatus.BLOCKED;
    current.status = RecoveryPukStatus.INVALID;
    current.timestampLastChange = now;
  }
  const next = puks.find((puk) => puk.status === RecoveryPukStatus.VALID);
  return new ErrorAfterCommit(new ServiceError(ServiceErrors.INVALID_RECOVERY_CODE, { currentRecoveryPukIndex: next?.pukIndex }));
}
