import { request } from "node:http";
import { create, fromJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { Value } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
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
