import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "@powerauth/proto/grpc/health/v1/health_pb.js";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import { decodeMobileSdkConfig } from "../core/src/domain/applications/mobile-sdk-config.ts";
import { GrpcJsClient, GrpcStatus } from "./support/grpc-js-client.ts";
import type { GrpcJsError } from "./support/grpc-js-client.ts";
import { callSoap, serviceFault } from "./support/soap-client.ts";
import { startStack } from "./support/stack.ts";
import type { Stack } from "./support/stack.ts";

const ADMIN = { username: "e2e-admin", password: "e2e-admin-password" };
const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;

let stack: Stack;
let grpcJs: GrpcJsClient;

beforeAll(async () => {
  // The access log lets a test prove that a request never reached the core.
  stack = await startStack({
    POWERAUTH_ADMIN_USERNAME: ADMIN.username,
    POWERAUTH_ADMIN_PASSWORD: ADMIN.password,
    POWERAUTH_ACCESS_LOG: "true",
  });
  grpcJs = new GrpcJsClient(stack.coreUrl);
});

afterAll(async () => {
  grpcJs?.close();
  await stack?.stop();
});

async function rest(method: string, path: string, body?: unknown, auth: string | null = basic(ADMIN.username, ADMIN.password)) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth) headers.authorization = auth;
  const response = await fetch(`${stack.restUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("core over gRPC, gRPC-Web and Connect on one port", () => {
  it("answers GetSystemStatus to a @grpc/grpc-js client over HTTP/2", async () => {
    const status = await grpcJs.unary(PowerAuthService, PowerAuthService.method.getSystemStatus, {});
    expect(status.status).toBe("OK");
    expect(status.applicationName).toBe("powerauth-server");
    expect(status.applicationDisplayName).toBe("PowerAuth Server");
    expect(Math.abs(Number(status.timestamp?.seconds) * 1000 - Date.now())).toBeLessThan(60_000);
  });

  it("answers GetErrorCodeList in Connect JSON over HTTP/1.1 with every code and its English message", async () => {
    const response = await fetch(`${stack.coreUrl}/powerauth.v3.PowerAuthService/GetErrorCodeList`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ language: "de" }),
    });
    expect(response.status).toBe(200);
    const { errors } = (await response.json()) as { errors: { code: string; value: string }[] };
    const codes = errors.map((error) => error.code);
    for (let n = 0; n <= 29; n++) expect(codes).toContain(`ERR${String(n).padStart(4, "0")}`);
    expect(errors.find((error) => error.code === "ERR0009")?.value).toBe("Activation with given activation ID was not found.");
    expect(errors.find((error) => error.code === "ERR0024")?.value).toBe("Invalid request received.");
  });

  it("answers the same port in gRPC-Web over HTTP/1.1", async () => {
    const client = createClient(PowerAuthService, createGrpcWebTransport({ baseUrl: stack.coreUrl, httpVersion: "1.1" }));
    const app = await client.createApplication({ applicationName: "e2e-grpc-web" });
    const detail = await client.getApplicationDetail({ applicationId: app.applicationId });
    expect(detail.applicationName).toBe("e2e-grpc-web");
  });

  it("serves gRPC health checking", async () => {
    const all = await grpcJs.unary(Health, Health.method.check, { service: "" });
    expect(all.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const v3 = await grpcJs.unary(Health, Health.method.check, { service: "powerauth.v3.PowerAuthService" });
    expect(v3.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    await expect(grpcJs.unary(Health, Health.method.check, { service: "no.such.Service" })).rejects.toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
    // The name is echoed in the grpc-message trailer only in part: 70,000 characters there made clients reset the stream.
    await expect(grpcJs.unary(Health, Health.method.check, { service: "x".repeat(70_000) })).rejects.toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      details: `unknown service ${"x".repeat(100)}…`,
    });
  });

  it("lets a reflection client (buf curl) list the services and call a method without the .proto files", async () => {
    const buf = fileURLToPath(new URL("../node_modules/.bin/buf", import.meta.url));
    const run = promisify(execFile);
    const listed = await run(buf, ["curl", "--http2-prior-knowledge", "--protocol", "grpc", "--list-services", stack.coreUrl]);
    expect(listed.stdout.split("\n")).toEqual(
      expect.arrayContaining(["powerauth.v3.PowerAuthService", "powerauth.v2.PowerAuthService", "powerauth.admin.v1.AdminService"]),
    );
    const called = await run(buf, [
      "curl",
      "--http2-prior-knowledge",
      "--protocol",
      "grpc",
      `${stack.coreUrl}/powerauth.v3.PowerAuthService/GetSystemStatus`,
    ]);
    expect(JSON.parse(called.stdout)).toMatchObject({ status: "OK" });
  });

  it("answers UNIMPLEMENTED for a method it does not serve, never a fake success", async () => {
    // Every v3 method has landed; a method name the service lacks is answered as one that had not.
    const notServed = { ...PowerAuthService.method.getSystemStatus, name: "GetSomethingNotServed" };
    const error = await grpcJs
      .unary(PowerAuthService, notServed, {})
      .catch((caught: GrpcJsError) => caught);
    expect(error).toMatchObject({ code: GrpcStatus.UNIMPLEMENTED });
  });
});

describe("applications through SOAP and gRPC", () => {
  it("creates an application with a master key pair and a default version, visible on both surfaces", async () => {
    const created = await callSoap(stack.soapUrl, "v3", "CreateApplication", { applicationName: "e2e-soap-app" });
    expect(created.payload.applicationName).toBe("e2e-soap-app");
    const applicationId = String(created.payload.applicationId);
    expect(applicationId).toMatch(/^\d+$/);

    const detail = await callSoap(stack.soapUrl, "v3", "GetApplicationDetail", { applicationId });
    const masterPublicKey = Buffer.from(String(detail.payload.masterPublicKey), "base64");
    expect(masterPublicKey).toHaveLength(65);
    expect(masterPublicKey[0]).toBe(0x04);
    const versions = detail.payload.versions as Record<string, string>[];
    expect(versions).toHaveLength(1);
    expect(versions[0].applicationVersionName).toBe("default");
    expect(versions[0].supported).toBe("true");
    expect(Buffer.from(versions[0].applicationKey, "base64")).toHaveLength(16);
    expect(Buffer.from(versions[0].applicationSecret, "base64")).toHaveLength(16);

    const lookup = await grpcJs.unary(PowerAuthService, PowerAuthService.method.lookupApplicationByAppKey, {
      applicationKey: versions[0].applicationKey,
    });
    expect(lookup.applicationId).toBe(BigInt(applicationId));

    const list = await callSoap(stack.soapUrl, "v3", "GetApplicationList");
    expect(list.payload.applications).toEqual(expect.arrayContaining([{ id: applicationId, applicationName: "e2e-soap-app" }]));
  });

  it("creates, unsupports and supports application versions", async () => {
    const app = await grpcJs.unary(PowerAuthService, PowerAuthService.method.createApplication, { applicationName: "e2e-versions" });
    const version = await callSoap(stack.soapUrl, "v3", "CreateApplicationVersion", {
      applicationId: String(app.applicationId),
      applicationVersionName: "2.0",
    });
    expect(version.payload).toMatchObject({ applicationVersionName: "2.0", supported: "true" });
    const versionId = String(version.payload.applicationVersionId);

    const unsupported = await callSoap(stack.soapUrl, "v3", "UnsupportApplicationVersion", { applicationVersionId: versionId });
    expect(unsupported.payload).toEqual({ applicationVersionId: versionId, supported: "false" });
    const supported = await grpcJs.unary(PowerAuthService, PowerAuthService.method.supportApplicationVersion, {
      applicationVersionId: BigInt(versionId),
    });
    expect(supported.supported).toBe(true);

    const detail = await grpcJs.unary(PowerAuthService, PowerAuthService.method.getApplicationDetail, { applicationId: app.applicationId });
    expect(detail.versions.map((v) => v.applicationVersionName)).toEqual(["default", "2.0"]);
  });

  it("reports an unknown application as ERR0015 in a SOAP-ENV:Server fault with the detail legacy clients read", async () => {
    const answer = await callSoap(stack.soapUrl, "v3", "GetApplicationDetail", { applicationId: "987654" });
    expect(answer.status).toBe(500);
    expect(answer.fault).toEqual(serviceFault("ERR0015", "Application or application version does not exist."));
  });

  it("refuses a duplicate application name with ERR0043", async () => {
    await callSoap(stack.soapUrl, "v3", "CreateApplication", { applicationName: "e2e-duplicate" });
    const again = await callSoap(stack.soapUrl, "v3", "CreateApplication", { applicationName: "e2e-duplicate" });
    expect(again.fault).toMatchObject({ faultcode: "SOAP-ENV:Server", errorCode: "ERR0043" });
  });

  it("answers a non-numeric applicationId with a soap:Client fault before it reaches the core", async () => {
    const logStart = stack.core.output().length;
    const answer = await callSoap(stack.soapUrl, "v3", "GetApplicationDetail", { applicationId: "12abc" });
    expect(answer.status).toBe(500);
    expect(answer.fault).toEqual({
      faultcode: "SOAP-ENV:Client",
      faultstring: 'Invalid request: GetApplicationDetailRequest/applicationId: "12abc" is not a valid xs:long',
      errorCode: undefined,
      localizedMessage: undefined,
    });
    // A numeric id does reach the core; once its access-log line is there, any earlier call's line would be too.
    await callSoap(stack.soapUrl, "v3", "GetApplicationDetail", { applicationId: "987654" });
    const calls = () => coreAccessLog(stack.core.output().slice(logStart));
    const numericCall = { rpc: "powerauth.v3.PowerAuthService/GetApplicationDetail", code: Code.NotFound };
    await vi.waitFor(() => expect(calls()).toContainEqual(numericCall));
    expect(calls()).toEqual([numericCall]);
  });

  it("answers an empty application name with ERR0024 on gRPC", async () => {
    const error = await grpcJs
      .unary(PowerAuthService, PowerAuthService.method.createApplication, { applicationName: " " })
      .catch((caught: GrpcJsError) => caught);
    expect(error).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
  });
});

describe("integrations", () => {
  it("creates an integration whose secret is shown once, lists it without the secret and removes it", async () => {
    const created = await callSoap(stack.soapUrl, "v3", "CreateIntegration", { name: "e2e-bank" });
    const { id, clientToken, clientSecret } = created.payload as Record<string, string>;
    expect(clientToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(clientSecret).toMatch(/^[0-9a-f-]{36}$/);

    const list = await callSoap(stack.soapUrl, "v3", "GetIntegrationList");
    expect(list.payload.restrictedAccess).toBe("false");
    const item = (list.payload.items as Record<string, string>[]).find((entry) => entry.id === id);
    expect(item).toMatchObject({ name: "e2e-bank", clientToken });
    expect(item?.clientSecret ?? "").toBe("");
    expect(list.xml).not.toContain(clientSecret);

    expect((await callSoap(stack.soapUrl, "v3", "RemoveIntegration", { id })).payload).toEqual({ id, removed: "true" });
    expect((await callSoap(stack.soapUrl, "v3", "RemoveIntegration", { id })).payload).toEqual({ id, removed: "false" });
  });
});

describe("Cloud Admin API through REST", () => {
  it("refuses calls without credentials or with a wrong password with the seed's HTTP_401 envelope", async () => {
    const anonymous = await rest("GET", "/admin/applications", undefined, null);
    expect(anonymous).toEqual({ status: 401, body: { status: "ERROR", responseObject: { code: "HTTP_401", message: "Unauthorized" } } });
    const wrong = await rest("GET", "/admin/applications", undefined, basic(ADMIN.username, "nope"));
    expect(wrong).toEqual({ status: 401, body: { status: "ERROR", responseObject: { code: "HTTP_401", message: "Unauthorized" } } });
  });

  it("creates an application whose mobileSdkConfig carries exactly its appKey, appSecret and master key", async () => {
    const created = await rest("POST", "/admin/applications", { id: "MY_APP_01", roles: ["ROLE2", "ROLE1"] });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: "MY_APP_01", roles: ["ROLE1", "ROLE2"], serviceBaseUrl: expect.any(String) });
    const sdk = decodeMobileSdkConfig(String(created.body.mobileSdkConfig));
    expect(sdk).toEqual({
      applicationKey: created.body.appKey,
      applicationSecret: created.body.appSecret,
      masterServerPublicKey: created.body.masterServerPublicKey,
    });

    const detail = await rest("GET", "/admin/applications/MY_APP_01");
    expect(detail).toEqual({ status: 200, body: created.body });
    const list = await rest("GET", "/admin/applications");
    expect(list.body.applications).toEqual(expect.arrayContaining([{ id: "MY_APP_01" }]));

    const soapList = await callSoap(stack.soapUrl, "v3", "GetApplicationList");
    expect((soapList.payload.applications as { applicationName: string }[]).map((app) => app.applicationName)).toContain("MY_APP_01");
  });

  it("adds and removes roles, ignoring duplicates and absent roles", async () => {
    await rest("POST", "/admin/applications", { id: "roles-app", roles: ["B"] });
    expect(await rest("POST", "/admin/applications/roles", { id: "roles-app", roles: ["A", "B", "C"] })).toEqual({
      status: 200,
      body: { status: "OK" },
    });
    expect((await rest("GET", "/admin/applications/roles-app")).body.roles).toEqual(["A", "B", "C"]);
    expect(await rest("POST", "/admin/applications/roles-app/roles/remove", { roles: ["B", "Z"] })).toEqual({
      status: 200,
      body: { status: "OK" },
    });
    expect((await rest("GET", "/admin/applications/roles-app")).body.roles).toEqual(["A", "C"]);
  });

  it("validates requests with ERROR_REQUEST violations and reports business errors as ERROR_ADMIN", async () => {
    const missing = await rest("POST", "/admin/applications/roles", { roles: ["A"] });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({
      status: "ERROR",
      responseObject: { code: "ERROR_REQUEST", violations: expect.arrayContaining([expect.objectContaining({ fieldName: "id" })]) },
    });
    const duplicate = await rest("POST", "/admin/applications", { id: "MY_APP_01", roles: [] });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toMatchObject({ status: "ERROR", responseObject: { code: "ERROR_ADMIN" } });
    const unknown = await rest("GET", "/admin/applications/no-such-app");
    expect(unknown.body).toMatchObject({ status: "ERROR", responseObject: { code: "ERROR_ADMIN" } });
  });

  it("stores, lists and removes application configuration for allowed keys only", async () => {
    await rest("POST", "/admin/applications", { id: "config-app", roles: [] });
    const put = await rest("POST", "/admin/applications/config-app/config", { key: "fido2_attestation_fmt_allowed", values: ["packed"] });
    expect(put).toEqual({ status: 200, body: { appId: "config-app", key: "fido2_attestation_fmt_allowed", values: ["packed"] } });
    await rest("POST", "/admin/applications/config-app/config", {
      key: "oauth2_providers",
      values: [{ providerId: "p1", clientId: "c1", pkceEnabled: true }],
    });
    const replaced = await rest("POST", "/admin/applications/config-app/config", { key: "fido2_attestation_fmt_allowed", values: ["none", "packed"] });
    expect(replaced.body.values).toEqual(["none", "packed"]);

    const listed = await rest("GET", "/admin/applications/config-app/config");
    expect(listed).toEqual({
      status: 200,
      body: {
        appId: "config-app",
        applicationConfigs: [
          { key: "fido2_attestation_fmt_allowed", values: ["none", "packed"] },
          { key: "oauth2_providers", values: [{ providerId: "p1", clientId: "c1", pkceEnabled: true }] },
        ],
      },
    });

    const invalid = await rest("POST", "/admin/applications/config-app/config", { key: "invalid", values: [] });
    expect(invalid).toEqual({
      status: 400,
      body: {
        status: "ERROR",
        responseObject: { code: "ERROR_ADMIN", message: "Invalid create application configuration request for configuration key: invalid" },
      },
    });

    expect(await rest("DELETE", "/admin/applications/config-app/config", { key: "oauth2_providers" })).toEqual({
      status: 200,
      body: { status: "OK" },
    });
    const after = await rest("GET", "/admin/applications/config-app/config");
    expect((after.body.applicationConfigs as { key: string }[]).map((entry) => entry.key)).toEqual(["fido2_attestation_fmt_allowed"]);
  });

  // Every endpoint of the seed has landed, so the internal operation callback (the last one) answers for real.
  it("answers the internal operation callback for an unknown operation with the seed's 400 ERROR_OPERATION_NOT_FOUND", async () => {
    const response = await rest("POST", "/internal/callback/operation", { operationId: "6a1cc1a4-2c1e-4b6e-9d7e-3f0a3c1f5b11" });
    expect(response).toEqual({
      status: 400,
      body: { status: "ERROR", responseObject: { code: "ERROR_OPERATION_NOT_FOUND", message: "Operation not found" } },
    });
  });
});

/** The core's access-log entries (RPC name and outcome) in the given stretch of its output. */
function coreAccessLog(output: string): { rpc: string; code: unknown }[] {
  return output
    .split("\n")
    .slice(0, -1) // the last piece is empty or a line still being written
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { message?: string; rpc?: string; code?: unknown })
    .filter((entry) => entry.message === "rpc")
    .map((entry) => ({ rpc: String(entry.rpc), code: entry.code }));
}
