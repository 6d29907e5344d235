// /metrics, /health/live and /health/ready of the three processes, over real HTTP: the metrics text parses and
// holds the named series with the values known calls must have left, readiness follows the database (core) or
// the core (gateways), and neither restricted access nor the REST gateway's Basic credentials stand in the way.

import http2 from "node:http2";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../core/src/config.ts";
import type { CoreConfig } from "../core/src/config.ts";
import { createLogger } from "../core/src/logger.ts";
import { startServer } from "../core/src/server.ts";
import type { RunningCore } from "../core/src/server.ts";
import { startRestGateway } from "../gateway-rest/src/server.ts";
import type { RestGateway } from "../gateway-rest/src/server.ts";
import { startSoapGateway } from "../gateway-soap/src/server.ts";
import type { SoapGateway } from "../gateway-soap/src/server.ts";
import { startCoreForTest, TEST_ADMIN } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { createScratchDatabase, testDatabaseServerUrl, withAdminClient } from "./support/database.ts";
import { activateDevice, corruptSignature, createTestApplication, vaultUnlockRequest, verifySignatureRequest } from "./support/powerauth-flows.ts";
import type { TestApplication } from "./support/powerauth-flows.ts";
import { startCallbackReceiver } from "./support/callback-receiver.ts";
import { createResponseChecker } from "./support/openapi-responses.ts";
import { parseMetrics, scrape, valueOf } from "./support/prometheus-text.ts";
import type { Sample } from "./support/prometheus-text.ts";
import { openSocket } from "./support/raw-http.ts";
import { createSoapProtoClient } from "./support/soap-proto-client.ts";

const VERIFY_SIGNATURE = "powerauth.v3.PowerAuthService/VerifySignature";
const ADMIN_BASIC = `Basic ${Buffer.from(`${TEST_ADMIN.username}:${TEST_ADMIN.password}`).toString("base64")}`;

async function statusOf(url: string, init?: RequestInit): Promise<number> {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return response.status;
}

/** Polls `url` until it answers `status` (readiness after a database comes back takes a reconnect). */
async function eventuallyStatus(url: string, status: number, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await statusOf(url);
    if (current === status || Date.now() > deadline) return current;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A GET over h2c (prior knowledge), as an HTTP/2 client reaches the core's one port. */
async function h2cGet(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const session = http2.connect(baseUrl);
  try {
    return await new Promise((resolve, reject) => {
      const stream = session.request({ ":method": "GET", ":path": path });
      let status = 0;
      let body = "";
      stream.on("response", (headers) => (status = Number(headers[":status"])));
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (body += chunk));
      stream.on("end", () => resolve({ status, body }));
      stream.on("error", reject);
    });
  } finally {
    session.close();
  }
}

async function rpcError(call: Promise<unknown>): Promise<ConnectError> {
  const error: unknown = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

describe("the core's observability endpoints", () => {
  let t: CoreUnderTest;
  let app: TestApplication;

  beforeAll(async () => {
    t = await startCoreForTest({ activationExpiryJobIntervalMs: 0, operationExpiryJobIntervalMs: 0 });
    app = await createTestApplication(t.grpc);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers live and ready over HTTP/1.1 and h2c on the RPC port, and only GET or HEAD", async () => {
    expect(await statusOf(`${t.core.url}/health/live`)).toBe(200);
    expect(await statusOf(`${t.core.url}/health/ready`)).toBe(200);
    expect(await statusOf(`${t.core.url}/health/ready`, { method: "HEAD" })).toBe(200);
    expect(await h2cGet(t.core.url, "/health/ready")).toEqual({ status: 200, body: "ready\n" });
    const metrics = await h2cGet(t.core.url, "/metrics");
    expect(metrics.status).toBe(200);
    expect(parseMetrics(metrics.body).some((s) => s.name === "powerauth_rpc_requests_total")).toBe(true);
    expect(await statusOf(`${t.core.url}/metrics`, { method: "POST", body: "x" })).toBe(405);
    // Other paths still belong to Connect.
    expect(await statusOf(`${t.core.url}/health/other`)).toBe(404);
  });

  it("exports Node's process metrics and every core series, in the Prometheus text format", async () => {
    const samples = await scrape(t.core.url);
    const names = new Set(samples.map((s) => s.name));
    for (const name of [
      "process_cpu_user_seconds_total",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_seconds",
      "powerauth_signature_verifications_total",
      "powerauth_activation_status_changes_total",
      "powerauth_callback_attempts_total",
      "powerauth_callback_queue_depth",
      "powerauth_callback_queue_oldest_pending_age_seconds",
      "powerauth_expiry_lag_seconds",
    ]) {
      expect(names, name).toContain(name);
    }
    // PGlite runs in the core's process: no pool to report.
    expect(names.has("powerauth_db_pool_size")).toBe(t.core.db.engine === "postgresql");
  });

  it("counts RPCs by method and code, signature verifications by result and status changes by new status", async () => {
    const before = await scrape(t.core.url);
    const { device } = await activateDevice(t.grpc, app);
    const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
    expect((await t.grpc.verifySignature(verifySignatureRequest(signed))).signatureValid).toBe(true);
    const wrong = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
    expect((await t.grpc.verifySignature(verifySignatureRequest(corruptSignature(wrong)))).signatureValid).toBe(false);
    const failed = await rpcError(t.grpc.getActivationStatus({ activationId: "" }));

    const after = await scrape(t.core.url);
    const delta = (name: string, labels: Record<string, string>) => (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
    expect(delta("powerauth_signature_verifications_total", { result: "valid" })).toBe(1);
    expect(delta("powerauth_signature_verifications_total", { result: "invalid" })).toBe(1);
    expect(delta("powerauth_signature_verifications_total", { result: "blocked" })).toBe(0);
    expect(delta("powerauth_rpc_requests_total", { method: VERIFY_SIGNATURE, code: "OK" })).toBe(2);
    expect(delta("powerauth_rpc_duration_seconds_count", { method: VERIFY_SIGNATURE })).toBe(2);
    expect(delta("powerauth_rpc_duration_seconds_bucket", { method: VERIFY_SIGNATURE, le: "+Inf" })).toBe(2);
    expect(failed.code).toBe(Code.InvalidArgument);
    expect(delta("powerauth_rpc_requests_total", { method: "powerauth.v3.PowerAuthService/GetActivationStatus", code: "INVALID_ARGUMENT" })).toBe(1);
    for (const status of ["CREATED", "OTP_USED", "ACTIVE"]) {
      expect(delta("powerauth_activation_status_changes_total", { status }), status).toBe(1);
    }
    expect(delta("powerauth_activation_status_changes_total", { status: "BLOCKED" })).toBe(0);
  });

  it("counts a refusal that blocks the activation as blocked, and the change to BLOCKED", async () => {
    const { device } = await activateDevice(t.grpc, app, { maxFailureCount: 1n });
    const before = await scrape(t.core.url);
    const wrong = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
    const verdict = await t.grpc.verifySignature(verifySignatureRequest(corruptSignature(wrong)));
    expect(verdict.signatureValid).toBe(false);

    const after = await scrape(t.core.url);
    const delta = (name: string, labels: Record<string, string>) => (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
    expect(delta("powerauth_signature_verifications_total", { result: "blocked" })).toBe(1);
    expect(delta("powerauth_signature_verifications_total", { result: "invalid" })).toBe(0);
    expect(delta("powerauth_activation_status_changes_total", { status: "BLOCKED" })).toBe(1);
  });

  it("counts VaultUnlock's signature like VerifySignature's, and not an unlock refused before its signature is checked", async () => {
    const { device } = await activateDevice(t.grpc, app, { maxFailureCount: 2n });
    const before = await scrape(t.core.url);
    expect((await t.grpc.vaultUnlock(vaultUnlockRequest(device))).signatureValid).toBe(true);
    expect((await t.grpc.vaultUnlock(vaultUnlockRequest(device, { wrongPin: true }))).signatureValid).toBe(false);
    expect((await t.grpc.vaultUnlock({ ...vaultUnlockRequest(device), activationId: crypto.randomUUID() })).signatureValid).toBe(false);
    const afterTwo = await scrape(t.core.url);
    // The second wrong PIN is the last allowed failure.
    expect((await t.grpc.vaultUnlock(vaultUnlockRequest(device, { wrongPin: true }))).signatureValid).toBe(false);
    const afterBlock = await scrape(t.core.url);

    const delta = (from: Sample[], to: Sample[], result: string) =>
      (valueOf(to, "powerauth_signature_verifications_total", { result }) ?? 0) - (valueOf(from, "powerauth_signature_verifications_total", { result }) ?? 0);
    expect([delta(before, afterTwo, "valid"), delta(before, afterTwo, "invalid"), delta(before, afterTwo, "blocked")]).toEqual([1, 1, 0]);
    expect([delta(afterTwo, afterBlock, "valid"), delta(afterTwo, afterBlock, "invalid"), delta(afterTwo, afterBlock, "blocked")]).toEqual([0, 0, 1]);
  });

  it("reports the callback backlog and how far behind expiry is, from the database at scrape time", async () => {
    const empty = await scrape(t.core.url);
    expect(valueOf(empty, "powerauth_callback_queue_depth", { status: "pending" })).toBe(0);
    expect(valueOf(empty, "powerauth_callback_queue_oldest_pending_age_seconds")).toBe(0);
    expect(valueOf(empty, "powerauth_expiry_lag_seconds", { kind: "activation" })).toBe(0);
    expect(valueOf(empty, "powerauth_expiry_lag_seconds", { kind: "operation" })).toBe(0);

    // Delivery is off in this core, so the events of the three status changes of one activation wait.
    await t.grpc.createCallbackUrl({ applicationId: app.applicationId, name: "metrics", callbackUrl: "http://127.0.0.1:9/cb" });
    const { userId } = await activateDevice(t.grpc, app);
    // An unfinished activation whose validity ended an hour ago, which no job has removed (the job is off).
    const abandoned = await t.grpc.initActivation({ userId, applicationId: app.applicationId });
    await t.core.db.read((tx) =>
      tx.getConnection().execute(`update pa_activation set timestamp_activation_expire = now() - interval '1 hour' where activation_id = ?`, [abandoned.activationId]),
    );

    const samples = await scrape(t.core.url);
    // 3 changes of the activated device and the CREATED of the abandoned one.
    expect(valueOf(samples, "powerauth_callback_queue_depth", { status: "pending" })).toBe(4);
    expect(valueOf(samples, "powerauth_callback_queue_depth", { status: "processing" })).toBe(0);
    expect(valueOf(samples, "powerauth_callback_queue_oldest_pending_age_seconds")).toBeGreaterThan(0);
    const lag = valueOf(samples, "powerauth_expiry_lag_seconds", { kind: "activation" }) ?? 0;
    expect(lag).toBeGreaterThanOrEqual(3600);
    expect(lag).toBeLessThan(3700);
  });

  it("counts callback delivery attempts by outcome", async () => {
    const receiver = await startCallbackReceiver((request) => (request.path === "/refuse" ? 500 : 200));
    const delivering = await startCoreForTest({ callbackDeliveryEnabled: true, callbackDefaultMaxAttempts: 1 });
    try {
      const application = await createTestApplication(delivering.grpc);
      for (const path of ["/accept", "/refuse"]) {
        await delivering.grpc.createCallbackUrl({ applicationId: application.applicationId, name: path, callbackUrl: `${receiver.url}${path}` });
      }
      // CREATED, OTP_USED and ACTIVE, each to both callbacks.
      await activateDevice(delivering.grpc, application);
      const deadline = Date.now() + 15_000;
      let samples = await scrape(delivering.core.url);
      while (valueOf(samples, "powerauth_callback_attempts_total", { outcome: "failed" }) !== 3 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        samples = await scrape(delivering.core.url);
      }
      expect(valueOf(samples, "powerauth_callback_attempts_total", { outcome: "delivered" })).toBe(3);
      expect(valueOf(samples, "powerauth_callback_attempts_total", { outcome: "failed" })).toBe(3);
      expect(valueOf(samples, "powerauth_callback_attempts_total", { outcome: "retry" })).toBe(0);
      expect(valueOf(samples, "powerauth_callback_queue_depth", { status: "pending" })).toBe(0);
    } finally {
      await delivering.close();
      await receiver.close();
    }
  });

  it("leaves the observability paths open when every RPC needs credentials", async () => {
    const restricted = await startCoreForTest({ restrictAccess: true });
    try {
      const v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: restricted.core.url }));
      expect((await rpcError(v3.getSystemStatus({}))).code).toBe(Code.Unauthenticated);
      expect(await statusOf(`${restricted.core.url}/health/live`)).toBe(200);
      expect(await statusOf(`${restricted.core.url}/health/ready`)).toBe(200);
      const samples = await scrape(restricted.core.url);
      expect(valueOf(samples, "powerauth_rpc_requests_total", { method: "powerauth.v3.PowerAuthService/GetSystemStatus", code: "UNAUTHENTICATED" })).toBe(1);
    } finally {
      await restricted.close();
    }
  });
});

describe("the gateways' observability endpoints", () => {
  let t: CoreUnderTest;
  let soap: SoapGateway;
  let rest: RestGateway;
  let soapBase: string;

  beforeAll(async () => {
    t = await startCoreForTest();
    soap = await startSoapGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
    rest = await startRestGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
    soapBase = new URL(soap.url).origin;
  });
  afterAll(async () => {
    await soap?.close();
    await rest?.close();
    await t?.close();
  });

  it("SOAP: counts requests by operation and status, beside Node's process metrics", async () => {
    expect(await statusOf(`${soapBase}/health/live`)).toBe(200);
    expect(await statusOf(`${soapBase}/health/ready`)).toBe(200);
    await createSoapProtoClient(PowerAuthService, soap.url).getSystemStatus({});
    await rpcError(createSoapProtoClient(PowerAuthService, soap.url).getActivationStatus({ activationId: "" }));

    const samples = await scrape(soapBase);
    expect(valueOf(samples, "powerauth_soap_requests_total", { operation: "v3:GetSystemStatus", status: "200" })).toBe(1);
    expect(valueOf(samples, "powerauth_soap_requests_total", { operation: "v3:GetActivationStatus", status: "500" })).toBe(1);
    expect(valueOf(samples, "powerauth_soap_request_duration_seconds_count", { operation: "v3:GetSystemStatus" })).toBe(1);
    expect(samples.some((s) => s.name === "process_resident_memory_bytes")).toBe(true);
    // Probes and scrapes are not requests of the API.
    expect(samples.some((s) => s.name === "powerauth_soap_requests_total" && s.labels.operation === "-")).toBe(false);
  });

  it("REST: serves the three paths without credentials, still asks for them everywhere else, and counts by route", async () => {
    const documentation = createResponseChecker();
    for (const path of ["/metrics", "/health/live", "/health/ready"]) {
      const response = await fetch(`${rest.url}${path}`);
      expect(response.status, path).toBe(200);
      // As the gateway's OpenAPI document describes them.
      expect(documentation.checkText("GET", path, response.status, response.headers.get("content-type"), await response.text())).toEqual([]);
    }
    expect(await statusOf(`${rest.url}/admin/applications`)).toBe(401);
    expect(await statusOf(`${rest.url}/admin/applications`, { headers: { authorization: ADMIN_BASIC } })).toBe(200);
    expect(await statusOf(`${rest.url}/no/such/path?x=1`, { headers: { authorization: ADMIN_BASIC } })).toBe(404);

    const samples = await scrape(rest.url);
    expect(valueOf(samples, "powerauth_rest_requests_total", { route: "GET /admin/applications", status: "401" })).toBe(1);
    expect(valueOf(samples, "powerauth_rest_requests_total", { route: "GET /admin/applications", status: "200" })).toBe(1);
    expect(valueOf(samples, "powerauth_rest_requests_total", { route: "other", status: "404" })).toBe(1);
    expect(valueOf(samples, "powerauth_rest_request_duration_seconds_count", { route: "GET /admin/applications" })).toBe(2);
    expect(samples.some((s) => s.name === "process_resident_memory_bytes")).toBe(true);
  });
});

/**
 * What `GET /health/ready` answers once the gateway has begun to stop. A request the gateway is in the middle
 * of (it has said `100 Continue`, its body is not there yet) keeps the connection open through `close()`; the
 * probe is pipelined behind that body on the same connection, so the gateway reads it only after its stop began.
 */
async function readinessWhileStopping(baseUrl: string, inFlight: { head: string; body: string }, close: () => Promise<void>) {
  const socket = await openSocket(baseUrl);
  let received = "";
  const continued = new Promise<void>((resolve) =>
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      if (received.includes("HTTP/1.1 100 Continue\r\n\r\n")) resolve();
    }),
  );
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.write(`${inFlight.head}Expect: 100-continue\r\nContent-Length: ${Buffer.byteLength(inFlight.body)}\r\n\r\n`);
  await continued;
  const stopped = close();
  socket.write(`${inFlight.body}GET /health/ready HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n`);
  await closed;
  await stopped;
  const answers = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map(([, status]) => Number(status));
  return { answers, last: received.slice(received.lastIndexOf("\r\n\r\n") + 4) };
}

describe("gateways that are stopping", () => {
  let t: CoreUnderTest;

  beforeAll(async () => {
    t = await startCoreForTest();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("SOAP: answers not ready from the moment its stop begins, while the core is still ready", async () => {
    const soap = await startSoapGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= soap.close());
    try {
      const base = new URL(soap.url).origin;
      expect(await statusOf(`${base}/health/ready`)).toBe(200);
      const head = `POST ${new URL(soap.url).pathname} HTTP/1.1\r\nHost: gateway\r\nContent-Type: text/xml; charset=utf-8\r\n`;
      // 100 Continue, the fault for the body that is no envelope, then the probe's answer.
      expect(await readinessWhileStopping(base, { head, body: "not xml" }, stop)).toEqual({ answers: [100, 500, 503], last: "not ready\n" });
      expect(await statusOf(`${t.core.url}/health/ready`)).toBe(200);
    } finally {
      await stop();
    }
  });

  it("REST: answers not ready from the moment its stop begins, while the core is still ready", async () => {
    const rest = await startRestGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= rest.close());
    try {
      expect(await statusOf(`${rest.url}/health/ready`)).toBe(200);
      const head = `POST /admin/applications HTTP/1.1\r\nHost: gateway\r\nAuthorization: ${ADMIN_BASIC}\r\nContent-Type: application/json\r\n`;
      // 100 Continue, the answer to the malformed JSON, then the probe's answer.
      expect(await readinessWhileStopping(rest.url, { head, body: "{" }, stop)).toEqual({ answers: [100, 400, 503], last: "not ready\n" });
      expect(await statusOf(`${t.core.url}/health/ready`)).toBe(200);
    } finally {
      await stop();
    }
  });
});

describe("gateways whose core is gone", () => {
  it("stay live but are not ready", async () => {
    const t = await startCoreForTest();
    const soap = await startSoapGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
    const rest = await startRestGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
    const soapBase = new URL(soap.url).origin;
    let coreStopped = false;
    try {
      expect(await statusOf(`${soapBase}/health/ready`)).toBe(200);
      expect(await statusOf(`${rest.url}/health/ready`)).toBe(200);
      await t.close();
      coreStopped = true;
      expect(await statusOf(`${soapBase}/health/ready`)).toBe(503);
      expect(await statusOf(`${rest.url}/health/ready`)).toBe(503);
      expect(await statusOf(`${soapBase}/health/live`)).toBe(200);
      expect(await statusOf(`${rest.url}/health/live`)).toBe(200);
      expect(await statusOf(`${rest.url}/metrics`)).toBe(200);
    } finally {
      await soap.close();
      await rest.close();
      if (!coreStopped) await t.close();
    }
  });
});

// A database outage is a PostgreSQL matter: PGlite runs in the core's own process.
describe.runIf(testDatabaseServerUrl())("readiness on PostgreSQL while the database goes away and comes back", () => {
  const serverUrl = testDatabaseServerUrl() ?? "";
  let scratch: { url?: string; drop(): Promise<void> };
  let dbName: string;
  let core: RunningCore;
  let v3: Client<typeof PowerAuthService>;
  let soap: SoapGateway;
  let rest: RestGateway;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    dbName = new URL(scratch.url ?? "").pathname.slice(1);
    const config: CoreConfig = { ...loadConfig({}), port: 0, databaseUrl: scratch.url, callbackDeliveryEnabled: false, databaseConnectTimeoutMs: 500 };
    core = await startServer({ config, log: createLogger("core", { quiet: true }), accessLog: false });
    v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: core.url }));
    soap = await startSoapGateway({ port: 0, coreUrl: core.url, log: () => {} });
    rest = await startRestGateway({ port: 0, coreUrl: core.url, log: () => {} });
  });
  afterAll(async () => {
    await withAdminClient(serverUrl, (c) => c.query(`alter database ${dbName} allow_connections true`)).catch(() => {});
    await soap?.close();
    await rest?.close();
    await core?.close();
    await scratch?.drop();
  });

  it("turns 503 on all three while the database refuses connections, 200 again when it is back; metrics keep answering", async () => {
    const soapBase = new URL(soap.url).origin;
    const readyUrls = [`${core.url}/health/ready`, `${soapBase}/health/ready`, `${rest.url}/health/ready`];
    await v3.createApplication({ applicationName: "before-outage" });
    for (const url of readyUrls) expect(await statusOf(url), url).toBe(200);
    const pool = await scrape(core.url);
    expect(valueOf(pool, "powerauth_db_pool_size")).toBe(loadConfig({}).databasePoolSize);
    expect(valueOf(pool, "powerauth_db_pool_open_connections")).toBeGreaterThan(0);
    expect(valueOf(pool, "powerauth_db_pool_in_use_connections")).toBeLessThanOrEqual(valueOf(pool, "powerauth_db_pool_open_connections") ?? 0);
    // The scrape's own backlog query may be waiting for a connection being opened at that moment.
    expect(valueOf(pool, "powerauth_db_pool_waiting_requests")).toBeGreaterThanOrEqual(0);

    await withAdminClient(serverUrl, async (c) => {
      await c.query(`alter database ${dbName} allow_connections false`);
      await c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [dbName]);
    });
    for (const url of readyUrls) expect(await eventuallyStatus(url, 503), url).toBe(503);
    expect(await statusOf(`${core.url}/health/live`)).toBe(200);
    // The scrape still answers, without the gauges it could not read.
    const during = await scrape(core.url);
    expect(valueOf(during, "powerauth_callback_queue_depth", { status: "pending" })).toBeUndefined();
    expect(valueOf(during, "powerauth_db_pool_size")).toBe(loadConfig({}).databasePoolSize);

    await withAdminClient(serverUrl, (c) => c.query(`alter database ${dbName} allow_connections true`));
    for (const url of readyUrls) expect(await eventuallyStatus(url, 200), url).toBe(200);
    expect(valueOf(await scrape(core.url), "powerauth_callback_queue_depth", { status: "pending" })).toBe(0);
  });
});
