import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../../persistence/db.ts";
import { deleteTrailBatch } from "../../persistence/retention.repository.ts";
import type { AuditTrail } from "../../persistence/retention.repository.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditRetentionSettings {
  /** Days a signature audit row is kept (POWERAUTH_SIGNATURE_AUDIT_RETENTION_DAYS); 0 keeps them forever. */
  signatureAuditRetentionDays: number;
  /** Days an activation history row is kept (POWERAUTH_ACTIVATION_HISTORY_RETENTION_DAYS); 0 keeps them forever. */
  activationHistoryRetentionDays: number;
  /** Rows one statement deletes (POWERAUTH_AUDIT_RETENTION_BATCH_SIZE). */
  auditRetentionBatchSize: number;
  /** Wait between two batches (POWERAUTH_AUDIT_RETENTION_BATCH_PAUSE_MS). */
  auditRetentionBatchPauseMs: number;
}

/** Rows the job deleted from each trail. */
export type RetentionOutcome = Record<AuditTrail, number>;

/**
 * The retention job's work: deletes signature audit and activation history rows older than their retention,
 * oldest first, so the two tables that grow with every call stay bounded. It works in small batches, each its
 * own short transaction, and pauses between them, so the hot path (which only inserts into these tables)
 * never waits for it and the database keeps most of its time for calls; it runs until nothing is past the
 * cutoff, or until `signal` aborts (the core is stopping), which it checks between batches. Several cores may
 * run it at once: batches claim their rows with SKIP LOCKED. Returns how many rows it deleted from each trail.
 */
export async function removeExpiredAuditTrail(
  db: Db,
  settings: AuditRetentionSettings,
  options: { now?: Date; signal?: AbortSignal } = {},
): Promise<RetentionOutcome> {
  const now = options.now ?? new Date();
  const retentionDays: Record<AuditTrail, number> = {
    signatureAudit: settings.signatureAuditRetentionDays,
    activationHistory: settings.activationHistoryRetentionDays,
  };
  const outcome: RetentionOutcome = { signatureAudit: 0, activationHistory: 0 };
  for (const trail of ["signatureAudit", "activationHistory"] as const) {
    if (retentionDays[trail] <= 0) continue;
    const cutoff = new Date(now.getTime() - retentionDays[trail] * DAY_MS);
    outcome[trail] = await trimTrail(db, trail, cutoff, settings, options.signal);
  }
  return outcome;
}

async function trimTrail(db: Db, trail: AuditTrail, cutoff: Date, settings: AuditRetentionSettings, signal?: AbortSignal): Promise<number> {
  let removed = 0;
  while (!signal?.aborted) {
    const batch = await db.transaction((tx) => deleteTrailBatch(tx, trail, cutoff, settings.auditRetentionBatchSize));
    removed += batch;
    // A short batch means the rest is gone or being deleted by another core.
    if (batch < settings.auditRetentionBatchSize) break;
    await sleep(settings.auditRetentionBatchPauseMs, undefined, { signal }).catch(() => undefined);
  }
  return removed;
}
