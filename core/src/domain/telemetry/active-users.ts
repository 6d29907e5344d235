import type { Db } from "../../persistence/db.ts";
import { countActiveUsers } from "../../persistence/activation.repository.ts";
import { findApplicationByName } from "../../persistence/application.repository.ts";
import { applicationNotFound } from "../applications/application-config.ts";
import { AdminError } from "../errors.ts";

/** The window when the caller names none: the reference's CURRENT_MAU report. */
export const DEFAULT_TELEMETRY_DAYS = 30;
/** The reference refuses longer windows (and accepts 365 itself). */
export const MAX_TELEMETRY_DAYS = 365;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Distinct users of an application with an activation (in any status) used within the last `days` × 24 h
 * (GetUniqueActiveUsers; a rolling window on exact timestamps, as the reference's telemetry report). "Used"
 * is `timestamp_last_used`: activation init, every signature verification (valid or not, vault unlock
 * included) and every token validation. `days` is an integer 1–365, 30 when absent; an unknown application
 * is ERROR_ADMIN.
 */
export async function countUniqueActiveUsers(
  db: Db,
  input: { applicationName: string; days?: number },
  now: Date = new Date(),
): Promise<{ applicationId: string; days: number; users: number }> {
  const days = input.days ?? DEFAULT_TELEMETRY_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_TELEMETRY_DAYS) {
    throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [
      { fieldName: "days", hint: `must be an integer between 1 and ${MAX_TELEMETRY_DAYS}` },
    ]);
  }
  return db.read(async (tx) => {
    const application = await findApplicationByName(tx, input.applicationName);
    if (!application) throw applicationNotFound(input.applicationName);
    const users = await countActiveUsers(tx, application.id, new Date(now.getTime() - days * DAY_MS), now);
    return { applicationId: input.applicationName, days, users };
  });
}
