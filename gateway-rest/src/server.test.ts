// HTTP-level tests of the REST gateway. The gateway runs for real; behind it sits a FAKE CORE: an in-process
// Connect server that implements a handful of AdminService RPCs with canned answers, checks credentials
// against one hard-coded pair, and leaves the other RPCs unimplemented. It has no business logic and says
// nothing about how the real core behaves; end-to-end tests against the real core live in test/.

import { spawn } from "node:child_process";
import { createServer as createHttp2Server } from "node:http2";
import { connect, createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import type { Message } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  AdminErrorDetailSchema,
  AdminService,
  ApnsEnvironment,
  CallbackType,
  ListApplicationsResponse_ApplicationSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startRestGateway } from "./server.ts";
import type { RestGateway } from "./server.ts";
import { APPLICATION_JSON } from "./testing/spec-examples.ts";

const AUTH = `Basic ${Buffer.from("admin:secret").toString("base64")}`;
const WRONG_AUTH = `Basic ${Buffer.from("admin:wrong").toString("base64")}`;
const THROTTLED_AUTH = `Basic ${Buffer.from("flooded:wrong").toString("base64")}`;

const UNAUTHORIZED_BODY = { status: "ERROR", responseObject: { code: "HTTP_401", message: "Unauthorized" } };
const UPSTREAM_BODY = {
  status: "ERROR",
  responseObject: { code: "ERROR_INTERNAL_API", message: "Unable to call upstream service" },
};

type RecordedCall = { method: string; request: Message; headers: Headers };

function adminError(code: Code, detail: { code: string; message: string; violations?: { fieldName: string; hint: string }[] }) {
  return new ConnectError(detail.message, code, undefined, [{ desc: AdminErrorDetailSchema, value: detail }]);
}

/** The fake core (see the top of the file). */
async function startFakeCore() {
  const calls: RecordedCall[] = [];
  const checks: Headers[] = [];
  function record(method: string, request: Message, ctx: HandlerContext): void {
    calls.push({ method, request, headers: ctx.requestHeader });
    if (ctx.requestHeader.get("authorization") === THROTTLED_AUTH) {
      throw new ConnectError("Too many admin login attempts", Code.ResourceExhausted, { "retry-after": "42" });
    }
    if (ctx.requestHeader.get("authorization") !== AUTH) throw new ConnectError("bad credentials", Code.Unauthenticated);
  }
  const routes = (router: ConnectRouter) =>
    router.service(AdminService, {
      // The gateway checks credentials first for bodies and unknown paths; counted apart from the translated calls.
      checkAdminCredentials(_req, ctx) {
        checks.push(ctx.requestHeader);
        if (ctx.requestHeader.get("authorization") !== AUTH) throw new ConnectError("bad credentials", Code.Unauthenticated);
        return {};
      },
      createApplication(req, ctx) {
        record("createApplication", req, ctx);
        return { ...APPLICATION_JSON, id: req.id, roles: req.roles };
      },
      listApplications(req, ctx) {
        record("listApplications", req, ctx);
        return {
          applications: ["demo-app1", "demo-app2"].map((id) => create(ListApplicationsResponse_ApplicationSchema, { id })),
        };
      },
      getApplicationDetail(req, ctx) {
        record("getApplicationDetail", req, ctx);
        if (req.id !== APPLICATION_JSON.id) {
          throw adminError(Code.FailedPrecondition, { code: "ERROR_ADMIN", message: "No enabled application version was found" });
        }
        return APPLICATION_JSON;
      },
      addApplicationRoles(req, ctx) {
        record("addApplicationRoles", req, ctx);
        return {};
      },
      createApplicationConfig(req, ctx) {
        record("createApplicationConfig", req, ctx);
        throw adminError(Code.InvalidArgument, {
          code: "ERROR_REQUEST",
          message: "Invalid method parameter value",
          violations: [{ fieldName: "key", hint: "unknown configuration key" }],
        });
      },
      createCallback(req, ctx) {
        record("createCallback", req, ctx);
        const basic = req.authentication?.httpBasic;
        return {
          applicationId: req.appId,
          callbackId: "cb-1",
          name: req.name,
          type: req.type,
          callbackUrl: req.callbackUrl,
          attributes: req.attributes,
          authentication: {
            httpBasic: { enabled: basic?.enabled ?? false, username: basic?.username, passwordSet: basic?.password !== undefined },
          },
          retentionPeriod: req.retentionPeriod ?? "P30D",
          initialBackoff: req.initialBackoff ?? "PT2S",
          maxAttempts: req.maxAttempts ?? 1,
        };
      },
      operationCallback(req, ctx) {
        record("operationCallback", req, ctx);
        return {};
      },
      getPushConfig(req, ctx) {
        record("getPushConfig", req, ctx);
        return {
          id: "config123",
          apns: { topic: "com.example.MyApp", keyId: "ABCD1234", teamId: "EFGH5678", environment: ApnsEnvironment.DEVELOPMENT },
          fcm: { projectId: "my-fcm-project-123" },
          hms: { projectId: "my-hms-project-456" },
        };
      },
      deletePushHmsConfig(req, ctx) {
        record("deletePushHmsConfig", req, ctx);
        throw new Error("relation pa_push_credentials does not exist at /srv/core/db.ts:12");
      },
      async deletePushFcmConfig(req, ctx) {
        record("deletePushFcmConfig", req, ctx);
        // Never answers: lets the test watch the gateway's deadline.
        await new Promise((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
        return {};
      },
      getUniqueActiveUsers(req, ctx) {
        record("getUniqueActiveUsers", req, ctx);
        return { applicationId: req.id, days: req.days ?? 30, users: 42n };
      },
    });
  const server = createHttp2Server(connectNodeAdapter({ routes }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    checks,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

type Reply = { status: number; headers: Headers; body: unknown };

/** Sends raw bytes on a fresh connection and returns everything the server answers until it closes. */
function rawExchange(base: string, request: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; auth?: string | null; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== null) headers.authorization = options.auth ?? AUTH;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json";
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) };
}

describe("startRestGateway() in front of a fake core", () => {
  let core: Awaited<ReturnType<typeof startFakeCore>>;
  let gateway: RestGateway;
  const logLines: string[] = [];

  beforeAll(async () => {
    core = await startFakeCore();
    gateway = await startRestGateway({ port: 0, coreUrl: core.url, coreTimeoutMs: 1_000, log: (l) => logLines.push(l) });
  });

  afterAll(async () => {
    await gateway.close();
    await core.close();
  });

  afterEach(() => {
    core.calls.length = 0;
    core.checks.length = 0;
  });

  const rest = (method: string, path: string, options?: Parameters<typeof call>[3]) =>
    call(gateway.url, method, path, options);

  describe("successful calls", () => {
    it("creates an application and answers the bare object of the specification", async () => {
      const res = await rest("POST", "/admin/applications", { body: { id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.body).toEqual(APPLICATION_JSON);
      expect(core.calls).toHaveLength(1);
      expect(core.calls[0].request).toMatchObject({ id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] });
    });

    it("forwards the Authorization header, a request ID and the client address as metadata", async () => {
      const res = await rest("GET", "/admin/applications", { headers: { "x-request-id": "req-42" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-request-id")).toBe("req-42");
      const headers = core.calls[0].headers;
      expect(headers.get("authorization")).toBe(AUTH);
      expect(headers.get("x-request-id")).toBe("req-42");
      expect(headers.get("x-forwarded-for")).toBe("127.0.0.1");
    });

    it("lists applications", async () => {
      const res = await rest("GET", "/admin/applications");
      expect(res).toMatchObject({ status: 200, body: { applications: [{ id: "demo-app1" }, { id: "demo-app2" }] } });
    });

    it("reads application detail, with the path parameter percent-decoded", async () => {
      const res = await rest("GET", "/admin/applications/MY_APP_01");
      expect(res).toMatchObject({ status: 200, body: APPLICATION_JSON });
      await rest("GET", "/admin/applications/with%20space");
      expect(core.calls[1].request).toMatchObject({ id: "with space" });
    });

    it("answers {\"status\":\"OK\"} when roles are added", async () => {
      const res = await rest("POST", "/admin/applications/roles", { body: { id: "MY_APP_01", roles: ["ROLE3"] } });
      expect(res).toMatchObject({ status: 200, body: { status: "OK" } });
      expect(core.calls[0]).toMatchObject({ method: "addApplicationRoles", request: { id: "MY_APP_01", roles: ["ROLE3"] } });
    });

    it("creates a callback: the password goes to the core, only passwordSet comes back", async () => {
      const res = await rest("POST", "/v2/admin/applications/MY_APP_01/callbacks", {
        body: {
          name: "ops",
          type: "OPERATION_STATUS_CHANGE",
          callbackUrl: "https://hooks.example.com/ops",
          attributes: ["userId"],
          authentication: { httpBasic: { enabled: true, username: "u", password: "p4ss" } },
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        applicationId: "MY_APP_01",
        callbackId: "cb-1",
        name: "ops",
        type: "OPERATION_STATUS_CHANGE",
        callbackUrl: "https://hooks.example.com/ops",
        attributes: ["userId"],
        authentication: { httpBasic: { enabled: true, username: "u", passwordSet: true } },
        retentionPeriod: "P30D",
        initialBackoff: "PT2S",
        maxAttempts: 1,
      });
      expect(core.calls[0].request).toMatchObject({
        appId: "MY_APP_01",
        type: CallbackType.OPERATION_STATUS_CHANGE,
        authentication: { httpBasic: { password: "p4ss" } },
      });
    });

    it("accepts the internal operation callback", async () => {
      const operationId = "0d7c3bd5-8f6f-4ba4-9c2f-9a7c4e6d2f10";
      const res = await rest("POST", "/internal/callback/operation", { body: { operationId } });
      expect(res).toMatchObject({ status: 200, body: { status: "OK" } });
      expect(core.calls[0].request).toMatchObject({ operationId });
    });

    it("serves the push configuration at the specification's path (given there without a leading slash)", async () => {
      const res = await rest("GET", "/admin/applications/MY_APP_01/push");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: "config123",
        apns: { topic: "com.example.MyApp", keyId: "ABCD1234", teamId: "EFGH5678", environment: "DEVELOPMENT" },
        fcm: { projectId: "my-fcm-project-123" },
        hms: { projectId: "my-hms-project-456" },
      });
    });

    it("reports unique users, passing days through and leaving the default to the core", async () => {
      expect(await rest("GET", "/admin/telemetry/applications/MyApp/users?days=7")).toMatchObject({
        status: 200,
        body: { applicationId: "MyApp", days: 7, users: 42 },
      });
      expect(await rest("GET", "/admin/telemetry/applications/MyApp/users")).toMatchObject({
        status: 200,
        body: { applicationId: "MyApp", days: 30, users: 42 },
      });
      expect(core.calls[1].request).not.toHaveProperty("days", expect.anything());
    });
  });

  describe("validation", () => {
    it("rejects a missing application ID exactly like the specification, without calling the core", async () => {
      const res = await rest("POST", "/admin/applications/roles", { body: { roles: ["ROLE1", "ROLE2"] } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        status: "ERROR",
        responseObject: {
          code: "ERROR_REQUEST",
          message: "Invalid method parameter value",
          violations: [{ fieldName: "id", hint: "must not be empty" }],
        },
      });
      expect(core.calls).toHaveLength(0);
    });

    it("treats an empty body as {} and names every missing field", async () => {
      const res = await rest("POST", "/v2/admin/applications/MY_APP_01/callbacks", { rawBody: "" });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        status: "ERROR",
        responseObject: {
          code: "ERROR_REQUEST",
          message: "Invalid method parameter value",
          violations: [
            { fieldName: "name", hint: "must not be empty" },
            { fieldName: "type", hint: "must not be empty" },
            { fieldName: "callbackUrl", hint: "must not be empty" },
          ],
        },
      });
    });

    it("names the missing parameter in the message where the specification does (internal and push endpoints)", async () => {
      expect(await rest("POST", "/internal/callback/operation", { body: {} })).toEqual(
        expect.objectContaining({
          status: 400,
          body: {
            status: "ERROR",
            responseObject: { code: "ERROR_REQUEST", message: "Required String parameter 'operationId' is not present" },
          },
        }),
      );
      const apns = await rest("POST", "/admin/applications/MY_APP_01/push/apns", { body: { keyId: "K" } });
      expect(apns.body).toEqual({
        status: "ERROR",
        responseObject: { code: "ERROR_REQUEST", message: "Required String parameter 'topic' is not present" },
      });
      const fcm = await rest("POST", "/admin/applications/MY_APP_01/push/fcm", { body: { projectId: "p" } });
      expect(fcm.body).toMatchObject({
        responseObject: { message: "Required String parameter 'privateKeyBase64' is not present" },
      });
      const hms = await rest("POST", "/admin/applications/MY_APP_01/push/hms", { body: {} });
      expect(hms.body).toMatchObject({ responseObject: { message: "Required String parameter 'projectId' is not present" } });
      expect(core.calls).toHaveLength(0);
    });

    it("lists violations on those endpoints when a field is present but malformed", async () => {
      const res = await rest("POST", "/internal/callback/operation", { body: { operationId: "not-a-uuid" } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        status: "ERROR",
        responseObject: {
          code: "ERROR_REQUEST",
          message: "Invalid method parameter value",
          violations: [{ fieldName: "operationId", hint: "must be a valid UUID" }],
        },
      });
    });

    it("answers 400 ERROR_REQUEST to a body that is not JSON", async () => {
      const res = await rest("POST", "/admin/applications", { rawBody: '{"id": "A",' });
      expect(res).toMatchObject({
        status: 400,
        body: { status: "ERROR", responseObject: { code: "ERROR_REQUEST", message: "Malformed JSON request body" } },
      });
    });

    it("answers 415 to a body that is declared as something other than JSON", async () => {
      const res = await rest("POST", "/admin/applications", {
        rawBody: "id=A",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(res).toMatchObject({ status: 415, body: { status: "ERROR", responseObject: { code: "ERROR_REQUEST" } } });
    });

    it("answers 413 to a body over 64 KiB, declared or chunked", async () => {
      const big = JSON.stringify({ id: "A", roles: ["x".repeat(70 * 1024)] });
      const declared = await rest("POST", "/admin/applications", { rawBody: big });
      expect(declared.status).toBe(413);
      expect(declared.body).toEqual({
        status: "ERROR",
        responseObject: { code: "ERROR_REQUEST", message: "Request body exceeds the limit of 65536 bytes" },
      });
      const chunked = await fetch(`${gateway.url}/admin/applications`, {
        method: "POST",
        headers: { authorization: AUTH, "content-type": "application/json" },
        body: new Blob([big]).stream(),
        duplex: "half",
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(await chunked.json()).toMatchObject({ responseObject: { code: "ERROR_REQUEST" } });
      expect(core.calls).toHaveLength(0);
    });

    it("passes the core's own ERROR_REQUEST violations through", async () => {
      const res = await rest("POST", "/admin/applications/MY_APP_01/config", { body: { key: "nope", values: [] } });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        status: "ERROR",
        responseObject: {
          code: "ERROR_REQUEST",
          message: "Invalid method parameter value",
          violations: [{ fieldName: "key", hint: "unknown configuration key" }],
        },
      });
    });
  });

  describe("authentication", () => {
    it("answers 401 with the specification's body when Authorization is missing, without calling the core", async () => {
      const res = await rest("GET", "/admin/applications", { auth: null });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="PowerAuth Cloud"');
      expect(res.body).toEqual(UNAUTHORIZED_BODY);
      expect(core.calls).toHaveLength(0);
    });

    it("answers 401 when the core rejects the credentials", async () => {
      const res = await rest("POST", "/admin/applications", { auth: WRONG_AUTH, body: { id: "A" } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="PowerAuth Cloud"');
      expect(res.body).toEqual(UNAUTHORIZED_BODY);
      // The credentials were checked before the body was read, so the create call never happened.
      expect(core.checks.map((headers) => headers.get("authorization"))).toEqual([WRONG_AUTH]);
      expect(core.calls).toHaveLength(0);
    });

    it("answers 401, not 404 or 405, to an unknown path or method with wrong credentials", async () => {
      for (const [method, path] of [["GET", "/admin/nothing-here"], ["PATCH", "/admin/applications"]] as const) {
        const res = await rest(method, path, { auth: WRONG_AUTH });
        expect(res).toMatchObject({ status: 401, body: UNAUTHORIZED_BODY });
      }
      expect(core.checks).toHaveLength(2);
    });

    it("answers 401 to a huge body with wrong credentials before reading it, and closes the connection", async () => {
      // 10 MB announced, 100 bytes sent: the answer can only come if the gateway does not wait for the body.
      const answer = await rawExchange(
        gateway.url,
        `POST /admin/applications HTTP/1.1\r\nhost: x\r\nauthorization: ${WRONG_AUTH}\r\ncontent-type: application/json\r\n` +
          `content-length: ${10 * 1024 * 1024}\r\n\r\n${"{".repeat(100)}`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer.toLowerCase()).toContain("connection: close");
      expect(answer).toContain(JSON.stringify(UNAUTHORIZED_BODY));
      expect(core.calls).toHaveLength(0);
    });

    it("passes the core's throttling on as 429 HTTP_429 with Retry-After", async () => {
      const res = await rest("GET", "/admin/applications", { auth: THROTTLED_AUTH });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("42");
      expect(res.body).toEqual({ status: "ERROR", responseObject: { code: "HTTP_429", message: "Too Many Requests" } });
    });

    it("tells the core the caller's address in x-powerauth-client-address, from the socket, not from X-Forwarded-For", async () => {
      await rest("GET", "/admin/applications", { headers: { "x-forwarded-for": "203.0.113.9" } });
      expect(core.calls[0].headers.get("x-powerauth-client-address")).toBe("127.0.0.1");
    });
  });

  describe("paths and methods", () => {
    it("answers 404 ERROR_NOT_FOUND to an unknown path", async () => {
      const res = await rest("GET", "/admin/nothing-here");
      expect(res).toMatchObject({
        status: 404,
        body: { status: "ERROR", responseObject: { code: "ERROR_NOT_FOUND", message: "The requested URL is not present" } },
      });
    });

    it("answers 405 with Allow to a known path called with the wrong method", async () => {
      const res = await rest("PATCH", "/admin/applications/MY_APP_01/config", { body: {} });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, POST, DELETE");
      expect(res.body).toEqual({
        status: "ERROR",
        responseObject: { code: "ERROR_REQUEST", message: "Request method 'PATCH' is not supported" },
      });
    });
    it("answers a request Node's HTTP parser rejects with the envelope too", async () => {
      const socket = connect(Number(new URL(gateway.url).port), "127.0.0.1");
      let raw = "";
      socket.on("data", (chunk: Buffer) => {
        raw += chunk.toString();
      });
      socket.write("NOT-HTTP\r\n\r\n");
      await new Promise((resolve) => socket.once("close", resolve));
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).toEqual({
        status: "ERROR",
        responseObject: { code: "ERROR_REQUEST", message: "Malformed HTTP request" },
      });
    });
  });

  describe("core failures", () => {
    it("renders the core's ERROR_ADMIN detail with 400", async () => {
      const res = await rest("GET", "/admin/applications/UNKNOWN");
      expect(res).toMatchObject({
        status: 400,
        body: { status: "ERROR", responseObject: { code: "ERROR_ADMIN", message: "No enabled application version was found" } },
      });
    });

    it("answers 501 'Not implemented yet' for an RPC the core does not implement, never a fake success", async () => {
      const res = await rest("POST", "/admin/applications/MY_APP_01/roles/remove", { body: { roles: ["ROLE1"] } });
      expect(res.status).toBe(501);
      expect(res.body).toEqual({ status: "ERROR", responseObject: { code: "ERROR_GENERIC", message: "Not implemented yet" } });
    });

    it("hides an unexpected core failure behind 500 ERROR_GENERIC", async () => {
      const res = await rest("DELETE", "/admin/applications/MY_APP_01/push/hms");
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        status: "ERROR",
        responseObject: { code: "ERROR_GENERIC", message: "Unknown error occurred while processing request." },
      });
    });

    it("answers 500 ERROR_INTERNAL_API when the core does not answer in time", async () => {
      const res = await rest("DELETE", "/admin/applications/MY_APP_01/push/fcm");
      expect(res.status).toBe(500);
      expect(res.body).toEqual(UPSTREAM_BODY);
    });
  });

  it("logs one line per request with method, path, status and duration, and nothing secret", async () => {
    logLines.length = 0;
    await rest("POST", "/v2/admin/applications/MY_APP_01/callbacks", {
      body: {
        name: "n",
        type: "REGISTRATION_STATUS_CHANGE",
        callbackUrl: "https://x.example/cb",
        authentication: { httpBasic: { enabled: true, username: "u", password: "very-secret-password" } },
      },
    });
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatch(/ POST \/v2\/admin\/applications\/MY_APP_01\/callbacks 200 \d+(\.\d+)?ms /);
    expect(logLines[0]).not.toContain("very-secret-password");
    expect(logLines[0]).not.toContain(AUTH.slice(6));
  });
});

describe("startRestGateway() without a reachable core", () => {
  let gateway: RestGateway;

  beforeAll(async () => {
    gateway = await startRestGateway({ port: 0, coreUrl: `http://127.0.0.1:${await freePort()}`, log: () => {} });
  });

  afterAll(async () => {
    await gateway.close();
  });

  it("answers 500 ERROR_INTERNAL_API 'Unable to call upstream service'", async () => {
    const res = await call(gateway.url, "GET", "/admin/applications");
    expect(res.status).toBe(500);
    expect(res.body).toEqual(UPSTREAM_BODY);
  });

  it("still refuses a request without credentials locally, and reads no body it cannot have checked", async () => {
    expect((await call(gateway.url, "GET", "/admin/applications", { auth: null })).status).toBe(401);
    expect(await call(gateway.url, "POST", "/admin/applications", { body: {} })).toMatchObject({ status: 500, body: UPSTREAM_BODY });
  });
});

describe("main.ts", () => {
  it("starts from the environment and stops cleanly on SIGTERM", async () => {
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, REST_PORT: "0", REST_HOST: "127.0.0.1", CORE_URL: "http://127.0.0.1:1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const url = await listening;
    expect((await call(url, "GET", "/admin/applications", { auth: null })).status).toBe(401);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toMatch(/GET \/admin\/applications 401/);
  });
});
