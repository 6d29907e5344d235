import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { ApplicationCallback } from "../../persistence/callback.entity.ts";
import { createApplication } from "../applications/applications.ts";
import { AdminError, ServiceError } from "../errors.ts";
import { openCallbackAuthentication } from "./callback-authentication.ts";
import { createCallbackUrl, getCallbackUrlList, removeCallbackUrl } from "./callback-urls.ts";
import { createCloudCallback, listCloudCallbacks, removeCloudCallback, updateCloudCallback } from "./cloud-callbacks.ts";
import type { CloudCallbackInput } from "./cloud-callbacks.ts";

const SETTINGS = {
  masterDbEncryptionKey: Buffer.alloc(16, 9),
  callbackDefaultMaxAttempts: 3,
  callbackDefaultInitialBackoff: "PT5S",
  callbackDefaultRetentionPeriod: "P7D",
};

let database: TestDatabase;
let appName: string;
let appId: number;
let otherAppName: string;

beforeAll(async () => {
  database = await createTestDatabase();
  appName = `cb-${randomUUID()}`;
  appId = (await createApplication(database.db, {}, { name: appName })).id;
  otherAppName = `cb-other-${randomUUID()}`;
  await createApplication(database.db, {}, { name: otherAppName });
});
afterAll(async () => {
  await database?.dispose();
});

function input(overrides: Partial<CloudCallbackInput> = {}): CloudCallbackInput {
  return {
    applicationName: appName,
    name: "hook",
    type: "ACTIVATION_STATUS_CHANGE",
    callbackUrl: "https://bank.example/hooks/pa",
    attributes: ["userId", "activationStatus"],
    retentionPeriod: null,
    initialBackoff: null,
    maxAttempts: null,
    ...overrides,
  };
}

async function adminErrorOf(call: Promise<unknown>): Promise<{ code: string; message: string; violations: { fieldName: string; hint: string }[] }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof AdminError) return { code: error.code, message: error.message, violations: error.violations };
    throw error;
  }
  throw new Error("expected an AdminError");
}

async function serviceErrorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
  throw new Error("expected a ServiceError");
}

function storedRow(id: string) {
  return database.db.read((tx) => tx.findOneOrFail(ApplicationCallback, { id }, { populate: ["authentication"] }));
}

describe("createCloudCallback", () => {
  it("stores the callback and answers the effective defaults for settings left null", async () => {
    const created = await createCloudCallback(database.db, SETTINGS, input());
    expect(created).toEqual({
      applicationId: appName,
      callbackId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "hook",
      type: "ACTIVATION_STATUS_CHANGE",
      callbackUrl: "https://bank.example/hooks/pa",
      attributes: ["userId", "activationStatus"],
      authentication: {
        httpBasic: { enabled: false, username: null, passwordSet: false },
        oauth2: { enabled: false, clientId: null, clientSecretSet: false, tokenUri: null, scope: null },
      },
      retentionPeriod: "P7D",
      initialBackoff: "PT5S",
      maxAttempts: 3,
    });
    const row = await storedRow(created.callbackId);
    // Null stays null in the row, so a later change of the configured default applies to it.
    expect([row.retentionPeriod, row.initialBackoff, row.maxAttempts, row.payloadFormat, row.enabled]).toEqual([null, null, null, "CLOUD", true]);
  });

  it("keeps explicit delivery settings, zero durations included", async () => {
    const created = await createCloudCallback(database.db, SETTINGS, input({ retentionPeriod: "PT0S", initialBackoff: "P0D", maxAttempts: 1 }));
    expect([created.retentionPeriod, created.initialBackoff, created.maxAttempts]).toEqual(["PT0S", "P0D", 1]);
  });

  it("seals the secrets with the master key bound to the callback and answers only that they are set", async () => {
    const created = await createCloudCallback(
      database.db,
      SETTINGS,
      input({ authentication: { httpBasic: { enabled: true, username: "bank", password: "basic-secret-1" } } }),
    );
    expect(created.authentication.httpBasic).toEqual({ enabled: true, username: "bank", passwordSet: true });
    expect(JSON.stringify(created)).not.toContain("basic-secret-1");
    const row = await storedRow(created.callbackId);
    expect(row.encryptionMode).toBe("AES_HMAC");
    expect(row.authentication).not.toContain("basic-secret-1");
    expect(openCallbackAuthentication(SETTINGS, row)).toEqual({ httpBasic: { enabled: true, username: "bank", password: "basic-secret-1" } });
  });

  it("stores the authentication as plain JSON when no master key is configured", async () => {
    const settings = { ...SETTINGS, masterDbEncryptionKey: undefined };
    const created = await createCloudCallback(
      database.db,
      settings,
      input({ authentication: { oauth2: { enabled: true, clientId: "c", clientSecret: "oauth-secret", tokenUri: "https://idp.example/token", scope: "cb" } } }),
    );
    expect(created.authentication.oauth2).toEqual({ enabled: true, clientId: "c", clientSecretSet: true, tokenUri: "https://idp.example/token", scope: "cb" });
    const row = await storedRow(created.callbackId);
    expect(row.encryptionMode).toBe("NO_ENCRYPTION");
    expect(JSON.parse(row.authentication!)).toEqual({
      oauth2: { enabled: true, clientId: "c", clientSecret: "oauth-secret", tokenUri: "https://idp.example/token", scope: "cb" },
    });
  });

  it("accepts every attribute of each type's list (activationId included) and stores each once", async () => {
    const registration = ["activationId", "userId", "activationName", "deviceInfo", "platform", "protocol", "activationFlags", "activationStatus", "blockedReason", "applicationId"];
    expect((await createCloudCallback(database.db, SETTINGS, input({ attributes: [...registration, "userId"] }))).attributes).toEqual(registration);
    const operation = ["userId", "applications", "operationType", "parameters", "additionalData", "activationFlag", "status", "data", "failureCount", "maxFailureCount", "signatureType", "externalId", "timestampCreated", "timestampExpires", "timestampFinalized"];
    const created = await createCloudCallback(database.db, SETTINGS, input({ type: "OPERATION_STATUS_CHANGE", attributes: operation }));
    expect([created.type, created.attributes]).toEqual(["OPERATION_STATUS_CHANGE", operation]);
  });

  it("refuses an attribute of the other type or an unknown one with ERROR_REQUEST naming it", async () => {
    const error = await adminErrorOf(createCloudCallback(database.db, SETTINGS, input({ attributes: ["userId", "operationType", "nonsense"] })));
    expect(error.code).toBe("ERROR_REQUEST");
    expect(error.violations.map((v) => v.fieldName)).toEqual(["attributes[1]", "attributes[2]"]);
    const operation = await adminErrorOf(createCloudCallback(database.db, SETTINGS, input({ type: "OPERATION_STATUS_CHANGE", attributes: ["activationStatus"] })));
    expect(operation.violations.map((v) => v.fieldName)).toEqual(["attributes[0]"]);
  });

  it.each(["ftp://bank.example/x", "/relative/path", "bank.example/hook", "https://", "https://user:pw@bank.example/", "http://bank.example/a b", " https://bank.example/"])(
    "refuses the callback URL %j with ERROR_ADMIN",
    async (callbackUrl) => {
      const error = await adminErrorOf(createCloudCallback(database.db, SETTINGS, input({ callbackUrl })));
      expect([error.code, error.message]).toEqual(["ERROR_ADMIN", "Invalid callback URL"]);
    },
  );

  it("refuses structural problems with ERROR_REQUEST and every violation at once", async () => {
    const error = await adminErrorOf(
      createCloudCallback(
        database.db,
        SETTINGS,
        input({
          name: " ",
          callbackUrl: "",
          retentionPeriod: "-PT1S",
          initialBackoff: "P1M",
          maxAttempts: 0,
          authentication: {
            httpBasic: { enabled: true, username: null, password: "p" },
            oauth2: { enabled: true, clientId: "c", clientSecret: "s", tokenUri: "not a url", scope: null },
          },
        }),
      ),
    );
    expect(error.code).toBe("ERROR_REQUEST");
    expect(error.violations.map((v) => v.fieldName)).toEqual([
      "name",
      "callbackUrl",
      "retentionPeriod",
      "initialBackoff",
      "maxAttempts",
      "authentication.httpBasic.username",
      "authentication.oauth2.tokenUri",
      "authentication",
    ]);
  });

  it("requires the secret of an enabled method", async () => {
    const error = await adminErrorOf(createCloudCallback(database.db, SETTINGS, input({ authentication: { httpBasic: { enabled: true, username: "u", password: null } } })));
    expect([error.code, error.violations]).toEqual(["ERROR_REQUEST", [{ fieldName: "authentication.httpBasic.password", hint: "must not be empty" }]]);
  });

  it("answers ERROR_ADMIN for an unknown application", async () => {
    const error = await adminErrorOf(createCloudCallback(database.db, SETTINGS, input({ applicationName: "no-such-app" })));
    expect([error.code, error.message]).toEqual(["ERROR_ADMIN", "Application not found: no-such-app"]);
  });
});

describe("updateCloudCallback", () => {
  it("replaces the settings and keeps a stored secret the request leaves out", async () => {
    const created = await createCloudCallback(
      database.db,
      SETTINGS,
      input({ authentication: { httpBasic: { enabled: true, username: "bank", password: "kept-secret" } }, maxAttempts: 5 }),
    );
    const updated = await updateCloudCallback(database.db, SETTINGS, {
      ...input({
        name: "renamed",
        callbackUrl: "http://127.0.0.1:8999/new",
        attributes: ["blockedReason"],
        authentication: { httpBasic: { enabled: true, username: "bank2", password: null } },
      }),
      callbackId: created.callbackId,
    });
    expect(updated).toMatchObject({
      name: "renamed",
      callbackUrl: "http://127.0.0.1:8999/new",
      attributes: ["blockedReason"],
      authentication: { httpBasic: { enabled: true, username: "bank2", passwordSet: true } },
      maxAttempts: 3, // back to the default: null replaces the 5
    });
    const row = await storedRow(created.callbackId);
    expect(openCallbackAuthentication(SETTINGS, row)?.httpBasic).toEqual({ enabled: true, username: "bank2", password: "kept-secret" });
  });

  it("keeps the whole authentication when the request has none, and removes a method the request leaves out", async () => {
    const created = await createCloudCallback(
      database.db,
      SETTINGS,
      input({ authentication: { httpBasic: { enabled: true, username: "bank", password: "pw" } } }),
    );
    const kept = await updateCloudCallback(database.db, SETTINGS, { ...input(), callbackId: created.callbackId });
    expect(kept.authentication.httpBasic).toEqual({ enabled: true, username: "bank", passwordSet: true });
    const cleared = await updateCloudCallback(database.db, SETTINGS, { ...input({ authentication: {} }), callbackId: created.callbackId });
    expect(cleared.authentication.httpBasic).toEqual({ enabled: false, username: null, passwordSet: false });
    expect((await storedRow(created.callbackId)).authentication).toBeNull();
  });

  it("answers ERROR_ADMIN for an unknown callback, another application's callback and a removed one", async () => {
    const created = await createCloudCallback(database.db, SETTINGS, input());
    for (const [applicationName, callbackId] of [
      [appName, randomUUID()],
      [otherAppName, created.callbackId],
    ]) {
      const error = await adminErrorOf(updateCloudCallback(database.db, SETTINGS, { ...input({ applicationName }), callbackId }));
      expect([error.code, error.message]).toEqual(["ERROR_ADMIN", `Callback not found: ${callbackId}`]);
    }
    await removeCloudCallback(database.db, { applicationName: appName, callbackId: created.callbackId });
    expect((await adminErrorOf(updateCloudCallback(database.db, SETTINGS, { ...input(), callbackId: created.callbackId }))).code).toBe("ERROR_ADMIN");
  });

  it("turns a SOAP-registered callback into a Cloud callback", async () => {
    const soap = await createCallbackUrl(database.db, { applicationId: appId, name: "legacy", callbackUrl: "http://127.0.0.1:9/legacy" });
    expect((await storedRow(soap.id)).payloadFormat).toBe("SOAP_0_22");
    await updateCloudCallback(database.db, SETTINGS, { ...input(), callbackId: soap.id });
    expect((await storedRow(soap.id)).payloadFormat).toBe("CLOUD");
  });
});

describe("removeCloudCallback and listCloudCallbacks", () => {
  it("soft-deletes: the row stays with enabled false and the list leaves it out", async () => {
    const name = `list-${randomUUID()}`;
    await createApplication(database.db, {}, { name });
    const a = await createCloudCallback(database.db, SETTINGS, input({ applicationName: name, name: "b-second" }));
    const b = await createCloudCallback(database.db, SETTINGS, input({ applicationName: name, name: "a-first", authentication: { httpBasic: { enabled: true, username: "u", password: "list-secret" } } }));
    const listed = await listCloudCallbacks(database.db, SETTINGS, name);
    expect(listed.map((c) => c.callbackId)).toEqual([b.callbackId, a.callbackId]);
    expect(listed[0].authentication.httpBasic.passwordSet).toBe(true);
    expect(JSON.stringify(listed)).not.toContain("list-secret");
    await removeCloudCallback(database.db, { applicationName: name, callbackId: a.callbackId });
    expect((await listCloudCallbacks(database.db, SETTINGS, name)).map((c) => c.callbackId)).toEqual([b.callbackId]);
    expect((await storedRow(a.callbackId)).enabled).toBe(false);
    const again = await adminErrorOf(removeCloudCallback(database.db, { applicationName: name, callbackId: a.callbackId }));
    expect(again.code).toBe("ERROR_ADMIN");
  });

  it("answers ERROR_ADMIN for an unknown application", async () => {
    expect((await adminErrorOf(listCloudCallbacks(database.db, SETTINGS, "missing-app"))).message).toBe("Application not found: missing-app");
  });
});

describe("SOAP callback URLs", () => {
  it("creates a 0.22 callback, lists it and removes it once", async () => {
    const created = await createCallbackUrl(database.db, { applicationId: appId, name: "soap-hook", callbackUrl: "https://bank.example/soap" });
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), applicationId: appId, name: "soap-hook", callbackUrl: "https://bank.example/soap" });
    const row = await storedRow(created.id);
    expect([row.type, row.attributes, row.payloadFormat]).toEqual(["ACTIVATION_STATUS_CHANGE", [], "SOAP_0_22"]);
    expect((await getCallbackUrlList(database.db, appId)).map((c) => c.id)).toContain(created.id);
    expect(await removeCallbackUrl(database.db, created.id)).toBe(true);
    expect(await removeCallbackUrl(database.db, created.id)).toBe(false);
    expect(await removeCallbackUrl(database.db, randomUUID())).toBe(false);
    expect((await getCallbackUrlList(database.db, appId)).map((c) => c.id)).not.toContain(created.id);
  });

  it("answers ERR0014 for an invalid URL (before the application) and ERR0015 for an unknown application", async () => {
    expect(await serviceErrorOf(createCallbackUrl(database.db, { applicationId: 987654, name: "x", callbackUrl: "not a url" }))).toBe("ERR0014");
    expect(await serviceErrorOf(createCallbackUrl(database.db, { applicationId: 987654, name: "x", callbackUrl: "https://bank.example/" }))).toBe("ERR0015");
    expect(await serviceErrorOf(getCallbackUrlList(database.db, 987654))).toBe("ERR0015");
  });
});
