import { randomUUID } from "node:crypto";
import { ActivationStatus as ActivationStatusV2, SignatureType as SignatureTypeV2 } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { ActivationStatus, SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import {
  activateDevice,
  aroundNow,
  corruptSignature,
  createTestApplication,
  describeEachSurface,
  errorCodeOf,
  newDevice,
  signAndVerify,
  tokenDigest,
  verifySignatureRequest,
} from "./support/powerauth-flows.ts";
import type { TestApplication } from "./support/powerauth-flows.ts";
import { scrape, valueOf } from "./support/prometheus-text.ts";
import type { SimSignatureType, SimulatedDevice } from "./simulator/index.ts";

// Protocol 2.x end to end, through gRPC and through the SOAP v2 and v3 ports (every SOAP answer validated
// against the original XSDs): the simulator plays a 2.x app (PBKDF2/OTP key exchange, numeric counter,
// decimal signatures) and the intermediate in front of the server, then upgrades to 3.0.

/** The 2.x status blob of a fresh ACTIVE activation: version 2, upgradable to 3. */
const FRESH_V2_STATUS = { activationStatus: 3, currentVersion: 2, upgradeVersion: 3, failedAttempts: 0, maxFailedAttempts: 5 };

/** InitActivation, then the 2.x key exchange with the code's two halves (v2 PrepareActivation), then commit. */
async function activateDeviceV2(
  t: CoreUnderTest,
  app: TestApplication,
  options: { useEphemeralKey?: boolean; maxFailureCount?: bigint; commit?: boolean } = {},
): Promise<{ device: SimulatedDevice; activationId: string; userId: string }> {
  const userId = `user-${randomUUID()}`;
  const init = await t.v3.initActivation({ userId, applicationId: app.applicationId, maxFailureCount: options.maxFailureCount });
  // A 2.x app sends no status challenge and signs with the numeric counter.
  const device = newDevice(app, "3.0");
  const prepared = await t.v2.prepareActivation(
    device.createActivationRequestV2({ activationCode: init.activationCode }, { useEphemeralKey: options.useEphemeralKey ?? true }),
  );
  expect(prepared.activationId).toBe(init.activationId);
  device.processActivationResponseV2(prepared);
  if (options.commit ?? true) await t.v3.commitActivation({ activationId: init.activationId });
  return { device, activationId: init.activationId, userId };
}

async function statusOf(t: CoreUnderTest, device: SimulatedDevice) {
  const response = await t.v3.getActivationStatus(device.createStatusRequest());
  return { response, blob: device.processStatusResponse(response) };
}

function signed(device: SimulatedDevice, type: SimSignatureType = "POSSESSION_KNOWLEDGE") {
  return device.signRequest("POST", "/pa/signature/validate", `{"n":"${randomUUID()}"}`, type);
}

/** Signatures the device makes but never sends (lost requests): its counter runs ahead of the server's. */
function skipSignatures(device: SimulatedDevice, count: number): void {
  for (let i = 0; i < count; i++) signed(device);
}

describeEachSurface((t, app) => {
  describe("protocol 2.x activation", () => {
    for (const useEphemeralKey of [true, false]) {
      it(`activates by code ${useEphemeralKey ? "with" : "without"} the ephemeral key: OTP_USED, then ACTIVE version 2 with the 2.x fingerprint`, async () => {
        const { device, activationId, userId } = await activateDeviceV2(t, app, { useEphemeralKey, commit: false });
        expect((await statusOf(t, device)).response.activationStatus).toBe(ActivationStatus.OTP_USED);
        await t.v3.commitActivation({ activationId });
        const { response, blob } = await statusOf(t, device);
        expect(blob).toEqual(FRESH_V2_STATUS);
        expect(response).toMatchObject({ activationId, userId, activationStatus: ActivationStatus.ACTIVE, activationName: "Simulated v2 device" });
        expect(response.devicePublicKeyFingerprint).toBe(device.fingerprint());
        expect(response.devicePublicKeyFingerprint).toMatch(/^\d{8}$/);
        expect(await signAndVerify(t.v3, device)).toMatchObject({ signatureValid: true, activationId, userId });
      });
    }

    for (const useEphemeralKey of [true, false]) {
      it(`creates a custom activation (identity + OTP chosen by the intermediate) ${useEphemeralKey ? "with" : "without"} the ephemeral key`, async () => {
        const userId = `user-${randomUUID()}`;
        const device = newDevice(app, "3.0");
        const code = { identity: `id-${randomUUID()}`, activationOtp: randomUUID().slice(0, 11) };
        const { activationIdShort: _idShort, ...fields } = device.createActivationRequestV2(code, { useEphemeralKey });
        const created = await t.v2.createActivation({ ...fields, ...code, userId, applicationId: app.applicationId, maxFailureCount: 7n });
        device.processActivationResponseV2(created);
        const pending = await statusOf(t, device);
        expect(pending.response).toMatchObject({ activationId: created.activationId, userId, activationStatus: ActivationStatus.OTP_USED });
        await t.v3.commitActivation({ activationId: created.activationId });
        expect((await statusOf(t, device)).blob).toEqual({ ...FRESH_V2_STATUS, maxFailedAttempts: 7 });
        expect(await signAndVerify(t.v3, device)).toMatchObject({ signatureValid: true, activationId: created.activationId });
      });
    }

    it("refuses a wrong application signature (ERR0007, the activation stays CREATED) and burns the code when the device key does not decrypt (ERR0009, REMOVED)", async () => {
      const init = await t.v3.initActivation({ userId: `user-${randomUUID()}`, applicationId: app.applicationId });
      const request = newDevice(app, "3.0").createActivationRequestV2({ activationCode: init.activationCode });
      const badSignature = Buffer.from(request.applicationSignature, "base64");
      badSignature[0] ^= 1;
      expect(await errorCodeOf(t.v2.prepareActivation({ ...request, applicationSignature: badSignature.toString("base64") }))).toBe("ERR0007");
      expect((await t.grpc.getActivationStatus({ activationId: init.activationId })).activationStatus).toBe(ActivationStatus.CREATED);
      // Encrypted with another OTP: the layers do not open.
      const otherOtp = newDevice(app, "3.0").createActivationRequestV2({ identity: request.activationIdShort, activationOtp: "AAAAA-AAAAA" });
      expect(await errorCodeOf(t.v2.prepareActivation(otherOtp))).toBe("ERR0009");
      expect((await t.grpc.getActivationStatus({ activationId: init.activationId })).activationStatus).toBe(ActivationStatus.REMOVED);
      // A removed code is no longer found.
      expect(await errorCodeOf(t.v2.prepareActivation(request))).toBe("ERR0007");
    });

    it("answers ERR0007 for an unknown short ID or application key, and ERR0015 for a custom activation of another application", async () => {
      const init = await t.v3.initActivation({ userId: `user-${randomUUID()}`, applicationId: app.applicationId });
      const request = newDevice(app, "3.0").createActivationRequestV2({ activationCode: init.activationCode });
      expect(await errorCodeOf(t.v2.prepareActivation({ ...request, activationIdShort: "AAAAA-AAAA%" }))).toBe("ERR0007");
      expect(await errorCodeOf(t.v2.prepareActivation({ ...request, applicationKey: Buffer.alloc(16).toString("base64") }))).toBe("ERR0007");
      const other = await createTestApplication(t.v3);
      const code = { identity: "ABCDE-FGHIJ", activationOtp: "KLMNO-PQRST" };
      const { activationIdShort: _idShort, ...fields } = newDevice(app, "3.0").createActivationRequestV2(code);
      const call = t.v2.createActivation({ ...fields, ...code, userId: "u", applicationId: other.applicationId });
      expect(await errorCodeOf(call)).toBe("ERR0015");
    });
  });

  describe("protocol 2.x signatures (numeric counter)", () => {
    it("counts a wrong PIN, resets on a valid signature, and accepts counter steps up to the lookahead (20) but not beyond", async () => {
      const { device, activationId } = await activateDeviceV2(t, app);
      const wrong = await t.v3.verifySignature(verifySignatureRequest(corruptSignature(signed(device))));
      expect(wrong).toMatchObject({ signatureValid: false, activationStatus: ActivationStatus.ACTIVE, remainingAttempts: 4n });
      expect((await statusOf(t, device)).blob.failedAttempts).toBe(1);
      expect(await signAndVerify(t.v3, device)).toMatchObject({ signatureValid: true, activationId });
      expect((await statusOf(t, device)).blob.failedAttempts).toBe(0);

      // The server is at step n; the device's next signature uses n + 19, the last step the lookahead tries.
      skipSignatures(device, 19);
      expect((await signAndVerify(t.v3, device)).signatureValid).toBe(true);
      // n + 20 is one step too far, however correct the signature is.
      skipSignatures(device, 20);
      expect(await signAndVerify(t.v3, device)).toMatchObject({ signatureValid: false, remainingAttempts: 4n });
    });

    it("blocks a 2.x activation after the maximum of failed attempts, as for 3.0", async () => {
      const { device, activationId } = await activateDeviceV2(t, app, { maxFailureCount: 3n });
      for (const remaining of [2n, 1n]) {
        expect(await t.v3.verifySignature(verifySignatureRequest(corruptSignature(signed(device))))).toMatchObject({ remainingAttempts: remaining });
      }
      const last = await t.v3.verifySignature(verifySignatureRequest(corruptSignature(signed(device))));
      expect(last).toMatchObject({ signatureValid: false, activationStatus: ActivationStatus.BLOCKED, blockedReason: "MAX_FAILED_ATTEMPTS" });
      expect((await t.grpc.getActivationStatus({ activationId })).activationStatus).toBe(ActivationStatus.BLOCKED);
      expect((await signAndVerify(t.v3, device)).signatureValid).toBe(false);
    });
  });

  describe("the v3 methods for a version 2 activation", () => {
    it("audits 2.x signatures with the numeric counter and version 2, and blocks, unblocks and removes with history", async () => {
      const { device, activationId, userId } = await activateDeviceV2(t, app);
      expect((await signAndVerify(t.v3, device)).signatureValid).toBe(true);
      expect((await t.v3.verifySignature(verifySignatureRequest(corruptSignature(signed(device))))).signatureValid).toBe(false);
      const audit = await t.v3.signatureAudit({ userId, applicationId: app.applicationId, ...aroundNow() });
      // Newest first: the wrong PIN left the counter at 1, the valid signature moved it from 0 to 1.
      expect(audit.items.map((item) => [item.valid, item.activationCounter, item.version, item.activationCtrData ?? null])).toEqual([
        [false, 1n, 2n, null],
        [true, 1n, 2n, null],
      ]);

      await t.v3.blockActivation({ activationId, reason: "LOST" });
      const beforeBlocked = await scrape(t.core.url);
      const blocked = await t.v2.vaultUnlock({ ...device.createVaultUnlockRequestV2(), signatureType: SignatureTypeV2.POSSESSION_KNOWLEDGE });
      expect(blocked).toMatchObject({ signatureValid: false, activationStatus: ActivationStatusV2.REMOVED, userId: "UNKNOWN" });
      // Answered as unknown, but the refusal was audited, so it is counted as VerifySignature's would be.
      const blockedCount = (samples: Awaited<ReturnType<typeof scrape>>) => valueOf(samples, "powerauth_signature_verifications_total", { result: "blocked" }) ?? 0;
      expect(blockedCount(await scrape(t.core.url)) - blockedCount(beforeBlocked)).toBe(1);
      await t.v3.unblockActivation({ activationId });
      expect((await signAndVerify(t.v3, device)).signatureValid).toBe(true);
      await t.v3.removeActivation({ activationId });
      expect((await statusOf(t, device)).blob.activationStatus).toBe(5);
      const history = await t.v3.activationHistory({ activationId, ...aroundNow() });
      expect(history.items.map((item) => item.activationStatus).reverse()).toEqual([
        ActivationStatus.CREATED,
        ActivationStatus.OTP_USED,
        ActivationStatus.ACTIVE,
        ActivationStatus.BLOCKED,
        ActivationStatus.ACTIVE,
        ActivationStatus.REMOVED,
      ]);
      const listed = await t.v3.getActivationListForUser({ userId });
      expect(listed.activations).toEqual([expect.objectContaining({ activationId, activationStatus: ActivationStatus.REMOVED })]);
    });
  });

  describe("protocol 2.x vault unlock", () => {
    it("unlocks the vault twice (key under KDF(KEY_TRANSPORT, counter), the counter stepping twice), then signs in step", async () => {
      const { device, activationId, userId } = await activateDeviceV2(t, app);
      for (let i = 0; i < 2; i++) {
        const response = await t.v2.vaultUnlock({ ...device.createVaultUnlockRequestV2(), signatureType: SignatureTypeV2.POSSESSION_KNOWLEDGE });
        expect(response).toMatchObject({ activationId, userId, activationStatus: ActivationStatusV2.ACTIVE, signatureValid: true, remainingAttempts: 5n });
        expect(response.encryptedVaultEncryptionKey).toBeDefined();
        // Throws unless the key decrypts the device private key under the counter the device expects.
        device.processVaultUnlockResponseV2({ encryptedVaultEncryptionKey: response.encryptedVaultEncryptionKey ?? "" });
        expect(device.vaultUnlocked).toBe(true);
      }
      const byDeviceKey = device.signWithDevicePrivateKey("2.x vault proof");
      expect((await t.v3.verifyECDSASignature(byDeviceKey)).signatureValid).toBe(true);
      expect(await signAndVerify(t.v3, device)).toMatchObject({ signatureValid: true });
    });

    it("answers a wrong PIN without the key (counted), refuses one-factor signatures (ERR0012), and reports an unknown activation as REMOVED", async () => {
      const { device, activationId } = await activateDeviceV2(t, app);
      const before = await scrape(t.core.url);
      const request = device.createVaultUnlockRequestV2();
      const wrong = await t.v2.vaultUnlock({ ...corruptSignature(request), signatureType: SignatureTypeV2.POSSESSION_KNOWLEDGE });
      expect(wrong).toMatchObject({ activationId, signatureValid: false, activationStatus: ActivationStatusV2.ACTIVE, remainingAttempts: 4n });
      expect(wrong.encryptedVaultEncryptionKey).toBeUndefined();
      const possession = device.createVaultUnlockRequestV2("POSSESSION");
      expect(await errorCodeOf(t.v2.vaultUnlock({ ...possession, signatureType: SignatureTypeV2.POSSESSION }))).toBe("ERR0012");
      const unknown = await t.v2.vaultUnlock({ ...request, activationId: randomUUID(), signatureType: SignatureTypeV2.POSSESSION_KNOWLEDGE });
      expect(unknown).toMatchObject({ signatureValid: false, userId: "UNKNOWN", activationStatus: ActivationStatusV2.REMOVED, remainingAttempts: 0n });
      // In the core's signature verification counter, as VerifySignature's: only the wrong PIN was checked.
      const after = await scrape(t.core.url);
      const verifications = (result: string) =>
        (valueOf(after, "powerauth_signature_verifications_total", { result }) ?? 0) - (valueOf(before, "powerauth_signature_verifications_total", { result }) ?? 0);
      expect([verifications("valid"), verifications("invalid"), verifications("blocked")]).toEqual([0, 1, 0]);
      expect(await signAndVerify(t.v3, device)).toMatchObject({ signatureValid: true });
    });
  });

  describe("protocol 2.x tokens and end-to-end encryption keys", () => {
    it("issues a token under master-key ECIES (v2 CreateToken) that validates with its digest", async () => {
      const { device, activationId, userId } = await activateDeviceV2(t, app);
      // The intermediate verifies the device's signature of the token request first.
      expect((await t.v3.verifySignature(verifySignatureRequest(device.signRequest("POST", "/pa/token/create", "{}", "POSSESSION_KNOWLEDGE"))))
        .signatureValid).toBe(true);
      const response = await t.v2.createToken({ ...device.createTokenRequestV2(), signatureType: SignatureTypeV2.POSSESSION_KNOWLEDGE });
      const token = device.processTokenResponseV2(response);
      expect(Buffer.from(token.tokenSecret, "base64")).toHaveLength(16);
      expect(await t.v3.validateToken(tokenDigest(device, token))).toMatchObject({
        tokenValid: true,
        activationId,
        userId,
        applicationId: app.applicationId,
        signatureType: SignatureType.POSSESSION_KNOWLEDGE,
      });
      const unknown = t.v2.createToken({ ...device.createTokenRequestV2(), activationId: randomUUID(), signatureType: SignatureTypeV2.POSSESSION });
      expect(await errorCodeOf(unknown)).toBe("ERR0009");
    });

    it("derives the personalized key the device derives itself, with the caller's index or a fresh one", async () => {
      const { device, activationId } = await activateDeviceV2(t, app);
      const sessionIndex = Buffer.alloc(16, 7).toString("base64");
      const withIndex = await t.v2.getPersonalizedEncryptionKey({ activationId, sessionIndex });
      expect(withIndex).toMatchObject({ activationId, encryptionKeyIndex: sessionIndex, encryptionKey: device.personalizedEncryptionKey(sessionIndex) });
      const fresh = await t.v2.getPersonalizedEncryptionKey({ activationId });
      expect(Buffer.from(fresh.encryptionKeyIndex, "base64")).toHaveLength(16);
      expect(fresh.encryptionKeyIndex).not.toBe(sessionIndex);
      expect(fresh.encryptionKey).toBe(device.personalizedEncryptionKey(fresh.encryptionKeyIndex));
      await t.v3.blockActivation({ activationId });
      expect(await errorCodeOf(t.v2.getPersonalizedEncryptionKey({ activationId, sessionIndex }))).toBe("ERR0009");
    });

    it("derives the non-personalized key the app derives itself from its ephemeral key", async () => {
      const { expectedEncryptionKey, ...request } = newDevice(app, "3.0").createNonPersonalizedEncryptionKeyRequest();
      const response = await t.v2.getNonPersonalizedEncryptionKey(request);
      expect(response).toMatchObject({
        applicationKey: app.applicationKey,
        applicationId: app.applicationId,
        encryptionKey: expectedEncryptionKey,
        encryptionKeyIndex: request.sessionIndex,
        ephemeralPublicKey: request.ephemeralPublicKey,
      });
      const otherKey = t.v2.getNonPersonalizedEncryptionKey({ ...request, applicationKey: Buffer.alloc(16, 1).toString("base64") });
      expect(await errorCodeOf(otherKey)).toBe("ERR0015");
    });
  });

  describe("upgrade 2.x → 3.0", () => {
    it("hands out the same CTR_DATA twice, commits after a forced 3.0 signature, then the activation signs as 3.0", async () => {
      const { device, activationId } = await activateDeviceV2(t, app);
      expect((await signAndVerify(t.v3, device)).signatureValid).toBe(true);
      const first = device.processStartUpgradeResponse(await t.v3.startUpgrade(device.createStartUpgradeRequest()));
      const second = device.processStartUpgradeResponse(await t.v3.startUpgrade(device.createStartUpgradeRequest()));
      expect(Buffer.from(first.ctrData, "base64")).toHaveLength(16);
      expect(second.ctrData).toBe(first.ctrData);
      // Until the commit it is still a version 2 activation, signing with the numeric counter.
      expect((await statusOf(t, device)).blob).toEqual(FRESH_V2_STATUS);
      expect((await signAndVerify(t.v3, device)).signatureValid).toBe(true);

      const commitSignature = device.signUpgradeCommit("POSSESSION");
      const verified = await t.v3.verifySignature({ ...verifySignatureRequest(commitSignature), forcedSignatureVersion: 3n });
      expect(verified).toMatchObject({ signatureValid: true, activationId });
      expect(await t.v3.commitUpgrade({ activationId, applicationKey: app.applicationKey })).toMatchObject({ committed: true });
      device.finishUpgrade();

      expect((await statusOf(t, device)).blob).toEqual({ ...FRESH_V2_STATUS, currentVersion: 3 });
      for (let i = 0; i < 2; i++) expect(await signAndVerify(t.v3, device)).toMatchObject({ signatureValid: true, activationId });
      // A 3.1 app now checks its CTR_DATA against the server's hash: in step.
      device.protocolVersion = "3.1";
      expect((await statusOf(t, device)).blob.counterDistance).toBe(0);
      expect((await signAndVerify(t.v3, device)).signatureValid).toBe(true);
      // Done: a second commit or start is for a version 3 activation.
      expect(await errorCodeOf(t.v3.commitUpgrade({ activationId, applicationKey: app.applicationKey }))).toBe("ERR0008");
    });

    it("refuses to upgrade a 3.0 activation or a blocked one (ERR0008), an unknown one (ERR0009) and another application's key (ERR0015)", async () => {
      const v3 = await activateDevice(t.v3, app, { protocolVersion: "3.0" });
      expect(await errorCodeOf(t.v3.startUpgrade(v3.device.createStartUpgradeRequest()))).toBe("ERR0008");
      expect(await errorCodeOf(t.v3.commitUpgrade({ activationId: v3.activationId, applicationKey: app.applicationKey }))).toBe("ERR0008");

      const { device, activationId } = await activateDeviceV2(t, app);
      const other = await createTestApplication(t.v3);
      expect(await errorCodeOf(t.v3.startUpgrade({ ...device.createStartUpgradeRequest(), applicationKey: other.applicationKey }))).toBe("ERR0015");
      expect(await errorCodeOf(t.v3.startUpgrade({ ...device.createStartUpgradeRequest(), activationId: randomUUID() }))).toBe("ERR0009");
      // No CTR_DATA handed out yet: nothing to commit.
      expect(await errorCodeOf(t.v3.commitUpgrade({ activationId, applicationKey: app.applicationKey }))).toBe("ERR0008");
      await t.v3.blockActivation({ activationId });
      expect(await errorCodeOf(t.v3.startUpgrade(device.createStartUpgradeRequest()))).toBe("ERR0008");
    });

    it("ignores forcedSignatureVersion 3 before StartUpgrade: a version 2 activation without CTR_DATA verifies with the numeric counter", async () => {
      const { device } = await activateDeviceV2(t, app);
      const verified = await t.v3.verifySignature({ ...verifySignatureRequest(signed(device)), forcedSignatureVersion: 3n });
      expect(verified.signatureValid).toBe(true);
    });
  });
});
