import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { Code, createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  OperationService,
  OperationStatus,
  UserActionResult,
} from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import type { Operation } from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import { SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALLBACK_ATTRIBUTES } from "../core/src/domain/callbacks/callback-rules.ts";
import { expireOperations } from "../core/src/domain/operations/operation-expiry.ts";
import { findApplicationByName } from "../core/src/persistence/application.repository.ts";
import { ApplicationCallback } from "../core/src/persistence/callback.entity.ts";
import { listEventsOfCallback } from "../core/src/persistence/callback-event.repository.ts";
import type { Db } from "../core/src/persistence/db.ts";
import { startRestGateway } from "../gateway-rest/src/server.ts";
import type { RestGateway } from "../gateway-rest/src/server.ts";
import { TEST_ADMIN, basicAuth, startCoreForTest } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { activateDevice, createTestApplication, errorCodeOf } from "./support/powerauth-flows.ts";

// Operations end to end through gRPC (OperationService) and the Cloud's internal operation callback through the
// REST gateway. Callbacks are asserted on the outbox rows each change writes in its own transaction (exactly
// which callback gets which body, in order), and every callback points at a real HTTP receiver here, to which the
// core's delivery worker POSTs them: one test follows an operation's events all the way to the receiver.

/** Every attribute an operation callback may ask for (the id is in every payload anyway). */
const ALL_ATTRIBUTES = CALLBACK_ATTRIBUTES.OPERATION_STATUS_CHANGE.filter((attribute) => attribute !== "activationId");

const PAYMENT = {
  templateName: "payment",
  operationType: "payment",
  dataTemplate: "A1*A${amount}${currency}*I${iban}",
  signatureTypes: [SignatureType.POSSESSION_KNOWLEDGE, SignatureType.POSSESSION_BIOMETRY],
  maxFailureCount: 3,
  expiration: 300n,
};
const PARAMETERS = { amount: "100.00", currency: "CZK", iban: "CZ1234" };
const DATA = "A1*A100.00CZK*ICZ1234";

let t: CoreUnderTest;
let ops: Client<typeof OperationService>;
let appName: string;
let otherAppName: string;
/** OPERATION_STATUS_CHANGE callback of `appName` asking for every attribute, one asking for two, one of the other app. */
let fullCallback: string;
let statusCallback: string;
let otherAppCallback: string;
/** Bodies the receiver got, by callback id (the last path segment of its URL), in arrival order. */
const received = new Map<string, Record<string, unknown>[]>();
let receiver: http.Server;
let receiverUrl: string;

async function addCallback(db: Db, application: string, attributes: string[], type = "OPERATION_STATUS_CHANGE"): Promise<string> {
  const id = randomUUID();
  await db.transaction(async (tx) => {
    const app = await findApplicationByName(tx, application);
    tx.persist(
      tx.create(ApplicationCallback, { id, applicationId: app!.id, name: `cb-${id}`, callbackUrl: `${receiverUrl}/${id}`, type, attributes }),
    );
  });
  return id;
}

/** The bodies written to the outbox for this callback, oldest first, only those about one operation. */
async function eventsOf(callbackId: string, operationId: string): Promise<Record<string, unknown>[]> {
  const rows = await t.core.db.read((tx) => listEventsOfCallback(tx, callbackId));
  return rows.map((row) => JSON.parse(row.callbackData) as Record<string, unknown>).filter((body) => body.operationId === operationId);
}

interface CreateOverrides {
  userId?: string;
  applications?: string[];
  templateName?: string;
  parameters?: Record<string, string>;
  externalId?: string;
  additionalData?: Record<string, string>;
  activationFlag?: string;
  activationId?: string;
  timestampExpires?: Timestamp;
}

async function createPayment(overrides: CreateOverrides = {}): Promise<Operation> {
  const { operation } = await ops.createOperation({ userId: "alice", applications: [appName], templateName: "payment", parameters: PARAMETERS, ...overrides });
  return operation!;
}

interface ApproveOverrides {
  userId?: string;
  applicationId?: string;
  data?: string;
  signatureType?: SignatureType;
  additionalData?: Record<string, string>;
  activationId?: string;
}

function approve(operationId: string, overrides: ApproveOverrides = {}) {
  return ops.approveOperation({
    operationId,
    userId: "alice",
    applicationId: appName,
    data: DATA,
    signatureType: SignatureType.POSSESSION_KNOWLEDGE,
    ...overrides,
  });
}

/** Moves an operation's expiry into the past, as if its time had run out. */
async function backdateExpiry(operationId: string): Promise<void> {
  await t.core.db.read((tx) =>
    tx.getConnection().execute(`update pa_operation set timestamp_expires = now() - interval '1 minute' where id = ?`, [operationId]),
  );
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const callbackId = (req.url ?? "").split("/").at(-1) ?? "";
      received.set(callbackId, [...(received.get(callbackId) ?? []), JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>]);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callbacks`;
  t = await startCoreForTest({ activationExpiryJobIntervalMs: 0, operationExpiryJobIntervalMs: 0, callbackDeliveryEnabled: true, callbackPollIntervalMs: 200 });
  ops = createClient(OperationService, createGrpcTransport({ baseUrl: t.core.url }));
  appName = `ops-${randomUUID()}`;
  otherAppName = `other-${randomUUID()}`;
  await t.admin.createApplication({ id: appName, roles: [] });
  await t.admin.createApplication({ id: otherAppName, roles: [] });
  fullCallback = await addCallback(t.core.db, appName, ALL_ATTRIBUTES);
  statusCallback = await addCallback(t.core.db, appName, ["status", "failureCount"]);
  otherAppCallback = await addCallback(t.core.db, otherAppName, ["status"]);
  // An activation callback of the same application hears nothing of operations.
  await addCallback(t.core.db, appName, ["userId"], "ACTIVATION_STATUS_CHANGE");
  await ops.createOperationTemplate({ template: PAYMENT });
});
afterAll(async () => {
  await t?.close();
  receiver?.closeAllConnections();
  receiver?.close();
});

describe("operation templates", () => {
  it("are created, read, listed, updated and removed", async () => {
    const name = `login-${randomUUID()}`;
    const login = { templateName: name, operationType: "login", dataTemplate: "A2", signatureTypes: [SignatureType.POSSESSION], maxFailureCount: 5, expiration: 60n };
    expect((await ops.createOperationTemplate({ template: login })).template).toMatchObject(login);
    expect((await ops.getOperationTemplate({ templateName: name })).template).toMatchObject(login);
    const names = (await ops.listOperationTemplates({})).templates.map((template) => template.templateName);
    expect(names).toContain(name);
    expect(names).toContain("payment");
    const updated = { ...login, operationType: "login-2fa", signatureTypes: [SignatureType.POSSESSION_KNOWLEDGE], maxFailureCount: 2, expiration: 120n };
    await ops.updateOperationTemplate({ template: updated });
    expect((await ops.getOperationTemplate({ templateName: name })).template).toMatchObject(updated);
    await ops.removeOperationTemplate({ templateName: name });
    expect(await errorCodeOf(ops.getOperationTemplate({ templateName: name }))).toBe("ERR0033");
    expect(await errorCodeOf(ops.removeOperationTemplate({ templateName: name }))).toBe("ERR0033");
    expect(await errorCodeOf(ops.updateOperationTemplate({ template: updated }))).toBe("ERR0033");
  });

  it("are validated: a taken name, no signature type, a non-positive failure limit or lifetime, a broken placeholder", async () => {
    expect(await errorCodeOf(ops.createOperationTemplate({ template: PAYMENT }))).toBe("ERR0039");
    const fresh = () => ({ ...PAYMENT, templateName: `t-${randomUUID()}` });
    expect(await errorCodeOf(ops.createOperationTemplate({ template: { ...fresh(), signatureTypes: [] } }))).toBe("ERR0024");
    expect(await errorCodeOf(ops.createOperationTemplate({ template: { ...fresh(), signatureTypes: [SignatureType.UNSPECIFIED] } }))).toBe("ERR0024");
    expect(await errorCodeOf(ops.createOperationTemplate({ template: { ...fresh(), maxFailureCount: 0 } }))).toBe("ERR0024");
    expect(await errorCodeOf(ops.createOperationTemplate({ template: { ...fresh(), expiration: 0n } }))).toBe("ERR0024");
    expect(await errorCodeOf(ops.createOperationTemplate({ template: { ...fresh(), dataTemplate: "A1*A${amount" } }))).toBe("ERR0024");
    expect(await errorCodeOf(ops.createOperationTemplate({ template: { ...fresh(), operationType: "" } }))).toBe("ERR0024");
    expect(await errorCodeOf(ops.createOperationTemplate({}))).toBe("ERR0024");
    // None of the refused ones exists afterwards.
    expect((await ops.listOperationTemplates({})).templates.filter((template) => template.templateName.startsWith("t-"))).toEqual([]);
  });
});

describe("creating an operation", () => {
  it("fills the data from the parameters, starts PENDING and tells exactly its applications' operation callbacks", async () => {
    const before = Date.now();
    const operation = await createPayment({ externalId: "ext-1", additionalData: { channel: "web" }, activationFlag: "VERIFIED" });
    expect(operation).toMatchObject({
      userId: "alice",
      applications: [appName],
      operationType: "payment",
      templateName: "payment",
      data: DATA,
      parameters: PARAMETERS,
      additionalData: { channel: "web" },
      status: OperationStatus.PENDING,
      signatureType: PAYMENT.signatureTypes,
      failureCount: 0,
      maxFailureCount: 3,
      externalId: "ext-1",
      activationFlag: "VERIFIED",
    });
    expect(operation.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(operation.timestampFinalized).toBeUndefined();
    const expires = Number(operation.timestampExpires!.seconds) * 1000;
    expect(expires).toBeGreaterThanOrEqual(before + 299_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 301_000);

    const [full] = await eventsOf(fullCallback, operation.id);
    expect(full).toEqual({
      type: "OPERATION",
      operationId: operation.id,
      userId: "alice",
      applications: [appName],
      operationType: "payment",
      parameters: PARAMETERS,
      additionalData: { channel: "web" },
      activationFlag: "VERIFIED",
      status: "PENDING",
      data: DATA,
      failureCount: 0,
      maxFailureCount: 3,
      signatureType: ["POSSESSION_KNOWLEDGE", "POSSESSION_BIOMETRY"],
      externalId: "ext-1",
      timestampCreated: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      timestampExpires: new Date(expires + operation.timestampExpires!.nanos / 1e6).toISOString(),
    });
    expect(Object.keys(full)).not.toContain("timestampFinalized");
    expect(await eventsOf(statusCallback, operation.id)).toEqual([{ type: "OPERATION", operationId: operation.id, status: "PENDING", failureCount: 0 }]);
    expect(await eventsOf(otherAppCallback, operation.id)).toEqual([]);
  });

  it("refuses a missing parameter, an unknown template or application, and an expiry in the past", async () => {
    expect(await errorCodeOf(createPayment({ parameters: { amount: "1", currency: "CZK" } }))).toBe("ERR0024");
    expect(await errorCodeOf(createPayment({ templateName: "no-such-template" }))).toBe("ERR0033");
    expect(await errorCodeOf(createPayment({ applications: [appName, "no-such-app"] }))).toBe("ERR0015");
    expect(await errorCodeOf(createPayment({ applications: [] }))).toBe("ERR0024");
    expect(await errorCodeOf(createPayment({ timestampExpires: timestampFromDate(new Date(Date.now() - 1000)) }))).toBe("ERR0024");
  });

  it("takes an explicit expiry", async () => {
    const at = new Date(Date.now() + 3_600_000);
    const operation = await createPayment({ timestampExpires: timestampFromDate(at) });
    expect(Number(operation.timestampExpires!.seconds)).toBe(Math.floor(at.getTime() / 1000));
  });
});

describe("approving", () => {
  it("approves with the right data and an allowed signature type; a final operation changes no more", async () => {
    const operation = await createPayment();
    const approved = await approve(operation.id, { additionalData: { device: "phone" } });
    expect(approved.result).toBe(UserActionResult.APPROVED);
    expect(approved.operation).toMatchObject({ status: OperationStatus.APPROVED, failureCount: 0, additionalData: { device: "phone" } });
    expect(approved.operation!.timestampFinalized).toBeDefined();
    const again = await approve(operation.id);
    expect(again.result).toBe(UserActionResult.APPROVAL_FAILED);
    expect(again.operation).toMatchObject({ status: OperationStatus.APPROVED, failureCount: 0 });
    expect(await errorCodeOf(ops.cancelOperation({ operationId: operation.id }))).toBe("ERR0036");
    const rejected = await ops.rejectOperation({ operationId: operation.id, userId: "alice", applicationId: appName });
    expect(rejected.result).toBe(UserActionResult.REJECT_FAILED);
    expect((await ops.getOperation({ operationId: operation.id })).operation!.status).toBe(OperationStatus.APPROVED);
    const events = await eventsOf(fullCallback, operation.id);
    expect(events.map((event) => event.status)).toEqual(["PENDING", "APPROVED"]);
    expect(events[1]).toMatchObject({ additionalData: { device: "phone" }, timestampFinalized: expect.stringMatching(/^\d{4}-/) });
  });

  it("a wrong user, application or device gets a failure and changes nothing: no failure counted, no callback (#1795)", async () => {
    const operation = await createPayment();
    for (const wrong of [{ userId: "mallory" }, { applicationId: otherAppName }, { userId: "mallory", data: "A1*A1CZK*IEVIL" }]) {
      const answer = await approve(operation.id, wrong);
      expect(answer.result).toBe(UserActionResult.APPROVAL_FAILED);
      expect(answer.operation).toMatchObject({ status: OperationStatus.PENDING, failureCount: 0 });
    }
    const reject = await ops.rejectOperation({ operationId: operation.id, userId: "mallory", applicationId: appName });
    expect(reject.result).toBe(UserActionResult.REJECT_FAILED);
    expect((await ops.getOperation({ operationId: operation.id })).operation).toMatchObject({ status: OperationStatus.PENDING, failureCount: 0 });
    expect((await eventsOf(fullCallback, operation.id)).map((event) => event.status)).toEqual(["PENDING"]);
    // The right user still has every attempt.
    expect((await approve(operation.id)).result).toBe(UserActionResult.APPROVED);
  });

  it("counts a wrong data or signature type as a failure; the last allowed one ends the operation FAILED", async () => {
    const operation = await createPayment();
    const first = await approve(operation.id, { data: "A1*A999.00CZK*ICZ1234" });
    expect(first.result).toBe(UserActionResult.APPROVAL_FAILED);
    expect(first.operation).toMatchObject({ status: OperationStatus.PENDING, failureCount: 1 });
    const second = await approve(operation.id, { signatureType: SignatureType.POSSESSION });
    expect(second.result).toBe(UserActionResult.APPROVAL_FAILED);
    expect(second.operation).toMatchObject({ status: OperationStatus.PENDING, failureCount: 2 });
    const third = await ops.failApprovalOperation({ operationId: operation.id });
    expect(third.result).toBe(UserActionResult.OPERATION_FAILED);
    expect(third.operation).toMatchObject({ status: OperationStatus.FAILED, failureCount: 3 });
    // Even the right signature cannot revive it.
    expect((await approve(operation.id)).operation!.status).toBe(OperationStatus.FAILED);
    expect(await eventsOf(statusCallback, operation.id)).toEqual([
      { type: "OPERATION", operationId: operation.id, status: "PENDING", failureCount: 0 },
      { type: "OPERATION", operationId: operation.id, status: "PENDING", failureCount: 1 },
      { type: "OPERATION", operationId: operation.id, status: "PENDING", failureCount: 2 },
      { type: "OPERATION", operationId: operation.id, status: "FAILED", failureCount: 3 },
    ]);
  });

  it("an operation bound to an activation is approved only with that activation", async () => {
    const v3app = await createTestApplication(t.grpc, `bound-${randomUUID()}`);
    const name = (await t.grpc.getApplicationDetail({ applicationId: v3app.applicationId })).applicationName;
    const { activationId, userId } = await activateDevice(t.grpc, v3app);
    const other = await activateDevice(t.grpc, v3app, { userId });
    const operation = await createPayment({ userId, applications: [name], activationId });
    expect(operation.activationId).toBe(activationId);
    const base = { userId, applicationId: name };
    expect((await approve(operation.id, { ...base, activationId: other.activationId })).operation).toMatchObject({ failureCount: 0 });
    expect((await approve(operation.id, base)).result).toBe(UserActionResult.APPROVAL_FAILED);
    expect((await approve(operation.id, { ...base, activationId })).result).toBe(UserActionResult.APPROVED);
    // An activation of another user cannot be bound at all.
    expect(await errorCodeOf(createPayment({ userId: "someone-else", applications: [name], activationId }))).toBe("ERR0024");
    expect(await errorCodeOf(createPayment({ userId, applications: [name], activationId: randomUUID() }))).toBe("ERR0009");
  });
});

describe("delivery", () => {
  it("the delivery worker POSTs each change's body to the receiver, in order, exactly as written to the outbox", async () => {
    const operation = await createPayment();
    await approve(operation.id, { data: "wrong" });
    await approve(operation.id);
    const written = await eventsOf(fullCallback, operation.id);
    expect(written.map((event) => [event.status, event.failureCount])).toEqual([
      ["PENDING", 0],
      ["PENDING", 1],
      ["APPROVED", 1],
    ]);
    const deliveredFor = (callbackId: string) => (received.get(callbackId) ?? []).filter((body) => body.operationId === operation.id);
    await expect.poll(() => deliveredFor(fullCallback), { timeout: 15_000, interval: 50 }).toEqual(written);
    await expect.poll(() => deliveredFor(statusCallback), { timeout: 15_000, interval: 50 }).toEqual(await eventsOf(statusCallback, operation.id));
    expect(deliveredFor(otherAppCallback)).toEqual([]);
  });
});

describe("rejecting, canceling, claiming, listing", () => {
  it("rejects", async () => {
    const operation = await createPayment();
    const rejected = await ops.rejectOperation({ operationId: operation.id, userId: "alice", applicationId: appName, additionalData: { reason: "not me" } });
    expect(rejected.result).toBe(UserActionResult.REJECTED);
    expect(rejected.operation).toMatchObject({ status: OperationStatus.REJECTED, additionalData: { reason: "not me" } });
    expect((await eventsOf(statusCallback, operation.id)).map((event) => event.status)).toEqual(["PENDING", "REJECTED"]);
  });

  it("cancels with a reason", async () => {
    const operation = await createPayment();
    const { operation: canceled } = await ops.cancelOperation({ operationId: operation.id, statusReason: "withdrawn by the bank" });
    expect(canceled).toMatchObject({ status: OperationStatus.CANCELED, statusReason: "withdrawn by the bank" });
    expect((await eventsOf(statusCallback, operation.id)).map((event) => event.status)).toEqual(["PENDING", "CANCELED"]);
    expect(await errorCodeOf(ops.cancelOperation({ operationId: operation.id }))).toBe("ERR0036");
  });

  it("an unknown or malformed operation id is ERR0034 / ERR0024", async () => {
    expect(await errorCodeOf(ops.getOperation({ operationId: randomUUID() }))).toBe("ERR0034");
    expect(await errorCodeOf(approve(randomUUID()))).toBe("ERR0034");
    expect(await errorCodeOf(ops.cancelOperation({ operationId: randomUUID() }))).toBe("ERR0034");
    expect(await errorCodeOf(ops.getOperation({ operationId: "" }))).toBe("ERR0024");
  });

  it("a non-personalized operation is claimed by the first user who reads it; another user does not find it", async () => {
    const operation = await createPayment({ userId: undefined });
    expect(operation.userId).toBeUndefined();
    expect((await ops.getOperation({ operationId: operation.id, userId: "bob" })).operation!.userId).toBe("bob");
    expect(await errorCodeOf(ops.getOperation({ operationId: operation.id, userId: "carol" }))).toBe("ERR0034");
    expect((await approve(operation.id, { userId: "carol" })).operation).toMatchObject({ status: OperationStatus.PENDING, failureCount: 0 });
    expect((await approve(operation.id, { userId: "bob" })).result).toBe(UserActionResult.APPROVED);
  });

  it("an unclaimed operation is claimed by its approval", async () => {
    const operation = await createPayment({ userId: undefined });
    const approved = await approve(operation.id, { userId: "dave" });
    expect(approved.result).toBe(UserActionResult.APPROVED);
    expect(approved.operation!.userId).toBe("dave");
  });

  it("lists a user's operations of one application, newest first, by status, paged", async () => {
    const user = `lister-${randomUUID()}`;
    const a = await createPayment({ userId: user });
    const b = await createPayment({ userId: user });
    const c = await createPayment({ userId: user, applications: [otherAppName] });
    await approve(a.id, { userId: user });
    const all = (await ops.listOperations({ userId: user, applicationId: appName })).operations.map((operation) => operation.id);
    expect(all).toEqual([b.id, a.id]);
    const pending = await ops.listOperations({ userId: user, applicationId: appName, status: OperationStatus.PENDING });
    expect(pending.operations.map((operation) => operation.id)).toEqual([b.id]);
    expect((await ops.listOperations({ userId: user, applicationId: otherAppName })).operations.map((operation) => operation.id)).toEqual([c.id]);
    const page1 = await ops.listOperations({ userId: user, applicationId: appName, pageSize: 1, pageNumber: 1 });
    expect(page1.operations.map((operation) => operation.id)).toEqual([a.id]);
  });
});

describe("expiry", () => {
  it("is lazy: a PENDING operation past its expiry is EXPIRED when touched, with its callback, and cannot be approved", async () => {
    const operation = await createPayment();
    await backdateExpiry(operation.id);
    const approved = await approve(operation.id);
    expect(approved.result).toBe(UserActionResult.APPROVAL_FAILED);
    expect(approved.operation).toMatchObject({ status: OperationStatus.EXPIRED, failureCount: 0 });
    expect((await eventsOf(statusCallback, operation.id)).map((event) => event.status)).toEqual(["PENDING", "EXPIRED"]);
    const listed = await createPayment({ userId: "expiring-lister" });
    await backdateExpiry(listed.id);
    const list = await ops.listOperations({ userId: "expiring-lister", applicationId: appName });
    expect(list.operations.map((item) => item.status)).toEqual([OperationStatus.EXPIRED]);
    const read = await createPayment();
    await backdateExpiry(read.id);
    expect((await ops.getOperation({ operationId: read.id })).operation!.status).toBe(OperationStatus.EXPIRED);
    expect((await eventsOf(statusCallback, read.id)).map((event) => event.status)).toEqual(["PENDING", "EXPIRED"]);
  });

  it("the job expires every PENDING operation past its expiry in batches, with no cap, and only those", async () => {
    const expiring = await Promise.all(Array.from({ length: 7 }, () => createPayment()));
    const alive = await createPayment();
    const approved = await createPayment();
    await approve(approved.id);
    for (const operation of [...expiring, approved]) await backdateExpiry(operation.id);
    // Batches of 2: 7 operations take four batches, all in one run.
    expect(await expireOperations(t.core.db, new Date(), 2)).toBe(7);
    for (const operation of expiring) {
      expect((await ops.getOperation({ operationId: operation.id })).operation).toMatchObject({ status: OperationStatus.EXPIRED });
      expect((await eventsOf(statusCallback, operation.id)).map((event) => event.status)).toEqual(["PENDING", "EXPIRED"]);
    }
    expect((await ops.getOperation({ operationId: alive.id })).operation!.status).toBe(OperationStatus.PENDING);
    expect((await ops.getOperation({ operationId: approved.id })).operation!.status).toBe(OperationStatus.APPROVED);
    expect(await expireOperations(t.core.db)).toBe(0);
  });

  it("the core runs the job on its interval", async () => {
    const other = await startCoreForTest({ activationExpiryJobIntervalMs: 0, operationExpiryJobIntervalMs: 50 });
    try {
      const client = createClient(OperationService, createGrpcTransport({ baseUrl: other.core.url }));
      await other.admin.createApplication({ id: "job-app", roles: [] });
      await client.createOperationTemplate({ template: { ...PAYMENT, expiration: 1n } });
      const { operation } = await client.createOperation({ userId: "u", applications: ["job-app"], templateName: "payment", parameters: PARAMETERS });
      const status = async () =>
        other.core.db.read(async (tx) => {
          const [row] = await tx.getConnection().execute<{ status: string }[]>(`select status from pa_operation where id = ?`, [operation!.id]);
          return row.status;
        });
      // Nothing reads the operation through the API, so only the job can expire it.
      await expect.poll(status, { timeout: 10_000, interval: 100 }).toBe("EXPIRED");
    } finally {
      await other.close();
    }
  });
});

describe("concurrency: exactly one winner, never a lost failure", () => {
  it("approve, reject, cancel and expiry racing on one operation: one wins, one final callback (repeated)", async () => {
    for (let round = 0; round < 12; round++) {
      const operation = await createPayment();
      const expire = round % 3 === 0;
      if (expire) await backdateExpiry(operation.id);
      const outcomes = await Promise.allSettled([
        approve(operation.id),
        ops.rejectOperation({ operationId: operation.id, userId: "alice", applicationId: appName }),
        ops.cancelOperation({ operationId: operation.id }),
        expireOperations(t.core.db),
      ]);
      const [approveOutcome, rejectOutcome, cancelOutcome] = outcomes;
      const winners = [
        approveOutcome.status === "fulfilled" && approveOutcome.value.result === UserActionResult.APPROVED ? "APPROVED" : null,
        rejectOutcome.status === "fulfilled" && rejectOutcome.value.result === UserActionResult.REJECTED ? "REJECTED" : null,
        cancelOutcome.status === "fulfilled" ? "CANCELED" : null,
      ].filter((winner) => winner !== null);
      const final = (await ops.getOperation({ operationId: operation.id })).operation!;
      const finals = (await eventsOf(statusCallback, operation.id)).filter((event) => event.status !== "PENDING");
      expect(finals).toHaveLength(1);
      if (expire) {
        expect(winners).toEqual([]);
        expect(final.status).toBe(OperationStatus.EXPIRED);
      } else {
        expect(winners).toHaveLength(1);
        expect(OperationStatus[final.status]).toBe(winners[0]);
      }
      expect(finals[0].status).toBe(OperationStatus[final.status]);
      if (cancelOutcome.status === "rejected") expect(await errorCodeOf(Promise.reject(cancelOutcome.reason))).toBe("ERR0036");
    }
  });

  it("concurrent wrong approvals each count: maxFailureCount of them end it FAILED, exactly one says so", async () => {
    for (let round = 0; round < 5; round++) {
      const operation = await createPayment();
      const answers = await Promise.all(Array.from({ length: 5 }, () => approve(operation.id, { data: "wrong" })));
      const results = answers.map((answer) => answer.result).sort();
      expect(results).toEqual([
        UserActionResult.APPROVAL_FAILED,
        UserActionResult.APPROVAL_FAILED,
        UserActionResult.APPROVAL_FAILED,
        UserActionResult.APPROVAL_FAILED,
        UserActionResult.OPERATION_FAILED,
      ]);
      expect((await ops.getOperation({ operationId: operation.id })).operation).toMatchObject({ status: OperationStatus.FAILED, failureCount: 3 });
      const counts = (await eventsOf(statusCallback, operation.id)).map((event) => `${event.status}:${event.failureCount}`);
      expect(counts).toEqual(["PENDING:0", "PENDING:1", "PENDING:2", "FAILED:3"]);
    }
  });
});

describe("access", () => {
  it("with restricted access, OperationService needs integration credentials like the PowerAuth service", async () => {
    const restricted = await startCoreForTest({ restrictAccess: true, activationExpiryJobIntervalMs: 0, operationExpiryJobIntervalMs: 0 });
    try {
      const anonymous = createClient(OperationService, createGrpcTransport({ baseUrl: restricted.core.url }));
      await expect(anonymous.listOperationTemplates({})).rejects.toMatchObject({ code: Code.Unauthenticated });
      const adminAuthorization = `Basic ${Buffer.from(`${TEST_ADMIN.username}:${TEST_ADMIN.password}`).toString("base64")}`;
      const integration = await restricted.grpc.createIntegration({ name: "ops-integration" }, { headers: { authorization: adminAuthorization } });
      const authorized = createClient(
        OperationService,
        createGrpcTransport({ baseUrl: restricted.core.url, interceptors: [basicAuth(integration.clientToken, integration.clientSecret)] }),
      );
      expect((await authorized.listOperationTemplates({})).templates).toEqual([]);
    } finally {
      await restricted.close();
    }
  });
});

describe("POST /internal/callback/operation (REST gateway)", () => {
  let gateway: RestGateway;
  const auth = `Basic ${Buffer.from(`${TEST_ADMIN.username}:${TEST_ADMIN.password}`).toString("base64")}`;
  const post = async (body: unknown) => {
    const response = await fetch(`${gateway.url}/internal/callback/operation`, {
      method: "POST",
      headers: { authorization: auth, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    gateway = await startRestGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("queues the operation's current state to its callbacks and answers OK", async () => {
    const operation = await createPayment();
    await approve(operation.id, { data: "wrong" });
    expect(await post({ operationId: operation.id })).toEqual({ status: 200, body: { status: "OK" } });
    expect(await eventsOf(statusCallback, operation.id)).toEqual([
      { type: "OPERATION", operationId: operation.id, status: "PENDING", failureCount: 0 },
      { type: "OPERATION", operationId: operation.id, status: "PENDING", failureCount: 1 },
      { type: "OPERATION", operationId: operation.id, status: "PENDING", failureCount: 1 },
    ]);
    // An operation whose time is up is announced as EXPIRED.
    await backdateExpiry(operation.id);
    expect(await post({ operationId: operation.id.toUpperCase() })).toEqual({ status: 200, body: { status: "OK" } });
    expect((await eventsOf(statusCallback, operation.id)).at(-1)).toMatchObject({ status: "EXPIRED" });
  });

  it("a missing or malformed operationId is ERROR_REQUEST with the seed's message; an unknown one ERROR_OPERATION_NOT_FOUND", async () => {
    expect(await post({})).toEqual({
      status: 400,
      body: { status: "ERROR", responseObject: { code: "ERROR_REQUEST", message: "Required String parameter 'operationId' is not present" } },
    });
    const malformed = await post({ operationId: "not-a-uuid" });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ status: "ERROR", responseObject: { code: "ERROR_REQUEST" } });
    expect(await post({ operationId: randomUUID() })).toEqual({
      status: 400,
      body: { status: "ERROR", responseObject: { code: "ERROR_OPERATION_NOT_FOUND", message: "Operation not found" } },
    });
  });

  it("needs admin credentials", async () => {
    const response = await fetch(`${gateway.url}/internal/callback/operation`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operationId: randomUUID() }),
    });
    expect(response.status).toBe(401);
  });
});

