import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/database.ts";
import type { TestDatabase } from "../../../test/support/database.ts";
import { activateThroughDomain } from "../../../test/support/domain-fixtures.ts";
import { loadConfig } from "../config.ts";
import { createApplication } from "../domain/applications/applications.ts";
import {
  ActivationChangedError,
  findActivationForSignature,
  lockActivation,
  recordSignatureAttempt,
  saveActivation,
} from "./activation.repository.ts";
import type { ActivationRecord } from "./activation.repository.ts";
import type { SignatureAttemptRecord } from "./activation.sql.ts";

// A verification that only moves the counter reads the activation without its lock and records the attempt in one
// statement that applies only if the activation is still as read; everything else must fall back to the lock.

describe("signature attempts on an activation read without its lock", () => {
  let t: TestDatabase;
  let activationId: string;
  let applicationKey: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const settings = loadConfig({});
    const application = await createApplication(t.db, {}, { name: "signature-without-lock" });
    applicationKey = application.versions[0].applicationKey;
    const device = await activateThroughDomain(t.db, settings, application);
    activationId = device.activationId!;
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const auditRows = () =>
    t.db.read(async (tx) => {
      const [row] = await tx.getConnection().execute<{ count: string }[]>(`select count(*) as count from pa_signature_audit where activation_id = '${activationId}'`);
      return Number(row.count);
    });
  const current = () => t.db.transaction(async (tx) => (await lockActivation(tx, activationId))!);
  const attempt = (activation: ActivationRecord, counter: number): SignatureAttemptRecord => ({
    activationId,
    counter,
    ctrData: activation.ctrData,
    failedAttempts: 0,
    timestamp: new Date(),
    activationStatus: activation.activationStatus,
    additionalInfo: JSON.stringify({ entry: [] }),
    dataBase64: "ZGF0YQ==",
    signatureType: "POSSESSION_KNOWLEDGE",
    signature: "12345678-12345678",
    valid: true,
    note: "signature_ok",
    version: 3,
    signatureVersion: "3.1",
  });

  it("records the attempt and its audit row when nothing changed the activation", async () => {
    const before = await auditRows();
    const counter = await t.db.read(async (tx) => {
      const found = await findActivationForSignature(tx, activationId, applicationKey);
      expect(found?.version?.supported).toBe(true);
      await recordSignatureAttempt(tx, attempt(found!.activation, found!.activation.counter + 1));
      return found!.activation.counter + 1;
    });
    expect((await current()).counter).toBe(counter);
    expect(await auditRows()).toBe(before + 1);
  });

  it("writes nothing and says so when the activation changed after it was read", async () => {
    const before = await auditRows();
    const outcome = t.db.read(async (tx) => {
      const found = await findActivationForSignature(tx, activationId, applicationKey);
      // Another call moves the counter between this call's read and its write.
      await t.db.transaction(async (other) => {
        const locked = (await lockActivation(other, activationId))!;
        await saveActivation(other, { ...locked, counter: locked.counter + 5 });
      });
      await recordSignatureAttempt(tx, attempt(found!.activation, found!.activation.counter + 1));
    });
    await expect(outcome).rejects.toBeInstanceOf(ActivationChangedError);
    expect(await auditRows()).toBe(before);
  });

  it("refuses a change that needs the lock (a status change) before anything is written", async () => {
    const counterBefore = (await current()).counter;
    const outcome = t.db.read(async (tx) => {
      const found = await findActivationForSignature(tx, activationId, applicationKey);
      await saveActivation(tx, { ...found!.activation, counter: found!.activation.counter + 1, activationStatus: 4 });
    });
    await expect(outcome).rejects.toBeInstanceOf(ActivationChangedError);
    expect((await current()).counter).toBe(counterBefore);
  });
});
