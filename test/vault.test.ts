import { SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import type { SimulatedDevice } from "./simulator/index.ts";
import { startCoreForTest } from "./support/core-in-process.ts";
import {
  activateDevice,
  aroundNow,
  createTestApplication,
  describeEachSurface,
  errorCodeOf,
  vaultUnlockRequest,
} from "./support/powerauth-flows.ts";
import type { V3Client } from "./support/powerauth-flows.ts";

// VaultUnlock and the ECDSA signature it enables, end to end through gRPC and through SOAP: the device decrypts
// its private key with the vault key from the server and signs with it.

async function unlock(v3: V3Client, device: SimulatedDevice, options: Parameters<typeof vaultUnlockRequest>[1] = {}) {
  return v3.vaultUnlock(vaultUnlockRequest(device, options));
}

describeEachSurface((t, app, surface) => {
  describe("vaultUnlock", () => {
    for (const protocolVersion of ["3.0", "3.1"] as const) {
      it(`hands a ${protocolVersion} device its vault key, which unlocks the device private key for ECDSA`, async () => {
        const { device, activationId } = await activateDevice(t.v3, app, { protocolVersion });
        const response = await unlock(t.v3, device);
        expect(response.signatureValid).toBe(true);
        const payload = device.processVaultUnlockResponse({ encryptedData: response.encryptedData ?? "", mac: response.mac ?? "" });
        expect(Buffer.from(payload.encryptedVaultEncryptionKey ?? "", "base64")).toHaveLength(32);
        expect(device.vaultUnlocked).toBe(true);

        const signed = device.signWithDevicePrivateKey("payment 42");
        expect((await t.v3.verifyECDSASignature(signed)).signatureValid).toBe(true);
        expect((await t.v3.verifyECDSASignature({ ...signed, data: Buffer.from("payment 43").toString("base64") })).signatureValid).toBe(false);
        expect(activationId).toBe(signed.activationId);
      });
    }

    it("refuses a replayed VaultUnlock request with ERR0024, counting nothing", async () => {
      const { device, userId } = await activateDevice(t.v3, app);
      const request = vaultUnlockRequest(device);
      expect((await t.v3.vaultUnlock(request)).signatureValid).toBe(true);
      const audited = (await t.v3.signatureAudit({ userId, ...aroundNow() })).items.length;
      expect(await errorCodeOf(t.v3.vaultUnlock(request))).toBe("ERR0024");
      // Refused before the signature is checked: no audit row, and the device's next unlock still works.
      expect((await t.v3.signatureAudit({ userId, ...aroundNow() })).items).toHaveLength(audited);
      expect((await unlock(t.v3, device)).signatureValid).toBe(true);
    });

    it("with a wrong PIN: no key in the encrypted answer, the failure counted and audited with the reason", async () => {
      const { device, userId } = await activateDevice(t.v3, app);
      const response = await unlock(t.v3, device, { wrongPin: true, reason: "ADD_BIOMETRY" });
      expect(response.signatureValid).toBe(false);
      expect(device.processVaultUnlockResponse({ encryptedData: response.encryptedData ?? "", mac: response.mac ?? "" })).toEqual({
        encryptedVaultEncryptionKey: null,
      });
      expect(device.vaultUnlocked).toBe(false);
      expect(device.processStatusResponse(await t.v3.getActivationStatus(device.createStatusRequest())).failedAttempts).toBe(1);
      const audit = await t.v3.signatureAudit({ userId, ...aroundNow() });
      expect(audit.items[0]).toMatchObject({ note: "signature_does_not_match", signatureType: SignatureType.POSSESSION_KNOWLEDGE });
      expect(audit.items[0].additionalInfo?.entry.map(({ key, value }) => [key, value])).toEqual([["VAULT_UNLOCKED_REASON", "ADD_BIOMETRY"]]);
      expect((await unlock(t.v3, device)).signatureValid).toBe(true);
    });

    it("answers a blocked or unknown activation with signatureValid false and no payload", async () => {
      const { device, activationId } = await activateDevice(t.v3, app);
      await t.v3.blockActivation({ activationId });
      const blocked = await unlock(t.v3, device);
      expect(blocked.signatureValid).toBe(false);
      expect(blocked.encryptedData).toBeUndefined();
      const unknown = await t.v3.vaultUnlock({ ...vaultUnlockRequest(device), activationId: crypto.randomUUID() });
      expect(unknown.signatureValid).toBe(false);
    });

    it("allows only POSSESSION_KNOWLEDGE by default (ERR0012 otherwise) and validates the reason (ERR0011)", async () => {
      const { device } = await activateDevice(t.v3, app);
      expect(await errorCodeOf(unlock(t.v3, device, { type: "POSSESSION" }))).toBe("ERR0012");
      expect(await errorCodeOf(unlock(t.v3, device, { type: "POSSESSION_BIOMETRY" }))).toBe("ERR0012");
      expect(await errorCodeOf(unlock(t.v3, device, { reason: "x" }))).toBe("ERR0011");
      expect(await errorCodeOf(unlock(t.v3, device, { reason: "no spaces allowed" }))).toBe("ERR0011");
      const request = vaultUnlockRequest(device);
      expect(await errorCodeOf(t.v3.vaultUnlock({ ...request, signedData: "" }))).toBe("ERR0024");
      expect(await errorCodeOf(t.v3.vaultUnlock({ ...request, signatureVersion: "x" }))).toBe("ERR0024");
    });

    it("accepts POSSESSION_BIOMETRY when secure vault biometry is enabled", async () => {
      const biometric = await startCoreForTest({ activationExpiryJobIntervalMs: 0, secureVaultBiometricAuthentication: true }, { surface });
      try {
        const biometricApp = await createTestApplication(biometric.v3);
        const { device } = await activateDevice(biometric.v3, biometricApp);
        expect((await unlock(biometric.v3, device, { type: "POSSESSION_BIOMETRY" })).signatureValid).toBe(true);
        expect(await errorCodeOf(unlock(biometric.v3, device, { type: "POSSESSION" }))).toBe("ERR0012");
      } finally {
        await biometric.close();
      }
    });
  });
});
