import { Gauge } from "prom-client";
import type { Registry } from "prom-client";
import { oldestAbandonedActivation } from "../persistence/activation.repository.ts";
import { callbackQueueStats } from "../persistence/callback-event.repository.ts";
import type { Db, PoolUse } from "../persistence/db.ts";
import { oldestOverdueOperation } from "../persistence/operation.repository.ts";
import { sharedWithDeadline } from "./shared-check.ts";

/** What the scrape reads from the database, in one unit of work. */
interface Backlog {
  callbacksPending: number;
  callbacksProcessing: number;
  oldestPendingCallbackAt: Date | null;
  oldestOverdueOperationAt: Date | null;
  oldestAbandonedActivationAt: Date | null;
}

/**
 * Gauges read on each scrape (never on the call path): the callback outbox backlog and the expiry lag from
 * three index-range queries, and the PostgreSQL pool's use from the driver. The expiry lag is the age of the
 * longest-overdue PENDING operation and of the longest-overdue unfinished (CREATED / OTP_USED) activation:
 * 0 while the expiry jobs keep up, growing when they stop or fall behind, whatever the reason. When the
 * database does not answer within `timeoutMs` the database gauges are left out of that scrape (no stale
 * numbers); `/health/ready` says why.
 */
export function registerDatabaseGauges(registry: Registry, db: Db, timeoutMs: number): void {
  const readBacklog = sharedWithDeadline<Backlog | undefined>(() => backlogOf(db), timeoutMs, undefined);
  new Gauge({
    name: "powerauth_callback_queue_depth",
    help: "Callback events in the outbox (all cores), by status: pending = waiting for delivery, processing = being delivered.",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      this.reset();
      const backlog = await readBacklog();
      if (!backlog) return;
      this.set({ status: "pending" }, backlog.callbacksPending);
      this.set({ status: "processing" }, backlog.callbacksProcessing);
    },
  });
  new Gauge({
    name: "powerauth_callback_queue_oldest_pending_age_seconds",
    help: "Age of the oldest callback event waiting for delivery (0 when none).",
    registers: [registry],
    async collect() {
      this.reset();
      const backlog = await readBacklog();
      if (backlog) this.set(ageSeconds(backlog.oldestPendingCallbackAt));
    },
  });
  new Gauge({
    name: "powerauth_expiry_lag_seconds",
    help: "How long ago the longest-overdue PENDING operation or unfinished activation expired without being expired (0 when none).",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      const backlog = await readBacklog();
      if (!backlog) return;
      this.set({ kind: "operation" }, ageSeconds(backlog.oldestOverdueOperationAt));
      this.set({ kind: "activation" }, ageSeconds(backlog.oldestAbandonedActivationAt));
    },
  });
  if (db.poolUse()) registerPoolGauges(registry, db);
}

async function backlogOf(db: Db): Promise<Backlog> {
  const now = new Date();
  return db.read(async (tx) => {
    const queue = await callbackQueueStats(tx);
    return {
      callbacksPending: queue.pending,
      callbacksProcessing: queue.processing,
      oldestPendingCallbackAt: queue.oldestPendingAt,
      oldestOverdueOperationAt: await oldestOverdueOperation(tx, now),
      oldestAbandonedActivationAt: await oldestAbandonedActivation(tx, now),
    };
  });
}

/** `powerauth_db_pool_*` from `pg`'s own counters (PostgreSQL only; PGlite has one in-process connection). */
function registerPoolGauges(registry: Registry, db: Db): void {
  const poolGauge = (name: string, help: string, read: (use: PoolUse) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const use = db.poolUse();
        if (use) this.set(read(use));
      },
    });
  poolGauge("powerauth_db_pool_size", "Most PostgreSQL connections the pool opens (DATABASE_POOL_SIZE).", (use) => use.max);
  poolGauge("powerauth_db_pool_open_connections", "PostgreSQL connections open in the pool.", (use) => use.open);
  poolGauge("powerauth_db_pool_in_use_connections", "PostgreSQL connections lent out to a unit of work.", (use) => use.inUse);
  poolGauge("powerauth_db_pool_waiting_requests", "Units of work waiting for a connection because all are in use.", (use) => use.waiting);
}

function ageSeconds(since: Date | null): number {
  return since ? Math.max(0, (Date.now() - since.getTime()) / 1000) : 0;
}
