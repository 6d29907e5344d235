import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApplicationCallback } from "../core/src/persistence/callback.entity.ts";
import { listEventsOfCallback } from "../core/src/persistence/callback-event.repository.ts";
import { startRestGateway } from "../gateway-rest/src/server.ts";
import type { RestGateway } from "../gateway-rest/src/server.ts";
import { TEST_ADMIN, startCoreForTest } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { activateDevice, describeEachSurface, errorCodeOf } from "./support/powerauth-flows.ts";

// Callback registration end to end: the 0.22 SOAP methods (through gRPC and through the SOAP gateway, every SOAP
// answer validated against the XSD) and the Cloud Admin REST API through the REST gateway. The delivery itself
// is another test's business: these read the outbox rows a status change writes, so they show exactly which
// callbacks were notified with which body.

const MASTER_KEY = Buffer.alloc(16, 0x5a);
const SECRETS = ["basic-password-e2e", "oauth-client-secret-e2e", "rotated-password-e2e"];

/** The bodies written for a callback so far, oldest first. */
async function payloadsOf(t: CoreUnderTest, callbackId: string): Promise<unknown[]> {
  return (await t.database.db.read((tx) => listEventsOfCallback(tx, callbackId))).map((event) => JSON.parse(event.callbackData) as unknown);
}

function storedCallback(t: CoreUnderTest, id: string) {
  return t.database.db.read((tx) => tx.findOneOrFail(ApplicationCallback, { id }, { populate: ["authentication"] }));
}

describeEachSurface(
  (t, app) => {
    describe("0.22 callback URLs (CreateCallbackUrl, GetCallbackUrlList, RemoveCallbackUrl)", () => {
      it("registers a callback that is sent {activationId} alone on every status change, lists it and removes it", async () => {
        const created = await t.v3.createCallbackUrl({ applicationId: app.applicationId, name: "legacy", callbackUrl: "http://127.0.0.1:9/legacy" });
        expect(created).toMatchObject({ applicationId: app.applicationId, name: "legacy", callbackUrl: "http://127.0.0.1:9/legacy" });
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
        const listed = await t.v3.getCallbackUrlList({ applicationId: app.applicationId });
        expect(listed.callbackUrlList.map((c) => [c.id, c.applicationId, c.name, c.callbackUrl])).toContainEqual([
          created.id,
          app.applicationId,
          "legacy",
          "http://127.0.0.1:9/legacy",
        ]);

        const { activationId } = await activateDevice(t.v3, app);
        await t.v3.blockActivation({ activationId, reason: "FRAUD" });
        // init (CREATED), prepare (PENDING_COMMIT), commit (ACTIVE), block (BLOCKED): four notifications.
        expect(await payloadsOf(t, created.id)).toEqual(Array.from({ length: 4 }, () => ({ activationId })));

        expect(await t.v3.removeCallbackUrl({ id: created.id })).toMatchObject({ id: created.id, removed: true });
        expect(await t.v3.removeCallbackUrl({ id: created.id })).toMatchObject({ id: created.id, removed: false });
        expect((await t.v3.getCallbackUrlList({ applicationId: app.applicationId })).callbackUrlList.map((c) => c.id)).not.toContain(created.id);
        await t.v3.unblockActivation({ activationId });
        expect(await payloadsOf(t, created.id)).toHaveLength(4);
        expect((await storedCallback(t, created.id)).enabled).toBe(false);
      });

      it.each(["not a url", "ftp://bank.example/hook", "/relative", "https://user:secret@bank.example/"])("refuses the URL %j with ERR0014", async (callbackUrl) => {
        expect(await errorCodeOf(t.v3.createCallbackUrl({ applicationId: app.applicationId, name: "x", callbackUrl }))).toBe("ERR0014");
      });

      it("refuses an unknown application with ERR0015, on create and on list", async () => {
        expect(await errorCodeOf(t.v3.createCallbackUrl({ applicationId: 987_654_321n, name: "x", callbackUrl: "https://bank.example/" }))).toBe("ERR0015");
        expect(await errorCodeOf(t.v3.getCallbackUrlList({ applicationId: 987_654_321n }))).toBe("ERR0015");
      });

      it("refuses a request without a name or an id", async () => {
        expect(await errorCodeOf(t.v3.createCallbackUrl({ applicationId: app.applicationId, name: "", callbackUrl: "https://bank.example/" }))).toBe("ERR0024");
        expect(await errorCodeOf(t.v3.removeCallbackUrl({ id: "" }))).toBe("ERR0024");
        // The proto client writes applicationId 0 for "not set": schema-valid, refused by the core.
        expect(await errorCodeOf(t.v3.getCallbackUrlList({}))).toBe("ERR0024");
      });
    });
  },
  { masterDbEncryptionKey: MASTER_KEY },
);

describe("Cloud Admin callbacks through the REST gateway", () => {
  let t: CoreUnderTest;
  let gateway: RestGateway;
  const appId = `cloud-cb-${randomUUID()}`;
  const authorization = `Basic ${Buffer.from(`${TEST_ADMIN.username}:${TEST_ADMIN.password}`).toString("base64")}`;
  /** Every REST answer body of this block, to prove no secret ever left. */
  const answers: string[] = [];

  async function rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  }

  const callbacksPath = `/v2/admin/applications/${appId}/callbacks`;

  beforeAll(async () => {
    t = await startCoreForTest({ activationExpiryJobIntervalMs: 0, masterDbEncryptionKey: MASTER_KEY, callbackDefaultMaxAttempts: 4 });
    gateway = await startRestGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
    expect((await rest("POST", "/admin/applications", { id: appId, roles: [] })).status).toBe(200);
  });
  afterAll(async () => {
    await gateway?.close();
    await t?.close();
    for (const secret of SECRETS) expect(answers.join("\n")).not.toContain(secret);
  });

  it("creates a callback with HTTP Basic: the answer is the seed's shape, effective defaults filled in, the password only 'set'", async () => {
    const created = await rest("POST", callbacksPath, {
      name: "registrations",
      type: "REGISTRATION_STATUS_CHANGE",
      callbackUrl: "https://bank.example/hooks/registrations",
      attributes: ["userId", "activationStatus", "applicationId"],
      authentication: { httpBasic: { enabled: true, username: "bank", password: SECRETS[0] } },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      applicationId: appId,
      callbackId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "registrations",
      type: "REGISTRATION_STATUS_CHANGE",
      callbackUrl: "https://bank.example/hooks/registrations",
      attributes: ["userId", "activationStatus", "applicationId"],
      authentication: { httpBasic: { enabled: true, username: "bank", passwordSet: true }, oauth2: { enabled: false, clientSecretSet: false } },
      retentionPeriod: "P30D",
      initialBackoff: "PT2S",
      maxAttempts: 4,
    });
    const row = await storedCallback(t, created.body.callbackId as string);
    expect([row.type, row.encryptionMode, row.payloadFormat]).toEqual(["ACTIVATION_STATUS_CHANGE", "AES_HMAC", "CLOUD"]);
    expect(row.authentication).not.toContain(SECRETS[0]);
    expect(row.authentication).not.toContain("bank");
  });

  it("sends exactly the configured attributes, applicationId being the Cloud application id", async () => {
    const created = await rest("POST", callbacksPath, {
      name: "all-attributes",
      type: "REGISTRATION_STATUS_CHANGE",
      callbackUrl: "http://127.0.0.1:9/all",
      attributes: ["activationId", "userId", "activationName", "activationFlags", "activationStatus", "blockedReason", "applicationId", "protocol"],
    });
    const bare = await rest("POST", callbacksPath, { name: "bare", type: "REGISTRATION_STATUS_CHANGE", callbackUrl: "http://127.0.0.1:9/bare" });
    const operations = await rest("POST", callbacksPath, {
      name: "operations",
      type: "OPERATION_STATUS_CHANGE",
      callbackUrl: "http://127.0.0.1:9/operations",
      attributes: ["operationType", "status"],
    });
    expect([created.status, bare.status, operations.status]).toEqual([200, 200, 200]);
    expect(operations.body.type).toBe("OPERATION_STATUS_CHANGE");

    const application = await t.grpc.getApplicationList({});
    const numericId = application.applications.find((a) => a.applicationName === appId)!.id;
    const { activationId, userId } = await activateDevice(t.grpc, { ...(await applicationKeys(t, numericId)) });
    await t.grpc.blockActivation({ activationId, reason: "FRAUD" });

    const common = { type: "ACTIVATION", activationId, userId, activationName: "Simulated device", activationFlags: [], applicationId: appId, protocol: "powerauth" };
    expect(await payloadsOf(t, created.body.callbackId as string)).toEqual([
      { ...common, activationStatus: "CREATED", activationName: undefined },
      { ...common, activationStatus: "PENDING_COMMIT" },
      { ...common, activationStatus: "ACTIVE" },
      { ...common, activationStatus: "BLOCKED", blockedReason: "FRAUD" },
    ].map((payload) => JSON.parse(JSON.stringify(payload)) as unknown));
    expect(await payloadsOf(t, bare.body.callbackId as string)).toEqual(Array.from({ length: 4 }, () => ({ type: "ACTIVATION", activationId })));
    expect(await payloadsOf(t, operations.body.callbackId as string)).toEqual([]);
  });

  it("updates a callback: a secret left out is kept, a new one replaces it, and OAuth2 answers clientSecretSet", async () => {
    const created = await rest("POST", callbacksPath, {
      name: "to-update",
      type: "REGISTRATION_STATUS_CHANGE",
      callbackUrl: "https://bank.example/a",
      authentication: { httpBasic: { enabled: true, username: "bank", password: SECRETS[0] } },
      maxAttempts: 2,
    });
    const callbackId = created.body.callbackId as string;
    const kept = await rest("PUT", `${callbacksPath}/${callbackId}`, {
      name: "updated",
      type: "REGISTRATION_STATUS_CHANGE",
      callbackUrl: "https://bank.example/b",
      attributes: ["blockedReason"],
      authentication: { httpBasic: { enabled: true, username: "bank-2" } },
      retentionPeriod: "P1D",
      initialBackoff: "PT0S",
    });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({
      callbackId,
      name: "updated",
      callbackUrl: "https://bank.example/b",
      attributes: ["blockedReason"],
      authentication: { httpBasic: { enabled: true, username: "bank-2", passwordSet: true } },
      retentionPeriod: "P1D",
      initialBackoff: "PT0S",
      maxAttempts: 4,
    });
    const switched = await rest("PUT", `${callbacksPath}/${callbackId}`, {
      name: "updated",
      type: "REGISTRATION_STATUS_CHANGE",
      callbackUrl: "https://bank.example/b",
      authentication: { oauth2: { enabled: true, clientId: "pa", clientSecret: SECRETS[1], tokenUri: "https://idp.example/token", scope: "callbacks" } },
    });
    expect(switched.body.authentication).toEqual({
      httpBasic: { enabled: false, passwordSet: false },
      oauth2: { enabled: true, clientId: "pa", clientSecretSet: true, tokenUri: "https://idp.example/token", scope: "callbacks" },
    });
    const row = await storedCallback(t, callbackId);
    expect(row.encryptionMode).toBe("AES_HMAC");
    expect(row.authentication).not.toContain(SECRETS[1]);

    const list = await rest("GET", callbacksPath);
    expect(list.status).toBe(200);
    const listed = (list.body.callbacks as { callbackId: string }[]).find((c) => c.callbackId === callbackId);
    expect(listed).toMatchObject({ name: "updated", authentication: { oauth2: { clientSecretSet: true } } });
  });

  it("removes a callback (soft delete): it leaves the list, stops being notified, and a second delete is ERROR_ADMIN", async () => {
    const created = await rest("POST", callbacksPath, { name: "to-remove", type: "REGISTRATION_STATUS_CHANGE", callbackUrl: "https://bank.example/r" });
    const callbackId = created.body.callbackId as string;
    expect(await rest("DELETE", `${callbacksPath}/${callbackId}`)).toEqual({ status: 200, body: { status: "OK" } });
    const list = await rest("GET", callbacksPath);
    expect((list.body.callbacks as { callbackId: string }[]).map((c) => c.callbackId)).not.toContain(callbackId);
    expect((await storedCallback(t, callbackId)).enabled).toBe(false);
    const again = await rest("DELETE", `${callbacksPath}/${callbackId}`);
    expect(again).toEqual({ status: 400, body: { status: "ERROR", responseObject: { code: "ERROR_ADMIN", message: `Callback not found: ${callbackId}` } } });
  });

  it("answers ERROR_ADMIN for an unknown application or callback and for an unusable callback URL", async () => {
    const valid = { name: "x", type: "REGISTRATION_STATUS_CHANGE", callbackUrl: "https://bank.example/x" };
    const unknownApp = await rest("POST", "/v2/admin/applications/no-such-app/callbacks", valid);
    expect(unknownApp).toEqual({ status: 400, body: { status: "ERROR", responseObject: { code: "ERROR_ADMIN", message: "Application not found: no-such-app" } } });
    expect((await rest("GET", "/v2/admin/applications/no-such-app/callbacks")).body.responseObject).toMatchObject({ code: "ERROR_ADMIN" });
    const unknownCallback = randomUUID();
    expect((await rest("PUT", `${callbacksPath}/${unknownCallback}`, valid)).body.responseObject).toEqual({
      code: "ERROR_ADMIN",
      message: `Callback not found: ${unknownCallback}`,
    });
    for (const callbackUrl of ["ftp://bank.example/x", "not a url", "//bank.example/x"]) {
      const invalid = await rest("POST", callbacksPath, { ...valid, callbackUrl });
      expect(invalid).toEqual({ status: 400, body: { status: "ERROR", responseObject: { code: "ERROR_ADMIN", message: "Invalid callback URL" } } });
    }
  });

  it("answers ERROR_REQUEST with violations for structural problems", async () => {
    const missing = await rest("POST", callbacksPath, { callbackUrl: "https://bank.example/x" });
    expect(missing.status).toBe(400);
    expect(missing.body.responseObject).toMatchObject({ code: "ERROR_REQUEST" });
    const missingFields = ((missing.body.responseObject as { violations: { fieldName: string }[] }).violations ?? []).map((v) => v.fieldName);
    expect(missingFields).toEqual(expect.arrayContaining(["name", "type"]));

    const badType = await rest("POST", callbacksPath, { name: "x", type: "SOMETHING", callbackUrl: "https://bank.example/x" });
    expect(badType.body.responseObject).toMatchObject({ code: "ERROR_REQUEST" });

    const wrongAttribute = await rest("POST", callbacksPath, {
      name: "x",
      type: "REGISTRATION_STATUS_CHANGE",
      callbackUrl: "https://bank.example/x",
      attributes: ["userId", "operationType"],
    });
    expect(wrongAttribute.body.responseObject).toEqual({
      code: "ERROR_REQUEST",
      message: "Invalid method parameter value",
      violations: [
        {
          fieldName: "attributes[1]",
          hint: "must be one of activationId, userId, activationName, deviceInfo, platform, protocol, activationFlags, activationStatus, blockedReason, applicationId",
        },
      ],
    });

    const base = { name: "x", type: "REGISTRATION_STATUS_CHANGE", callbackUrl: "https://bank.example/x" };
    const violationsOf = async (body: unknown) => {
      const answer = await rest("POST", callbacksPath, body);
      expect(answer.status).toBe(400);
      expect(answer.body.responseObject).toMatchObject({ code: "ERROR_REQUEST", message: "Invalid method parameter value" });
      return (answer.body.responseObject as { violations: { fieldName: string }[] }).violations.map((v) => v.fieldName);
    };
    // Refused by the gateway's JSON checks already (months have no fixed length)…
    expect(await violationsOf({ ...base, retentionPeriod: "P1M" })).toEqual(["retentionPeriod"]);
    // …and by the core, whatever reaches it: a negative duration, no attempt at all, an enabled method without its secret.
    expect(await violationsOf({ ...base, initialBackoff: "-PT1S", maxAttempts: 0 })).toEqual(["initialBackoff", "maxAttempts"]);
    expect(await violationsOf({ ...base, authentication: { httpBasic: { enabled: true, username: "u" } } })).toEqual(["authentication.httpBasic.password"]);
    expect(
      await violationsOf({
        ...base,
        authentication: { httpBasic: { enabled: true, username: "u", password: "p" }, oauth2: { enabled: true, clientId: "c", clientSecret: "s", tokenUri: "ftp://x" } },
      }),
    ).toEqual(["authentication.oauth2.tokenUri", "authentication"]);
  });
});

/** What a device of an application created through the Cloud API needs (read through the v3 service). */
async function applicationKeys(t: CoreUnderTest, applicationId: bigint) {
  const detail = await t.grpc.getApplicationDetail({ applicationId });
  return {
    applicationId,
    applicationKey: detail.versions[0].applicationKey,
    applicationSecret: detail.versions[0].applicationSecret,
    masterPublicKey: detail.masterPublicKey,
  };
}
