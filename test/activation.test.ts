import { randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ActivationStatus } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { ApplicationCallback } from "../core/src/persistence/callback.entity.ts";
import { listEventsOfCallback } from "../core/src/persistence/callback-event.repository.ts";
import { eciesEncryptRequest } from "./simulator/ecies.ts";
import { sha256, te } from "./simulator/primitives.ts";
import { startCoreForTest } from "./support/core-in-process.ts";
import {
  activateDevice,
  aroundNow,
  createTestApplication,
  describeEachSurface,
  errorCodeOf,
  FRESH_ACTIVE_STATUS,
  newDevice,
  schemaViolation,
} from "./support/powerauth-flows.ts";
import type { TestApplication } from "./support/powerauth-flows.ts";

// End to end through each surface (gRPC to the core; raw SOAP envelopes through the gateway, every answer
// validated against the XSD): the in-process core on a fresh database, the independent device simulator as the
// mobile app. Covers the activation lifecycle of server-behaviour.md §5.2.

const DAY = 24 * 3600 * 1000;

describeEachSurface((t, app, surface) => {
  describe("activation via activation code", () => {
    for (const protocolVersion of ["3.0", "3.1"] as const) {
      it(`InitActivation → PrepareActivation → CommitActivation with a ${protocolVersion} device`, async () => {
        const userId = `user-${randomUUID()}`;
        const init = await t.v3.initActivation({ userId, applicationId: app.applicationId });
        expect(init.activationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(init.activationCode).toMatch(/^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/);
        expect(init).toMatchObject({ userId, applicationId: app.applicationId });
        const device = newDevice(app, protocolVersion);
        expect(device.verifyActivationCodeSignature(init.activationCode, init.activationSignature)).toBe(true);

        const created = await t.v3.getActivationStatus({ activationId: init.activationId });
        expect(created.activationStatus).toBe(ActivationStatus.CREATED);
        expect(created.activationCode).toBe(init.activationCode);
        expect(device.verifyActivationCodeSignature(init.activationCode, created.activationSignature ?? "")).toBe(true);
        expect(created.devicePublicKeyFingerprint).toBeUndefined();
        expect(Buffer.from(created.encryptedStatusBlob, "base64")).toHaveLength(32);

        const prepared = await t.v3.prepareActivation({
          activationCode: init.activationCode,
          applicationKey: app.applicationKey,
          ...device.createActivationRequest({ activationName: "My phone", extras: "x" }),
        });
        expect(prepared).toMatchObject({ activationId: init.activationId, userId });
        const result = device.processActivationResponse(prepared);
        expect(result).toMatchObject({ activationId: init.activationId, activationRecovery: null });

        const pending = await t.v3.getActivationStatus({ activationId: init.activationId });
        expect(pending).toMatchObject({ activationStatus: ActivationStatus.OTP_USED, activationName: "My phone", extras: "x", version: 3n });
        expect(pending.devicePublicKeyFingerprint).toBe(device.fingerprint());

        const commit = await t.v3.commitActivation({ activationId: init.activationId, externalUserId: "operator-1" });
        expect(commit).toMatchObject({ activationId: init.activationId, activated: true });
        const active = device.createStatusRequest();
        const status = await t.v3.getActivationStatus(active);
        expect(status.activationStatus).toBe(ActivationStatus.ACTIVE);
        expect(device.processStatusResponse(status)).toMatchObject(FRESH_ACTIVE_STATUS);
      });
    }

    it("refuses a second key exchange with the same code (ERR0007) and a commit that is not pending (ERR0008)", async () => {
      const init = await t.v3.initActivation({ userId: "u", applicationId: app.applicationId });
      const device = newDevice(app);
      await t.v3.prepareActivation({ activationCode: init.activationCode, applicationKey: app.applicationKey, ...device.createActivationRequest() });
      const again = t.v3.prepareActivation({ activationCode: init.activationCode, applicationKey: app.applicationKey, ...newDevice(app).createActivationRequest() });
      expect(await errorCodeOf(again)).toBe("ERR0007");
      await t.v3.commitActivation({ activationId: init.activationId });
      expect(await errorCodeOf(t.v3.commitActivation({ activationId: init.activationId }))).toBe("ERR0008");
      expect(await errorCodeOf(t.v3.commitActivation({ activationId: randomUUID() }))).toBe("ERR0009");
    });

    it("answers an unknown code, an unknown or unsupported application key with ERR0007", async () => {
      const device = newDevice(app);
      const unknownCode = t.v3.prepareActivation({ activationCode: "AAAAA-AAAAA-AAAAA-AAAAA", applicationKey: app.applicationKey, ...device.createActivationRequest() });
      expect(await errorCodeOf(unknownCode)).toBe("ERR0007");
      const init = await t.v3.initActivation({ userId: "u", applicationId: app.applicationId });
      const unknownKey = t.v3.prepareActivation({ activationCode: init.activationCode, applicationKey: "bm90LWEta2V5", ...device.createActivationRequest() });
      expect(await errorCodeOf(unknownKey)).toBe("ERR0007");
    });

    it("answers a tampered ECIES request with ERR0018 and leaves the activation CREATED", async () => {
      const init = await t.v3.initActivation({ userId: "u", applicationId: app.applicationId });
      const request = newDevice(app).createActivationRequest();
      const mac = Buffer.from(request.mac, "base64");
      mac[0] ^= 1;
      const call = t.v3.prepareActivation({ activationCode: init.activationCode, applicationKey: app.applicationKey, ...request, mac: mac.toString("base64") });
      expect(await errorCodeOf(call)).toBe("ERR0018");
      expect((await t.v3.getActivationStatus({ activationId: init.activationId })).activationStatus).toBe(ActivationStatus.CREATED);
    });

    it("answers ERR0011 for device texts in the encrypted payload that do not fit their column or carry a NUL", async () => {
      for (const request of [
        { activationName: "n".repeat(256) },
        { activationName: "my\u0000phone" },
        { extras: "e".repeat(64 * 1024 + 1) },
      ]) {
        const init = await t.v3.initActivation({ userId: "u", applicationId: app.applicationId });
        const call = t.v3.prepareActivation({ activationCode: init.activationCode, applicationKey: app.applicationKey, ...newDevice(app).createActivationRequest(request) });
        expect(await errorCodeOf(call)).toBe("ERR0011");
        expect((await t.v3.getActivationStatus({ activationId: init.activationId })).activationStatus).toBe(ActivationStatus.CREATED);
      }
      const init = await t.v3.initActivation({ userId: "u", applicationId: app.applicationId });
      const longest = { activationName: "n".repeat(255), extras: "line one\n\tline two" };
      await t.v3.prepareActivation({ activationCode: init.activationCode, applicationKey: app.applicationKey, ...newDevice(app).createActivationRequest(longest) });
      expect(await t.v3.getActivationStatus({ activationId: init.activationId })).toMatchObject(longest);
    });

    it("removes the activation and answers ERR0009 when the device public key is not a P-256 point", async () => {
      const init = await t.v3.initActivation({ userId: "u", applicationId: app.applicationId });
      const badKey = layer2WithDeviceKey(app, Buffer.alloc(65, 4).toString("base64"));
      const call = t.v3.prepareActivation({ activationCode: init.activationCode, applicationKey: app.applicationKey, ...badKey });
      expect(await errorCodeOf(call)).toBe("ERR0009");
      expect((await t.v3.getActivationStatus({ activationId: init.activationId })).activationStatus).toBe(ActivationStatus.REMOVED);
    });

    it("validates InitActivation like the reference: ERR0001 user, ERR0002 application id, ERR0015 unknown application", async () => {
      expect(await errorCodeOf(t.v3.initActivation({ userId: "", applicationId: app.applicationId }))).toBe("ERR0001");
      expect(await errorCodeOf(t.v3.initActivation({ userId: "x".repeat(256), applicationId: app.applicationId }))).toBe("ERR0001");
      expect(await errorCodeOf(t.v3.initActivation({ userId: "u", applicationId: 0n }))).toBe("ERR0002");
      expect(await errorCodeOf(t.v3.initActivation({ userId: "u", applicationId: 987654n }))).toBe("ERR0015");
      expect(await errorCodeOf(t.v3.initActivation({ userId: "u", applicationId: -1n }))).toBe("ERR0024");
    });

    it("refuses malformed requests with ERR0024 (or a soap:Client fault where the XSD already forbids them)", async () => {
      const device = newDevice(app);
      const fields = device.createActivationRequest();
      expect(await errorCodeOf(t.v3.prepareActivation({ activationCode: "", applicationKey: app.applicationKey, ...fields }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.prepareActivation({ activationCode: "A", applicationKey: app.applicationKey, ...fields, mac: "not base64!" }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.prepareActivation({ activationCode: "A", applicationKey: app.applicationKey, ...fields, nonce: "AAAA" }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.getActivationStatus({ activationId: "" }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.getActivationStatus({ activationId: randomUUID(), challenge: "AAAA" }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.activationHistory({ activationId: randomUUID() }))).toBe(schemaViolation(surface));
    });
  });

  describe("custom activation (CreateActivation)", () => {
    it("creates and key-exchanges in one step; CommitActivation needs no OTP", async () => {
      const device = newDevice(app);
      const created = await t.v3.createActivation({
        userId: "custom-user",
        applicationKey: app.applicationKey,
        maxFailureCount: 7n,
        ...device.createActivationRequest({ activationName: "custom" }),
      });
      const result = device.processActivationResponse(created);
      expect(result.activationId).toBe(created.activationId);
      const pending = await t.v3.getActivationStatus({ activationId: created.activationId });
      expect(pending).toMatchObject({ activationStatus: ActivationStatus.OTP_USED, userId: "custom-user", activationName: "custom" });
      await t.v3.commitActivation({ activationId: created.activationId });
      const status = await t.v3.getActivationStatus(device.createStatusRequest());
      expect(device.processStatusResponse(status)).toMatchObject({ activationStatus: 3, maxFailedAttempts: 7 });
      const history = await t.v3.activationHistory({ activationId: created.activationId, ...aroundNow() });
      expect(history.items.map((item) => item.activationStatus)).toEqual([ActivationStatus.ACTIVE, ActivationStatus.OTP_USED, ActivationStatus.CREATED]);
    });

    it("refuses an unknown application key with ERR0015 and writes nothing", async () => {
      const call = t.v3.createActivation({ userId: "nobody-custom", applicationKey: "dW5rbm93bg==", ...newDevice(app).createActivationRequest() });
      expect(await errorCodeOf(call)).toBe("ERR0015");
      const list = await t.v3.getActivationListForUser({ userId: "nobody-custom" });
      expect(list.activations).toEqual([]);
    });
  });

  describe("status blob", () => {
    it("without a challenge uses the 3.0 layout under a zero IV and returns no nonce", async () => {
      const { device, activationId } = await activateDevice(t.v3, app, { protocolVersion: "3.0" });
      const status = await t.v3.getActivationStatus(device.createStatusRequest());
      expect(status.encryptedStatusBlobNonce).toBeUndefined();
      expect(device.processStatusResponse(status)).toEqual(FRESH_ACTIVE_STATUS);
      expect(status.activationId).toBe(activationId);
    });

    it("with a challenge uses the 3.1 layout: fresh nonce, counter byte, lookahead and CTR_DATA hash in sync", async () => {
      const { device } = await activateDevice(t.v3, app, { protocolVersion: "3.1" });
      const request = device.createStatusRequest();
      expect(request.challenge).toBeDefined();
      const status = await t.v3.getActivationStatus(request);
      expect(Buffer.from(status.encryptedStatusBlobNonce ?? "", "base64")).toHaveLength(16);
      expect(device.processStatusResponse(status)).toMatchObject({ activationStatus: 3, ctrByte: 0, ctrLookAhead: 20, counterDistance: 0 });
    });

    it("reports an unknown activation as REMOVED with a random blob (and a nonce for a challenge), not as an error", async () => {
      const activationId = randomUUID();
      const status = await t.v3.getActivationStatus({ activationId, challenge: Buffer.alloc(16, 7).toString("base64") });
      expect(status).toMatchObject({
        activationId,
        activationStatus: ActivationStatus.REMOVED,
        userId: "unknown",
        activationName: "unknown",
        applicationId: 0n,
        version: 0n,
      });
      expect(status.timestampCreated?.seconds).toBe(0n);
      expect(status.timestampLastChange).toBeUndefined();
      expect(Buffer.from(status.encryptedStatusBlob, "base64")).toHaveLength(32);
      expect(Buffer.from(status.encryptedStatusBlobNonce ?? "", "base64")).toHaveLength(16);
    });
  });

  describe("remove, block, unblock and history", () => {
    it("blocks (reason default NOT_SPECIFIED), unblocks, removes, and records each change with its external user", async () => {
      const { device, activationId } = await activateDevice(t.v3, app);
      const blocked = await t.v3.blockActivation({ activationId, externalUserId: "ops" });
      expect(blocked).toMatchObject({ activationId, activationStatus: ActivationStatus.BLOCKED, blockedReason: "NOT_SPECIFIED" });
      expect(await t.v3.blockActivation({ activationId, reason: "OTHER" })).toMatchObject({ blockedReason: "NOT_SPECIFIED" });
      const blockedStatus = await t.v3.getActivationStatus(device.createStatusRequest());
      expect(blockedStatus.blockedReason).toBe("NOT_SPECIFIED");
      expect(device.processStatusResponse(blockedStatus).activationStatus).toBe(4);

      const unblocked = await t.v3.unblockActivation({ activationId, externalUserId: "ops2" });
      expect(unblocked).toMatchObject({ activationId, activationStatus: ActivationStatus.ACTIVE });
      expect(await t.v3.unblockActivation({ activationId })).toMatchObject({ activationStatus: ActivationStatus.ACTIVE });
      await t.v3.blockActivation({ activationId, reason: "LOST_PHONE" });

      const removed = await t.v3.removeActivation({ activationId, externalUserId: "ops3" });
      expect(removed).toMatchObject({ activationId, removed: true });
      expect(await errorCodeOf(t.v3.blockActivation({ activationId }))).toBe("ERR0008");
      expect(await errorCodeOf(t.v3.unblockActivation({ activationId }))).toBe("ERR0008");
      await t.v3.removeActivation({ activationId });

      const history = await t.v3.activationHistory({ activationId, ...aroundNow() });
      expect(
        history.items.map((item) => [ActivationStatus[item.activationStatus], item.blockedReason ?? null, item.externalUserId ?? null]),
      ).toEqual([
        ["REMOVED", null, null],
        ["REMOVED", null, "ops3"],
        ["BLOCKED", "LOST_PHONE", null],
        ["ACTIVE", null, "ops2"],
        ["BLOCKED", "NOT_SPECIFIED", "ops"],
        ["ACTIVE", null, null],
        ["OTP_USED", null, null],
        ["CREATED", null, null],
      ]);
      const ids = history.items.map((item) => item.id);
      expect([...ids].sort((a, b) => (a < b ? 1 : -1))).toEqual(ids);
      const outside = await t.v3.activationHistory({
        activationId,
        timestampFrom: timestampFromDate(new Date(Date.now() + DAY)),
        timestampTo: timestampFromDate(new Date(Date.now() + 2 * DAY)),
      });
      expect(outside.items).toEqual([]);
    });

    it("answers ERR0009 for an unknown activation and ERR0008 for blocking a pending one", async () => {
      expect(await errorCodeOf(t.v3.removeActivation({ activationId: randomUUID() }))).toBe("ERR0009");
      expect(await errorCodeOf(t.v3.blockActivation({ activationId: randomUUID() }))).toBe("ERR0009");
      const init = await t.v3.initActivation({ userId: "u", applicationId: app.applicationId });
      expect(await errorCodeOf(t.v3.blockActivation({ activationId: init.activationId }))).toBe("ERR0008");
    });

    it("lists a user's activations newest first, optionally filtered by application", async () => {
      const userId = `list-${randomUUID()}`;
      const other = await createTestApplication(t.v3);
      const first = await activateDevice(t.v3, app, { userId });
      const second = await activateDevice(t.v3, other, { userId, commit: false });
      const all = await t.v3.getActivationListForUser({ userId });
      expect(all.userId).toBe(userId);
      expect(all.activations.map((a) => a.activationId)).toEqual([second.activationId, first.activationId]);
      expect(all.activations[0]).toMatchObject({ activationStatus: ActivationStatus.OTP_USED, applicationId: other.applicationId, version: 3n });
      const filtered = await t.v3.getActivationListForUser({ userId, applicationId: app.applicationId });
      expect(filtered.activations.map((a) => a.activationId)).toEqual([first.activationId]);
      expect(filtered.activations[0].applicationName).toMatch(/^app-/);
      expect(await errorCodeOf(t.v3.getActivationListForUser({ userId: "" }))).toBe("ERR0024");
    });
  });

  describe("expiry", () => {
    it("removes a pending activation past its expiry lazily when it is touched", async () => {
      const expired = { timestampActivationExpire: timestampFromDate(new Date(Date.now() - 1000)) };
      const init = await t.v3.initActivation({ userId: "late", applicationId: app.applicationId, ...expired });
      const prepare = t.v3.prepareActivation({ activationCode: init.activationCode, applicationKey: app.applicationKey, ...newDevice(app).createActivationRequest() });
      expect(await errorCodeOf(prepare)).toBe("ERR0007");
      expect(await errorCodeOf(t.v3.commitActivation({ activationId: init.activationId }))).toBe("ERR0007");
      const status = await t.v3.getActivationStatus({ activationId: init.activationId });
      expect(status.activationStatus).toBe(ActivationStatus.REMOVED);
      const history = await t.v3.activationHistory({ activationId: init.activationId, ...aroundNow() });
      expect(history.items.map((item) => item.activationStatus)).toEqual([ActivationStatus.REMOVED, ActivationStatus.CREATED]);
    });

    it("commit of an OTP_USED activation past its expiry is ERR0007 and leaves it REMOVED", async () => {
      const device = newDevice(app);
      const created = await t.v3.createActivation({
        userId: "late-commit",
        applicationKey: app.applicationKey,
        timestampActivationExpire: timestampFromDate(new Date(Date.now() + 300)),
        ...device.createActivationRequest(),
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await errorCodeOf(t.v3.commitActivation({ activationId: created.activationId }))).toBe("ERR0007");
      const list = await t.v3.getActivationListForUser({ userId: "late-commit" });
      expect(list.activations[0].activationStatus).toBe(ActivationStatus.REMOVED);
    });

    it("defaults the validity to 2 minutes", async () => {
      const before = Date.now();
      const init = await t.v3.initActivation({ userId: "validity", applicationId: app.applicationId });
      const row = await t.core.db.read((tx) => tx.getConnection().execute<{ expire: Date; created: Date }[]>(
        "select timestamp_activation_expire as expire, timestamp_created as created from pa_activation where activation_id = ?",
        [init.activationId],
      ));
      const expire = new Date(row[0].expire).getTime();
      expect(expire - new Date(row[0].created).getTime()).toBe(120_000);
      expect(expire).toBeGreaterThanOrEqual(before + 120_000);
    });
  });

  describe("activation expiry job", () => {
    it("removes abandoned activations without anyone touching them", async () => {
      const jobCore = await startCoreForTest({ activationExpiryJobIntervalMs: 50 }, { surface });
      try {
        const jobApp = await createTestApplication(jobCore.v3);
        const init = await jobCore.v3.initActivation({
          userId: "abandoned",
          applicationId: jobApp.applicationId,
          timestampActivationExpire: timestampFromDate(new Date(Date.now() + 200)),
        });
        const kept = await jobCore.v3.initActivation({ userId: "kept", applicationId: jobApp.applicationId });
        let statuses: ActivationStatus[] = [];
        for (let i = 0; i < 100 && !statuses.includes(ActivationStatus.REMOVED); i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          // ActivationHistory only reads, so it cannot be what expires the activation.
          const history = await jobCore.v3.activationHistory({ activationId: init.activationId, ...aroundNow() });
          statuses = history.items.map((item) => item.activationStatus);
        }
        expect(statuses).toEqual([ActivationStatus.REMOVED, ActivationStatus.CREATED]);
        const keptHistory = await jobCore.v3.activationHistory({ activationId: kept.activationId, ...aroundNow() });
        expect(keptHistory.items.map((item) => item.activationStatus)).toEqual([ActivationStatus.CREATED]);
      } finally {
        await jobCore.close();
      }
    });
  });

  describe("callback outbox", () => {
    it("writes one outbox row per callback for every status change, with the configured attributes", async () => {
      const cbAppName = `callbacks-${randomUUID()}`;
      const cbApp = await createTestApplication(t.v3, cbAppName);
      const callbackId = randomUUID();
      const minimalId = randomUUID();
      await t.core.db.transaction(async (tx) => {
        const base = { applicationId: Number(cbApp.applicationId), type: "ACTIVATION_STATUS_CHANGE", encryptionMode: "NO_ENCRYPTION", enabled: true };
        tx.create(ApplicationCallback, {
          ...base,
          id: callbackId,
          name: "full",
          callbackUrl: "http://127.0.0.1:9/full",
          attributes: ["userId", "activationStatus", "blockedReason", "applicationId", "activationFlags", "platform"],
          timestampCreated: new Date(),
        });
        tx.create(ApplicationCallback, { ...base, id: minimalId, name: "minimal", callbackUrl: "http://127.0.0.1:9/min", attributes: [], timestampCreated: new Date() });
        tx.create(ApplicationCallback, {
          ...base,
          id: randomUUID(),
          name: "operations only",
          type: "OPERATION_STATUS_CHANGE",
          callbackUrl: "http://127.0.0.1:9/op",
          attributes: [],
          timestampCreated: new Date(),
        });
      });
      const { activationId, userId } = await activateDevice(t.v3, cbApp);
      await t.v3.blockActivation({ activationId, reason: "TEST_CALLBACK" });
      await t.v3.unblockActivation({ activationId });
      await t.v3.removeActivation({ activationId });

      const events = await t.core.db.read((tx) => listEventsOfCallback(tx, callbackId));
      expect(events.map((event) => JSON.parse(event.callbackData))).toEqual(
        // The Cloud payload names the states as the Cloud API does (OTP_USED is PENDING_COMMIT there) and the
        // application by its Cloud id, its name.
        ["CREATED", "PENDING_COMMIT", "ACTIVE", "BLOCKED", "ACTIVE", "REMOVED"].map((activationStatus) => ({
          type: "ACTIVATION",
          activationId,
          userId,
          activationStatus,
          ...(activationStatus === "BLOCKED" ? { blockedReason: "TEST_CALLBACK" } : {}),
          applicationId: cbAppName,
          activationFlags: [],
        })),
      );
      expect(events.every((event) => event.status === "PENDING" && event.attempts === 0 && event.timestampNextCall)).toBe(true);
      expect(new Set(events.map((event) => event.idempotencyKey)).size).toBe(events.length);
      const minimal = await t.core.db.read((tx) => listEventsOfCallback(tx, minimalId));
      expect(minimal).toHaveLength(6);
      expect(JSON.parse(minimal[0].callbackData)).toEqual({ type: "ACTIVATION", activationId });
    });

    it("writes nothing when the status change is rolled back", async () => {
      const cbApp = await createTestApplication(t.v3);
      const callbackId = randomUUID();
      await t.core.db.transaction(async (tx) => {
        tx.create(ApplicationCallback, {
          id: callbackId,
          applicationId: Number(cbApp.applicationId),
          name: "cb",
          callbackUrl: "http://127.0.0.1:9/cb",
          type: "ACTIVATION_STATUS_CHANGE",
          attributes: [],
          encryptionMode: "NO_ENCRYPTION",
          enabled: true,
          timestampCreated: new Date(),
        });
      });
      const init = await t.v3.initActivation({ userId: "rollback", applicationId: cbApp.applicationId });
      const badCommit = t.v3.commitActivation({ activationId: init.activationId });
      expect(await errorCodeOf(badCommit)).toBe("ERR0008");
      const events = await t.core.db.read((tx) => listEventsOfCallback(tx, callbackId));
      expect(events).toHaveLength(1);
    });
  });
});

/** A layer-2 request carrying an arbitrary device public key (the simulator always sends a valid one). */
function layer2WithDeviceKey(application: TestApplication, devicePublicKey: string) {
  const { fields } = eciesEncryptRequest(
    Buffer.from(application.masterPublicKey, "base64"),
    "/pa/activation",
    sha256(te.encode(application.applicationSecret)),
    te.encode(JSON.stringify({ devicePublicKey, activationName: "broken", extras: "" })),
    "3.0",
  );
  return fields;
}
