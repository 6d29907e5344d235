import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { loadConfig } from "../../config.ts";
import { findActivation } from "../../persistence/activation.repository.ts";
import { createApplication } from "../applications/applications.ts";
import { ServiceError } from "../errors.ts";
import { openServerPrivateKey } from "./activation-keys.ts";
import { initActivation } from "./init-activation.ts";

let database: TestDatabase;
let applicationId: number;
const settings = loadConfig({});

beforeAll(async () => {
  database = await createTestDatabase();
  applicationId = (await createApplication(database.db, {}, { name: "init-activation" })).id;
});
afterAll(async () => {
  await database?.dispose();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
  throw new Error("expected a ServiceError");
}

describe("initActivation", () => {
  it("creates a CREATED activation expiring after the configured validity, with the default failure limit", async () => {
    const result = await initActivation(database.db, settings, { userId: "alice", applicationId });
    const row = await database.db.read((tx) => findActivation(tx, result.activationId));
    expect(row).toMatchObject({ activationStatus: 1, counter: 0, failedAttempts: 0, maxFailedAttempts: 5, version: null, ctrData: null });
    expect(row!.timestampActivationExpire.getTime() - row!.timestampCreated.getTime()).toBe(settings.activationValidityMs);
  });

  it("gives up with ERR0006 when ten generated codes all collide on their first 11 characters", async () => {
    const taken = await initActivation(database.db, settings, { userId: "bob", applicationId });
    const samePrefix = () => `${taken.activationCode.slice(0, 11)}-AAAAA-AAAAA`;
    expect(await codeOf(initActivation(database.db, settings, { userId: "bob", applicationId }, { activationCode: samePrefix }))).toBe("ERR0006");
  });

  it("retries a colliding activation ID and gives up with ERR0005 after ten", async () => {
    const taken = await initActivation(database.db, settings, { userId: "carol", applicationId });
    let calls = 0;
    const collidingOnce = () => (calls++ === 0 ? taken.activationId : crypto.randomUUID());
    const retried = await initActivation(database.db, settings, { userId: "carol", applicationId }, { activationId: collidingOnce });
    expect(retried.activationId).not.toBe(taken.activationId);
    expect(calls).toBe(2);
    expect(await codeOf(initActivation(database.db, settings, { userId: "carol", applicationId }, { activationId: () => taken.activationId }))).toBe("ERR0005");
  });

  it("encrypts the server private key with the master DB key (bound to user and activation); without the key reading it is ERR0020", async () => {
    const masterDbEncryptionKey = randomBytes(16);
    const encrypted = { ...settings, masterDbEncryptionKey };
    const result = await initActivation(database.db, encrypted, { userId: "dave", applicationId });
    const row = await database.db.read((tx) => findActivation(tx, result.activationId));
    expect(row!.serverPrivateKeyEncryption).toBe(1);
    expect(openServerPrivateKey(encrypted, row!).asymmetricKeyType).toBe("ec");
    expect(() => openServerPrivateKey(settings, row!)).toThrow(expect.objectContaining({ code: "ERR0020" }));
    const movedToOtherUser = { ...row!, userId: "mallory" };
    expect(() => openServerPrivateKey(encrypted, movedToOtherUser)).toThrow(expect.objectContaining({ code: "ERR0022" }));
  });

  it("stores the key unencrypted (mode 0) when no master DB key is configured", async () => {
    const result = await initActivation(database.db, settings, { userId: "erin", applicationId });
    const row = await database.db.read((tx) => findActivation(tx, result.activationId));
    expect(row!.serverPrivateKeyEncryption).toBe(0);
    expect(openServerPrivateKey(settings, row!).asymmetricKeyType).toBe("ec");
  });
});
