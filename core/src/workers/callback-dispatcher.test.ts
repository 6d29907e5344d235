import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pause, startCallbackReceiver } from "../../../test/support/callback-receiver.ts";
import type { CallbackReceiver } from "../../../test/support/callback-receiver.ts";
import { createTestDatabase } from "../../../test/support/database.ts";
import type { TestDatabase } from "../../../test/support/database.ts";
import { loadConfig } from "../config.ts";
import { enqueueCallbackEvents } from "../domain/callbacks/callback-outbox.ts";
import { createLogger } from "../logger.ts";
import { Application } from "../persistence/application.entity.ts";
import { listCallbackEvents } from "../persistence/callback-event.repository.ts";
import { ApplicationCallback } from "../persistence/callback.entity.ts";
import { callbackDeliverySettings, startCallbackDispatcher } from "./callback-dispatcher.ts";

let database: TestDatabase;
const receivers: CallbackReceiver[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await database?.dispose();
});

async function callbackTo(url: string, fields: { retentionPeriod?: string } = {}): Promise<string> {
  return database.db.transaction(async (tx) => {
    const app = tx.create(Application, { name: `dispatcher-${randomUUID()}` });
    await tx.flush();
    const callback = tx.create(ApplicationCallback, { id: randomUUID(), applicationId: app.id, callbackUrl: url, retentionPeriod: fields.retentionPeriod ?? null });
    await tx.flush();
    return callback.id;
  });
}

const enqueue = (callbackId: string, count: number) =>
  database.db.transaction((tx) =>
    enqueueCallbackEvents(
      tx,
      Array.from({ length: count }, () => ({ callbackId, payload: { type: "ACTIVATION", activationId: randomUUID() }, orderingKey: null, now: new Date() })),
    ),
  );

const eventsOf = (callbackId: string) =>
  database.db.read((tx) => listCallbackEvents(tx, { callbackId, status: null, createdFrom: null, createdBefore: null, beforeId: null, limit: 100 }));

function dispatcher(env: Record<string, string>) {
  return startCallbackDispatcher({
    db: database.db,
    settings: callbackDeliverySettings(loadConfig({ POWERAUTH_CALLBACK_BACKOFF_JITTER_PERCENT: "0", POWERAUTH_CALLBACK_POLL_INTERVAL_MS: "100", ...env })),
    openAuthentication: () => null,
    log: createLogger("test", { quiet: true }),
  });
}

describe("startCallbackDispatcher()", () => {
  it("opens a callback's circuit breaker after the threshold: its events wait without using attempts, then one probe goes through", async () => {
    let healthy = false;
    const receiver = await startCallbackReceiver(() => (healthy ? 200 : 500));
    receivers.push(receiver);
    const callbackId = await callbackTo(receiver.url);
    const running = await dispatcher({ POWERAUTH_CALLBACK_CIRCUIT_BREAKER_THRESHOLD: "2", POWERAUTH_CALLBACK_CIRCUIT_BREAKER_RESET_MS: "800" });
    try {
      await enqueue(callbackId, 2);
      await receiver.waitFor((r) => r.length >= 2);
      await pause(100);
      await enqueue(callbackId, 3);
      await pause(300);
      // Open: nothing was sent for the three new events.
      expect(receiver.received).toHaveLength(2);
      healthy = true;
      await receiver.waitFor((r) => r.length >= 5);
      expect(receiver.received[2].at - receiver.received[1].at).toBeGreaterThanOrEqual(750);
      await pause(200);
      expect((await eventsOf(callbackId)).map((e) => [e.status, e.attempts])).toEqual([
        ["COMPLETED", 1],
        ["COMPLETED", 1],
        ["COMPLETED", 1],
        ["FAILED", 1],
        ["FAILED", 1],
      ]);
    } finally {
      await running.stop();
    }
  });

  it("on stop, hands an event whose call is still in flight back as PENDING without counting the attempt", async () => {
    const receiver = await startCallbackReceiver(() => new Promise<number>(() => {}));
    receivers.push(receiver);
    const callbackId = await callbackTo(receiver.url);
    const running = await dispatcher({});
    await enqueue(callbackId, 1);
    await receiver.waitFor((r) => r.length >= 1);
    await running.stop();
    expect((await eventsOf(callbackId)).map((e) => [e.status, e.attempts])).toEqual([["PENDING", 0]]);
  });

  it("deletes COMPLETED events after the callback's retention and FAILED ones after the (longer) failed retention", async () => {
    const receiver = await startCallbackReceiver((request) => (JSON.parse(request.body).fail ? 500 : 200));
    receivers.push(receiver);
    const callbackId = await callbackTo(receiver.url, { retentionPeriod: "PT0S" });
    const running = await dispatcher({ POWERAUTH_CALLBACK_CLEANUP_INTERVAL_MS: "100", POWERAUTH_CALLBACK_FAILED_RETENTION_PERIOD: "PT1.5S" });
    try {
      await database.db.transaction((tx) =>
        enqueueCallbackEvents(tx, [
          { callbackId, payload: { fail: false }, orderingKey: null, now: new Date() },
          { callbackId, payload: { fail: true }, orderingKey: null, now: new Date() },
        ]),
      );
      await receiver.waitFor((r) => r.length >= 2);
      let left = await eventsOf(callbackId);
      for (let i = 0; i < 50 && left.length !== 1; i++) {
        await pause(50);
        left = await eventsOf(callbackId);
      }
      // The delivered one is gone at the first cleanup; the failed one stays for inspection and retry.
      expect(left.map((e) => e.status)).toEqual(["FAILED"]);
      for (let i = 0; i < 100 && left.length > 0; i++) {
        await pause(50);
        left = await eventsOf(callbackId);
      }
      expect(left).toEqual([]);
    } finally {
      await running.stop();
    }
  });

  it("gives up an attempt that gets no response within the response timeout", async () => {
    const receiver = await startCallbackReceiver(() => new Promise<number>(() => {}));
    receivers.push(receiver);
    const callbackId = await callbackTo(receiver.url);
    const running = await dispatcher({ POWERAUTH_CALLBACK_RESPONSE_TIMEOUT_MS: "300" });
    try {
      await enqueue(callbackId, 1);
      let events = await eventsOf(callbackId);
      for (let i = 0; i < 100 && events[0]?.status !== "FAILED"; i++) {
        await pause(50);
        events = await eventsOf(callbackId);
      }
      expect(events.map((e) => [e.status, e.attempts])).toEqual([["FAILED", 1]]);
      expect(receiver.received).toHaveLength(1);
      expect(events[0].timestampLastCall!.getTime() - events[0].timestampCreated.getTime()).toBeGreaterThanOrEqual(290);
    } finally {
      await running.stop();
    }
  });

  it("wakes when an enqueuing transaction commits, not at the next poll, and not for a rolled-back one", async () => {
    const receiver = await startCallbackReceiver();
    receivers.push(receiver);
    const callbackId = await callbackTo(receiver.url);
    // The poll alone would take a minute: only the commit's notification can bring the event in time.
    const running = await dispatcher({ POWERAUTH_CALLBACK_POLL_INTERVAL_MS: "60000" });
    try {
      await pause(200); // the first pass has found nothing and sleeps
      await database.db
        .transaction(async (tx) => {
          await enqueueCallbackEvents(tx, [{ callbackId, payload: { rolledBack: true }, orderingKey: null, now: new Date() }]);
          throw new Error("roll back");
        })
        .catch(() => undefined);
      await enqueue(callbackId, 1);
      await receiver.waitFor((r) => r.length >= 1, 10_000);
      await pause(200);
      expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(["ACTIVATION"]);
    } finally {
      await running.stop();
    }
  });
});
