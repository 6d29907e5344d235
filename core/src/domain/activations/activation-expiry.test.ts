import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCallback } from "../../../../test/support/callback-fixtures.ts";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { insertBareActivation, insertBareApplication, sql } from "../../../../test/support/sql-fixtures.ts";
import { listEventsOfCallback } from "../../persistence/callback-event.repository.ts";
import { expireAbandonedActivations } from "./activation-expiry.ts";
import { ActivationStatus } from "./activation-status.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const before = (ms: number) => new Date(NOW.getTime() - ms);
const after = (ms: number) => new Date(NOW.getTime() + ms);

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

/** A fresh application with `count` activations in `status` expiring at `expires`; returns the application and their ids. */
async function seedActivations(groups: { status: number; expires: Date; count: number }[]) {
  const applicationId = await insertBareApplication(database.db, `expiry-${randomUUID()}`);
  const ids: string[][] = [];
  for (const group of groups) {
    const groupIds = Array.from({ length: group.count }, () => randomUUID());
    for (const activationId of groupIds) await insertBareActivation(database.db, { activationId, applicationId, status: group.status, expires: group.expires });
    ids.push(groupIds);
  }
  return { applicationId, ids };
}

async function statusesOf(activationIds: string[]): Promise<number[]> {
  const rows = await database.db.read((tx) =>
    sql<{ activation_status: number }>(tx, `select activation_status from pa_activation where activation_id = any($1::text[])`, [activationIds]),
  );
  return rows.map((row) => row.activation_status);
}

async function historyOf(activationIds: string[]): Promise<{ activation_id: string; activation_status: number }[]> {
  return database.db.read((tx) =>
    sql(tx, `select activation_id, activation_status from pa_activation_history where activation_id = any($1::text[])`, [activationIds]),
  );
}

describe("expireAbandonedActivations", () => {
  it("removes CREATED and OTP_USED activations past their expiry, with a history row, callback event and metrics count each, in batches", async () => {
    const { applicationId, ids } = await seedActivations([
      { status: ActivationStatus.CREATED, expires: before(1000), count: 5 },
      { status: ActivationStatus.OTP_USED, expires: before(1), count: 2 },
      { status: ActivationStatus.CREATED, expires: after(1000), count: 2 },
      { status: ActivationStatus.ACTIVE, expires: before(1000), count: 2 },
    ]);
    const [created, otpUsed, notYetExpired, active] = ids;
    const callbackId = await insertCallback(database.db, { applicationId, url: "http://127.0.0.1:9/hook", attributes: ["activationStatus", "userId"] });
    const announced: number[] = [];
    const stopObserving = database.db.observeCommits({ activationStatusChanged: (status) => announced.push(status) });

    const removed = await expireAbandonedActivations(database.db, NOW, 3).finally(stopObserving);

    expect(removed).toBe(7);
    expect(announced).toEqual(Array(7).fill(ActivationStatus.REMOVED));
    expect(await statusesOf([...created, ...otpUsed])).toEqual(Array(7).fill(ActivationStatus.REMOVED));
    expect(await statusesOf(notYetExpired)).toEqual([ActivationStatus.CREATED, ActivationStatus.CREATED]);
    expect(await statusesOf(active)).toEqual([ActivationStatus.ACTIVE, ActivationStatus.ACTIVE]);
    const history = await historyOf([...created, ...otpUsed, ...notYetExpired, ...active]);
    expect(history.map((row) => row.activation_id).sort()).toEqual([...created, ...otpUsed].sort());
    expect(new Set(history.map((row) => row.activation_status))).toEqual(new Set([ActivationStatus.REMOVED]));
    const events = await database.db.read((tx) => listEventsOfCallback(tx, callbackId));
    const payloads = events.map((event) => JSON.parse(event.callbackData) as Record<string, string>);
    expect(payloads.map((payload) => payload.activationId).sort()).toEqual([...created, ...otpUsed].sort());
    expect(payloads[0]).toEqual({ type: "ACTIVATION", activationId: payloads[0].activationId, activationStatus: "REMOVED", userId: "user" });
  });

  it("records the change at the job's time", async () => {
    const { ids } = await seedActivations([{ status: ActivationStatus.CREATED, expires: before(1000), count: 1 }]);

    await expireAbandonedActivations(database.db, NOW);

    const [row] = await database.db.read((tx) =>
      sql<{ timestamp_last_change: Date | string }>(tx, `select timestamp_last_change from pa_activation where activation_id = $1`, [ids[0][0]]),
    );
    expect(new Date(row.timestamp_last_change).toISOString()).toBe(NOW.toISOString());
  });

  it("removes each activation once when several cores run the job together", async () => {
    const { ids } = await seedActivations([{ status: ActivationStatus.CREATED, expires: before(1000), count: 40 }]);

    const runs = await Promise.all([1, 2, 3].map(() => expireAbandonedActivations(database.db, NOW, 4)));

    expect(runs.reduce((sum, run) => sum + run, 0)).toBe(40);
    expect((await historyOf(ids[0])).length).toBe(40);
  });
});
