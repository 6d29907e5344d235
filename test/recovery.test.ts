import { randomUUID } from "node:crypto";
import { ActivationStatus, RecoveryCodeStatus, RecoveryPukStatus } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { SimulatedPrintingCenter } from "./simulator/index.ts";
import {
  activateDevice,
  createTestApplication,
  describeEachSurface,
  errorCodeOf,
  schemaViolation,
  signAndVerify,
  useCoreWithApplication,
} from "./support/powerauth-flows.ts";
import type { TestApplication } from "./support/powerauth-flows.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import {
  codeStates,
  confirmRecoveryCode,
  enableRecovery,
  recoverDevice,
  recoveryActivationRequest,
  recoveryErrorOf,
  wrongPuk,
} from "./support/recovery-flows.ts";

// Activation recovery end to end through gRPC and through SOAP (answers validated against the original XSD): the
// simulator plays the phone, a second phone that replaces it, and the printing centre of recovery postcards.

const RECOVERY_CODE = /^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/;
const MASKED = /^XXXXX-XXXXX-XXXXX-[A-Z2-7]{5}$/;

describeEachSurface((t, app, surface) => {
  describe("recovery configuration", () => {
    it("starts all off, creates the server's postcard key once, normalises and clears the printing centre's key", async () => {
      const own = await createTestApplication(t.v3);
      const initial = await t.v3.getRecoveryConfig({ applicationId: own.applicationId });
      expect(initial).toMatchObject({ applicationId: own.applicationId, activationRecoveryEnabled: false, recoveryPostcardEnabled: false });
      expect(initial.postcardPublicKey ?? "").toBe("");
      expect(initial.remotePostcardPublicKey ?? "").toBe("");

      const center = new SimulatedPrintingCenter();
      expect(
        await t.v3.updateRecoveryConfig({
          applicationId: own.applicationId,
          activationRecoveryEnabled: true,
          recoveryPostcardEnabled: true,
          allowMultipleRecoveryCodes: true,
          remotePostcardPublicKey: center.publicKey,
        }),
      ).toMatchObject({ updated: true });
      const enabled = await t.v3.getRecoveryConfig({ applicationId: own.applicationId });
      expect(enabled).toMatchObject({
        activationRecoveryEnabled: true,
        recoveryPostcardEnabled: true,
        allowMultipleRecoveryCodes: true,
        remotePostcardPublicKey: center.publicKey,
      });
      const serverKey = Buffer.from(enabled.postcardPublicKey ?? "", "base64");
      expect(serverKey).toHaveLength(65);
      expect(serverKey[0]).toBe(4);

      // Turning postcards off and on again keeps the key pair the printing centre already knows; "" clears the remote key.
      await t.v3.updateRecoveryConfig({ applicationId: own.applicationId, activationRecoveryEnabled: true, recoveryPostcardEnabled: false });
      await t.v3.updateRecoveryConfig({
        applicationId: own.applicationId,
        activationRecoveryEnabled: true,
        recoveryPostcardEnabled: true,
        remotePostcardPublicKey: "",
      });
      const again = await t.v3.getRecoveryConfig({ applicationId: own.applicationId });
      expect(again.postcardPublicKey).toBe(enabled.postcardPublicKey);
      expect(again.remotePostcardPublicKey ?? "").toBe("");
      expect(again.allowMultipleRecoveryCodes).toBe(true);
    });

    it("refuses a printing-centre key that is not a P-256 point with ERR0010 and an unknown application with ERR0024", async () => {
      const own = await createTestApplication(t.v3);
      const update = (remotePostcardPublicKey: string) =>
        t.v3.updateRecoveryConfig({ applicationId: own.applicationId, activationRecoveryEnabled: true, recoveryPostcardEnabled: true, remotePostcardPublicKey });
      const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString("base64");
      for (const bad of ["not base64!", "AAAA", offCurve, Buffer.alloc(33).toString("base64")]) {
        expect(await errorCodeOf(update(bad))).toBe("ERR0010");
      }
      expect((await t.v3.getRecoveryConfig({ applicationId: own.applicationId })).remotePostcardPublicKey ?? "").toBe("");
      expect(await errorCodeOf(t.v3.getRecoveryConfig({ applicationId: 999_999_999n }))).toBe("ERR0024");
      expect(
        await errorCodeOf(t.v3.updateRecoveryConfig({ applicationId: 999_999_999n, activationRecoveryEnabled: true, recoveryPostcardEnabled: false })),
      ).toBe("ERR0024");
    });
  });

  describe("recovery code issued with an activation", () => {
    it("no recovery code while the application does not enable it", async () => {
      const own = await createTestApplication(t.v3);
      const { device, userId } = await activateDevice(t.v3, own);
      expect(device.activationRecovery).toBeNull();
      expect(await codeStates(t.v3, { userId })).toEqual([]);
    });

    it("code from activation → commit → confirm → wrong PUK (ERR0028, index 1) → recovery activation → commit → signature", async () => {
      await enableRecovery(t.v3, app);
      const { device, activationId, userId } = await activateDevice(t.v3, app, { commit: false });
      const issued = device.activationRecovery;
      expect(issued?.recoveryCode).toMatch(RECOVERY_CODE);
      expect(issued?.puk).toMatch(/^\d{10}$/);
      const { recoveryCode, puk } = issued as { recoveryCode: string; puk: string };
      expect(await codeStates(t.v3, { activationId })).toMatchObject([
        { status: "CREATED", activationId, masked: `XXXXX-XXXXX-XXXXX-${recoveryCode.slice(-5)}`, puks: ["1:VALID"] },
      ]);

      await t.v3.commitActivation({ activationId });
      expect(await codeStates(t.v3, { activationId })).toMatchObject([{ status: "ACTIVE", puks: ["1:VALID"] }]);
      const confirmed = await confirmRecoveryCode(t.v3, device, recoveryCode);
      expect(confirmed).toMatchObject({ alreadyConfirmed: true, response: { activationId, userId } });

      const wrong = recoveryActivationRequest(app, recoveryCode, wrongPuk(puk));
      expect(await recoveryErrorOf(t.v3.recoveryCodeActivation(wrong.request))).toEqual({ code: "ERR0028", currentRecoveryPukIndex: 1n });

      const recovered = await recoverDevice(t.v3, app, recoveryCode, puk);
      expect(recovered.response.userId).toBe(userId);
      expect(recovered.result.activationId).not.toBe(activationId);
      expect(recovered.result.activationRecovery?.recoveryCode).toMatch(RECOVERY_CODE);
      expect(recovered.result.activationRecovery?.recoveryCode).not.toBe(recoveryCode);
      // The lost phone's activation is removed, its code revoked with the PUK that was used kept as USED.
      expect((await t.v3.getActivationStatus({ activationId })).activationStatus).toBe(ActivationStatus.REMOVED);
      expect(await codeStates(t.v3, { activationId })).toMatchObject([{ status: "REVOKED", puks: ["1:USED"] }]);
      expect(await codeStates(t.v3, { activationId: recovered.result.activationId })).toMatchObject([{ status: "CREATED", puks: ["1:VALID"] }]);
      // A used code cannot be used twice.
      expect(await errorCodeOf(t.v3.recoveryCodeActivation(recoveryActivationRequest(app, recoveryCode, puk).request))).toBe("ERR0024");

      const newActivationId = recovered.result.activationId;
      expect((await t.v3.getActivationStatus({ activationId: newActivationId })).activationStatus).toBe(ActivationStatus.OTP_USED);
      await t.v3.commitActivation({ activationId: newActivationId });
      expect((await signAndVerify(t.v3, recovered.device)).signatureValid).toBe(true);
      expect(await codeStates(t.v3, { activationId: newActivationId })).toMatchObject([{ status: "ACTIVE" }]);
    });

    it("blocks the code at the limit of wrong PUKs (5): the fifth answers ERR0028 without an index, then the code is refused", async () => {
      await enableRecovery(t.v3, app);
      const { device, activationId } = await activateDevice(t.v3, app);
      const { recoveryCode, puk } = device.activationRecovery as { recoveryCode: string; puk: string };
      for (let attempt = 1; attempt <= 4; attempt++) {
        const wrong = recoveryActivationRequest(app, recoveryCode, wrongPuk(puk));
        expect(await recoveryErrorOf(t.v3.recoveryCodeActivation(wrong.request))).toEqual({ code: "ERR0028", currentRecoveryPukIndex: 1n });
      }
      const last = recoveryActivationRequest(app, recoveryCode, wrongPuk(puk));
      expect(await recoveryErrorOf(t.v3.recoveryCodeActivation(last.request))).toEqual({ code: "ERR0028", currentRecoveryPukIndex: undefined });
      expect(await codeStates(t.v3, { activationId })).toMatchObject([{ status: "BLOCKED", puks: ["1:INVALID"] }]);
      expect(await errorCodeOf(t.v3.recoveryCodeActivation(recoveryActivationRequest(app, recoveryCode, puk).request))).toBe("ERR0024");
      expect((await t.v3.getActivationStatus({ activationId })).activationStatus).toBe(ActivationStatus.ACTIVE);
    });

    it("a right PUK after wrong ones resets the count; a CREATED (uncommitted) code, a malformed PUK and recovery turned off are refused", async () => {
      await enableRecovery(t.v3, app);
      const pending = await activateDevice(t.v3, app, { commit: false });
      const pendingCode = pending.device.activationRecovery as { recoveryCode: string; puk: string };
      expect(await errorCodeOf(t.v3.recoveryCodeActivation(recoveryActivationRequest(app, pendingCode.recoveryCode, pendingCode.puk).request))).toBe(
        "ERR0024",
      );
      const malformed = recoveryActivationRequest(app, pendingCode.recoveryCode, "12345");
      expect(await errorCodeOf(t.v3.recoveryCodeActivation(malformed.request))).toBe("ERR0024");

      const other = await createTestApplication(t.v3);
      await enableRecovery(t.v3, other);
      const { device } = await activateDevice(t.v3, other);
      const { recoveryCode, puk } = device.activationRecovery as { recoveryCode: string; puk: string };
      await t.v3.updateRecoveryConfig({ applicationId: other.applicationId, activationRecoveryEnabled: false, recoveryPostcardEnabled: false });
      expect(await errorCodeOf(t.v3.recoveryCodeActivation(recoveryActivationRequest(other, recoveryCode, puk).request))).toBe("ERR0024");
      await enableRecovery(t.v3, other);
      const wrong = recoveryActivationRequest(other, recoveryCode, wrongPuk(puk));
      expect(await recoveryErrorOf(t.v3.recoveryCodeActivation(wrong.request))).toMatchObject({ code: "ERR0028" });
      const recovered = await recoverDevice(t.v3, other, recoveryCode, puk);
      expect(recovered.result.activationRecovery).not.toBeNull();
    });

    it("RemoveActivation with revokeRecoveryCodes revokes the activation's code and invalidates its PUK; without it the code stays", async () => {
      await enableRecovery(t.v3, app);
      const kept = await activateDevice(t.v3, app);
      await t.v3.removeActivation({ activationId: kept.activationId });
      expect(await codeStates(t.v3, { activationId: kept.activationId })).toMatchObject([{ status: "ACTIVE", puks: ["1:VALID"] }]);

      const revoked = await activateDevice(t.v3, app);
      expect(await t.v3.removeActivation({ activationId: revoked.activationId, revokeRecoveryCodes: true })).toMatchObject({ removed: true });
      expect(await codeStates(t.v3, { activationId: revoked.activationId })).toMatchObject([{ status: "REVOKED", puks: ["1:INVALID"] }]);
      const { recoveryCode, puk } = revoked.device.activationRecovery as { recoveryCode: string; puk: string };
      expect(await errorCodeOf(t.v3.recoveryCodeActivation(recoveryActivationRequest(app, recoveryCode, puk).request))).toBe("ERR0024");
    });

    it("ConfirmRecoveryCode refuses another user's code, an unknown code and a malformed one", async () => {
      await enableRecovery(t.v3, app);
      const mine = await activateDevice(t.v3, app);
      const theirs = await activateDevice(t.v3, app);
      const theirCode = (theirs.device.activationRecovery as { recoveryCode: string }).recoveryCode;
      expect(await errorCodeOf(confirmRecoveryCode(t.v3, mine.device, theirCode))).toBe("ERR0024");
      expect(await errorCodeOf(confirmRecoveryCode(t.v3, mine.device, "AAAAA-AAAAA-AAAAA-AAAAA"))).toBe("ERR0027");
      expect(await errorCodeOf(confirmRecoveryCode(t.v3, mine.device, "AAAAA-AAAAA-AAAAA-BAAAA"))).toBe("ERR0024");
      const unknown = mine.device.createConfirmRecoveryCodeRequest("AAAAA-AAAAA-AAAAA-AAAAA");
      const { signedRequest: _signed, ...fields } = unknown;
      expect(await errorCodeOf(t.v3.confirmRecoveryCode({ ...fields, activationId: randomUUID() }))).toBe("ERR0009");
    });
  });

  describe("recovery postcards", () => {
    it("the printing centre derives code and PUKs from the nonce and indexes; confirm, then each PUK in turn", async () => {
      const own = await createTestApplication(t.v3);
      const center = new SimulatedPrintingCenter();
      await enableRecovery(t.v3, own, { postcards: true, remotePostcardPublicKey: center.publicKey });
      const serverKey = (await t.v3.getRecoveryConfig({ applicationId: own.applicationId })).postcardPublicKey ?? "";
      const { userId, device } = await activateDevice(t.v3, own);

      const created = await t.v3.createRecoveryCode({ applicationId: own.applicationId, userId, pukCount: 3n });
      expect(created).toMatchObject({ userId, status: RecoveryCodeStatus.CREATED });
      expect(Buffer.from(created.nonce, "base64")).toHaveLength(32);
      expect(created.recoveryCodeMasked).toMatch(MASKED);
      expect(created.puks.map((puk) => [puk.pukIndex, puk.status])).toEqual([
        [1n, RecoveryPukStatus.VALID],
        [2n, RecoveryPukStatus.VALID],
        [3n, RecoveryPukStatus.VALID],
      ]);
      const card = center.printPostcard(serverKey, created.nonce, created.puks.map((puk) => puk.pukDerivationIndex));
      expect(card.recoveryCode).toMatch(RECOVERY_CODE);
      expect(created.recoveryCodeMasked).toBe(`XXXXX-XXXXX-XXXXX-${card.recoveryCode.slice(-5)}`);
      expect(new Set(card.puks).size).toBe(3);

      // Not usable before the user confirms it from an activated device.
      expect(await errorCodeOf(t.v3.recoveryCodeActivation(recoveryActivationRequest(own, card.recoveryCode, card.puks[0]).request))).toBe("ERR0024");
      expect((await confirmRecoveryCode(t.v3, device, card.recoveryCode)).alreadyConfirmed).toBe(false);
      expect((await confirmRecoveryCode(t.v3, device, card.recoveryCode)).alreadyConfirmed).toBe(true);

      // The second PUK is not the current one: it counts as wrong and the index stays 1.
      const early = recoveryActivationRequest(own, card.recoveryCode, card.puks[1]);
      expect(await recoveryErrorOf(t.v3.recoveryCodeActivation(early.request))).toEqual({ code: "ERR0028", currentRecoveryPukIndex: 1n });
      const first = await recoverDevice(t.v3, own, card.recoveryCode, card.puks[0]);
      expect(first.response.userId).toBe(userId);
      // A postcard is bound to no activation: nothing is removed and the card stays ACTIVE with the next PUK.
      const cardState = (await codeStates(t.v3, { userId })).find((code) => code.id === created.recoveryCodeId);
      expect(cardState).toMatchObject({ status: "ACTIVE", puks: ["1:USED", "2:VALID", "3:VALID"] });
      expect((await t.v3.getActivationStatus({ activationId: device.activationId as string })).activationStatus).toBe(ActivationStatus.ACTIVE);
      const wrongSecond = recoveryActivationRequest(own, card.recoveryCode, card.puks[2]);
      expect(await recoveryErrorOf(t.v3.recoveryCodeActivation(wrongSecond.request))).toEqual({ code: "ERR0028", currentRecoveryPukIndex: 2n });
      const second = await recoverDevice(t.v3, own, card.recoveryCode, card.puks[1]);
      await t.v3.commitActivation({ activationId: second.result.activationId });
      expect((await signAndVerify(t.v3, second.device)).signatureValid).toBe(true);
    });

    it("one live postcard per user unless the application allows several; refused without a complete configuration", async () => {
      const own = await createTestApplication(t.v3);
      const userId = `user-${randomUUID()}`;
      const create = (pukCount = 1n) => t.v3.createRecoveryCode({ applicationId: own.applicationId, userId, pukCount });
      expect(await errorCodeOf(create())).toBe("ERR0029");
      await enableRecovery(t.v3, own, { postcards: true });
      expect(await errorCodeOf(create())).toBe("ERR0029");
      const center = new SimulatedPrintingCenter();
      await enableRecovery(t.v3, own, { postcards: true, remotePostcardPublicKey: center.publicKey });
      const first = await create();
      expect(await errorCodeOf(create())).toBe("ERR0025");
      await enableRecovery(t.v3, own, { postcards: true, allowMultipleRecoveryCodes: true });
      const second = await create();
      expect(second.recoveryCodeId).not.toBe(first.recoveryCodeId);
      expect(await errorCodeOf(create(0n))).toBe("ERR0024");
      expect(await errorCodeOf(create(101n))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.createRecoveryCode({ applicationId: 999_999_999n, userId, pukCount: 1n }))).toBe("ERR0024");
    });
  });

  describe("lookup and revoke", () => {
    it("finds a user's or an activation's codes with status and PUK filters; revokes by id, ignoring unknown ids", async () => {
      const own = await createTestApplication(t.v3);
      const center = new SimulatedPrintingCenter();
      await enableRecovery(t.v3, own, { postcards: true, remotePostcardPublicKey: center.publicKey, allowMultipleRecoveryCodes: true });
      const { userId, activationId } = await activateDevice(t.v3, own);
      const postcard = await t.v3.createRecoveryCode({ applicationId: own.applicationId, userId, pukCount: 2n });

      const all = await codeStates(t.v3, { userId });
      expect(all.map((code) => code.status).sort()).toEqual(["ACTIVE", "CREATED"]);
      expect(all.every((code) => MASKED.test(code.masked))).toBe(true);
      const byActivation = await t.v3.lookupRecoveryCodes({ activationId });
      expect(byActivation.recoveryCodes.map((code) => code.activationId)).toEqual([activationId]);
      const created = await t.v3.lookupRecoveryCodes({ userId, recoveryCodeStatus: RecoveryCodeStatus.CREATED });
      expect(created.recoveryCodes.map((code) => code.recoveryCodeId)).toEqual([postcard.recoveryCodeId]);
      expect((await t.v3.lookupRecoveryCodes({ userId, applicationId: own.applicationId })).recoveryCodes).toHaveLength(2);
      expect((await t.v3.lookupRecoveryCodes({ userId, applicationId: app.applicationId })).recoveryCodes).toHaveLength(0);
      expect((await t.v3.lookupRecoveryCodes({ userId, recoveryPukStatus: RecoveryPukStatus.USED })).recoveryCodes).toHaveLength(0);
      expect(await errorCodeOf(t.v3.lookupRecoveryCodes({ applicationId: own.applicationId }))).toBe("ERR0024");

      expect(await t.v3.revokeRecoveryCodes({ recoveryCodeIds: [postcard.recoveryCodeId, 999_999_999n] })).toMatchObject({ revoked: true });
      expect(await t.v3.revokeRecoveryCodes({ recoveryCodeIds: [postcard.recoveryCodeId] })).toMatchObject({ revoked: false });
      expect(await t.v3.revokeRecoveryCodes({ recoveryCodeIds: [999_999_999n] })).toMatchObject({ revoked: false });
      const invalid = await t.v3.lookupRecoveryCodes({ userId, recoveryPukStatus: RecoveryPukStatus.INVALID });
      expect(invalid.recoveryCodes.map((code) => [code.recoveryCodeId, code.status, code.puks.length])).toEqual([
        [postcard.recoveryCodeId, RecoveryCodeStatus.REVOKED, 2],
      ]);
      expect(await errorCodeOf(t.v3.revokeRecoveryCodes({ recoveryCodeIds: [-1n] }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.revokeRecoveryCodes({ recoveryCodeIds: [] }))).toBe(schemaViolation(surface));
    });
  });
});

describe("with the master DB encryption key", () => {
  let t: CoreUnderTest;
  let app: TestApplication;
  useCoreWithApplication({ masterDbEncryptionKey: Buffer.alloc(16, 7) }, (core, application) => {
    t = core;
    app = application;
  });

  it("stores PUK hashes and the postcard private key sealed, and still recovers with a postcard PUK", async () => {
    const center = new SimulatedPrintingCenter();
    await enableRecovery(t.v3, app, { postcards: true, remotePostcardPublicKey: center.publicKey });
    const serverKey = (await t.v3.getRecoveryConfig({ applicationId: app.applicationId })).postcardPublicKey ?? "";
    const { device, userId } = await activateDevice(t.v3, app);
    const created = await t.v3.createRecoveryCode({ applicationId: app.applicationId, userId, pukCount: 1n });
    const card = center.printPostcard(serverKey, created.nonce, created.puks.map((puk) => puk.pukDerivationIndex));
    await confirmRecoveryCode(t.v3, device, card.recoveryCode);

    const puks = await t.core.db.read((tx) =>
      tx.getConnection().execute<{ puk: string; puk_encryption: number }[]>(
        "select p.puk, p.puk_encryption from pa_recovery_puk p join pa_recovery_code c on c.id = p.recovery_code_id where c.user_id = ?",
        [userId],
      ),
    );
    expect(puks).toHaveLength(2);
    for (const puk of puks) {
      expect(puk.puk_encryption).toBe(1);
      expect(puk.puk).not.toContain("argon2");
    }
    const [config] = await t.core.db.read((tx) =>
      tx.getConnection().execute<{ postcard_private_key_encryption: number }[]>(
        "select postcard_private_key_encryption from pa_recovery_config where application_id = ?",
        [Number(app.applicationId)],
      ),
    );
    expect(config.postcard_private_key_encryption).toBe(1);
    const recovered = await recoverDevice(t.v3, app, card.recoveryCode, card.puks[0]);
    expect(recovered.response.userId).toBe(userId);
  });
});
