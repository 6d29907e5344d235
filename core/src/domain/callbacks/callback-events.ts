import {
  findCallbackEvent,
  listCallbackEvents as listEvents,
  retryFailedCallbackEvent,
} from "../../persistence/callback-event.repository.ts";
import type { CallbackEventRecord, CallbackEventStatus } from "../../persistence/callback-event.repository.ts";
import type { Db } from "../../persistence/db.ts";
import { AdminError } from "../errors.ts";

export interface CallbackEventQuery {
  callbackId: string | null;
  status: CallbackEventStatus | null;
  createdFrom: Date | null;
  createdBefore: Date | null;
  pageSize: number;
  /** The last id of the previous page, or null for the first page. */
  after: number | null;
}

/**
 * A page of the outbox for operators, newest first, with the position to continue from (null on the last
 * page). Paging by id keeps pages stable while new events arrive.
 */
export async function listCallbackEvents(db: Db, query: CallbackEventQuery): Promise<{ events: CallbackEventRecord[]; nextAfter: number | null }> {
  const rows = await db.read((tx) =>
    listEvents(tx, {
      callbackId: query.callbackId,
      status: query.status,
      createdFrom: query.createdFrom,
      createdBefore: query.createdBefore,
      beforeId: query.after,
      limit: query.pageSize + 1,
    }),
  );
  const events = rows.slice(0, query.pageSize);
  return { events, nextAfter: rows.length > query.pageSize ? events[events.length - 1].id : null };
}

/**
 * Sends a FAILED event again (an operator fixed the receiver): it becomes PENDING, due now, with a fresh attempt
 * budget and its original idempotency key, and every core's worker is woken when this commits. Only FAILED
 * events: re-sending a delivered one would be a new event, and a pending one is already on its way.
 */
export async function retryCallbackEvent(db: Db, eventId: number, now = new Date()): Promise<CallbackEventRecord> {
  return db.transaction(async (tx) => {
    if (await retryFailedCallbackEvent(tx, eventId, now)) {
      const event = await findCallbackEvent(tx, eventId);
      if (event) return event;
    }
    const existing = await findCallbackEvent(tx, eventId);
    if (!existing) throw new AdminError("ERROR_NOT_FOUND", "Callback event not found.");
    throw new AdminError("ERROR_REQUEST", `Only a FAILED callback event can be retried; this one is ${existing.status}.`, [
      { fieldName: "eventId", hint: "must name a FAILED event" },
    ]);
  });
}
