import { randomBytes, randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ActivationStatus, SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import type { SimSignatureType } from "./simulator/index.ts";
import { startCoreForTest } from "./support/core-in-process.ts";
import {
  activateDevice,
  aroundNow,
  corruptSignature,
  createTestApplication,
  describeEachSurface,
  errorCodeOf,
  schemaViolation,
  signAndVerify,
  verifySignatureRequest,
} from "./support/powerauth-flows.ts";
import type { V3Client } from "./support/powerauth-flows.ts";

// VerifySignature, the offline signatures and the signature audit end to end through gRPC and through SOAP,
// with the device simulator signing (server-behaviour.md §3.3 and §5.2 "Signatures").

const DAY = 24 * 3600 * 1000;

async function badSignature(v3: V3Client, device: Awaited<ReturnType<typeof activateDevice>>["device"], type: SimSignatureType = "POSSESSION_KNOWLEDGE") {
  const signed = device.signRequest("POST", "/pa/signature/validate", "{}", type);
  return v3.verifySignature(verifySignatureRequest(corruptSignature(signed)));
}

async function statusBlob(v3: V3Client, device: Awaited<ReturnType<typeof activateDevice>>["device"]) {
  return device.processStatusResponse(await v3.getActivationStatus(device.createStatusRequest()));
}

describeEachSurface((t, app, surface) => {
  describe("verifySignature", () => {
    for (const protocolVersion of ["3.0", "3.1"] as const) {
      it(`accepts a valid ${protocolVersion} signature (${protocolVersion === "3.0" ? "decimal" : "Base64"}) and reports the activation`, async () => {
        const { device, activationId, userId } = await activateDevice(t.v3, app, { protocolVersion });
        const signed = device.signRequest("POST", "/pa/signature/validate", '{"amount":100}', "POSSESSION_KNOWLEDGE");
        expect(signed.signature).toMatch(protocolVersion === "3.0" ? /^\d{8}-\d{8}$/ : /^[A-Za-z0-9+/]{43}=$/);
        const response = await t.v3.verifySignature(verifySignatureRequest(signed));
        expect(response).toMatchObject({
          signatureValid: true,
          activationStatus: ActivationStatus.ACTIVE,
          activationId,
          userId,
          applicationId: app.applicationId,
          signatureType: SignatureType.POSSESSION_KNOWLEDGE,
          remainingAttempts: 5n,
        });
        expect(response.blockedReason).toBeUndefined();
      });
    }

    it("verifies one, two and three factor signatures of every type", async () => {
      const { device } = await activateDevice(t.v3, app);
      for (const type of ["POSSESSION", "KNOWLEDGE", "BIOMETRY", "POSSESSION_KNOWLEDGE", "POSSESSION_BIOMETRY", "POSSESSION_KNOWLEDGE_BIOMETRY"] as const) {
        const response = await signAndVerify(t.v3, device, type);
        expect(response, type).toMatchObject({ signatureValid: true, signatureType: SignatureType[type] });
      }
    });

    it("moves the counter past each valid signature, so the status blob stays in sync", async () => {
      const { device } = await activateDevice(t.v3, app);
      for (let i = 0; i < 3; i++) expect((await signAndVerify(t.v3, device)).signatureValid).toBe(true);
      expect(await statusBlob(t.v3, device)).toMatchObject({ ctrByte: 3, counterDistance: 0, failedAttempts: 0 });
    });

    it("does not accept the same signature twice (the counter moved past it)", async () => {
      const { device } = await activateDevice(t.v3, app);
      const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
      expect((await t.v3.verifySignature(verifySignatureRequest(signed))).signatureValid).toBe(true);
      expect(await t.v3.verifySignature(verifySignatureRequest(signed))).toMatchObject({ signatureValid: false, remainingAttempts: 4n });
    });

    it("finds a signature 19 steps ahead (19 wrong PINs, then the right one) but not 20 (lookahead 20)", async () => {
      const within = await activateDevice(t.v3, app, { maxFailureCount: 100n });
      for (let i = 0; i < 19; i++) expect((await badSignature(t.v3, within.device)).signatureValid).toBe(false);
      expect(await signAndVerify(t.v3, within.device)).toMatchObject({ signatureValid: true, remainingAttempts: 100n });
      expect(await statusBlob(t.v3, within.device)).toMatchObject({ ctrByte: 20, counterDistance: 0, failedAttempts: 0 });

      const beyond = await activateDevice(t.v3, app, { maxFailureCount: 100n });
      for (let i = 0; i < 20; i++) expect((await badSignature(t.v3, beyond.device)).signatureValid).toBe(false);
      expect(await signAndVerify(t.v3, beyond.device)).toMatchObject({ signatureValid: false, remainingAttempts: 79n });
    });

    it("blocks the activation with MAX_FAILED_ATTEMPTS at the limit; a valid signature in between resets the count", async () => {
      const { device, activationId } = await activateDevice(t.v3, app, { maxFailureCount: 3n });
      expect((await badSignature(t.v3, device)).remainingAttempts).toBe(2n);
      expect((await badSignature(t.v3, device)).remainingAttempts).toBe(1n);
      expect(await signAndVerify(t.v3, device)).toMatchObject({ signatureValid: true, remainingAttempts: 3n });
      expect(await badSignature(t.v3, device)).toMatchObject({ remainingAttempts: 2n, activationStatus: ActivationStatus.ACTIVE });
      expect(await badSignature(t.v3, device)).toMatchObject({ remainingAttempts: 1n, activationStatus: ActivationStatus.ACTIVE });
      const blocked = await badSignature(t.v3, device);
      expect(blocked).toMatchObject({
        signatureValid: false,
        activationStatus: ActivationStatus.BLOCKED,
        blockedReason: "MAX_FAILED_ATTEMPTS",
        activationId,
        signatureType: SignatureType.POSSESSION_KNOWLEDGE,
        remainingAttempts: 0n,
      });
      const history = await t.v3.activationHistory({ activationId, ...aroundNow() });
      expect(history.items[0]).toMatchObject({ activationStatus: ActivationStatus.BLOCKED, blockedReason: "MAX_FAILED_ATTEMPTS" });

      // A blocked activation verifies nothing, not even a correct signature, and says only its state.
      const onBlocked = await signAndVerify(t.v3, device);
      expect(onBlocked).toEqual(expect.objectContaining({ signatureValid: false, activationStatus: ActivationStatus.BLOCKED }));
      expect(onBlocked.activationId).toBeUndefined();
      await t.v3.unblockActivation({ activationId });
      expect(await signAndVerify(t.v3, device)).toMatchObject({ signatureValid: true, remainingAttempts: 3n });
    });

    it("never counts failed possession-only signatures", async () => {
      const { device } = await activateDevice(t.v3, app, { maxFailureCount: 2n });
      for (let i = 0; i < 5; i++) {
        expect(await badSignature(t.v3, device, "POSSESSION")).toMatchObject({
          signatureValid: false,
          activationStatus: ActivationStatus.ACTIVE,
          remainingAttempts: 2n,
          signatureType: SignatureType.POSSESSION,
        });
      }
      expect(await statusBlob(t.v3, device)).toMatchObject({ activationStatus: 3, failedAttempts: 0 });
      expect((await badSignature(t.v3, device, "KNOWLEDGE")).remainingAttempts).toBe(1n);
      expect((await badSignature(t.v3, device, "BIOMETRY")).activationStatus).toBe(ActivationStatus.BLOCKED);
    });

    it("answers a signature with another application's key or an unsupported version as invalid (and counts it)", async () => {
      const other = await createTestApplication(t.v3);
      const { device, activationId } = await activateDevice(t.v3, app, { maxFailureCount: 10n });
      const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
      const foreign = await t.v3.verifySignature({ ...verifySignatureRequest(signed), applicationKey: other.applicationKey });
      expect(foreign).toEqual(expect.objectContaining({ signatureValid: false, activationStatus: ActivationStatus.ACTIVE }));
      expect(foreign.activationId).toBeUndefined();
      const unknownKey = await t.v3.verifySignature({ ...verifySignatureRequest(signed), applicationKey: "bm9uZQ==" });
      expect(unknownKey.signatureValid).toBe(false);

      const versioned = await createTestApplication(t.v3);
      const v = await activateDevice(t.v3, versioned);
      const detail = await t.v3.getApplicationDetail({ applicationId: versioned.applicationId });
      await t.v3.unsupportApplicationVersion({ applicationVersionId: detail.versions[0].applicationVersionId });
      expect((await signAndVerify(t.v3, v.device)).signatureValid).toBe(false);
      await t.v3.supportApplicationVersion({ applicationVersionId: detail.versions[0].applicationVersionId });
      expect((await signAndVerify(t.v3, v.device)).signatureValid).toBe(true);

      expect(await statusBlob(t.v3, device)).toMatchObject({ failedAttempts: 2 });
      const status = await t.v3.getActivationStatus({ activationId });
      expect(status.activationStatus).toBe(ActivationStatus.ACTIVE);
    });

    it("answers an unknown activation with REMOVED and nothing else", async () => {
      const { device } = await activateDevice(t.v3, app);
      const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
      const response = await t.v3.verifySignature({ ...verifySignatureRequest(signed), activationId: randomUUID() });
      expect(response).toEqual(expect.objectContaining({ signatureValid: false, activationStatus: ActivationStatus.REMOVED }));
      expect(response.userId).toBeUndefined();
      expect(response.remainingAttempts).toBeUndefined();
    });

    it("chooses the format by signatureVersion: a Base64 signature declared as 3.0 is invalid", async () => {
      const { device } = await activateDevice(t.v3, app, { protocolVersion: "3.1" });
      const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
      expect((await t.v3.verifySignature({ ...verifySignatureRequest(signed), signatureVersion: "3.0" })).signatureValid).toBe(false);
      const decimal = await activateDevice(t.v3, app, { protocolVersion: "3.0" });
      const old = decimal.device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
      expect((await t.v3.verifySignature({ ...verifySignatureRequest(old), signatureVersion: undefined })).signatureValid).toBe(true);
    });

    it("ignores forcedSignatureVersion 3 for a version 3 activation", async () => {
      const { device } = await activateDevice(t.v3, app);
      const signed = device.signRequest("POST", "/pa/upgrade/commit", "", "POSSESSION");
      expect((await t.v3.verifySignature({ ...verifySignatureRequest(signed), forcedSignatureVersion: 3n })).signatureValid).toBe(true);
    });

    it("verifies nothing on a pending or removed activation", async () => {
      const pending = await activateDevice(t.v3, app, { commit: false });
      expect(await signAndVerify(t.v3, pending.device)).toMatchObject({ signatureValid: false, activationStatus: ActivationStatus.OTP_USED });
      await t.v3.removeActivation({ activationId: pending.activationId });
      expect(await signAndVerify(t.v3, pending.device)).toMatchObject({ signatureValid: false, activationStatus: ActivationStatus.REMOVED });
    });

    it("refuses malformed requests with ERR0024 (or a soap:Client fault where the XSD already forbids them)", async () => {
      const { device } = await activateDevice(t.v3, app);
      const request = verifySignatureRequest(device.signRequest("POST", "/x", "{}", "POSSESSION"));
      expect(await errorCodeOf(t.v3.verifySignature({ ...request, signatureType: SignatureType.UNSPECIFIED }))).toBe(schemaViolation(surface));
      expect(await errorCodeOf(t.v3.verifySignature({ ...request, signatureType: 42 as SignatureType }))).toBe(schemaViolation(surface));
      expect(await errorCodeOf(t.v3.verifySignature({ ...request, signatureVersion: "three" }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.verifySignature({ ...request, data: "" }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.verifySignature({ ...request, applicationKey: "" }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.verifySignature({ ...request, signature: "" }))).toBe("ERR0024");
    });
  });

  describe("signatureAudit", () => {
    it("has one row per verification with the reference's notes, counters and data, newest first", async () => {
      const userId = `audit-${randomUUID()}`;
      const { device, activationId } = await activateDevice(t.v3, app, { userId, maxFailureCount: 2n });
      const before = await t.v3.getActivationStatus({ activationId });
      const good = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
      await t.v3.verifySignature(verifySignatureRequest(good));
      await badSignature(t.v3, device);
      const other = await createTestApplication(t.v3);
      const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
      await t.v3.verifySignature({ ...verifySignatureRequest(signed), applicationKey: other.applicationKey });
      await signAndVerify(t.v3, device);

      const audit = await t.v3.signatureAudit({ userId, ...aroundNow() });
      expect(audit.items.map((item) => [item.note, item.valid, item.activationStatus, item.activationCounter])).toEqual([
        ["activation_invalid_state", false, ActivationStatus.BLOCKED, 1n],
        ["activation_invalid_application", false, ActivationStatus.BLOCKED, 1n],
        ["signature_does_not_match", false, ActivationStatus.ACTIVE, 1n],
        ["signature_ok", true, ActivationStatus.ACTIVE, 1n],
      ]);
      expect(audit.items[1].additionalInfo?.entry.map(({ key, value }) => ({ key, value }))).toEqual([{ key: "BLOCKED_REASON", value: "MAX_FAILED_ATTEMPTS" }]);
      expect(audit.items[1].dataBase64).toBe(Buffer.from(`${signed.data}&${other.applicationKey}`).toString("base64"));
      const ok = audit.items[3];
      expect(ok).toMatchObject({
        userId,
        applicationId: app.applicationId,
        activationId,
        signature: good.signature,
        signatureType: SignatureType.POSSESSION_KNOWLEDGE,
        version: 3n,
        dataBase64: Buffer.from(`${good.data}&${app.applicationSecret}`).toString("base64"),
      });
      // signatureVersion is a 3.1 element and SignatureAuditRequest has none by which a SOAP client could ask
      // for 3.1, so the gateway writes pure 3.0 items (gateway-soap/README.md, "Rule for responses").
      expect(ok.signatureVersion).toBe(surface === "grpc" ? "3.1" : undefined);
      expect(Buffer.from(ok.activationCtrData ?? "", "base64")).toHaveLength(16);
      const after = await t.v3.getActivationStatus({ activationId });
      expect(after.timestampLastUsed!.seconds * 1000n + BigInt(Math.floor(after.timestampLastUsed!.nanos / 1e6))).toBeGreaterThanOrEqual(
        before.timestampLastUsed!.seconds * 1000n + BigInt(Math.floor(before.timestampLastUsed!.nanos / 1e6)),
      );

      expect((await t.v3.signatureAudit({ userId, applicationId: other.applicationId, ...aroundNow() })).items).toEqual([]);
      expect((await t.v3.signatureAudit({ userId, applicationId: app.applicationId, ...aroundNow() })).items).toHaveLength(4);
      const past = { timestampFrom: timestampFromDate(new Date(Date.now() - 2 * DAY)), timestampTo: timestampFromDate(new Date(Date.now() - DAY)) };
      expect((await t.v3.signatureAudit({ userId, ...past })).items).toEqual([]);
      expect(await errorCodeOf(t.v3.signatureAudit({ userId }))).toBe(schemaViolation(surface));
    });
  });

  describe("offline signatures", () => {
    it("personalized: the device trusts the payload (server key) and its offline signature verifies", async () => {
      const { device, activationId } = await activateDevice(t.v3, app);
      const payload = await t.v3.createPersonalizedOfflineSignaturePayload({ activationId, data: "A1*Z100CZK*Q238400856/0300**D20190629" });
      expect(Buffer.from(payload.nonce, "base64")).toHaveLength(16);
      expect(payload.offlineData.startsWith(`A1*Z100CZK*Q238400856/0300**D20190629\n${payload.nonce}\n1`)).toBe(true);
      expect(device.verifyOfflinePayload(payload.offlineData)).toBe(true);
      const signed = device.signOffline("/operation/authorize/offline", "A1*Z100CZK", payload.nonce);
      expect(signed.signature).toMatch(/^\d{8}-\d{8}$/);
      const response = await t.v3.verifyOfflineSignature(signed);
      expect(response).toMatchObject({ signatureValid: true, activationStatus: ActivationStatus.ACTIVE, activationId, signatureType: SignatureType.POSSESSION_KNOWLEDGE, remainingAttempts: 5n });
    });

    it("personalized: a wrong PIN is invalid and counted, the right one then verifies; a tampered payload fails on the device", async () => {
      const { device, activationId } = await activateDevice(t.v3, app);
      const payload = await t.v3.createPersonalizedOfflineSignaturePayload({ activationId, data: "A1*Z200EUR" });
      expect(device.verifyOfflinePayload(payload.offlineData.replace("Z200EUR", "Z900EUR"))).toBe(false);
      const wrong = corruptSignature(device.signOffline("/operation/authorize/offline", "A1*Z200EUR", payload.nonce));
      expect(await t.v3.verifyOfflineSignature(wrong)).toMatchObject({ signatureValid: false, activationStatus: ActivationStatus.ACTIVE, remainingAttempts: 4n });
      const right = device.signOffline("/operation/authorize/offline", "A1*Z200EUR", payload.nonce);
      expect(await t.v3.verifyOfflineSignature(right)).toMatchObject({ signatureValid: true, activationId, remainingAttempts: 5n });
    });

    it("non-personalized: signed with the master key; biometry verifies only when allowed", async () => {
      const { device, activationId, userId } = await activateDevice(t.v3, app);
      const payload = await t.v3.createNonPersonalizedOfflineSignaturePayload({ applicationId: app.applicationId, data: "operation-data" });
      expect(payload.offlineData.split("\n")[2][0]).toBe("0");
      expect(device.verifyOfflinePayload(payload.offlineData)).toBe(true);

      const withBiometry = device.signOffline("/operation/authorize/offline", "body", payload.nonce, "POSSESSION_BIOMETRY");
      expect(await t.v3.verifyOfflineSignature({ ...withBiometry, allowBiometry: true })).toMatchObject({
        signatureValid: true,
        signatureType: SignatureType.POSSESSION_BIOMETRY,
      });
      const refused = device.signOffline("/operation/authorize/offline", "body", payload.nonce, "POSSESSION_BIOMETRY");
      expect(await t.v3.verifyOfflineSignature({ ...refused, allowBiometry: false })).toMatchObject({
        signatureValid: false,
        signatureType: SignatureType.POSSESSION_KNOWLEDGE,
        remainingAttempts: 4n,
      });
      const wrong = device.signOffline("/operation/authorize/offline", "body", payload.nonce);
      const invalid = await t.v3.verifyOfflineSignature({ ...wrong, signature: "12345678-12345678", allowBiometry: true });
      expect(invalid).toMatchObject({ signatureValid: false, activationStatus: ActivationStatus.ACTIVE, remainingAttempts: 3n });
      const audit = await t.v3.signatureAudit({ userId, ...aroundNow() });
      expect(audit.items[0]).toMatchObject({ note: "signature_does_not_match", additionalInfo: { entry: [{ key: "BIOMETRY_ALLOWED", value: "TRUE" }] } });
      expect(audit.items[0].dataBase64).toBe(Buffer.from(`${wrong.data}&offline`).toString("base64"));
      expect(audit.items[1].additionalInfo?.entry).toEqual([]);
      expect(activationId).toBe(audit.items[0].activationId);
    });

    it("answers unknown activations and applications as the reference (ERR0009, ERR0003, REMOVED)", async () => {
      expect(await errorCodeOf(t.v3.createPersonalizedOfflineSignaturePayload({ activationId: randomUUID(), data: "d" }))).toBe("ERR0009");
      expect(await errorCodeOf(t.v3.createNonPersonalizedOfflineSignaturePayload({ applicationId: 999_999n, data: "d" }))).toBe("ERR0003");
      expect(await errorCodeOf(t.v3.createNonPersonalizedOfflineSignaturePayload({ applicationId: app.applicationId, data: "" }))).toBe("ERR0024");
      const unknown = await t.v3.verifyOfflineSignature({ activationId: randomUUID(), data: "d", signature: "1-2", allowBiometry: false });
      expect(unknown).toEqual(expect.objectContaining({ signatureValid: false, activationStatus: ActivationStatus.REMOVED }));
    });
  });

  describe("verifyECDSASignature", () => {
    it("answers false for an unknown activation and ERR0024 for data that is not Base64", async () => {
      const data = randomBytes(8).toString("base64");
      expect((await t.v3.verifyECDSASignature({ activationId: randomUUID(), data, signature: data })).signatureValid).toBe(false);
      expect(await errorCodeOf(t.v3.verifyECDSASignature({ activationId: randomUUID(), data: "%%", signature: data }))).toBe("ERR0024");
    });
  });

  describe("with the master DB encryption key configured", () => {
    it("activates, signs and reports status with server private keys stored encrypted", async () => {
      const encrypted = await startCoreForTest({ activationExpiryJobIntervalMs: 0, masterDbEncryptionKey: randomBytes(16) }, { surface });
      try {
        const encryptedApp = await createTestApplication(encrypted.v3);
        const { device, activationId } = await activateDevice(encrypted.v3, encryptedApp);
        expect((await signAndVerify(encrypted.v3, device)).signatureValid).toBe(true);
        expect(await statusBlob(encrypted.v3, device)).toMatchObject({ activationStatus: 3, ctrByte: 1 });
        const rows = await encrypted.core.db.read((tx) =>
          tx.getConnection().execute<{ mode: number }[]>("select server_private_key_encryption as mode from pa_activation where activation_id = ?", [activationId]),
        );
        expect(rows[0].mode).toBe(1);
      } finally {
        await encrypted.close();
      }
    });
  });
});
