import { LockMode } from "@mikro-orm/core";
import type { FilterQuery } from "@mikro-orm/core";
import { RecoveryCode, RecoveryConfig, RecoveryPuk } from "./recovery.entity.ts";
import type { Tx } from "./tx.ts";

/** Code states in which a code still counts as the user's live code (CREATED or ACTIVE). */
const LIVE_STATUSES = [1, 2];

export function findRecoveryConfig(tx: Tx, applicationId: number, options: { withPrivateKey?: boolean; forUpdate?: boolean } = {}) {
  return tx.findOne(
    RecoveryConfig,
    { applicationId },
    {
      ...(options.withPrivateKey ? { populate: ["postcardPrivateKeyBase64"] as const } : {}),
      ...(options.forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}),
    },
  );
}

export async function recoveryCodeExists(tx: Tx, applicationId: number, recoveryCode: string): Promise<boolean> {
  return (await tx.count(RecoveryCode, { applicationId, recoveryCode })) > 0;
}

/** The code a device names, locked (SELECT … FOR UPDATE) for the caller's transaction. */
export function lockRecoveryCodeByCode(tx: Tx, applicationId: number, recoveryCode: string) {
  return tx.findOne(RecoveryCode, { applicationId, recoveryCode }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

export function lockRecoveryCode(tx: Tx, id: number) {
  return tx.findOne(RecoveryCode, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** Every code of an activation, locked, oldest first. */
export function lockRecoveryCodesOfActivation(tx: Tx, activationId: string) {
  return tx.find(RecoveryCode, { activationId }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: "asc" } });
}

/** Whether the user has a CREATED or ACTIVE postcard code (one bound to no activation) in the application. */
export async function hasLivePostcardCode(tx: Tx, applicationId: number, userId: string): Promise<boolean> {
  return (await tx.count(RecoveryCode, { applicationId, userId, activationId: null, status: { $in: LIVE_STATUSES } })) > 0;
}

/** Whether the activation already has a CREATED or ACTIVE code. */
export async function hasLiveCodeOfActivation(tx: Tx, activationId: string): Promise<boolean> {
  return (await tx.count(RecoveryCode, { activationId, status: { $in: LIVE_STATUSES } })) > 0;
}

export interface RecoveryCodeFilter {
  userId?: string;
  activationId?: string;
  applicationId?: number;
  status?: number;
}

export function findRecoveryCodes(tx: Tx, filter: RecoveryCodeFilter) {
  const where: FilterQuery<RecoveryCode> = {};
  if (filter.userId !== undefined) where.userId = filter.userId;
  if (filter.activationId !== undefined) where.activationId = filter.activationId;
  if (filter.applicationId !== undefined) where.applicationId = filter.applicationId;
  if (filter.status !== undefined) where.status = filter.status;
  return tx.find(RecoveryCode, where, { orderBy: { id: "asc" } });
}

/** The PUKs of the given codes in PUK index order, without their hashes. */
export function listPuksOfCodes(tx: Tx, recoveryCodeIds: number[]) {
  if (recoveryCodeIds.length === 0) return Promise.resolve([]);
  return tx.find(RecoveryPuk, { recoveryCodeId: { $in: recoveryCodeIds } }, { orderBy: { recoveryCodeId: "asc", pukIndex: "asc" } });
}

/** A code's PUKs (with their stored hashes) in PUK index order; callers that change them hold the code's row lock. */
export function listPuksOfCode(tx: Tx, recoveryCodeId: number) {
  return tx.find(RecoveryPuk, { recoveryCodeId }, { orderBy: { pukIndex: "asc" } });
}
