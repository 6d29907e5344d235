import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignedRequest } from "../../../../test/simulator/index.ts";
import { createTestDatabase } from "../../../../test/support/database.ts";
import { activateThroughDomain } from "../../../../test/support/domain-fixtures.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { loadConfig } from "../../config.ts";
import { findActivation, listActivationHistory, lockActivation, saveActivation } from "../../persistence/activation.repository.ts";
import { ActivationKeyCache } from "../activations/activation-keys.ts";
import { ApplicationCallback } from "../../persistence/callback.entity.ts";
import { listEventsOfCallback } from "../../persistence/callback-event.repository.ts";
import { createApplication } from "../applications/applications.ts";
import { ActivationStatus } from "../activations/activation-status.ts";
import { verifyOnlineSignature } from "./online-signature.ts";
import { getSignatureAudit } from "./signature-audit-log.ts";
import { recordInvalidApplicationAttempt, verifyLockedSignature } from "./signature-verification.ts";

let database: TestDatabase;
let application: Awaited<ReturnType<typeof createApplication>>;
const settings = loadConfig({});
const activationKeys = new ActivationKeyCache(settings);

const callbackId = randomUUID();

beforeAll(async () => {
  database = await createTestDatabase();
  application = await createApplication(database.db, {}, { name: "signature-verification" });
  await database.db.transaction(async (tx) => {
    tx.create(ApplicationCallback, {
      id: callbackId,
      applicationId: application.id,
      name: "status",
      callbackUrl: "http://127.0.0.1:9/status",
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

const activeDevice = (maxFailureCount = 5) => activateThroughDomain(database.db, settings, application, { maxFailureCount });

const verify = (signed: SignedRequest, overrides: Partial<SignedRequest> = {}) =>
  verifyOnlineSignature(database.db, settings, activationKeys, { ...signed, ...overrides });

describe("verifyLockedSignature", () => {
  it("moves counter and CTR_DATA to just past the matched step, wherever in the lookahead it was", async () => {
    const device = await activeDevice();
    for (let i = 0; i < 7; i++) device.signRequest("POST", "/skip", "", "POSSESSION");
    const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
    expect((await verify(signed)).signatureValid).toBe(true);
    const row = await database.db.read((tx) => findActivation(tx, signed.activationId));
    expect(row!.counter).toBe(8);
    expect(row!.ctrData).toBe(Buffer.from(device.ctrData!).toString("base64"));
  });

  it("leaves the counter alone on failure and counts only non-possession failures", async () => {
    const device = await activeDevice();
    const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION");
    expect(await verify(signed, { signature: "AAAAAAAAAAAAAAAAAAAAAA==" })).toMatchObject({ signatureValid: false, remainingAttempts: 5 });
    expect(await verify(signed, { signatureType: "POSSESSION_KNOWLEDGE" })).toMatchObject({ signatureValid: false, remainingAttempts: 4 });
    const row = await database.db.read((tx) => findActivation(tx, signed.activationId));
    expect(row).toMatchObject({ counter: 0, failedAttempts: 1 });
  });

  it("blocks at the last allowed failure with history, callback and audit written in the attempt's transaction", async () => {
    const userId = `blocked-${randomUUID()}`;
    const device = await activateThroughDomain(database.db, settings, application, { userId, maxFailureCount: 2 });
    const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
    const before = new Date();
    expect(await verify(signed, { signature: "AAAAAAAAAAAAAAAAAAAAAA==" })).toMatchObject({ activationStatus: "ACTIVE", remainingAttempts: 1 });
    expect(await verify(signed, { signature: "AAAAAAAAAAAAAAAAAAAAAA==" })).toMatchObject({
      signatureValid: false,
      activationStatus: "BLOCKED",
      blockedReason: "MAX_FAILED_ATTEMPTS",
      remainingAttempts: 0,
    });
    const row = await database.db.read((tx) => findActivation(tx, signed.activationId));
    expect(row).toMatchObject({ activationStatus: ActivationStatus.BLOCKED, blockedReason: "MAX_FAILED_ATTEMPTS", failedAttempts: 2, counter: 0 });
    expect(row!.timestampLastUsed.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
    const history = await database.db.read((tx) => listActivationHistory(tx, signed.activationId, before, new Date(Date.now() + 60_000)));
    expect(history.map((entry) => [entry.activationStatus, entry.eventReason])).toEqual([[ActivationStatus.BLOCKED, "MAX_FAILED_ATTEMPTS"]]);
    const events = await database.db.read((tx) => listEventsOfCallback(tx, callbackId));
    expect(events.map((event) => JSON.parse(event.callbackData))).toContainEqual({
      type: "ACTIVATION",
      activationId: signed.activationId,
      activationStatus: "BLOCKED",
      blockedReason: "MAX_FAILED_ATTEMPTS",
    });
    const audit = await getSignatureAudit(database.db, { userId, from: before, to: new Date(Date.now() + 60_000) });
    expect(audit.map((item) => [item.note, item.activationStatus, item.activationCounter, item.additionalInfo])).toEqual([
      ["signature_does_not_match", "BLOCKED", 0, [{ key: "BLOCKED_REASON", value: "MAX_FAILED_ATTEMPTS" }]],
      ["signature_does_not_match", "ACTIVE", 0, []],
    ]);
  });

  it("blocks an ACTIVE activation found at its failure limit (row changed behind the service's back)", async () => {
    const device = await activeDevice(3);
    const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
    const verdict = await database.db.transaction(async (tx) => {
      const activation = await lockActivation(tx, signed.activationId);
      activation!.failedAttempts = 3;
      await saveActivation(tx, activation!);
      return verifyLockedSignature(
        tx,
        settings,
        activationKeys,
        activation!,
        { data: Buffer.from("x"), signature: signed.signature, signatureTypes: ["POSSESSION_KNOWLEDGE"], format: "BASE64", signatureVersion: "3.1", additionalInfo: [] },
        new Date(),
      );
    });
    expect(verdict).toEqual({ signatureValid: false, activationStatus: "BLOCKED" });
    const row = await database.db.read((tx) => findActivation(tx, signed.activationId));
    expect(row).toMatchObject({ activationStatus: ActivationStatus.BLOCKED, blockedReason: "MAX_FAILED_ATTEMPTS" });
  });
});

describe("recordInvalidApplicationAttempt", () => {
  it("counts against an ACTIVE activation but never moves a REMOVED one to BLOCKED", async () => {
    const device = await activeDevice(1);
    const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
    const attempt = { data: Buffer.from("d"), signature: "s", signatureTypes: ["KNOWLEDGE"] as const, format: "DECIMAL" as const, signatureVersion: null, additionalInfo: [] };
    await database.db.transaction(async (tx) => {
      const activation = await lockActivation(tx, signed.activationId);
      activation!.activationStatus = ActivationStatus.REMOVED;
      await saveActivation(tx, activation!);
      return recordInvalidApplicationAttempt(tx, activation!, attempt, new Date());
    });
    const row = await database.db.read((tx) => findActivation(tx, signed.activationId));
    expect(row).toMatchObject({ activationStatus: ActivationStatus.REMOVED, failedAttempts: 0 });
  });
});
