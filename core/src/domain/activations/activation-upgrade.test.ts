import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedDevice } from "../../../../test/simulator/index.ts";
import type { SignedRequest } from "../../../../test/simulator/index.ts";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { loadConfig } from "../../config.ts";
import { findActivation } from "../../persistence/activation.repository.ts";
import { createApplication } from "../applications/applications.ts";
import { verifyOnlineSignature } from "../signatures/online-signature.ts";
import { commitActivation } from "./activation-lifecycle.ts";
import { ActivationKeyCache } from "./activation-keys.ts";
import { commitUpgrade, startUpgrade } from "./activation-upgrade.ts";
import { createActivationV2 } from "./legacy-key-exchange.ts";

// The 2.x counter and the upgrade at the domain level, looking at the stored row: the numeric counter of a
// version 2 activation, forcedSignatureVersion 3 honoured only once CTR_DATA exists, one CTR_DATA however many
// StartUpgrade calls race for it, and the hash counter continuing after the commit.

let database: TestDatabase;
let application: Awaited<ReturnType<typeof createApplication>>;
const settings = loadConfig({});
const activationKeys = new ActivationKeyCache(settings);
const b64 = (value: string) => Buffer.from(value, "base64");

beforeAll(async () => {
  database = await createTestDatabase();
  application = await createApplication(database.db, {}, { name: "activation-upgrade" });
});
afterAll(async () => {
  await database?.dispose();
});

/** A custom 2.x activation (v2 CreateActivation) through the domain, committed. */
async function activeV2Device(): Promise<{ device: SimulatedDevice; activationId: string }> {
  const version = application.versions[0];
  const device = new SimulatedDevice({
    applicationKey: version.applicationKey,
    applicationSecret: version.applicationSecret,
    masterPublicKey: application.masterPublicKey,
    protocolVersion: "3.0",
  });
  const code = { identity: `id-${randomUUID()}`, activationOtp: "ABCDE-FGHIJ" };
  const request = device.createActivationRequestV2(code);
  const created = await createActivationV2(database.db, settings, {
    userId: "u",
    applicationId: application.id,
    ...code,
    activationName: request.activationName,
    extras: null,
    activationNonce: b64(request.activationNonce),
    ephemeralPublicKey: request.ephemeralPublicKey ? b64(request.ephemeralPublicKey) : null,
    encryptedDevicePublicKey: b64(request.encryptedDevicePublicKey),
    applicationKey: version.applicationKey,
    applicationSignature: b64(request.applicationSignature),
  });
  device.processActivationResponseV2({
    activationId: created.activationId,
    activationNonce: created.activationNonce.toString("base64"),
    ephemeralPublicKey: created.ephemeralPublicKey.toString("base64"),
    encryptedServerPublicKey: created.encryptedServerPublicKey.toString("base64"),
    encryptedServerPublicKeySignature: created.encryptedServerPublicKeySignature.toString("base64"),
  });
  await commitActivation(database.db, { activationId: created.activationId });
  return { device, activationId: created.activationId };
}

const verify = (signed: SignedRequest, forcedSignatureVersion?: number) =>
  verifyOnlineSignature(database.db, settings, activationKeys, { ...signed, signatureVersion: undefined, forcedSignatureVersion });

const row = (activationId: string) => database.db.read((tx) => findActivation(tx, activationId));

async function startUpgradeFor(device: SimulatedDevice): Promise<string> {
  const request = device.createStartUpgradeRequest();
  const response = await startUpgrade(database.db, activationKeys, {
    activationId: request.activationId,
    applicationKey: request.applicationKey,
    request: { ephemeralPublicKey: b64(request.ephemeralPublicKey), encryptedData: b64(request.encryptedData), mac: b64(request.mac), nonce: null },
  });
  return device.processStartUpgradeResponse({ encryptedData: response.encryptedData.toString("base64"), mac: response.mac.toString("base64") }).ctrData;
}

const sign = (device: SimulatedDevice) => device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");

describe("a version 2 activation", () => {
  it("keeps the numeric counter without CTR_DATA and ignores forcedSignatureVersion 3 until StartUpgrade", async () => {
    const { device, activationId } = await activeV2Device();
    expect(await row(activationId)).toMatchObject({ version: 2, counter: 0, ctrData: null });
    expect((await verify(sign(device), 3)).signatureValid).toBe(true);
    expect(await row(activationId)).toMatchObject({ version: 2, counter: 1, ctrData: null });
  });

  it("hands out one CTR_DATA to concurrent StartUpgrade calls (the row lock serialises them)", async () => {
    const { device, activationId } = await activeV2Device();
    // One copy of the device per request: each keeps the ECIES session of its own request.
    const copies = [0, 1, 2, 3].map(() => Object.assign(Object.create(Object.getPrototypeOf(device) as object) as SimulatedDevice, device));
    const handedOut = await Promise.all(copies.map((copy) => startUpgradeFor(copy)));
    expect(new Set(handedOut).size).toBe(1);
    expect((await row(activationId))?.ctrData).toBe(handedOut[0]);
  });

  it("after StartUpgrade verifies forced signatures with CTR_DATA and 2.x ones with the counter; the commit continues from the advanced CTR_DATA", async () => {
    const { device, activationId } = await activeV2Device();
    const ctrData = await startUpgradeFor(device);
    // A 2.x signature still verifies without forcing.
    expect((await verify(sign(device))).signatureValid).toBe(true);
    const commitSignature = device.signUpgradeCommit("POSSESSION");
    expect((await verify(commitSignature, 3)).signatureValid).toBe(true);
    const afterCommitSignature = await row(activationId);
    expect(afterCommitSignature?.version).toBe(2);
    expect(afterCommitSignature?.ctrData).not.toBe(ctrData);
    expect(await commitUpgrade(database.db, { activationId, applicationKey: application.versions[0].applicationKey })).toEqual({ committed: true });
    device.finishUpgrade();
    expect(await row(activationId)).toMatchObject({ version: 3, ctrData: Buffer.from(device.ctrData ?? []).toString("base64") });
    expect((await verify(sign(device))).signatureValid).toBe(true);
  });
});
