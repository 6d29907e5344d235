import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { loadConfig } from "../../config.ts";
import { listActivationHistory, lockActivation } from "../../persistence/activation.repository.ts";
import { ApplicationCallback } from "../../persistence/callback.entity.ts";
import { listEventsOfCallback } from "../../persistence/callback-event.repository.ts";
import { createApplication } from "../applications/applications.ts";
import { ActivationStatus } from "./activation-status.ts";
import { initActivation } from "./init-activation.ts";
import { changeActivationStatus } from "./status-change.ts";

let database: TestDatabase;
let applicationId: number;
const callbackId = randomUUID();

beforeAll(async () => {
  database = await createTestDatabase();
  applicationId = (await createApplication(database.db, {}, { name: "status-change" })).id;
  await database.db.transaction(async (tx) => {
    tx.create(ApplicationCallback, {
      id: callbackId,
      applicationId,
      name: "hook",
      callbackUrl: "http://127.0.0.1:9/hook",
      type: "ACTIVATION_STATUS_CHANGE",
      attributes: ["activationStatus", "blockedReason"],
      encryptionMode: "NO_ENCRYPTION",
      enabled: true,
      timestampCreated: new Date(),
    });
  });
});
afterAll(async () => {
  await database?.dispose();
});

const window = { from: new Date(0), to: new Date(Date.now() + 3_600_000) };

describe("changeActivationStatus", () => {
  it("updates the row, writes the history row and one outbox row per callback in the caller's transaction", async () => {
    const { activationId } = await initActivation(database.db, loadConfig({}), { userId: "u", applicationId });
    await database.db.transaction(async (tx) => {
      const activation = await lockActivation(tx, activationId);
      await changeActivationStatus(tx, activation!, ActivationStatus.BLOCKED, { reason: "FRAUD", externalUserId: "ops" });
    });
    const history = await database.db.read((tx) => listActivationHistory(tx, activationId, window.from, window.to));
    expect(history.map((row) => [row.activationStatus, row.eventReason, row.externalUserId])).toEqual([
      [ActivationStatus.BLOCKED, "FRAUD", "ops"],
      [ActivationStatus.CREATED, null, null],
    ]);
    const events = await database.db.read((tx) => listEventsOfCallback(tx, callbackId));
    expect(JSON.parse(events.at(-1)!.callbackData)).toEqual({ type: "ACTIVATION", activationId, activationStatus: "BLOCKED", blockedReason: "FRAUD" });
  });

  it("leaves neither history nor outbox rows when the transaction rolls back", async () => {
    const { activationId } = await initActivation(database.db, loadConfig({}), { userId: "u", applicationId });
    const before = (await database.db.read((tx) => listEventsOfCallback(tx, callbackId))).length;
    await expect(
      database.db.transaction(async (tx) => {
        const activation = await lockActivation(tx, activationId);
        await changeActivationStatus(tx, activation!, ActivationStatus.REMOVED);
        await tx.flush();
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await database.db.read((tx) => listEventsOfCallback(tx, callbackId))).length).toBe(before);
    const history = await database.db.read((tx) => listActivationHistory(tx, activationId, window.from, window.to));
    expect(history).toHaveLength(1);
  });
});
