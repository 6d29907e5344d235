import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../core/src/config.ts";
import { SimulatedIntermediateServer } from "./simulator/index.ts";
import type { SimulatedDevice } from "./simulator/index.ts";
import type { EciesFields } from "./simulator/index.ts";
import { startCoreForTest } from "./support/core-in-process.ts";
import { activateDevice, createTestApplication, describeEachSurface, errorCodeOf, newDevice } from "./support/powerauth-flows.ts";
import type { TestApplication, V3Client } from "./support/powerauth-flows.ts";

// GetEciesDecryptor through gRPC and through SOAP: the simulated intermediate server decrypts the device's
// request with nothing but the core's answer and encrypts its response, which the device opens.

async function roundTrip(v3: V3Client, application: TestApplication, device: SimulatedDevice, request: EciesFields, activationId?: string) {
  const decryptor = await v3.getEciesDecryptor({ applicationKey: application.applicationKey, ephemeralPublicKey: request.ephemeralPublicKey, activationId });
  const intermediate = new SimulatedIntermediateServer(application.applicationKey);
  const received = JSON.parse(Buffer.from(intermediate.decrypt(decryptor, request)).toString("utf8")) as unknown;
  const answer = device.processGenericResponse<{ echo: unknown }>(intermediate.encrypt(Buffer.from(JSON.stringify({ echo: received }))));
  return { decryptor, received, answer };
}

describeEachSurface((t, app, surface) => {
  describe("getEciesDecryptor (3.0 envelope, the default)", () => {
    it("application scope: 32-byte key and SHA256(appSecret); the intermediate decrypts and answers", async () => {
      const device = newDevice(app, "3.0");
      const request = device.createGenericApplicationScopeRequest({ hello: "application" });
      const { decryptor, received, answer } = await roundTrip(t.v3, app, device, request);
      expect(Buffer.from(decryptor.secretKey, "base64")).toHaveLength(32);
      expect(Buffer.from(decryptor.sharedInfo2, "base64")).toHaveLength(32);
      expect(received).toEqual({ hello: "application" });
      expect(answer).toEqual({ echo: { hello: "application" } });
    });

    it("activation scope: the activation's key and HMAC(KEY_TRANSPORT, appSecret)", async () => {
      const { device, activationId } = await activateDevice(t.v3, app, { protocolVersion: "3.0" });
      const request = device.createGenericActivationScopeRequest({ hello: "activation" });
      const { received, answer } = await roundTrip(t.v3, app, device, request, activationId);
      expect(received).toEqual({ hello: "activation" });
      expect(answer).toEqual({ echo: { hello: "activation" } });
      // The application-scope key does not open an activation-scope request.
      const other = device.createGenericActivationScopeRequest({ hello: "again" });
      const appScope = await t.v3.getEciesDecryptor({ applicationKey: app.applicationKey, ephemeralPublicKey: other.ephemeralPublicKey });
      expect(() => new SimulatedIntermediateServer(app.applicationKey).decrypt(appScope, other)).toThrow(/MAC/);
    });

    it("hands out the decryptor for one ephemeral key once: a replayed request is ERR0024 in both scopes (reference #956)", async () => {
      const device = newDevice(app, "3.0");
      const request = device.createGenericApplicationScopeRequest({ hello: "once" });
      await roundTrip(t.v3, app, device, request);
      const again = { applicationKey: app.applicationKey, ephemeralPublicKey: request.ephemeralPublicKey };
      expect(await errorCodeOf(t.v3.getEciesDecryptor(again))).toBe("ERR0024");

      const activated = await activateDevice(t.v3, app, { protocolVersion: "3.0" });
      const scoped = activated.device.createGenericActivationScopeRequest({ hello: "once" });
      await roundTrip(t.v3, app, activated.device, scoped, activated.activationId);
      const scopedAgain = { applicationKey: app.applicationKey, ephemeralPublicKey: scoped.ephemeralPublicKey, activationId: activated.activationId };
      expect(await errorCodeOf(t.v3.getEciesDecryptor(scopedAgain))).toBe("ERR0024");
      // A fresh request of the same device is served as before.
      const fresh = activated.device.createGenericActivationScopeRequest({ hello: "twice" });
      expect((await roundTrip(t.v3, app, activated.device, fresh, activated.activationId)).received).toEqual({ hello: "twice" });
    });

    it("answers like the reference: ERR0009 unknown, ERR0008 not active, ERR0015 wrong or unsupported key, ERR0018 bad point", async () => {
      const { device, activationId } = await activateDevice(t.v3, app, { protocolVersion: "3.0" });
      const ephemeralPublicKey = device.createGenericActivationScopeRequest({}).ephemeralPublicKey;
      const base = { applicationKey: app.applicationKey, ephemeralPublicKey };
      expect(await errorCodeOf(t.v3.getEciesDecryptor({ ...base, activationId: randomUUID() }))).toBe("ERR0009");
      const other = await createTestApplication(t.v3);
      expect(await errorCodeOf(t.v3.getEciesDecryptor({ ...base, activationId, applicationKey: other.applicationKey }))).toBe("ERR0015");
      expect(await errorCodeOf(t.v3.getEciesDecryptor({ ...base, applicationKey: "bm9uZQ==" }))).toBe("ERR0015");
      expect(await errorCodeOf(t.v3.getEciesDecryptor({ ...base, ephemeralPublicKey: Buffer.alloc(65, 4).toString("base64") }))).toBe("ERR0018");
      expect(await errorCodeOf(t.v3.getEciesDecryptor({ ...base, ephemeralPublicKey: "" }))).toBe("ERR0024");
      await t.v3.blockActivation({ activationId });
      expect(await errorCodeOf(t.v3.getEciesDecryptor({ ...base, activationId }))).toBe("ERR0008");
      const pending = await activateDevice(t.v3, app, { commit: false });
      expect(await errorCodeOf(t.v3.getEciesDecryptor({ ...base, activationId: pending.activationId }))).toBe("ERR0008");
    });
  });

  describe("getEciesDecryptor with POWERAUTH_ECIES_DECRYPTOR_VERSION=3.1", () => {
    it("returns a 48-byte envelope that serves 3.1 requests (IV from the request nonce) in both scopes", async () => {
      const config = loadConfig({ POWERAUTH_ECIES_DECRYPTOR_VERSION: "3.1" });
      expect(config.eciesDecryptorVersion).toBe("3.1");
      const core = await startCoreForTest({ activationExpiryJobIntervalMs: 0, eciesDecryptorVersion: config.eciesDecryptorVersion }, { surface });
      try {
        const application = await createTestApplication(core.v3);
        const device = newDevice(application, "3.1");
        const appScope = await roundTrip(core.v3, application, device, device.createGenericApplicationScopeRequest({ v: 31 }));
        expect(Buffer.from(appScope.decryptor.secretKey, "base64")).toHaveLength(48);
        expect(appScope.answer).toEqual({ echo: { v: 31 } });
        const { device: activated, activationId } = await activateDevice(core.v3, application, { protocolVersion: "3.1" });
        const request = activated.createGenericActivationScopeRequest({ v: "act" });
        expect(request.nonce).toBeDefined();
        expect((await roundTrip(core.v3, application, activated, request, activationId)).answer).toEqual({ echo: { v: "act" } });
      } finally {
        await core.close();
      }
    });
  });
});

describe("POWERAUTH_ECIES_DECRYPTOR_VERSION", () => {
  it("refuses any other version than 3.0 or 3.1 at start", () => {
    expect(() => loadConfig({ POWERAUTH_ECIES_DECRYPTOR_VERSION: "3.2" })).toThrow(ConfigError);
  });
});
