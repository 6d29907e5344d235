import { randomUUID } from "node:crypto";
import type { SignatureType } from "../../crypto/multi-factor-signature.ts";
import { findActivation } from "../../persistence/activation.repository.ts";
import { findApplicationById } from "../../persistence/application.repository.ts";
import type { Db } from "../../persistence/db.ts";
import {
  findOperation,
  findTemplateForOperation,
  insertOperation,
  listOperationsOfUser,
  lockOperation,
  saveOperation,
} from "../../persistence/operation.repository.ts";
import type { LockedOperation, OperationRecord } from "../../persistence/operation.repository.ts";
import type { Tx } from "../../persistence/tx.ts";
import { AdminError, ServiceError, ServiceErrors } from "../errors.ts";
import { enqueueOperationCallbacks } from "./operation-callbacks.ts";
import { fillDataTemplate } from "./operation-data.ts";

export type { OperationRecord };

/** Where an operation is; every status but PENDING is final. */
export const OperationStatus = {
  PENDING: "PENDING",
  CANCELED: "CANCELED",
  EXPIRED: "EXPIRED",
  APPROVED: "APPROVED",
  REJECTED: "REJECTED",
  FAILED: "FAILED",
} as const;
export type OperationStatusName = (typeof OperationStatus)[keyof typeof OperationStatus];

/** What a user action did. */
export type UserActionResult = "APPROVED" | "APPROVAL_FAILED" | "OPERATION_FAILED" | "REJECTED" | "REJECT_FAILED";

export interface UserActionOutcome {
  result: UserActionResult;
  operation: OperationRecord;
}

/** Who acts on an operation: the user, the application the request came from, and the signing activation. */
interface Actor {
  userId: string;
  applicationId: string;
  activationId?: string;
}

export interface CreateOperationInput {
  userId?: string;
  applications: string[];
  templateName: string;
  externalId?: string;
  parameters: Record<string, string>;
  timestampExpires?: Date;
  activationId?: string;
  additionalData: Record<string, string>;
  activationFlag?: string;
}

/**
 * Creates a PENDING operation from a template (CreateOperation): its type, allowed signature types and
 * failure limit come from the template, its data is the template filled from the parameters (every
 * placeholder needs one), its expiry defaults to the template's lifetime. Every application must exist, and an
 * activation it is bound to must belong to its user and one of its applications, so that no one can create
 * an operation that only the wrong device could approve. Its callbacks hear of it in the same transaction.
 */
export async function createOperation(db: Db, input: CreateOperationInput, now: Date = new Date()): Promise<OperationRecord> {
  return db.transaction(async (tx) => {
    const applicationNames = [...new Set(input.applications)];
    const template = await findTemplateForOperation(tx, input.templateName, applicationNames);
    if (!template) throw new ServiceError(ServiceErrors.OPERATION_TEMPLATE_NOT_FOUND);
    if (template.applications.length !== applicationNames.length) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
    if (input.activationId !== undefined) {
      const activation = await findActivation(tx, input.activationId);
      if (!activation) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
      const application = await findApplicationById(tx, activation.applicationId);
      const sameUser = input.userId === undefined || activation.userId === input.userId;
      if (!sameUser || !application || !applicationNames.includes(application.name)) {
        throw invalid("activationId belongs to another user or application");
      }
    }
    const timestampExpires = input.timestampExpires ?? new Date(now.getTime() + template.expiration * 1000);
    if (timestampExpires.getTime() <= now.getTime()) throw invalid("timestampExpires must be in the future");
    const operation: OperationRecord = {
      id: randomUUID(),
      userId: input.userId ?? null,
      applications: applicationNames,
      externalId: input.externalId ?? null,
      activationFlag: input.activationFlag ?? null,
      activationId: input.activationId ?? null,
      operationType: template.operationType,
      templateName: template.templateName,
      data: fillDataTemplate(template.dataTemplate, input.parameters),
      parameters: input.parameters,
      additionalData: input.additionalData,
      status: OperationStatus.PENDING,
      statusReason: null,
      signatureType: template.signatureTypes,
      failureCount: 0,
      maxFailureCount: template.maxFailureCount,
      timestampCreated: now,
      timestampExpires,
      timestampFinalized: null,
    };
    await insertOperation(tx, operation);
    await enqueueOperationCallbacks(tx, [operation], template.callbacks, now);
    return operation;
  });
}

/**
 * One operation (GetOperation), expired first if its time is up. With a user id, a non-personalized
 * operation is claimed for that user (under the row lock, so two users cannot both claim it), and another
 * user's operation is not found: a user sees only their own.
 */
export async function getOperation(db: Db, input: { operationId: string; userId?: string }, now: Date = new Date()): Promise<OperationRecord> {
  const found = await db.read((tx) => findOperation(tx, input.operationId));
  if (!found) throw notFound();
  const needsLock = isExpired(found, now) || (input.userId !== undefined && found.userId === null);
  const operation = needsLock
    ? await db.transaction(async (tx) => {
        const { operation: locked } = await lockTouched(tx, input.operationId, now);
        if (input.userId !== undefined && locked.userId === null) {
          locked.userId = input.userId;
          await saveOperation(tx, locked);
        }
        return locked;
      })
    : found;
  if (input.userId !== undefined && operation.userId !== input.userId) throw notFound();
  return operation;
}

/**
 * A user's operations in one application, newest first, one page (ListOperations). Operations of the page
 * whose time is up are expired first (each under its lock, with its callbacks), so the list never shows a
 * PENDING operation that can no longer be approved.
 */
export async function listOperations(
  db: Db,
  input: { userId: string; applicationId: string; status?: OperationStatusName; pageNumber: number; pageSize: number },
  now: Date = new Date(),
): Promise<OperationRecord[]> {
  return db.transaction(async (tx) => {
    const page = await listOperationsOfUser(tx, {
      userId: input.userId,
      applicationName: input.applicationId,
      status: input.status ?? null,
      limit: input.pageSize,
      offset: input.pageNumber * input.pageSize,
    });
    const current: OperationRecord[] = [];
    for (const operation of page) current.push(isExpired(operation, now) ? (await lockTouched(tx, operation.id, now)).operation : operation);
    return input.status === undefined ? current : current.filter((operation) => operation.status === input.status);
  });
}

/**
 * The user approved (ApproveOperation). Who acts is checked first and changes nothing when wrong (another
 * user, an application the operation is not for, or another activation than the one it is bound to), so a
 * stranger can never burn the user's attempts (powerauth-server #1795). Then the signed data and the signature
 * type: a match approves, a mismatch counts a failure, and the last allowed failure ends the operation FAILED.
 * A final operation changes no more. All under the row lock: of concurrent calls exactly one finishes it.
 */
export async function approveOperation(
  db: Db,
  input: Actor & { operationId: string; data: string; signatureType: SignatureType; additionalData: Record<string, string> },
  now: Date = new Date(),
): Promise<UserActionOutcome> {
  return db.transaction(async (tx) => {
    const locked = await lockTouched(tx, input.operationId, now);
    const { operation } = locked;
    if (operation.status !== OperationStatus.PENDING || !actsFor(operation, input)) return { result: "APPROVAL_FAILED", operation };
    operation.userId ??= input.userId;
    Object.assign(operation.additionalData, input.additionalData);
    if (operation.data === input.data && operation.signatureType.includes(input.signatureType)) {
      await finish(tx, locked, OperationStatus.APPROVED, now);
      return { result: "APPROVED", operation };
    }
    return countFailure(tx, locked, now);
  });
}

/** The user rejected (RejectOperation); the same actor check as approval, and nothing counts a failure. */
export async function rejectOperation(
  db: Db,
  input: Actor & { operationId: string; additionalData: Record<string, string> },
  now: Date = new Date(),
): Promise<UserActionOutcome> {
  return db.transaction(async (tx) => {
    const locked = await lockTouched(tx, input.operationId, now);
    const { operation } = locked;
    if (operation.status !== OperationStatus.PENDING || !actsFor(operation, input)) return { result: "REJECT_FAILED", operation };
    operation.userId ??= input.userId;
    Object.assign(operation.additionalData, input.additionalData);
    await finish(tx, locked, OperationStatus.REJECTED, now);
    return { result: "REJECTED", operation };
  });
}

/**
 * The intermediate's own check of an approval's signature failed (FailApprovalOperation): counts a failure
 * exactly as a wrong approval does. It names no user, so it is meant for a request the intermediate has
 * already tied to the operation's user.
 */
export async function failApprovalOperation(
  db: Db,
  input: { operationId: string; additionalData: Record<string, string> },
  now: Date = new Date(),
): Promise<UserActionOutcome> {
  return db.transaction(async (tx) => {
    const locked = await lockTouched(tx, input.operationId, now);
    const { operation } = locked;
    if (operation.status !== OperationStatus.PENDING) return { result: "APPROVAL_FAILED", operation };
    Object.assign(operation.additionalData, input.additionalData);
    return countFailure(tx, locked, now);
  });
}

/** The bank withdrew the operation (CancelOperation); ERR0036 when it is already final. */
export async function cancelOperation(
  db: Db,
  input: { operationId: string; statusReason?: string; additionalData: Record<string, string> },
  now: Date = new Date(),
): Promise<OperationRecord> {
  return db.transaction(async (tx) => {
    const locked = await lockTouched(tx, input.operationId, now);
    const { operation } = locked;
    if (operation.status !== OperationStatus.PENDING) throw new ServiceError(ServiceErrors.OPERATION_INVALID_STATE);
    Object.assign(operation.additionalData, input.additionalData);
    operation.statusReason = input.statusReason ?? null;
    await finish(tx, locked, OperationStatus.CANCELED, now);
    return operation;
  });
}

/**
 * The Cloud's internal operation callback (`POST /internal/callback/operation`): queues an
 * OPERATION_STATUS_CHANGE event with the operation as it is now to its callbacks (expired first if its time is
 * up, which then is the event). An unknown operation is the Cloud's ERROR_OPERATION_NOT_FOUND.
 */
export async function announceOperationStatus(db: Db, operationId: string, now: Date = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const locked = await lockOperation(tx, operationId);
    if (!locked) throw new AdminError("ERROR_OPERATION_NOT_FOUND", "Operation not found");
    // An expiry found here is announced by expireLocked itself; otherwise announce the current state.
    if (!(await expireLocked(tx, locked, now))) await enqueueOperationCallbacks(tx, [locked.operation], locked.callbacks, now);
  });
}

/** True when the operation is PENDING past its expiry (it will be EXPIRED once someone touches it). */
export function isExpired(operation: OperationRecord, now: Date): boolean {
  return operation.status === OperationStatus.PENDING && now.getTime() > operation.timestampExpires.getTime();
}

/** Locks the operation (ERR0034 when there is none) and expires it first if its time is up. */
async function lockTouched(tx: Tx, operationId: string, now: Date): Promise<LockedOperation> {
  const locked = await lockOperation(tx, operationId);
  if (!locked) throw notFound();
  await expireLocked(tx, locked, now);
  return locked;
}

/** Lazy expiry of a locked operation; true when it expired now. */
async function expireLocked(tx: Tx, locked: LockedOperation, now: Date): Promise<boolean> {
  if (!isExpired(locked.operation, now)) return false;
  await finish(tx, locked, OperationStatus.EXPIRED, now);
  return true;
}

/** Whether the actor may act on the operation: its user (or anyone, before it is claimed), application and device. */
function actsFor(operation: OperationRecord, actor: Actor): boolean {
  if (operation.userId !== null && operation.userId !== actor.userId) return false;
  if (!operation.applications.includes(actor.applicationId)) return false;
  return operation.activationId === null || operation.activationId === actor.activationId;
}

/** One more failure of a locked PENDING operation; the last allowed one ends it FAILED. */
async function countFailure(tx: Tx, locked: LockedOperation, now: Date): Promise<UserActionOutcome> {
  const { operation } = locked;
  operation.failureCount += 1;
  if (operation.failureCount >= operation.maxFailureCount) {
    await finish(tx, locked, OperationStatus.FAILED, now);
    return { result: "OPERATION_FAILED", operation };
  }
  await saveOperation(tx, operation);
  await enqueueOperationCallbacks(tx, [operation], locked.callbacks, now);
  return { result: "APPROVAL_FAILED", operation };
}

/** Ends a locked PENDING operation in a final status and tells its callbacks, in the same transaction. */
async function finish(tx: Tx, locked: LockedOperation, status: OperationStatusName, now: Date): Promise<void> {
  locked.operation.status = status;
  locked.operation.timestampFinalized = now;
  await saveOperation(tx, locked.operation);
  await enqueueOperationCallbacks(tx, [locked.operation], locked.callbacks, now);
}

function notFound(): ServiceError {
  return new ServiceError(ServiceErrors.OPERATION_NOT_FOUND);
}

function invalid(reason: string): ServiceError {
  return new ServiceError(ServiceErrors.INVALID_REQUEST, { cause: new Error(reason) });
}
