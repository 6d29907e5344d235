import type { Db } from "../../persistence/db.ts";
import { findApplicationById } from "../../persistence/application.repository.ts";
import { listActivationHistory, listActivationsOfUser } from "../../persistence/activation.repository.ts";
import { activationStatusName } from "./activation-status.ts";
import type { ActivationStatusName } from "./activation-status.ts";
import { expireIfPending } from "./activation-expiry.ts";

/** One activation in a user's list. */
export interface ActivationListItem {
  activationId: string;
  activationStatus: ActivationStatusName;
  blockedReason: string | null;
  activationName: string | null;
  extras: string | null;
  timestampCreated: Date;
  timestampLastUsed: Date;
  timestampLastChange: Date | null;
  userId: string;
  applicationId: number;
  applicationName: string;
  /** 0 while unknown. */
  version: number;
}

/**
 * A user's activations, newest first, optionally of one application (GetActivationListForUser), so an
 * internet banking can show and manage the user's devices. Pending activations past their expiry are
 * removed on the way, as every read of the reference does.
 */
export async function listActivationsForUser(db: Db, input: { userId: string; applicationId?: number }): Promise<ActivationListItem[]> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const names = new Map<number, string>();
    const items: ActivationListItem[] = [];
    for (const found of await listActivationsOfUser(tx, input.userId, input.applicationId)) {
      const activation = await expireIfPending(tx, found, now);
      if (!names.has(activation.applicationId)) {
        names.set(activation.applicationId, (await findApplicationById(tx, activation.applicationId))?.name ?? "");
      }
      items.push({
        activationId: activation.activationId,
        activationStatus: activationStatusName(activation.activationStatus),
        blockedReason: activation.blockedReason ?? null,
        activationName: activation.activationName ?? null,
        extras: activation.extras ?? null,
        timestampCreated: activation.timestampCreated,
        timestampLastUsed: activation.timestampLastUsed,
        timestampLastChange: activation.timestampLastChange ?? null,
        userId: activation.userId,
        applicationId: activation.applicationId,
        applicationName: names.get(activation.applicationId) ?? "",
        version: activation.version ?? 0,
      });
    }
    return items;
  });
}

/** One status change of an activation. */
export interface ActivationHistoryItem {
  id: number;
  activationId: string;
  activationStatus: ActivationStatusName;
  /** The blocked reason for BLOCKED rows, otherwise the reason of the change (if any). */
  eventReason: string | null;
  externalUserId: string | null;
  timestampCreated: Date;
}

/**
 * The status changes of an activation within [from, to], newest first (ActivationHistory): the trail an
 * operator reads to see who blocked, unblocked or removed a device and why. An unknown activation simply has
 * no history.
 */
export async function getActivationHistory(db: Db, input: { activationId: string; from: Date; to: Date }): Promise<ActivationHistoryItem[]> {
  return db.read(async (tx) =>
    (await listActivationHistory(tx, input.activationId, input.from, input.to)).map((row) => ({
      id: row.id,
      activationId: row.activationId,
      activationStatus: activationStatusName(row.activationStatus),
      eventReason: row.eventReason ?? null,
      externalUserId: row.externalUserId ?? null,
      timestampCreated: row.timestampCreated,
    })),
  );
}
