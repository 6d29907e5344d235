import type { Db } from "../../persistence/db.ts";
import { lockActivation } from "../../persistence/activation.repository.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import { activateRecoveryCodesOfActivation, revokeRecoveryCodesOfActivation } from "../recovery/recovery-codes.ts";
import { ErrorAfterCommit, transactionKeepingState } from "../transactions.ts";
import { ActivationStatus, activationStatusName } from "./activation-status.ts";
import type { ActivationStatusName } from "./activation-status.ts";
import { expireIfPending } from "./activation-expiry.ts";
import { changeActivationStatus } from "./status-change.ts";

/** Where an administrative state change left the activation. */
export interface ActivationStateResult {
  activationId: string;
  activationStatus: ActivationStatusName;
  blockedReason: string | null;
}

/**
 * Completes an activation (CommitActivation): OTP_USED → ACTIVE once the intermediate has confirmed the
 * fingerprint or otherwise trusts the key exchange. An activation that expired in the meantime is REMOVED
 * (and stays so) with ERR0007; any other state is ERR0008. The recovery code issued with the key exchange
 * becomes ACTIVE with it.
 */
export async function commitActivation(db: Db, input: { activationId: string; externalUserId?: string }): Promise<{ activationId: string }> {
  return transactionKeepingState(db, async (tx) => {
    const now = new Date();
    const locked = await lockActivation(tx, input.activationId);
    if (!locked) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
    const activation = await expireIfPending(tx, locked, now);
    if (activation.activationStatus === ActivationStatus.REMOVED) {
      return new ErrorAfterCommit(new ServiceError(ServiceErrors.ACTIVATION_EXPIRED));
    }
    if (activation.activationStatus !== ActivationStatus.OTP_USED) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
    await changeActivationStatus(tx, activation, ActivationStatus.ACTIVE, { externalUserId: input.externalUserId, now });
    await activateRecoveryCodesOfActivation(tx, activation.activationId, now);
    return { activationId: activation.activationId };
  });
}

/**
 * Removes an activation in any state (RemoveActivation); REMOVED is terminal. Removing an already removed
 * activation still records the request and notifies, as the reference does. With `revokeRecoveryCodes` its
 * recovery codes are revoked too, so a lost phone's code cannot reactivate it.
 */
export async function removeActivation(
  db: Db,
  input: { activationId: string; externalUserId?: string; revokeRecoveryCodes?: boolean },
): Promise<{ activationId: string }> {
  return db.transaction(async (tx) => {
    const now = new Date();
    // The codes' row locks before the activation's, the order RecoveryCodeActivation takes them in, so the two
    // cannot deadlock; an unknown activation has no codes and rolls back with ERR0009 below.
    if (input.revokeRecoveryCodes) await revokeRecoveryCodesOfActivation(tx, input.activationId, now);
    const activation = await lockActivation(tx, input.activationId);
    if (!activation) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
    await changeActivationStatus(tx, activation, ActivationStatus.REMOVED, { externalUserId: input.externalUserId, now });
    return { activationId: activation.activationId };
  });
}

/**
 * Blocks an ACTIVE activation (BlockActivation), e.g. when the user reports a lost phone; the reason
 * defaults to NOT_SPECIFIED. Blocking a blocked activation changes nothing; other states are ERR0008.
 */
export async function blockActivation(
  db: Db,
  input: { activationId: string; reason?: string; externalUserId?: string },
): Promise<ActivationStateResult> {
  return db.transaction(async (tx) => {
    const activation = await lockActivation(tx, input.activationId);
    if (!activation) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
    if (activation.activationStatus === ActivationStatus.ACTIVE) {
      await changeActivationStatus(tx, activation, ActivationStatus.BLOCKED, {
        reason: input.reason,
        externalUserId: input.externalUserId,
      });
    } else if (activation.activationStatus !== ActivationStatus.BLOCKED) {
      throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
    }
    return stateResult(activation);
  });
}

/**
 * Unblocks a BLOCKED activation (UnblockActivation): ACTIVE again, reason cleared and the failed attempts
 * reset, so the user gets the full number of tries back. Unblocking an active activation changes nothing;
 * other states are ERR0008.
 */
export async function unblockActivation(db: Db, input: { activationId: string; externalUserId?: string }): Promise<ActivationStateResult> {
  return db.transaction(async (tx) => {
    const activation = await lockActivation(tx, input.activationId);
    if (!activation) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
    if (activation.activationStatus === ActivationStatus.BLOCKED) {
      activation.failedAttempts = 0;
      await changeActivationStatus(tx, activation, ActivationStatus.ACTIVE, { externalUserId: input.externalUserId });
    } else if (activation.activationStatus !== ActivationStatus.ACTIVE) {
      throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
    }
    return stateResult(activation);
  });
}

function stateResult(activation: { activationId: string; activationStatus: number; blockedReason?: string | null }): ActivationStateResult {
  return {
    activationId: activation.activationId,
    activationStatus: activationStatusName(activation.activationStatus),
    blockedReason: activation.blockedReason ?? null,
  };
}
