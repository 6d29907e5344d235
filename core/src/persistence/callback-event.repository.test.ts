import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/database.ts";
import type { TestDatabase } from "../../../test/support/database.ts";
import { enqueueCallbackEvents } from "../domain/callbacks/callback-outbox.ts";
import { Application } from "./application.entity.ts";
import { ApplicationCallback } from "./callback.entity.ts";
import { CALLBACK_EVENT_STATEMENTS } from "./callback-event.sql.ts";
import {
  claimCallbackEvents,
  listCallbackEvents,
  rescueStaleCallbackEvents,
  retryFailedCallbackEvent,
  settleCallbackEvents,
} from "./callback-event.repository.ts";

let database: TestDatabase;
let callbackId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  callbackId = await database.db.transaction(async (tx) => {
    const app = tx.create(Application, { name: `cb-repo-${Date.now()}` });
    await tx.flush();
    const callback = tx.create(ApplicationCallback, { id: crypto.randomUUID(), applicationId: app.id, callbackUrl: "http://127.0.0.1:1/x" });
    await tx.flush();
    return callback.id;
  });
});
afterAll(async () => {
  await database?.dispose();
});

const t0 = new Date("2030-01-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("callback-event.repository", () => {
  it("every statement prepares against the migrated schema", async () => {
    await database.db.read(async (tx) => {
      const connection = tx.getConnection();
      for (const statement of CALLBACK_EVENT_STATEMENTS) {
        await connection.execute(`prepare check_${statement.name} as ${statement.text}`);
        await connection.execute(`deallocate check_${statement.name}`);
      }
    });
  });

  it("claims the head of each ordering key only, settles, rescues stale claims and retries FAILED events", async () => {
    await database.db.transaction((tx) =>
      enqueueCallbackEvents(tx, [
        { callbackId, payload: { n: 1 }, orderingKey: "a", now: t0 },
        { callbackId, payload: { n: 2 }, orderingKey: "a", now: t0 },
        { callbackId, payload: { n: 3 }, orderingKey: "b", now: t0 },
        { callbackId, payload: { n: 4 }, orderingKey: null, now: at(10_000) },
      ]),
    );
    const first = await database.db.read((tx) => claimCallbackEvents(tx, at(1000), at(60_000), 10, []));
    expect(first.map((e) => JSON.parse(e.body))).toEqual([{ n: 1 }, { n: 3 }]);
    expect(first[0].callback.url).toBe("http://127.0.0.1:1/x");
    expect(new Set(first.map((e) => e.idempotencyKey)).size).toBe(2);
    // Excluded callbacks (open breaker) are not claimed; nothing else is due.
    expect(await database.db.read((tx) => claimCallbackEvents(tx, at(1000), at(60_000), 10, [callbackId]))).toEqual([]);
    await database.db.read((tx) =>
      settleCallbackEvents(tx, [
        { id: first[0].id, status: "PENDING", attempted: 1, lastCall: at(1000), nextCall: at(3000), deleteAfter: null },
        { id: first[1].id, status: "COMPLETED", attempted: 1, lastCall: at(1000), nextCall: null, deleteAfter: at(99_000) },
      ]),
    );
    // n=2 still waits behind n=1 (PENDING, retried at +3 s).
    expect(await database.db.read((tx) => claimCallbackEvents(tx, at(2000), at(60_000), 10, []))).toEqual([]);
    const retried = await database.db.read((tx) => claimCallbackEvents(tx, at(3000), at(4000), 10, []));
    expect(retried.map((e) => [JSON.parse(e.body), e.attempts, e.idempotencyKey])).toEqual([[{ n: 1 }, 1, first[0].idempotencyKey]]);
    // Its worker vanished: after the rerun time it is PENDING again.
    expect(await database.db.read((tx) => rescueStaleCallbackEvents(tx, at(4000)))).toBe(1);
    const again = await database.db.read((tx) => claimCallbackEvents(tx, at(4000), at(60_000), 10, []));
    expect(again.map((e) => JSON.parse(e.body))).toEqual([{ n: 1 }]);
    await database.db.read((tx) =>
      settleCallbackEvents(tx, [{ id: again[0].id, status: "FAILED", attempted: 1, lastCall: at(4000), nextCall: null, deleteAfter: at(99_000) }]),
    );
    const listed = await database.db.read((tx) =>
      listCallbackEvents(tx, { callbackId, status: "FAILED", createdFrom: null, createdBefore: null, beforeId: null, limit: 10 }),
    );
    expect(listed.map((e) => [e.id, e.attempts])).toEqual([[again[0].id, 2]]);
    // A FAILED head no longer holds back its successor.
    const next = await database.db.read((tx) => claimCallbackEvents(tx, at(5000), at(60_000), 10, []));
    expect(next.map((e) => JSON.parse(e.body))).toEqual([{ n: 2 }]);
    expect(await database.db.read((tx) => retryFailedCallbackEvent(tx, again[0].id, at(6000)))).toBe(true);
    expect(await database.db.read((tx) => retryFailedCallbackEvent(tx, again[0].id, at(6000)))).toBe(false);
  });
});
