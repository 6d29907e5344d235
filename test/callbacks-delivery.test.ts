import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AdminErrorDetailSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { CallbackEventService, CallbackEventStatus } from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import { ErrorDetailSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueCallbackEvents } from "../core/src/domain/callbacks/callback-outbox.ts";
import { ApplicationCallback } from "../core/src/persistence/callback.entity.ts";
import { startCallbackReceiver, pause } from "./support/callback-receiver.ts";
import type { CallbackReceiver, ReceivedRequest } from "./support/callback-receiver.ts";
import { insertCallback } from "./support/callback-fixtures.ts";
import { basicAuth, startCoreForTest, TEST_ADMIN } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { activateDevice, corruptSignature, createTestApplication, verifySignatureRequest } from "./support/powerauth-flows.ts";
import type { TestApplication } from "./support/powerauth-flows.ts";

// The delivery worker end to end: the in-process core (gRPC) on PGlite or PostgreSQL, real HTTP receivers on
// loopback, status changes made through the public API. Only the callback rows are written straight to the
// database (what the registration API stores).

const MASTER_KEY = Buffer.alloc(16, 9);

let t: CoreUnderTest;
let events: Client<typeof CallbackEventService>;

beforeAll(async () => {
  t = await startCoreForTest({
    callbackDeliveryEnabled: true,
    masterDbEncryptionKey: MASTER_KEY,
    activationValidityMs: 4_000,
    activationExpiryJobIntervalMs: 200,
    callbackBackoffJitterPercent: 0,
    callbackPollIntervalMs: 200,
  });
  events = createClient(CallbackEventService, createGrpcTransport({ baseUrl: t.core.url, interceptors: [basicAuth(TEST_ADMIN.username, TEST_ADMIN.password)] }));
});
afterAll(async () => {
  await t?.close();
});

const bodies = (requests: ReceivedRequest[]) => requests.map((request) => JSON.parse(request.body) as Record<string, unknown>);
const keysOf = (requests: ReceivedRequest[]) => requests.map((request) => request.headers["idempotency-key"]);

describe("callback delivery", () => {
  let app: TestApplication;
  const receivers: CallbackReceiver[] = [];
  const receiver = async (...args: Parameters<typeof startCallbackReceiver>) => {
    const started = await startCallbackReceiver(...args);
    receivers.push(started);
    return started;
  };
  beforeAll(async () => {
    app = await createTestApplication(t.grpc);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  it("delivers every status change once to every activation callback of the application, in order", async () => {
    const full = await receiver();
    const minimal = await receiver();
    const other = await receiver();
    await insertCallback(t.core.db, { applicationId: app.applicationId, url: `${full.url}/full`, attributes: ["userId", "activationStatus", "blockedReason"] });
    await insertCallback(t.core.db, { applicationId: app.applicationId, url: `${minimal.url}/min` });
    await insertCallback(t.core.db, { applicationId: app.applicationId, url: `${other.url}/op`, type: "OPERATION_STATUS_CHANGE" });
    const otherApp = await createTestApplication(t.grpc);
    await insertCallback(t.core.db, { applicationId: otherApp.applicationId, url: `${other.url}/other-app` });

    // init, prepare, commit, block, unblock, remove
    const { activationId, userId } = await activateDevice(t.grpc, app);
    await t.grpc.blockActivation({ activationId, reason: "LOST" });
    await t.grpc.unblockActivation({ activationId });
    await t.grpc.removeActivation({ activationId });
    // blocking after failed signatures
    const blocked = await activateDevice(t.grpc, app, { maxFailureCount: 2n });
    for (let i = 0; i < 2; i++) {
      const signed = corruptSignature(blocked.device.signRequest("POST", "/x", "{}", "POSSESSION_KNOWLEDGE"));
      expect((await t.grpc.verifySignature(verifySignatureRequest(signed))).signatureValid).toBe(false);
    }
    // expiry: never prepared, removed by the expiry job
    const abandoned = await t.grpc.initActivation({ userId: "abandoned", applicationId: app.applicationId });

    const expected = [
      ...["CREATED", "PENDING_COMMIT", "ACTIVE", "BLOCKED", "ACTIVE", "REMOVED"].map((status) => [activationId, status]),
      ...["CREATED", "PENDING_COMMIT", "ACTIVE", "BLOCKED"].map((status) => [blocked.activationId, status]),
      [abandoned.activationId, "CREATED"],
      [abandoned.activationId, "REMOVED"],
    ];
    await full.waitFor((r) => r.length >= expected.length);
    await minimal.waitFor((r) => r.length >= expected.length);
    await pause(500); // nothing more comes
    expect(full.received).toHaveLength(expected.length);
    expect(minimal.received).toHaveLength(expected.length);
    expect(other.received).toHaveLength(0);

    // Per activation, the statuses arrive in the order they happened.
    for (const id of [activationId, blocked.activationId, abandoned.activationId]) {
      const arrived = bodies(full.received).filter((body) => body.activationId === id).map((body) => body.activationStatus);
      expect(arrived).toEqual(expected.filter(([a]) => a === id).map(([, status]) => status));
    }
    expect(bodies(full.received).find((body) => body.activationId === activationId && body.activationStatus === "BLOCKED")).toEqual({
      type: "ACTIVATION",
      activationId,
      userId,
      activationStatus: "BLOCKED",
      blockedReason: "LOST",
    });
    expect(bodies(full.received).find((body) => body.activationId === blocked.activationId && body.activationStatus === "BLOCKED")).toMatchObject({
      blockedReason: "MAX_FAILED_ATTEMPTS",
    });
    expect(new Set(bodies(minimal.received).map((body) => JSON.stringify(Object.keys(body))))).toEqual(new Set(['["type","activationId"]']));
    for (const request of [...full.received, ...minimal.received]) {
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["idempotency-key"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(request.headers.authorization).toBeUndefined();
    }
    expect(new Set([...keysOf(full.received), ...keysOf(minimal.received)]).size).toBe(expected.length * 2);
    expect(full.received.every((request) => request.path === "/full")).toBe(true);
  });

  it("retries a failing receiver after the backoff with the same Idempotency-Key, and holds back the activation's later events", async () => {
    const app = await createTestApplication(t.grpc); // its own: the expiry job removes other tests' CREATED activations
    const flaky = await receiver((request, index) => (index < 2 ? 500 : 200));
    await insertCallback(t.core.db, { applicationId: app.applicationId, url: flaky.url, attributes: ["activationStatus"], maxAttempts: 5, initialBackoff: "PT0.3S" });
    const init = await t.grpc.initActivation({ userId: "flaky", applicationId: app.applicationId });
    await t.grpc.removeActivation({ activationId: init.activationId });
    const received = await flaky.waitFor((r) => r.length >= 4);
    await pause(300);
    expect(received).toHaveLength(4);
    // CREATED failed twice, then arrived; REMOVED waited for it.
    expect(bodies(received).map((body) => body.activationStatus)).toEqual(["CREATED", "CREATED", "CREATED", "REMOVED"]);
    expect(new Set(keysOf(received.slice(0, 3))).size).toBe(1);
    expect(received[3].headers["idempotency-key"]).not.toBe(received[0].headers["idempotency-key"]);
    // 0.3 s after the first failure, then 0.3 × 1.5 after the second (jitter off); a little slack for clock rounding.
    expect(received[1].at - received[0].at).toBeGreaterThanOrEqual(290);
    expect(received[2].at - received[1].at).toBeGreaterThanOrEqual(440);
  });

  it("makes exactly maxAttempts attempts at a receiver that always fails, then FAILED; listed, and RetryCallbackEvent delivers it", async () => {
    const app = await createTestApplication(t.grpc); // its own: the expiry job removes other tests' CREATED activations
    let healthy = false;
    const broken = await receiver(() => (healthy ? 200 : 503));
    const callbackId = await insertCallback(t.core.db, { applicationId: app.applicationId, url: broken.url, maxAttempts: 3, initialBackoff: "PT0.1S" });
    await t.grpc.initActivation({ userId: "broken", applicationId: app.applicationId });
    // Its CREATED event; the activation's later expiry (REMOVED) waits behind it and is not looked at here.
    await broken.waitFor((r) => r.length >= 3);
    const key = broken.received[0].headers["idempotency-key"];
    const attemptsOf = () => broken.received.filter((r) => r.headers["idempotency-key"] === key);
    const failed = (await waitForEvents(callbackId, CallbackEventStatus.FAILED, 1)).find((e) => e.idempotencyKey === key)!;
    await pause(500);
    expect(attemptsOf()).toHaveLength(3);
    expect(failed).toMatchObject({ callbackId, status: CallbackEventStatus.FAILED, attempts: 3 });
    expect(timestampDate(failed.timestampDeleteAfter!).getTime()).toBeGreaterThan(Date.now() + 80 * 86_400_000);

    // Not FAILED, or not there: refused.
    const otherEvent = (await events.listCallbackEvents({ status: CallbackEventStatus.COMPLETED, pageSize: 1 })).events[0];
    expect(await adminErrorCode(events.retryCallbackEvent({ eventId: otherEvent.id }))).toEqual([Code.InvalidArgument, "ERROR_REQUEST"]);
    expect(await adminErrorCode(events.retryCallbackEvent({ eventId: 999_999_999n }))).toEqual([Code.NotFound, "ERROR_NOT_FOUND"]);

    healthy = true;
    const retried = await events.retryCallbackEvent({ eventId: failed.id });
    expect(retried.event).toMatchObject({ id: failed.id, status: CallbackEventStatus.PENDING, attempts: 0, idempotencyKey: failed.idempotencyKey });
    await broken.waitFor(() => attemptsOf().length >= 4);
    const completed = await waitForEvents(callbackId, CallbackEventStatus.COMPLETED, 1);
    expect(completed.find((e) => e.id === failed.id)).toMatchObject({ idempotencyKey: key, attempts: 1 });
  });

  it("ListCallbackEvents filters by callback, status and time and pages without gaps or repeats; admin users only", async () => {
    const app = await createTestApplication(t.grpc); // its own: the expiry job removes other tests' CREATED activations
    const sink = await receiver();
    const callbackId = await insertCallback(t.core.db, { applicationId: app.applicationId, url: sink.url });
    const before = new Date();
    for (let i = 0; i < 5; i++) {
      await t.core.db.transaction((tx) => enqueueCallbackEvents(tx, [{ callbackId, payload: { n: i }, orderingKey: null, now: new Date() }]));
    }
    await waitForEvents(callbackId, CallbackEventStatus.COMPLETED, 5);
    const seen: bigint[] = [];
    let pageToken = "";
    for (let page = 0; page < 3; page++) {
      const response = await events.listCallbackEvents({ callbackId, pageSize: 2, pageToken, createdFrom: timestampFromDate(before) });
      seen.push(...response.events.map((event) => event.id));
      pageToken = response.nextPageToken;
    }
    expect(pageToken).toBe("");
    expect(seen).toHaveLength(5);
    expect([...seen].sort((a, b) => (a < b ? 1 : -1))).toEqual(seen);
    expect((await events.listCallbackEvents({ callbackId, createdBefore: timestampFromDate(before) })).events).toEqual([]);
    expect((await events.listCallbackEvents({ callbackId, status: CallbackEventStatus.FAILED })).events).toEqual([]);
    expect(await adminErrorCode(events.listCallbackEvents({ pageSize: 1001 }))).toEqual([Code.InvalidArgument, "ERR0024"]);
    expect(await adminErrorCode(events.listCallbackEvents({ pageToken: "abc" }))).toEqual([Code.InvalidArgument, "ERR0024"]);
    const anonymous = createClient(CallbackEventService, createGrpcTransport({ baseUrl: t.core.url }));
    expect(await adminErrorCode(anonymous.listCallbackEvents({}))).toEqual([Code.Unauthenticated, ""]);
  });

  it("authenticates with HTTP Basic", async () => {
    const app = await createTestApplication(t.grpc); // its own: the expiry job removes other tests' CREATED activations
    const basic = await receiver();
    await insertCallback(t.core.db, {
      applicationId: app.applicationId,
      url: basic.url,
      authentication: { httpBasic: { enabled: true, username: "bank", password: "s3cr3t:pw" } },
      masterDbEncryptionKey: MASTER_KEY,
    });
    await t.grpc.initActivation({ userId: "basic", applicationId: app.applicationId });
    const [request] = await basic.waitFor((r) => r.length >= 1);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from("bank:s3cr3t:pw").toString("base64")}`);
  });

  it("authenticates with OAuth2 client credentials: one token for many events, fetched again once after a 401", async () => {
    let issued = 0;
    const tokenEndpoint = await receiver(() => ({ status: 200, json: { access_token: `token-${++issued}`, token_type: "Bearer", expires_in: 3600 } }));
    let rejectFirstToken = false;
    const oauth = await receiver((request) => (rejectFirstToken && request.headers.authorization === "Bearer token-1" ? 401 : 200));
    const oauthApp = await createTestApplication(t.grpc);
    await insertCallback(t.core.db, {
      applicationId: oauthApp.applicationId,
      url: oauth.url,
      authentication: { oauth2: { enabled: true, clientId: "core client", clientSecret: "pa$$", tokenUri: `${tokenEndpoint.url}/token`, scope: "callbacks" } },
      masterDbEncryptionKey: MASTER_KEY,
    });
    for (let i = 0; i < 10; i++) await t.grpc.initActivation({ userId: `oauth-${i}`, applicationId: oauthApp.applicationId });
    await oauth.waitFor((r) => r.length >= 10);
    expect(tokenEndpoint.received).toHaveLength(1);
    const [tokenRequest] = tokenEndpoint.received;
    expect(tokenRequest.path).toBe("/token");
    expect(tokenRequest.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from("core%20client:pa%24%24").toString("base64")}`);
    expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({ grant_type: "client_credentials", scope: "callbacks" });
    expect(new Set(oauth.received.map((r) => r.headers.authorization))).toEqual(new Set(["Bearer token-1"]));

    // The receiver stops accepting token-1: the next event fetches token-2 once and goes through in the same attempt.
    rejectFirstToken = true;
    const late = await t.grpc.initActivation({ userId: "oauth-401", applicationId: oauthApp.applicationId });
    const lateRequests = () => oauth.received.filter((r) => JSON.parse(r.body).activationId === late.activationId);
    await oauth.waitFor(() => lateRequests().length >= 2);
    await pause(300);
    expect(lateRequests().map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(new Set(keysOf(lateRequests())).size).toBe(1);
    expect(tokenEndpoint.received).toHaveLength(2);
  });

  it("writes an event of a removed callback FAILED without calling it", async () => {
    const gone = await receiver();
    const callbackId = await insertCallback(t.core.db, { applicationId: app.applicationId, url: gone.url });
    await t.core.db.transaction(async (tx) => {
      await tx.nativeUpdate(ApplicationCallback, { id: callbackId }, { enabled: false });
      // An event written before the removal committed, as a status change racing the removal would.
      await enqueueCallbackEvents(tx, [{ callbackId, payload: { type: "ACTIVATION", activationId: "x" }, orderingKey: "x", now: new Date() }]);
    });
    const [failed] = await waitForEvents(callbackId, CallbackEventStatus.FAILED, 1);
    expect(failed.attempts).toBe(0);
    expect(gone.received).toHaveLength(0);
  });
});

async function waitForEvents(callbackId: string, status: CallbackEventStatus, count: number) {
  for (let i = 0; i < 200; i++) {
    const { events: found } = await events.listCallbackEvents({ callbackId, status });
    if (found.length >= count) return found;
    await pause(100);
  }
  throw new Error(`no ${count} events of ${callbackId} in status ${CallbackEventStatus[status]}`);
}

/** The gRPC code and the error detail's code (AdminErrorDetail or ErrorDetail) of a failed call. */
async function adminErrorCode(call: Promise<unknown>): Promise<[Code, string]> {
  try {
    await call;
  } catch (error) {
    const connectError = ConnectError.from(error);
    const detail = connectError.findDetails(AdminErrorDetailSchema)[0] ?? connectError.findDetails(ErrorDetailSchema)[0];
    return [connectError.code, detail?.code ?? ""];
  }
  throw new Error("the call succeeded");
}
