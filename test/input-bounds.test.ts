import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { create, fromJson } from "@bufbuild/protobuf";
import { timestampFromDate, ValueSchema } from "@bufbuild/protobuf/wkt";
import type { Value } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { OperationService } from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import { executeStatement } from "../core/src/persistence/sql-statement.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRestGateway } from "../gateway-rest/src/server.ts";
import type { RestGateway } from "../gateway-rest/src/server.ts";
import { startCoreForTest, TEST_ADMIN } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { createResponseChecker } from "./support/openapi-responses.ts";
import { errorCodeOf } from "./support/powerauth-flows.ts";
import { buildEnvelope, callSoap } from "./support/soap-client.ts";

// Hostile strings and bodies through the real surfaces (REST gateway, SOAP gateway, Connect and gRPC straight
// to the core), on PGlite or PostgreSQL (TEST_DATABASE_URL): each is answered with that surface's clean error,
// before anything reaches the database, and every process still answers a normal call afterwards.

const checker = createResponseChecker();
let t: CoreUnderTest;
let gateway: RestGateway;

beforeAll(async () => {
  t = await startCoreForTest({ activationExpiryJobIntervalMs: 0 }, { surface: "soap" });
  gateway = await startRestGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
});

afterAll(async () => {
  await gateway?.close();
  await t?.close();
});

type Reply = { status: number; body: unknown };

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** One REST call; `body` may be raw bytes. Every answer is also checked against the OpenAPI document. */
function rest(method: string, path: string, options: { authorization?: string; body?: string | Buffer } = {}): Promise<Reply> {
  const { hostname, port } = new URL(gateway.url);
  const headers: Record<string, string> = { authorization: options.authorization ?? basic(TEST_ADMIN.username, TEST_ADMIN.password) };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        try {
          const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          expect(checker.check(method, path.split("?")[0], res.statusCode ?? 0, body) ?? []).toEqual([]);
          resolve({ status: res.statusCode ?? 0, body });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const UNAUTHORIZED = { status: "ERROR", responseObject: { code: "HTTP_401", message: "Unauthorized" } };
const NO_CONTROLS = "must not contain control characters";

function violations(...fields: string[]) {
  return {
    status: "ERROR",
    responseObject: {
      code: "ERROR_REQUEST",
      message: "Invalid method parameter value",
      violations: fields.map((fieldName) => ({ fieldName, hint: NO_CONTROLS })),
    },
  };
}

function requestError(message: string) {
  return { status: "ERROR", responseObject: { code: "ERROR_REQUEST", message } };
}

/** The processes still serve ordinary calls: REST through the core, SOAP through the core, gRPC straight. */
async function expectAllAlive(): Promise<void> {
  expect((await rest("GET", "/admin/applications")).status).toBe(200);
  expect((await callSoap(t.soapUrl ?? "", "v3", "GetSystemStatus")).payload.status).toBe("OK");
  expect((await t.grpc.getSystemStatus({})).status).toBe("OK");
}

describe("input bounds at the boundaries", () => {
  beforeAll(async () => {
    expect((await rest("POST", "/admin/applications", { body: JSON.stringify({ id: "bounds-app" }) })).status).toBe(200);
  });

  it("REST: a NUL in a path id is ERROR_REQUEST naming the id, not a database failure", async () => {
    expect(await rest("GET", "/admin/applications/bounds%00app")).toEqual({ status: 400, body: violations("id") });
    expect(await rest("DELETE", "/v2/admin/applications/bounds-app/callbacks/%01")).toEqual({ status: 400, body: violations("callbackId") });
    await expectAllAlive();
  });

  it("REST: a NUL in a JSON string is ERROR_REQUEST naming the field", async () => {
    const body = JSON.stringify({ name: "cb\u0000", type: "ACTIVATION_STATUS_CHANGE", callbackUrl: "http://127.0.0.1:9/cb" });
    expect(await rest("POST", "/v2/admin/applications/bounds-app/callbacks", { body })).toEqual({ status: 400, body: violations("name") });
    await expectAllAlive();
  });

  it("REST: a NUL in the Basic username or password is 401, the admin login included", async () => {
    expect(await rest("GET", "/admin/applications", { authorization: basic("ad\u0000min", TEST_ADMIN.password) })).toEqual({
      status: 401,
      body: UNAUTHORIZED,
    });
    expect(await rest("GET", "/admin/applications", { authorization: basic(TEST_ADMIN.username, `${TEST_ADMIN.password}\u0000`) })).toEqual({
      status: 401,
      body: UNAUTHORIZED,
    });
    expect(await rest("GET", "/admin/applications", { authorization: basic("a".repeat(1025), TEST_ADMIN.password) })).toEqual({
      status: 401,
      body: UNAUTHORIZED,
    });
    await expectAllAlive();
  });

  it("REST: a body that is not UTF-8 is 400 ERROR_REQUEST instead of being stored with U+FFFD", async () => {
    const body = Buffer.concat([Buffer.from('{"id":"bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(await rest("POST", "/admin/applications", { body })).toEqual({ status: 400, body: requestError("Request body is not valid UTF-8") });
    const list = await rest("GET", "/admin/applications");
    expect(JSON.stringify(list.body)).not.toContain("bad-");
    await expectAllAlive();
  });

  it("REST: a configuration value nested 100 deep is 400 ERROR_REQUEST, not 500", async () => {
    const deep = `${"[".repeat(100)}"x"${"]".repeat(100)}`;
    const body = `{"key":"fido2_aaguids_allowed","values":[${deep}]}`;
    expect(await rest("POST", "/admin/applications/bounds-app/config", { body })).toEqual({
      status: 400,
      body: requestError("JSON request body is nested deeper than 32 levels"),
    });
    await expectAllAlive();
  });

  it("gRPC admin API: a 40-deep or NUL configuration value and a NUL callback credential are INVALID_ARGUMENT", async () => {
    // Deeper than the core's bound of 32; 100 levels and more never reach it over gRPC (protobuf's binary decoder
    // refuses them first), and through REST the gateway refuses them (above).
    let deep = fromJson(ValueSchema, "x");
    for (let i = 0; i < 40; i++) deep = create(ValueSchema, { kind: { case: "listValue", value: { values: [deep] } } });
    const refused = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => undefined,
        (reason: unknown) => ConnectError.from(reason),
      );
      return error?.code;
    };
    const config = (value: Value) => t.admin.createApplicationConfig({ id: "bounds-app", key: "fido2_aaguids_allowed", values: [value] });
    expect(await refused(config(deep))).toBe(Code.InvalidArgument);
    expect(await refused(config(fromJson(ValueSchema, { aaguid: "\u0000" })))).toBe(Code.InvalidArgument);
    const callback = t.admin.createCallback({
      appId: "bounds-app",
      name: "cb",
      type: 1,
      callbackUrl: "http://127.0.0.1:9/cb",
      authentication: { httpBasic: { enabled: true, username: "u\u0000", password: "p" } },
    });
    expect(await refused(callback)).toBe(Code.InvalidArgument);
    await expectAllAlive();
  });

  it("Connect and gRPC: a NUL in an activationId or userId is INVALID_ARGUMENT with ERR0024", async () => {
    for (const client of [t.v3Connect, t.grpc]) {
      const status = client.getActivationStatus({ activationId: "00000000-0000-0000-0000-00000000000\u0000" });
      await expect(status).rejects.toSatisfy((error: unknown) => ConnectError.from(error).code === Code.InvalidArgument);
      expect(await errorCodeOf(client.getActivationStatus({ activationId: "a\u0000" }))).toBe("ERR0024");
      expect(await errorCodeOf(client.initActivation({ userId: "user\u0000", applicationId: 1n }))).toBe("ERR0024");
    }
    await expectAllAlive();
  });

  it("SOAP: a 60,000-character or NUL WS-Security username is a soap:Client fault", async () => {
    const soapUrl = t.soapUrl ?? "";
    const long = await callSoap(soapUrl, "v3", "GetSystemStatus", {}, { credentials: { username: "u".repeat(60_000), password: "p" } });
    expect(long.fault?.faultcode).toMatch(/:Client$/);
    expect(long.fault?.faultstring).toContain("wsse:Username is longer than 1024 characters");

    const envelope = buildEnvelope("v3", "GetSystemStatus", {}, { username: "ad&#0;min", password: "p" }).replace("ad&amp;#0;min", "ad&#0;min");
    expect(envelope).toContain("ad&#0;min");
    const response = await fetch(soapUrl, { method: "POST", headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""' }, body: envelope });
    const xml = await response.text();
    expect(response.status).toBe(500);
    expect(xml).toMatch(/<faultcode>[\w-]+:Client<\/faultcode>/);
    expect(xml).toContain("is not an XML character");
    await expectAllAlive();
  });
});

const LONG = (length: number) => "x".repeat(length);

/** Rows of every table an over-long value could have reached. */
async function storedRows(): Promise<Record<string, number>> {
  const tables = ["pa_application", "pa_application_version", "pa_activation", "pa_application_callback", "pa_integration", "pa_operation", "pa_application_config"];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await t.database.db.read((tx) =>
      executeStatement<{ n: number | string }>(tx, { name: `bounds_${randomUUID()}`, text: `select count(*) as n from ${table}` }, []),
    );
    counts[table] = Number(row.n);
  }
  return counts;
}

describe("string lengths within their columns, timestamps in range, strict UTF-8 (#13 §6)", () => {
  let applicationId: bigint;

  beforeAll(async () => {
    applicationId = (await t.grpc.createApplication({ applicationName: `bounds-${randomUUID()}` })).applicationId;
  });

  const operations = () => createClient(OperationService, createGrpcTransport({ baseUrl: t.core.url }));
  const future = timestampFromDate(new Date(Date.now() + 3_600_000));

  // One row per field: the call, through gRPC straight to the core, carrying a value just past its column.
  const grpcCases: Array<[string, () => Promise<unknown>]> = [
    ["CreateApplication applicationName (255)", () => t.grpc.createApplication({ applicationName: LONG(256) })],
    ["CreateApplicationVersion applicationVersionName (255)", () => t.grpc.createApplicationVersion({ applicationId, applicationVersionName: LONG(256) })],
    ["CreateIntegration name (255)", () => t.grpc.createIntegration({ name: LONG(256) })],
    ["CreateCallbackUrl name (255)", () => t.grpc.createCallbackUrl({ applicationId, name: LONG(256), callbackUrl: "http://127.0.0.1:9/cb" })],
    ["CreateCallbackUrl callbackUrl (2048)", () => t.grpc.createCallbackUrl({ applicationId, name: "cb", callbackUrl: `http://127.0.0.1:9/${LONG(2048)}` })],
    ["CreateOperation userId (255)", () => operations().createOperation({ userId: LONG(256), applications: ["a"], templateName: "t" })],
    ["CreateOperation templateName (255)", () => operations().createOperation({ applications: ["a"], templateName: LONG(256) })],
    ["CreateOperation externalId (255)", () => operations().createOperation({ applications: ["a"], templateName: "t", externalId: LONG(256) })],
    ["CreateOperation activationFlag (255)", () => operations().createOperation({ applications: ["a"], templateName: "t", activationFlag: LONG(256) })],
    ["CreateOperation applications[] (255)", () => operations().createOperation({ applications: [LONG(256)], templateName: "t" })],
    ["CreateOperation timestampExpires after 9999", () => operations().createOperation({ applications: ["a"], templateName: "t", timestampExpires: { seconds: 253_402_300_800n, nanos: 0 } })],
    ["InitActivation timestampActivationExpire before 1970", () => t.grpc.initActivation({ userId: "u", applicationId, timestampActivationExpire: { seconds: -86_400n, nanos: 0 } })],
    ["InitActivation userId with U+FFFD", () => t.grpc.initActivation({ userId: "bad\uFFFD", applicationId, timestampActivationExpire: future })],
  ];

  it.each(grpcCases)("gRPC: %s is INVALID_ARGUMENT ERR0024 and stores nothing", async (_, call) => {
    const before = await storedRows();
    expect(await errorCodeOf(call())).toBe("ERR0024");
    expect(await storedRows()).toEqual(before);
  });

  it("gRPC: InitActivation with an over-long userId is ERR0001, as the reference answers it, and stores nothing", async () => {
    const before = await storedRows();
    expect(await errorCodeOf(t.grpc.initActivation({ userId: LONG(256), applicationId }))).toBe("ERR0001");
    expect(await storedRows()).toEqual(before);
  });

  it("Connect (JSON): invalid UTF-8 in a string is INVALID_ARGUMENT ERR0024, not stored as U+FFFD", async () => {
    const before = await storedRows();
    // The JSON codec decodes the body leniently, so 0xFF 0xFE arrive in the handler as U+FFFD; that is refused.
    const body = Buffer.concat([Buffer.from(`{"userId":"bad-`), Buffer.from([0xff, 0xfe]), Buffer.from(`","applicationId":"${applicationId}"}`)]);
    const response = await fetch(`${t.core.url}/powerauth.v3.PowerAuthService/InitActivation`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "invalid_argument" });
    expect(await storedRows()).toEqual(before);
  });

  it.each([
    ["an over-long userId", { userId: LONG(256), applicationId: "1" }, "ERR0001"],
    ["a U+FFFD userId", { userId: "bad\uFFFD", applicationId: "1" }, "ERR0024"],
  ])("SOAP: InitActivation with %s is refused and stores nothing", async (_, fields, errorCode) => {
    const before = await storedRows();
    const answer = await callSoap(t.soapUrl ?? "", "v3", "InitActivation", { ...fields, applicationId: String(applicationId) });
    // The reference's shape for service errors: a Server fault whose detail carries the code.
    expect(answer.fault).toMatchObject({ errorCode });
    expect(await storedRows()).toEqual(before);
  });

  it.each([
    ["POST", "/admin/applications", { id: LONG(256) }],
    ["POST", "/admin/applications/bounds-app/config", { key: LONG(256), values: ["x"] }],
    ["POST", "/v2/admin/applications/bounds-app/callbacks", { name: LONG(256), type: "ACTIVATION_STATUS_CHANGE", callbackUrl: "http://127.0.0.1:9/cb" }],
    ["POST", "/v2/admin/applications/bounds-app/callbacks", { name: "cb", type: "ACTIVATION_STATUS_CHANGE", callbackUrl: `http://127.0.0.1:9/${LONG(2048)}` }],
    ["POST", "/v2/admin/applications/bounds-app/callbacks", { name: "cb\uFFFD", type: "ACTIVATION_STATUS_CHANGE", callbackUrl: "http://127.0.0.1:9/cb" }],
  ])("REST: %s %s with an over-long or U+FFFD field is 400 ERROR_REQUEST and stores nothing", async (method, path, body) => {
    const before = await storedRows();
    const reply = await rest(method, path, { body: JSON.stringify(body) });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ status: "ERROR", responseObject: { code: "ERROR_REQUEST" } });
    expect(await storedRows()).toEqual(before);
  });

  it("every process still answers afterwards", async () => {
    await expectAllAlive();
  });
});
