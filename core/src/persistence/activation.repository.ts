import { LockMode } from "@mikro-orm/core";
import type { Tx } from "./db.ts";
import { Activation, ActivationHistory } from "./activation.entity.ts";

/** Options for loading an activation; the server private key is lazy and only loaded when asked for. */
export interface ActivationLoadOptions {
  withPrivateKey?: boolean;
}

function populate(options: ActivationLoadOptions) {
  return options.withPrivateKey ? (["serverPrivateKeyBase64"] as const) : ([] as const);
}

/**
 * Loads the activation with `SELECT … FOR UPDATE`: every mutation of an activation holds this row lock until
 * its transaction ends, so concurrent signatures never lose a counter step or a failed attempt. The row is
 * re-read even if the unit of work already holds it, so the caller sees what the lock protects.
 */
export function lockActivation(tx: Tx, activationId: string, options: ActivationLoadOptions = {}) {
  return tx.findOne(
    Activation,
    { activationId },
    { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, populate: populate(options) },
  );
}

/**
 * Like {@link lockActivation} but `FOR UPDATE SKIP LOCKED`: null when another transaction holds the row, so
 * background jobs never wait behind (or deadlock with) API calls.
 */
export function lockActivationUnlessBusy(tx: Tx, activationId: string) {
  return tx.findOne(Activation, { activationId }, { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, refresh: true });
}

/** Plain read, for answers that change nothing. */
export function findActivation(tx: Tx, activationId: string, options: ActivationLoadOptions = {}) {
  return tx.findOne(Activation, { activationId }, { populate: populate(options) });
}

export async function activationIdExists(tx: Tx, activationId: string): Promise<boolean> {
  return (await tx.count(Activation, { activationId })) > 0;
}

/**
 * How many activations of the application have a code starting with `prefix`. The reference checks new codes
 * on their first 11 characters (the v2 short activation ID), so v2 clients never see a collision either.
 */
export function countActivationCodesWithPrefix(tx: Tx, applicationId: number, prefix: string) {
  return tx.count(Activation, { applicationId, activationCode: { $like: `${prefix}%` } });
}

/** The CREATED, not yet expired activation a device refers to by its activation code. */
export function findCreatedActivationByCode(tx: Tx, applicationId: number, activationCode: string, now: Date, createdStatus: number) {
  return tx.findOne(Activation, {
    applicationId,
    activationCode,
    activationStatus: createdStatus,
    timestampActivationExpire: { $gt: now },
  });
}

/** All activations of a user, newest first, optionally of one application only. */
export function listActivationsOfUser(tx: Tx, userId: string, applicationId?: number) {
  return tx.find(
    Activation,
    applicationId === undefined ? { userId } : { userId, applicationId },
    { orderBy: { timestampCreated: "desc", activationId: "asc" } },
  );
}

/** IDs of activations in one of `statuses` whose expiry has passed, oldest expiry first. */
export async function listExpiredActivationIds(tx: Tx, statuses: number[], now: Date, limit: number): Promise<string[]> {
  const rows = await tx.find(
    Activation,
    { activationStatus: { $in: statuses }, timestampActivationExpire: { $lt: now } },
    { fields: ["activationId"], orderBy: { timestampActivationExpire: "asc" }, limit },
  );
  return rows.map((row) => row.activationId);
}

/** Status history of one activation within [from, to], newest first (ties broken by id, as the reference). */
export function listActivationHistory(tx: Tx, activationId: string, from: Date, to: Date) {
  return tx.find(
    ActivationHistory,
    { activationId, timestampCreated: { $gte: from, $lte: to } },
    { orderBy: { timestampCreated: "desc", id: "desc" } },
  );
}
