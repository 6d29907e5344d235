import { spawn } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRestGateway } from "../gateway-rest/src/server.ts";
import type { RestGateway } from "../gateway-rest/src/server.ts";
import { basicAuth, startCoreForTest, TEST_ADMIN } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { createResponseChecker } from "./support/openapi-responses.ts";

// The admin login end to end: REST gateway → gRPC → core → database (PGlite, or PostgreSQL with
// TEST_DATABASE_URL). Callers come from distinct loopback addresses (127.0.0.x), which the gateway sees as
// its clients and passes to the core as x-powerauth-client-address.

const UNAUTHORIZED = { status: "ERROR", responseObject: { code: "HTTP_401", message: "Unauthorized" } };
const TOO_MANY = { status: "ERROR", responseObject: { code: "HTTP_429", message: "Too Many Requests" } };
const MAX_FAILURES = 3;
const MAX_FAILURES_PER_ADDRESS = 5;
const WINDOW_MS = 60_000;

const checker = createResponseChecker();
let t: CoreUnderTest;
let gateway: RestGateway;

beforeAll(async () => {
  t = await startCoreForTest({
    activationExpiryJobIntervalMs: 0,
    adminAuthCacheTtlMs: 60_000,
    adminLoginMaxFailures: MAX_FAILURES,
    adminLoginMaxFailuresPerAddress: MAX_FAILURES_PER_ADDRESS,
    adminLoginFailureWindowMs: WINDOW_MS,
    adminLoginMaxInFlight: 100,
    // One Argon2 thread and no queue: any second password hash at the same time is refused.
    argon2Threads: 1,
    argon2MaxQueue: 0,
  });
  gateway = await startRestGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
});

afterAll(async () => {
  await gateway?.close();
  await t?.close();
});

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: unknown };

/** One REST call from a chosen loopback address; the answer is also checked against the OpenAPI document. */
function rest(
  from: string,
  method: string,
  path: string,
  options: { auth?: [string, string] | null; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const { hostname, port } = new URL(gateway.url);
  const auth = options.auth === undefined ? [TEST_ADMIN.username, TEST_ADMIN.password] : options.auth;
  const headers: Record<string, string> = { ...options.headers };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString("base64")}`;
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers, localAddress: from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        try {
          const body: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          // Paths outside the API (`/nothing`) are not the document's; every other answer must match it.
          expect(checker.check(method, path.split("?")[0], res.statusCode ?? 0, body) ?? []).toEqual([]);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

async function createUser(username: string, password: string): Promise<void> {
  await t.admin.createAdminUser({ username, password });
}

describe("remembered logins", () => {
  it("serve concurrent calls of a verified admin without hashing again, even with the Argon2 pool full", async () => {
    expect((await rest("127.0.0.1", "GET", "/admin/applications")).status).toBe(200);
    // Each uncached call would need the single Argon2 thread; with no queue, concurrent ones would be refused.
    const replies = await Promise.all(Array.from({ length: 8 }, () => rest("127.0.0.1", "GET", "/admin/applications")));
    expect(replies.map((reply) => reply.status)).toEqual(Array(8).fill(200));
  });

  it("stop working when the password changes, and the new password works at once", async () => {
    await createUser("rotating", "first-password-1");
    expect((await rest("127.0.0.10", "GET", "/admin/applications", { auth: ["rotating", "first-password-1"] })).status).toBe(200);
    await t.admin.changeAdminPassword({ username: "rotating", password: "second-password-2" });
    expect(await rest("127.0.0.10", "GET", "/admin/applications", { auth: ["rotating", "first-password-1"] })).toMatchObject({
      status: 401,
      body: UNAUTHORIZED,
    });
    expect((await rest("127.0.0.10", "GET", "/admin/applications", { auth: ["rotating", "second-password-2"] })).status).toBe(200);
  });

  it("stop working when the user is removed", async () => {
    await createUser("leaving", "leaving-password");
    expect((await rest("127.0.0.11", "GET", "/admin/applications", { auth: ["leaving", "leaving-password"] })).status).toBe(200);
    await t.admin.removeAdminUser({ username: "leaving" });
    expect(await rest("127.0.0.11", "GET", "/admin/applications", { auth: ["leaving", "leaving-password"] })).toMatchObject({
      status: 401,
      body: UNAUTHORIZED,
    });
    const { users } = await t.admin.listAdminUsers({});
    expect(users.map((user) => user.username)).not.toContain("leaving");
    expect(users.map((user) => user.username)).toContain(TEST_ADMIN.username);
  });
});

describe("throttling", () => {
  it("answers 429 HTTP_429 with Retry-After once a username failed too often, from any address, even to the right password", async () => {
    await createUser("targeted", "targeted-password");
    for (let i = 0; i < MAX_FAILURES; i++) {
      const reply = await rest(`127.0.1.${i + 1}`, "GET", "/admin/applications", { auth: ["targeted", `guess-${i}`] });
      expect(reply).toMatchObject({ status: 401, body: UNAUTHORIZED });
    }
    const refused = await rest("127.0.1.9", "GET", "/admin/applications", { auth: ["targeted", "targeted-password"] });
    expect(refused).toMatchObject({ status: 429, body: TOO_MANY });
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    // Another user is not affected.
    expect((await rest("127.0.1.9", "GET", "/admin/applications")).status).toBe(200);
  });

  it("answers 429 to an address that failed too often over many usernames, and not to other addresses", async () => {
    await createUser("bystander", "bystander-password");
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await rest("127.0.2.1", "GET", "/admin/applications", { auth: [`nobody-${i}`, "guess"] })).status).toBe(401);
    }
    const refused = await rest("127.0.2.1", "GET", "/admin/applications", { auth: ["bystander", "bystander-password"] });
    expect(refused).toMatchObject({ status: 429, body: TOO_MANY });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await rest("127.0.2.2", "GET", "/admin/applications", { auth: ["bystander", "bystander-password"] })).status).toBe(200);
  });

  it("keeps serving a remembered admin while another address floods wrong passwords", async () => {
    expect((await rest("127.0.3.1", "GET", "/admin/applications")).status).toBe(200);
    const flood = Array.from({ length: 20 }, (_, i) => rest("127.0.3.2", "GET", "/admin/applications", { auth: [`flood-${i}`, "wrong"] }));
    const legitimate = await Promise.all(Array.from({ length: 5 }, () => rest("127.0.3.1", "GET", "/admin/applications")));
    expect(legitimate.map((reply) => reply.status)).toEqual(Array(5).fill(200));
    const statuses = new Set((await Promise.all(flood)).map((reply) => reply.status));
    // Wrong passwords are refused (401), throttled (429) or turned away by the full pool (500); none succeeds.
    expect([...statuses].every((status) => [401, 429, 500].includes(status))).toBe(true);
  });
});

describe("authentication before routing and parsing", () => {
  it("answers 401 to an unknown path or method without credentials or with wrong ones", async () => {
    for (const auth of [null, ["intruder", "wrong"]] as const) {
      for (const [method, path] of [["GET", "/admin/nothing-here"], ["GET", "/nothing"], ["PATCH", "/admin/applications"]]) {
        expect(await rest("127.0.4.1", method, path, { auth: auth === null ? null : [...auth] }), `${method} ${path}`).toMatchObject({
          status: 401,
          body: UNAUTHORIZED,
        });
      }
    }
    // With the right credentials the same paths are answered for what they are.
    expect((await rest("127.0.4.2", "GET", "/admin/nothing-here")).status).toBe(404);
    expect((await rest("127.0.4.2", "PATCH", "/admin/applications")).status).toBe(405);
  });

  it("answers 401 to a malformed or oversized body with wrong credentials, before parsing or measuring it", async () => {
    const wrong: [string, string] = ["intruder2", "wrong"];
    expect(await rest("127.0.4.3", "POST", "/admin/applications", { auth: wrong, body: "{not json" })).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(await rest("127.0.4.3", "POST", "/admin/applications", { auth: wrong, body: "x".repeat(200 * 1024) })).toMatchObject({
      status: 401,
      body: UNAUTHORIZED,
    });
    // The same bodies with the right credentials get the parser's and the size limit's answers.
    expect((await rest("127.0.4.4", "POST", "/admin/applications", { body: "{not json" })).status).toBe(400);
    expect((await rest("127.0.4.4", "POST", "/admin/applications", { body: "x".repeat(200 * 1024) })).status).toBe(413);
  });

  it("answers 415 ERROR_REQUEST to a body declared as something other than JSON", async () => {
    const reply = await rest("127.0.4.5", "POST", "/admin/applications", { body: "id=APP", headers: { "content-type": "text/plain" } });
    expect(reply).toMatchObject({ status: 415, body: { status: "ERROR", responseObject: { code: "ERROR_REQUEST" } } });
  });
});

describe("admin user management over gRPC", () => {
  it("validates usernames and passwords and never returns a password or hash", async () => {
    await expect(t.admin.createAdminUser({ username: "has:colon", password: "long-enough-password" })).rejects.toThrow(/Invalid method parameter value/);
    await expect(t.admin.createAdminUser({ username: "shortpw", password: "short" })).rejects.toThrow(/Invalid method parameter value/);
    await expect(t.admin.createAdminUser({ username: TEST_ADMIN.username, password: "long-enough-password" })).rejects.toThrow(/Admin user already exists/);
    const { users } = await t.admin.listAdminUsers({});
    expect(JSON.stringify(users, (_, value: unknown) => (typeof value === "bigint" ? String(value) : value))).not.toMatch(/argon2|password/i);
  });

  it("refuses every admin user RPC without admin credentials", async () => {
    const anonymous = createClient(AdminService, createGrpcTransport({ baseUrl: t.core.url }));
    await expect(anonymous.listAdminUsers({})).rejects.toThrow(/Missing HTTP Basic credentials/);
    const wrong = createClient(AdminService, createGrpcTransport({ baseUrl: t.core.url, interceptors: [basicAuth("nobody", "nothing")] }));
    await expect(wrong.createAdminUser({ username: "sneaky", password: "sneaky-password" })).rejects.toThrow(/Invalid admin credentials/);
  });
});

describe("the client address", () => {
  let untrusting: CoreUnderTest;

  beforeAll(async () => {
    untrusting = await startCoreForTest({
      activationExpiryJobIntervalMs: 0,
      adminLoginMaxFailures: 100,
      adminLoginMaxFailuresPerAddress: 2,
      trustedGatewayAddresses: ["192.0.2.1"],
    });
  });

  afterAll(async () => {
    await untrusting?.close();
  });

  it("is believed only from a trusted gateway: a direct caller cannot claim a fresh address per attempt", async () => {
    for (let i = 0; i < 2; i++) {
      const client = createClient(
        AdminService,
        createGrpcTransport({ baseUrl: untrusting.core.url, interceptors: [basicAuth(`guess-${i}`, "wrong")] }),
      );
      await expect(client.listAdminUsers({}, { headers: { "x-powerauth-client-address": `198.51.100.${i}` } })).rejects.toThrow(/Invalid admin credentials/);
    }
    const client = createClient(AdminService, createGrpcTransport({ baseUrl: untrusting.core.url, interceptors: [basicAuth("guess-3", "wrong")] }));
    await expect(client.listAdminUsers({}, { headers: { "x-powerauth-client-address": "198.51.100.77" } })).rejects.toThrow(
      /Too many admin login attempts/,
    );
  });
});

describe("npm run admin", () => {
  const script = fileURLToPath(new URL("../scripts/admin.ts", import.meta.url));

  /** Runs the command as a process against the core, with the password (if any) on stdin. */
  function admin(args: string[], stdin = "", caller: [string, string] = [TEST_ADMIN.username, TEST_ADMIN.password]) {
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, CORE_URL: t.core.url, POWERAUTH_ADMIN_USERNAME: caller[0], POWERAUTH_ADMIN_PASSWORD: caller[1] },
    });
    child.stdin.end(stdin);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  }

  it("creates, lists, changes the password of and removes a user, each effective on the REST API at once", async () => {
    expect(await admin(["create", "operator"], "operator-password-1\n")).toMatchObject({ code: 0, stdout: "created operator\n" });
    expect((await admin(["list"])).stdout).toContain("operator\tenabled\tROLE_ADMIN\n");
    expect((await rest("127.0.5.1", "GET", "/admin/applications", { auth: ["operator", "operator-password-1"] })).status).toBe(200);

    expect(await admin(["passwd", "operator"], "operator-password-2\n")).toMatchObject({ code: 0 });
    expect((await rest("127.0.5.1", "GET", "/admin/applications", { auth: ["operator", "operator-password-1"] })).status).toBe(401);
    expect((await rest("127.0.5.1", "GET", "/admin/applications", { auth: ["operator", "operator-password-2"] })).status).toBe(200);

    expect(await admin(["remove", "operator"])).toMatchObject({ code: 0, stdout: "removed operator\n" });
    expect((await rest("127.0.5.1", "GET", "/admin/applications", { auth: ["operator", "operator-password-2"] })).status).toBe(401);
  });

  it("reports the core's refusals and usage errors with a non-zero exit", async () => {
    expect(await admin(["create", "weak"], "short\n")).toMatchObject({ code: 1, stderr: "admin: Invalid method parameter value (password size must be between 12 and 1024)\n" });
    expect(await admin(["list"], "", [TEST_ADMIN.username, "wrong-password"])).toMatchObject({ code: 1, stderr: "admin: Invalid admin credentials\n" });
    expect(await admin(["rename", "x"])).toMatchObject({ code: 2 });
  });
});
