import { randomBytes } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { AdminErrorDetailSchema, ApnsEnvironment } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPushSecret } from "../core/src/domain/push/push-credentials.ts";
import type { PushPlatform } from "../core/src/domain/push/push-credentials.ts";
import { startRestGateway } from "../gateway-rest/src/server.ts";
import type { RestGateway } from "../gateway-rest/src/server.ts";
import { startCoreForTest, TEST_ADMIN } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { apnsBody, base64OfText, fcmBody, hmsBody, pkcs8Pem, sec1Pem, serviceAccount } from "./support/push-fixtures.ts";

// Push credentials end to end: REST gateway → gRPC → core → database (PGlite, or PostgreSQL with
// TEST_DATABASE_URL), with the master DB key configured so secrets must be encrypted at rest.

const AUTH = `Basic ${Buffer.from(`${TEST_ADMIN.username}:${TEST_ADMIN.password}`).toString("base64")}`;

let t: CoreUnderTest;
let gateway: RestGateway;
/** Every response body and gateway log line of this file: none may carry an uploaded secret. */
const seen: string[] = [];
/** Every secret uploaded in this file, in each form a leak could take. */
const secrets: string[] = [];

beforeAll(async () => {
  t = await startCoreForTest({ activationExpiryJobIntervalMs: 0, masterDbEncryptionKey: randomBytes(16) });
  gateway = await startRestGateway({ port: 0, coreUrl: t.core.url, log: (line) => seen.push(line) });
  for (const id of ["PUSH_APP", "PUSH_EMPTY", "PUSH_INVALID"]) expect((await rest("POST", "/admin/applications", { id, roles: [] })).status).toBe(200);
});

afterAll(async () => {
  await gateway?.close();
  await t?.close();
});

async function rest(method: string, path: string, body?: unknown) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: AUTH, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  seen.push(text);
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

/** Remembers the secret parts of an upload body (the Base64, the decoded file, the client secret). */
function uploaded<T extends Record<string, unknown>>(body: T): T {
  if (typeof body.privateKeyBase64 === "string" && body.privateKeyBase64.length > 20) {
    const file = Buffer.from(body.privateKeyBase64, "base64").toString("utf8");
    secrets.push(body.privateKeyBase64, file);
    // The PEM body lines of the key, wherever the file nests it.
    const pem = file.startsWith("{") ? String((JSON.parse(file) as { private_key: string }).private_key) : file;
    secrets.push(...pem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----")));
  }
  if (typeof body.clientSecret === "string" && body.clientSecret.trim() !== "") secrets.push(body.clientSecret);
  return body;
}

const requestError = (message: string) => ({ status: 400, body: { status: "ERROR", responseObject: { code: "ERROR_REQUEST", message } } });

describe("push credentials through REST", () => {
  it("answers only the id while nothing is configured", async () => {
    expect(await rest("GET", "/admin/applications/PUSH_EMPTY/push")).toEqual({ status: 200, body: { id: "PUSH_EMPTY" } });
  });

  it("stores APNs, FCM and HMS one by one, each answer showing every configured service and no secret", async () => {
    const apns = uploaded(apnsBody({ environment: "development" }));
    expect(await rest("POST", "/admin/applications/PUSH_APP/push/apns", apns)).toEqual({
      status: 200,
      body: { id: "PUSH_APP", apns: { topic: "com.wultra.apns.topic", keyId: "ABC123DEFG", teamId: "DEF123GHIJ", environment: "DEVELOPMENT" } },
    });
    // projectId is optional: the service account file names the project.
    const fcm = uploaded(fcmBody(serviceAccount({ project_id: "my-fcm-project-123" }), { projectId: undefined }));
    const afterFcm = await rest("POST", "/admin/applications/PUSH_APP/push/fcm", fcm);
    expect(afterFcm.body).toEqual({ id: "PUSH_APP", apns: expect.any(Object), fcm: { projectId: "my-fcm-project-123" } });
    const hms = uploaded(hmsBody({ projectId: "my-hms-project-456", clientSecret: `hms-secret-${randomBytes(8).toString("hex")}` }));
    const afterHms = await rest("POST", "/admin/applications/PUSH_APP/push/hms", hms);
    const full = {
      id: "PUSH_APP",
      apns: { topic: "com.wultra.apns.topic", keyId: "ABC123DEFG", teamId: "DEF123GHIJ", environment: "DEVELOPMENT" },
      fcm: { projectId: "my-fcm-project-123" },
      hms: { projectId: "my-hms-project-456" },
    };
    expect(afterHms).toEqual({ status: 200, body: full });
    const read = await rest("GET", "/admin/applications/PUSH_APP/push");
    expect(read).toEqual({ status: 200, body: full });
    // The seed's order of the members.
    expect(Object.keys(read.body)).toEqual(["id", "apns", "fcm", "hms"]);
    expect(Object.keys(read.body.apns as object)).toEqual(["topic", "keyId", "teamId", "environment"]);
  });

  it("replaces a service's credentials when they are uploaded again", async () => {
    const apns = uploaded(apnsBody({ topic: "com.example.replaced", keyId: "ZZZ999YYYY", environment: "PRODUCTION" }));
    const replaced = await rest("POST", "/admin/applications/PUSH_APP/push/apns", apns);
    expect(replaced.body.apns).toEqual({ topic: "com.example.replaced", keyId: "ZZZ999YYYY", teamId: "DEF123GHIJ", environment: "PRODUCTION" });
    const secret = await storedSecret("PUSH_APP", "APNS");
    expect(secret).toBe(Buffer.from(apns.privateKeyBase64, "base64").toString("utf8"));
  });

  it("keeps every secret encrypted in the database, bound to its application and platform", async () => {
    const rows = await pushRows("PUSH_APP");
    expect(rows.map((row) => [row.platform, row.encryption_mode])).toEqual([
      ["APNS", "AES_HMAC"],
      ["FCM", "AES_HMAC"],
      ["HMS", "AES_HMAC"],
    ]);
    for (const row of rows) {
      const stored = `${row.secret} ${JSON.stringify(row.settings)} ${Buffer.from(row.secret, "base64").toString("latin1")}`;
      for (const secret of secrets) expect(stored).not.toContain(secret);
    }
    expect(rows.find((row) => row.platform === "HMS")?.settings).toEqual({ projectId: "my-hms-project-456", appId: "my-app-id", clientId: "my-client-id" });
    // What is stored is the uploaded secret, sealed: the core's key opens it.
    expect(secrets).toContain(await storedSecret("PUSH_APP", "HMS"));
    expect(await storedSecret("PUSH_APP", "FCM")).toContain('"type":"service_account"');
  });

  it("deletes each service with {status: OK}, also when it is not configured", async () => {
    expect(await rest("DELETE", "/admin/applications/PUSH_APP/push/apns")).toEqual({ status: 200, body: { status: "OK" } });
    expect((await rest("GET", "/admin/applications/PUSH_APP/push")).body).toEqual({
      id: "PUSH_APP",
      fcm: { projectId: "my-fcm-project-123" },
      hms: { projectId: "my-hms-project-456" },
    });
    expect(await rest("DELETE", "/admin/applications/PUSH_APP/push/apns")).toEqual({ status: 200, body: { status: "OK" } });
    expect(await rest("DELETE", "/admin/applications/PUSH_APP/push/fcm")).toEqual({ status: 200, body: { status: "OK" } });
    expect(await rest("DELETE", "/admin/applications/PUSH_APP/push/hms")).toEqual({ status: 200, body: { status: "OK" } });
    expect((await rest("GET", "/admin/applications/PUSH_APP/push")).body).toEqual({ id: "PUSH_APP" });
    expect(await pushRows("PUSH_APP")).toEqual([]);
  });

  it.each([
    ["apns", "topic"],
    ["apns", "keyId"],
    ["apns", "teamId"],
    ["apns", "environment"],
    ["apns", "privateKeyBase64"],
    ["fcm", "privateKeyBase64"],
    ["hms", "projectId"],
    ["hms", "appId"],
    ["hms", "clientId"],
    ["hms", "clientSecret"],
  ])("refuses %s without %s with the seed's message", async (platform, field) => {
    const full: Record<string, unknown> = platform === "apns" ? apnsBody() : platform === "fcm" ? fcmBody() : hmsBody();
    for (const missing of [undefined, "", "  "]) {
      const body = uploaded({ ...full, [field]: missing });
      expect(await rest("POST", `/admin/applications/PUSH_INVALID/push/${platform}`, body)).toEqual(
        requestError(`Required String parameter '${field}' is not present`),
      );
    }
  });

  it.each([
    ["not Base64", "apns", { privateKeyBase64: "%%%" }, "privateKeyBase64 is not valid Base64"],
    ["a SEC1 key", "apns", { privateKeyBase64: base64OfText(sec1Pem()) }, 'privateKeyBase64 is a PEM "EC PRIVATE KEY", not a PKCS#8 private key (-----BEGIN PRIVATE KEY-----)'],
    ["a P-384 key", "apns", { privateKeyBase64: base64OfText(pkcs8Pem("p384")) }, "privateKeyBase64 is an EC secp384r1 key, not an EC P-256 key (APNs signs with ES256)"],
    ["an Ed25519 key", "apns", { privateKeyBase64: base64OfText(pkcs8Pem("ed25519")) }, "privateKeyBase64 is an ED25519 key, not an EC P-256 key (APNs signs with ES256)"],
    ["an 8-character keyId", "apns", { keyId: "ABCD1234" }, "keyId must be a 10-character Apple key ID (A-Z, 0-9)"],
    ["a 12-character teamId", "apns", { teamId: "DEF123GHIJKL" }, "teamId must be a 10-character Apple team ID (A-Z, 0-9)"],
    ["not JSON", "fcm", { privateKeyBase64: base64OfText("not json") }, "privateKeyBase64 is not JSON (expected the Firebase service account file)"],
    ["not a service account", "fcm", { privateKeyBase64: base64OfText(JSON.stringify(serviceAccount({ type: "user" }))) }, 'privateKeyBase64 has no "type": "service_account"'],
    ["without token_uri", "fcm", { privateKeyBase64: base64OfText(JSON.stringify(serviceAccount({ token_uri: undefined }))) }, "privateKeyBase64 has no token_uri in the service account file"],
    [
      "with a PKCS#1 private_key",
      "fcm",
      { privateKeyBase64: base64OfText(JSON.stringify(serviceAccount({ private_key: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----" }))) },
      'privateKeyBase64 has a private_key of the service account that is a PEM "RSA PRIVATE KEY", not a PKCS#8 private key (-----BEGIN PRIVATE KEY-----)',
    ],
    ["with another projectId", "fcm", { projectId: "another-project" }, "projectId does not match project_id of the service account file"],
  ])("refuses an upload that is %s (%s) saying what is wrong, and stores nothing", async (_, platform, change, message) => {
    const body = uploaded({ ...(platform === "apns" ? apnsBody() : fcmBody()), ...change });
    const response = await rest("POST", `/admin/applications/PUSH_INVALID/push/${platform}`, body);
    const fieldName = message.split(" ", 1)[0];
    expect(response).toEqual({
      status: 400,
      body: { status: "ERROR", responseObject: { code: "ERROR_REQUEST", message, violations: [{ fieldName, hint: message.slice(fieldName.length + 1) }] } },
    });
    expect((await rest("GET", "/admin/applications/PUSH_INVALID/push")).body).toEqual({ id: "PUSH_INVALID" });
  });

  it("refuses an APNs environment other than DEVELOPMENT or PRODUCTION", async () => {
    const response = await rest("POST", "/admin/applications/PUSH_INVALID/push/apns", uploaded(apnsBody({ environment: "SANDBOX" })));
    expect(response.status).toBe(400);
    expect(response.body.responseObject).toMatchObject({ code: "ERROR_REQUEST", violations: [{ fieldName: "environment" }] });
  });

  it("answers ERROR_ADMIN for an unknown application on every endpoint", async () => {
    const unknown = { status: 400, body: { status: "ERROR", responseObject: { code: "ERROR_ADMIN", message: "Application not found: NO_SUCH_APP" } } };
    expect(await rest("GET", "/admin/applications/NO_SUCH_APP/push")).toEqual(unknown);
    expect(await rest("POST", "/admin/applications/NO_SUCH_APP/push/apns", uploaded(apnsBody()))).toEqual(unknown);
    expect(await rest("POST", "/admin/applications/NO_SUCH_APP/push/fcm", uploaded(fcmBody()))).toEqual(unknown);
    expect(await rest("POST", "/admin/applications/NO_SUCH_APP/push/hms", uploaded(hmsBody()))).toEqual(unknown);
    for (const platform of ["apns", "fcm", "hms"]) expect(await rest("DELETE", `/admin/applications/NO_SUCH_APP/push/${platform}`)).toEqual(unknown);
  });

  it("never returned or logged any uploaded secret", () => {
    expect(secrets.length).toBeGreaterThan(50);
    const everything = seen.join("\n");
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

describe("push credentials over gRPC", () => {
  it("answers a request without environment, which REST cannot send, with the seed's message", async () => {
    const body = apnsBody();
    const error = await t.admin
      .updatePushApnsConfig({ ...body, id: "PUSH_INVALID", environment: ApnsEnvironment.UNSPECIFIED })
      .catch((caught: unknown) => ConnectError.from(caught));
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect((error as ConnectError).findDetails(AdminErrorDetailSchema)[0]).toMatchObject({
      code: "ERROR_REQUEST",
      message: "Required String parameter 'environment' is not present",
    });
  });

  it("stores and reads the HMS configuration", async () => {
    const stored = await t.admin.updatePushHmsConfig({ id: "PUSH_EMPTY", ...hmsBody() });
    expect(stored.hms?.projectId).toBe("hms-project-id");
    expect((await t.admin.getPushConfig({ id: "PUSH_EMPTY" })).hms?.projectId).toBe("hms-project-id");
    await t.admin.deletePushHmsConfig({ id: "PUSH_EMPTY" });
    expect((await t.admin.getPushConfig({ id: "PUSH_EMPTY" })).hms).toBeUndefined();
  });
});

type PushRow = { platform: PushPlatform; settings: Record<string, string>; secret: string; encryption_mode: string; application_id: number | string };

async function pushRows(applicationName: string): Promise<PushRow[]> {
  return t.core.db.read((tx) =>
    tx
      .getConnection()
      .execute<PushRow[]>(
        "select c.platform, c.settings, c.secret, c.encryption_mode, c.application_id from pa_push_credential c join pa_application a on a.id = c.application_id where a.name = ? order by c.platform",
        [applicationName],
      ),
  ).then((rows) => rows.map((row) => ({ ...row, settings: typeof row.settings === "string" ? JSON.parse(row.settings) : row.settings })));
}

/** The secret of one row, opened with the core's master DB key. */
async function storedSecret(applicationName: string, platform: PushPlatform): Promise<string> {
  const row = (await pushRows(applicationName)).find((candidate) => candidate.platform === platform);
  if (!row) throw new Error(`no ${platform} row`);
  return openPushSecret(t.config, { applicationId: Number(row.application_id), platform, secret: row.secret, encryptionMode: row.encryption_mode });
}
