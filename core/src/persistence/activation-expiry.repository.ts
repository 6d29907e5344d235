import type { ActivationRecord } from "./activation.repository.ts";
import { EXPIRE_PENDING_ACTIVATIONS } from "./activation-expiry.sql.ts";
import { executeStatement, timestampParam } from "./sql-statement.ts";
import type { BigintColumn } from "./sql-statement.ts";
import type { Tx } from "./tx.ts";

/** What an expired activation's callbacks are told, as it is after the change. */
export type ExpiredActivation = Pick<
  ActivationRecord,
  "activationId" | "applicationId" | "userId" | "activationName" | "activationStatus" | "blockedReason" | "platform" | "deviceInfo" | "flags"
>;

interface ExpiredRow {
  activation_id: string;
  application_id: BigintColumn;
  user_id: string;
  activation_name: string | null;
  activation_status: number;
  blocked_reason: string | null;
  platform: string | null;
  device_info: string | null;
  flags: string[] | string | null;
}

/**
 * Sets up to `limit` of the pending (CREATED, OTP_USED) activations whose expiry passed before `now` to
 * `newStatus`, longest overdue first, with their history rows, in one statement (see
 * {@link EXPIRE_PENDING_ACTIVATIONS}); rows another transaction holds are skipped. Must run in a transaction.
 * Returns the changed activations.
 */
export async function expirePendingActivations(tx: Tx, newStatus: number, now: Date, limit: number): Promise<ExpiredActivation[]> {
  const rows = await executeStatement<ExpiredRow>(tx, EXPIRE_PENDING_ACTIVATIONS, [timestampParam(now), limit, newStatus]);
  return rows.map((row) => ({
    activationId: row.activation_id,
    applicationId: Number(row.application_id),
    userId: row.user_id,
    activationName: row.activation_name,
    activationStatus: row.activation_status,
    blockedReason: row.blocked_reason,
    platform: row.platform,
    deviceInfo: row.device_info,
    flags: typeof row.flags === "string" ? (JSON.parse(row.flags) as string[]) : (row.flags ?? []),
  }));
}
