import type { CallbackEventOutcome, ClaimedCallbackEvent } from "../../persistence/callback-event.repository.ts";
import { isoDurationToMs } from "./iso-duration.ts";

/** How events are delivered; every value comes from a `POWERAUTH_CALLBACK_…` setting (README). */
export interface CallbackDeliverySettings {
  /** Attempts of a callback that sets none. */
  defaultMaxAttempts: number;
  /** First retry delay of a callback that sets none. */
  defaultInitialBackoffMs: number;
  /** How long a COMPLETED event is kept, for a callback that sets nothing. */
  defaultRetentionMs: number;
  /** How long a FAILED event is kept (for inspection and RetryCallbackEvent); longer than the COMPLETED one. */
  failedRetentionMs: number;
  backoffMultiplier: number;
  maxBackoffMs: number;
  /** Fraction 0–1: a delay is shortened by a random part of up to this much, so retries of many events spread. */
  backoffJitter: number;
  connectTimeoutMs: number;
  /** Budget of one attempt after connecting: response, token fetch and the one retry after a 401 included. */
  responseTimeoutMs: number;
  /** A PROCESSING event whose worker has not settled it after this long is handed out again (crash recovery). */
  rerunAfterMs: number;
  /** Deliveries in flight per core. */
  concurrency: number;
  /** Most events claimed by one query. */
  batchSize: number;
  /** Safety-net poll: commits notify the workers, so this only matters when a notification is lost. */
  pollIntervalMs: number;
  /** Consecutive failures of one callback that open its breaker; 0 = no breaker. */
  circuitBreakerThreshold: number;
  /** How long an open breaker holds the callback's events before one probe goes through. */
  circuitBreakerResetMs: number;
  /** Period of the job deleting events past their retention; 0 = never. */
  cleanupIntervalMs: number;
}

/** A callback's delivery policy, its own values where set and the configured defaults otherwise. */
export interface CallbackPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  retentionMs: number;
}

/**
 * The policy an event of this callback is delivered under: null columns (and durations that do not parse, which
 * validation at registration rules out) fall back to the configured defaults, as the API reports them.
 */
export function callbackPolicy(callback: ClaimedCallbackEvent["callback"], settings: CallbackDeliverySettings): CallbackPolicy {
  const backoff = callback.initialBackoff === null ? null : isoDurationToMs(callback.initialBackoff);
  const retention = callback.retentionPeriod === null ? null : isoDurationToMs(callback.retentionPeriod);
  return {
    maxAttempts: callback.maxAttempts ?? settings.defaultMaxAttempts,
    initialBackoffMs: backoff ?? settings.defaultInitialBackoffMs,
    retentionMs: retention ?? settings.defaultRetentionMs,
  };
}

/**
 * Wait before the next attempt after `attemptsMade` failed ones: `initialBackoff × multiplier^(n−1)`, capped at
 * the maximum, then shortened by a random part of up to the jitter fraction, so that many events failing together
 * (a receiver outage) do not all come back in the same instant. `random` is in [0, 1).
 */
export function backoffDelayMs(initialBackoffMs: number, attemptsMade: number, settings: CallbackDeliverySettings, random: number): number {
  const nominal = Math.min(initialBackoffMs * settings.backoffMultiplier ** Math.max(0, attemptsMade - 1), settings.maxBackoffMs);
  return Math.round(nominal * (1 - settings.backoffJitter * random));
}

/** How one delivery attempt ended. */
export type AttemptResult =
  | { kind: "delivered"; httpStatus: number }
  | { kind: "rejected"; httpStatus: number }
  | { kind: "error"; reason: string };

/**
 * What becomes of an event after an attempt: delivered → COMPLETED, kept for the callback's retention; failed
 * with attempts left → PENDING after the backoff; failed for the last time → FAILED, kept for the (longer)
 * failed retention so that it can be inspected and retried.
 */
export function settleAttempt(
  event: Pick<ClaimedCallbackEvent, "id" | "attempts">,
  policy: CallbackPolicy,
  result: AttemptResult,
  settings: CallbackDeliverySettings,
  now: Date,
  random: number,
): CallbackEventOutcome {
  const at = (ms: number) => new Date(now.getTime() + ms);
  if (result.kind === "delivered") {
    return { id: event.id, status: "COMPLETED", attempted: 1, lastCall: now, nextCall: null, deleteAfter: at(policy.retentionMs) };
  }
  const attemptsMade = event.attempts + 1;
  if (attemptsMade < policy.maxAttempts) {
    const delay = backoffDelayMs(policy.initialBackoffMs, attemptsMade, settings, random);
    return { id: event.id, status: "PENDING", attempted: 1, lastCall: now, nextCall: at(delay), deleteAfter: null };
  }
  return { id: event.id, status: "FAILED", attempted: 1, lastCall: now, nextCall: null, deleteAfter: at(settings.failedRetentionMs) };
}

/** An event handed back unsent (its callback's breaker is open): no attempt counted, due again at `nextCall`. */
export function postponeEvent(event: Pick<ClaimedCallbackEvent, "id">, nextCall: Date): CallbackEventOutcome {
  return { id: event.id, status: "PENDING", attempted: 0, lastCall: null, nextCall, deleteAfter: null };
}

/** An event of a removed callback: FAILED without a call (kept like other failures, so it can be seen). */
export function dropEventOfRemovedCallback(
  event: Pick<ClaimedCallbackEvent, "id">,
  settings: CallbackDeliverySettings,
  now: Date,
): CallbackEventOutcome {
  return { id: event.id, status: "FAILED", attempted: 0, lastCall: null, nextCall: null, deleteAfter: new Date(now.getTime() + settings.failedRetentionMs) };
}
