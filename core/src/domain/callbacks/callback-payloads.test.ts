import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { loadConfig } from "../../config.ts";
import { lockActivation } from "../../persistence/activation.repository.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import { listEventsOfCallback } from "../../persistence/callback-event.repository.ts";
import { ActivationStatus } from "../activations/activation-status.ts";
import { initActivation } from "../activations/init-activation.ts";
import { changeActivationStatus } from "../activations/status-change.ts";
import { createApplication } from "../applications/applications.ts";
import { activationCallbackSubject, callbackPayload } from "./callback-payloads.ts";
import { CALLBACK_ATTRIBUTES } from "./callback-rules.ts";
import { createCallbackUrl, removeCallbackUrl } from "./callback-urls.ts";
import { createCloudCallback } from "./cloud-callbacks.ts";

const ACTIVATION: ActivationRecord = {
  activationId: "7a0e2f4c-1111-4222-8333-944455556666",
  applicationId: 42,
  userId: "alice",
  activationName: "Alice's phone",
  activationCode: null,
  activationStatus: ActivationStatus.BLOCKED,
  activationOtpValidation: 0,
  blockedReason: "MAX_FAILED_ATTEMPTS",
  extras: null,
  platform: "ios",
  deviceInfo: "iPhone15,2",
  flags: ["VERIFIED"],
  counter: 0,
  ctrData: null,
  devicePublicKeyBase64: null,
  failedAttempts: 5,
  maxFailedAttempts: 5,
  serverPrivateKeyBase64: "",
  serverPrivateKeyEncryption: 0,
  serverPrivateKeyEncryptionKeyId: null,
  serverPublicKeyBase64: "",
  masterKeypairId: null,
  timestampCreated: new Date(0),
  timestampActivationExpire: new Date(0),
  timestampLastUsed: new Date(0),
  timestampLastChange: null,
  version: 3,
};

/** Each attribute of the seed's registration list and the value it must carry for ACTIVATION above. */
const EXPECTED: Record<string, unknown> = {
  userId: "alice",
  activationName: "Alice's phone",
  deviceInfo: "iPhone15,2",
  platform: "ios",
  protocol: "powerauth",
  activationFlags: ["VERIFIED"],
  activationStatus: "BLOCKED",
  blockedReason: "MAX_FAILED_ATTEMPTS",
  applicationId: "bank-app",
};

describe("callbackPayload for an activation", () => {
  const subject = activationCallbackSubject(ACTIVATION, "bank-app");
  const base = { type: "ACTIVATION", activationId: ACTIVATION.activationId };

  it("sends only type and activationId when no attribute is configured", () => {
    expect(callbackPayload(subject, { attributes: [], payloadFormat: "CLOUD" })).toEqual(base);
  });

  it.each(Object.keys(EXPECTED))("adds exactly %s when only it is configured", (attribute) => {
    expect(callbackPayload(subject, { attributes: [attribute], payloadFormat: "CLOUD" })).toEqual({ ...base, [attribute]: EXPECTED[attribute] });
  });

  it("adds every configured attribute, and activationId only once", () => {
    const all = CALLBACK_ATTRIBUTES.ACTIVATION_STATUS_CHANGE;
    const payload = callbackPayload(subject, { attributes: [...all], payloadFormat: "CLOUD" });
    expect(payload).toEqual({ ...base, ...EXPECTED });
    expect(Object.keys(payload)).toEqual(["type", "activationId", ...all.filter((a) => a !== "activationId")]);
  });

  it("names the state between key exchange and commit PENDING_COMMIT, as the Cloud API does (0.22: OTP_USED)", () => {
    const pending = activationCallbackSubject({ ...ACTIVATION, activationStatus: ActivationStatus.OTP_USED }, "bank-app");
    expect(callbackPayload(pending, { attributes: ["activationStatus"], payloadFormat: "CLOUD" })).toEqual({ ...base, activationStatus: "PENDING_COMMIT" });
  });

  it("leaves out attributes without a value", () => {
    const bare = activationCallbackSubject({ ...ACTIVATION, activationName: null, deviceInfo: null, platform: null, blockedReason: null }, "bank-app");
    expect(callbackPayload(bare, { attributes: ["activationName", "deviceInfo", "platform", "blockedReason", "userId"], payloadFormat: "CLOUD" })).toEqual({
      ...base,
      userId: "alice",
    });
  });

  it("sends the 0.22 payload, activationId alone, to a callback registered through SOAP", () => {
    expect(callbackPayload(subject, { attributes: ["userId", "activationStatus"], payloadFormat: "SOAP_0_22" })).toEqual({ activationId: ACTIVATION.activationId });
  });
});

describe("status changes write one outbox row per enabled callback, with its payload", () => {
  let database: TestDatabase;
  const appName = `payload-${randomUUID()}`;
  let applicationId: number;
  const settings = loadConfig({});

  beforeAll(async () => {
    database = await createTestDatabase();
    applicationId = (await createApplication(database.db, {}, { name: appName })).id;
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("gives each callback its own attributes, the application's name as applicationId, and SOAP callbacks the 0.22 payload", async () => {
    const cloud = await createCloudCallback(database.db, settings, {
      applicationName: appName,
      name: "cloud",
      type: "ACTIVATION_STATUS_CHANGE",
      callbackUrl: "http://127.0.0.1:9/cloud",
      attributes: ["applicationId", "activationStatus", "userId"],
      retentionPeriod: null,
      initialBackoff: null,
      maxAttempts: null,
    });
    const bare = await createCloudCallback(database.db, settings, {
      applicationName: appName,
      name: "bare",
      type: "ACTIVATION_STATUS_CHANGE",
      callbackUrl: "http://127.0.0.1:9/bare",
      attributes: [],
      retentionPeriod: null,
      initialBackoff: null,
      maxAttempts: null,
    });
    const operation = await createCloudCallback(database.db, settings, {
      applicationName: appName,
      name: "operations",
      type: "OPERATION_STATUS_CHANGE",
      callbackUrl: "http://127.0.0.1:9/operations",
      attributes: ["status"],
      retentionPeriod: null,
      initialBackoff: null,
      maxAttempts: null,
    });
    const soap = await createCallbackUrl(database.db, { applicationId, name: "soap", callbackUrl: "http://127.0.0.1:9/soap" });
    const removed = await createCallbackUrl(database.db, { applicationId, name: "gone", callbackUrl: "http://127.0.0.1:9/gone" });
    await removeCallbackUrl(database.db, removed.id);

    const { activationId } = await initActivation(database.db, settings, { userId: "bob", applicationId });
    await database.db.transaction(async (tx) => {
      const activation = await lockActivation(tx, activationId);
      await changeActivationStatus(tx, activation!, ActivationStatus.REMOVED);
    });
    const payloadsOf = async (callbackId: string) =>
      (await database.db.read((tx) => listEventsOfCallback(tx, callbackId))).map((event) => JSON.parse(event.callbackData) as unknown);

    expect(await payloadsOf(cloud.callbackId)).toEqual([
      { type: "ACTIVATION", activationId, applicationId: appName, activationStatus: "CREATED", userId: "bob" },
      { type: "ACTIVATION", activationId, applicationId: appName, activationStatus: "REMOVED", userId: "bob" },
    ]);
    expect(await payloadsOf(bare.callbackId)).toEqual([
      { type: "ACTIVATION", activationId },
      { type: "ACTIVATION", activationId },
    ]);
    expect(await payloadsOf(soap.id)).toEqual([{ activationId }, { activationId }]);
    expect(await payloadsOf(operation.callbackId)).toEqual([]);
    expect(await payloadsOf(removed.id)).toEqual([]);
  });
});
