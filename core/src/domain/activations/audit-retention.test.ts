import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { startCoreForTest } from "../../../../test/support/core-in-process.ts";
import { insertBareActivation, insertBareApplication, sql } from "../../../../test/support/sql-fixtures.ts";
import type { Db } from "../../persistence/db.ts";
import { removeExpiredAuditTrail } from "./audit-retention.ts";
import type { AuditRetentionSettings } from "./audit-retention.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = new Date("2025-06-01T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

let database: TestDatabase;
let activationId: string;

/** The trails' rows as the job sees them: only their creation times matter. */
async function seedTrails(auditAges: number[], historyAges: number[]): Promise<void> {
  await database.db.transaction(async (tx) => {
    await sql(tx, "delete from pa_signature_audit");
    await sql(tx, "delete from pa_activation_history");
    for (const age of auditAges) {
      await sql(
        tx,
        `insert into pa_signature_audit (activation_id, activation_counter, activation_status, signature_type, signature, note, timestamp_created)
         values ($1, 1, 3, 'POSSESSION_KNOWLEDGE', 'sig', 'signature_ok', $2)`,
        [activationId, daysAgo(age).toISOString()],
      );
    }
    for (const age of historyAges) {
      await sql(tx, `insert into pa_activation_history (activation_id, activation_status, timestamp_created) values ($1, 3, $2)`, [
        activationId,
        daysAgo(age).toISOString(),
      ]);
    }
  });
}

/** Ages in days of the rows left in a trail, oldest first. */
async function remainingAges(table: "pa_signature_audit" | "pa_activation_history"): Promise<number[]> {
  const rows = await database.db.read((tx) =>
    sql<{ timestamp_created: Date | string }>(tx, `select timestamp_created from ${table} order by timestamp_created`),
  );
  return rows.map((row) => Math.round((NOW.getTime() - new Date(row.timestamp_created).getTime()) / DAY_MS));
}

function settings(overrides: Partial<AuditRetentionSettings> = {}): AuditRetentionSettings {
  return {
    signatureAuditRetentionDays: 365,
    activationHistoryRetentionDays: 365,
    auditRetentionBatchSize: 1000,
    auditRetentionBatchPauseMs: 0,
    ...overrides,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  activationId = randomUUID();
  const applicationId = await insertBareApplication(database.db, `retention-${activationId}`);
  await insertBareActivation(database.db, { activationId, applicationId, status: 3, expires: NOW });
});
afterAll(async () => {
  await database?.dispose();
});

describe("removeExpiredAuditTrail", () => {
  beforeEach(async () => {
    await seedTrails([800, 400, 366, 364, 30, 0], [700, 366, 200, 1]);
  });

  it("deletes audit and history rows older than their retention and keeps the recent ones", async () => {
    const removed = await removeExpiredAuditTrail(database.db, settings({ activationHistoryRetentionDays: 100 }), { now: NOW });

    expect(removed).toEqual({ signatureAudit: 3, activationHistory: 3 });
    expect(await remainingAges("pa_signature_audit")).toEqual([364, 30, 0]);
    expect(await remainingAges("pa_activation_history")).toEqual([1]);
  });

  it("works through a backlog larger than one batch, oldest rows first", async () => {
    await seedTrails([900, 800, 700, 600, 500, 400, 10], []);

    const removed = await removeExpiredAuditTrail(database.db, settings({ auditRetentionBatchSize: 2 }), { now: NOW });

    expect(removed.signatureAudit).toBe(6);
    expect(await remainingAges("pa_signature_audit")).toEqual([10]);
  });

  it("deletes one batch at a time and stops between batches when the core stops", async () => {
    const stopping = new AbortController();
    const run = removeExpiredAuditTrail(database.db, settings({ auditRetentionBatchSize: 2, auditRetentionBatchPauseMs: 60_000 }), {
      now: NOW,
      signal: stopping.signal,
    });
    // The first batch has run once the job sits in its pause; the pause ends early on abort.
    await waitFor(async () => (await remainingAges("pa_signature_audit")).length === 4);
    stopping.abort();

    expect(await run).toEqual({ signatureAudit: 2, activationHistory: 0 });
    expect(await remainingAges("pa_signature_audit")).toEqual([366, 364, 30, 0]);
  });

  it("keeps a trail forever when its retention is 0", async () => {
    const removed = await removeExpiredAuditTrail(database.db, settings({ signatureAuditRetentionDays: 0 }), { now: NOW });

    expect(removed).toEqual({ signatureAudit: 0, activationHistory: 2 });
    expect(await remainingAges("pa_signature_audit")).toEqual([800, 400, 366, 364, 30, 0]);
    expect(await remainingAges("pa_activation_history")).toEqual([200, 1]);
  });

  it("deletes each old row once when several cores run the job together", async () => {
    await seedTrails(Array.from({ length: 50 }, (_, i) => 400 + i).concat([5]), []);

    const runs = await Promise.all(
      [1, 2, 3].map(() => removeExpiredAuditTrail(database.db, settings({ auditRetentionBatchSize: 4 }), { now: NOW })),
    );

    expect(runs.reduce((sum, run) => sum + run.signatureAudit, 0)).toBe(50);
    expect(await remainingAges("pa_signature_audit")).toEqual([5]);
  });
});

describe("the audit retention job of a running core", () => {
  it("runs on its interval and stops between batches when the core stops", async () => {
    const t = await startCoreForTest({ auditRetentionJobIntervalMs: 20, auditRetentionBatchSize: 1, auditRetentionBatchPauseMs: 600_000 });
    try {
      const applicationId = await insertBareApplication(t.database.db, `retention-core-${randomUUID()}`);
      const owner = randomUUID();
      await insertBareActivation(t.database.db, { activationId: owner, applicationId, status: 3, expires: new Date() });
      await t.database.db.transaction(async (tx) => {
        for (const age of [800, 700, 600, 1]) {
          await sql(
            tx,
            `insert into pa_signature_audit (activation_id, activation_counter, activation_status, signature_type, signature, note, timestamp_created)
             values ($1, 1, 3, 'POSSESSION', 'sig', 'signature_ok', now() - make_interval(days => $2::int))`,
            [owner, age],
          );
        }
      });
      // One batch of one row, then the job waits out its (long) pause: the core's stop must end that wait.
      await waitFor(async () => (await auditRowCount(t.database.db)) === 3);
      await t.core.close();
      expect(await auditRowCount(t.database.db)).toBe(3);
    } finally {
      await t.close();
    }
  });
});

async function auditRowCount(db: Db): Promise<number> {
  const [row] = await db.read((tx) => sql<{ rows: number }>(tx, "select count(*)::int as rows from pa_signature_audit"));
  return row.rows;
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("condition not reached");
}
