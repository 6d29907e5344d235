import { ActivationStatus, PowerAuthService, SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatedDevice } from "./simulator/index.ts";
import {
  corruptSignature,
  createTestApplication,
  errorCodeOf,
  FRESH_ACTIVE_STATUS,
  issueToken,
  newDevice,
  signAndVerify,
  tokenDigest,
  vaultUnlockRequest,
  verifySignatureRequest,
} from "./support/powerauth-flows.ts";
import type { TestApplication, V3Client } from "./support/powerauth-flows.ts";
import { callSoap, serviceFault } from "./support/soap-client.ts";
import { createSoapProtoClient } from "./support/soap-proto-client.ts";
import { startStack } from "./support/stack.ts";
import type { Stack } from "./support/stack.ts";

// One simulated device from nothing to removed, through the product as a legacy client sees it: the three real
// processes (core, SOAP gateway, REST gateway) and nothing but raw SOAP 1.1 envelopes against the gateway, each
// answer validated against the XSD. The steps run in order and share the device.

let stack: Stack;
let soap: V3Client;

beforeAll(async () => {
  stack = await startStack();
  soap = createSoapProtoClient(PowerAuthService, stack.soapUrl);
});

afterAll(async () => {
  await stack?.stop();
});

describe("a device from scratch through SOAP", () => {
  const userId = `e2e-user-${process.pid}`;
  let app: TestApplication;
  let device: SimulatedDevice;
  let activationId: string;

  it("creates an application and reads its keys (CreateApplication, GetApplicationDetail)", async () => {
    app = await createTestApplication(soap, `e2e-activation-${process.pid}`);
    expect(Buffer.from(app.masterPublicKey, "base64")).toHaveLength(65);
    expect(Buffer.from(app.applicationKey, "base64")).toHaveLength(16);
  });

  it("inits an activation whose code the device trusts (InitActivation)", async () => {
    const init = await soap.initActivation({ userId, applicationId: app.applicationId });
    expect(init).toMatchObject({ userId, applicationId: app.applicationId });
    expect(init.activationCode).toMatch(/^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/);
    device = newDevice(app, "3.1");
    expect(device.verifyActivationCodeSignature(init.activationCode, init.activationSignature)).toBe(true);
    activationId = init.activationId;
    const created = await soap.getActivationStatus({ activationId });
    expect(created).toMatchObject({ activationStatus: ActivationStatus.CREATED, activationCode: init.activationCode, userId });
  });

  it("exchanges keys with the device (PrepareActivation) and leaves the activation OTP_USED", async () => {
    const { activationCode } = await soap.getActivationStatus({ activationId });
    const prepared = await soap.prepareActivation({
      activationCode: activationCode ?? "",
      applicationKey: app.applicationKey,
      ...device.createActivationRequest({ activationName: "e2e phone" }),
    });
    expect(prepared).toMatchObject({ activationId, userId });
    expect(device.processActivationResponse(prepared)).toMatchObject({ activationId });
    const pending = await soap.getActivationStatus({ activationId });
    expect(pending).toMatchObject({ activationStatus: ActivationStatus.OTP_USED, activationName: "e2e phone" });
    expect(pending.devicePublicKeyFingerprint).toBe(device.fingerprint());
  });

  it("commits without an OTP (CommitActivation), and a second commit is a SOAP-ENV:Server fault with ERR0008", async () => {
    expect(await soap.commitActivation({ activationId, externalUserId: "e2e-operator" })).toMatchObject({ activationId, activated: true });
    const again = await callSoap(stack.soapUrl, "v3", "CommitActivation", { activationId });
    expect(again.status).toBe(500);
    expect(again.fault).toEqual(serviceFault("ERR0008", "Incorrect activation state."));
  });

  it("reports the status without a challenge (3.0 blob, no nonce) and with one (3.1 blob and nonce)", async () => {
    const plain = await soap.getActivationStatus({ activationId });
    expect(plain).toMatchObject({ activationId, activationStatus: ActivationStatus.ACTIVE, userId, applicationId: app.applicationId, version: 3n });
    expect(plain.encryptedStatusBlobNonce).toBeUndefined();
    expect(device.processStatusResponse(plain)).toEqual(FRESH_ACTIVE_STATUS);
    const challenged = await soap.getActivationStatus(device.createStatusRequest());
    expect(Buffer.from(challenged.encryptedStatusBlobNonce ?? "", "base64")).toHaveLength(16);
    expect(device.processStatusResponse(challenged)).toMatchObject({ activationStatus: 3, ctrByte: 0, ctrLookAhead: 20, counterDistance: 0 });
  });

  it("verifies a valid signature and refuses one with a wrong PIN, counting it (VerifySignature)", async () => {
    expect(await signAndVerify(soap, device)).toMatchObject({
      signatureValid: true,
      activationStatus: ActivationStatus.ACTIVE,
      activationId,
      userId,
      signatureType: SignatureType.POSSESSION_KNOWLEDGE,
      remainingAttempts: 5n,
    });
    const wrong = corruptSignature(device.signRequest("POST", "/pa/signature/validate", '{"amount":1}', "POSSESSION_KNOWLEDGE"));
    expect(await soap.verifySignature(verifySignatureRequest(wrong))).toMatchObject({ signatureValid: false, remainingAttempts: 4n });
    expect(device.processStatusResponse(await soap.getActivationStatus(device.createStatusRequest()))).toMatchObject({ failedAttempts: 1 });
  });

  it("issues a token that validates with the device's digest (CreateToken, ValidateToken)", async () => {
    const token = await issueToken(soap, device);
    expect(await soap.validateToken(tokenDigest(device, token))).toMatchObject({
      tokenValid: true,
      activationId,
      userId,
      applicationId: app.applicationId,
      signatureType: SignatureType.POSSESSION_KNOWLEDGE,
    });
    expect((await soap.validateToken({ ...tokenDigest(device, token), tokenDigest: "AAAA" })).tokenValid).toBe(false);
  });

  it("unlocks the vault, whose key opens the device private key for an ECDSA signature (VaultUnlock, VerifyECDSASignature)", async () => {
    const response = await soap.vaultUnlock(vaultUnlockRequest(device));
    expect(response.signatureValid).toBe(true);
    device.processVaultUnlockResponse({ encryptedData: response.encryptedData ?? "", mac: response.mac ?? "" });
    expect(device.vaultUnlocked).toBe(true);
    const signed = device.signWithDevicePrivateKey("payment 42");
    expect((await soap.verifyECDSASignature(signed)).signatureValid).toBe(true);
  });

  it("creates a personalized offline payload the device trusts and verifies its offline signature", async () => {
    const payload = await soap.createPersonalizedOfflineSignaturePayload({ activationId, data: "A1*Z100CZK*Q238400856/0300**D20190629" });
    expect(device.verifyOfflinePayload(payload.offlineData)).toBe(true);
    const signed = device.signOffline("/operation/authorize/offline", "A1*Z100CZK", payload.nonce);
    expect(await soap.verifyOfflineSignature(signed)).toMatchObject({ signatureValid: true, activationId, remainingAttempts: 5n });
  });

  it("removes the activation (RemoveActivation): status REMOVED, signatures invalid, its tokens ERR0008", async () => {
    const token = await issueToken(soap, device, "POSSESSION");
    expect(await soap.removeActivation({ activationId })).toMatchObject({ activationId, removed: true });
    expect((await soap.getActivationStatus({ activationId })).activationStatus).toBe(ActivationStatus.REMOVED);
    expect(await signAndVerify(soap, device)).toMatchObject({ signatureValid: false, activationStatus: ActivationStatus.REMOVED });
    expect(await errorCodeOf(soap.validateToken(tokenDigest(device, token)))).toBe("ERR0008");
    const list = await soap.getActivationListForUser({ userId });
    expect(list.activations.map((activation) => [activation.activationId, activation.activationStatus])).toEqual([
      [activationId, ActivationStatus.REMOVED],
    ]);
  });
});
