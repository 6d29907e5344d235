import { randomUUID } from "node:crypto";
import { insertCallbackEvents } from "../../persistence/callback-event.repository.ts";
import type { Tx } from "../../persistence/tx.ts";

/** One notification to deliver to one callback. */
export interface CallbackEventToEnqueue {
  callbackId: string;
  /** The JSON body POSTed to the callback, exactly as given. */
  payload: Record<string, unknown>;
  /**
   * Events with the same key reach this callback in the order they were enqueued (an activation's events carry
   * its id, so a later status never overtakes an earlier one being retried); null = no order with any other.
   */
  orderingKey: string | null;
  now: Date;
}

/**
 * The one way to notify callbacks: writes one outbox row per event (PENDING, due now, with its own UUIDv4
 * idempotency key sent on every attempt) in the caller's transaction, so a change and its notification commit
 * or vanish together and a crash after the commit cannot lose it. The delivery workers of every core wake when
 * the transaction commits, not before (a rolled-back change notifies no one).
 */
export async function enqueueCallbackEvents(tx: Tx, events: readonly CallbackEventToEnqueue[]): Promise<void> {
  await insertCallbackEvents(
    tx,
    events.map((event) => ({
      callbackId: event.callbackId,
      body: JSON.stringify(event.payload),
      idempotencyKey: randomUUID(),
      orderingKey: event.orderingKey,
      createdAt: event.now,
    })),
  );
}
