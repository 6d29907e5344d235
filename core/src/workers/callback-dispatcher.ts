import type { CoreConfig } from "../config.ts";
import type { CallbackAuthentication } from "../domain/callbacks/callback-authentication.ts";
import {
  callbackPolicy,
  dropEventOfRemovedCallback,
  postponeEvent,
  settleAttempt,
} from "../domain/callbacks/callback-delivery.ts";
import type { AttemptResult, CallbackDeliverySettings } from "../domain/callbacks/callback-delivery.ts";
import { CircuitBreakers } from "../domain/callbacks/circuit-breaker.ts";
import { isoDurationToMs } from "../domain/callbacks/iso-duration.ts";
import type { Logger } from "../logger.ts";
import type { CallbackAttemptOutcome } from "../observability/core-metrics.ts";
import {
  claimCallbackEvents,
  deleteExpiredCallbackEvents,
  nextCallbackEventDue,
  rescueStaleCallbackEvents,
  settleCallbackEvents,
} from "../persistence/callback-event.repository.ts";
import type { CallbackEventOutcome, ClaimedCallbackEvent } from "../persistence/callback-event.repository.ts";
import { CALLBACK_EVENT_CHANNEL } from "../persistence/callback-event.sql.ts";
import type { Db } from "../persistence/db.ts";
import { createCallbackHttpClient } from "./callback-http.ts";
import type { HttpExchange } from "./callback-http.ts";
import { OAuth2TokenCache } from "./callback-oauth2.ts";

export interface CallbackDispatcherOptions {
  db: Db;
  settings: CallbackDeliverySettings;
  /** Opens a callback's sealed authentication (the master DB key lives behind this). */
  openAuthentication: (row: {
    id: string;
    authentication: string | null;
    encryptionMode: string;
    authenticationEncryptionKeyId: string | null;
  }) => CallbackAuthentication | null;
  log: Logger;
  /** Random numbers in [0, 1) for the backoff jitter (tests pass a constant). */
  random?: () => number;
  /** Told the outcome of every attempt (the core's metrics count them). */
  countAttempt?: (outcome: CallbackAttemptOutcome) => void;
}

export interface CallbackDispatcher {
  /** Look for due events now (an RPC that made one due calls this; commits notify through the database). */
  wake(): void;
  /** Stops claiming, hands events still in flight back as PENDING (unsent attempts are not counted), and stops. */
  stop(): Promise<void>;
}

/** The delivery settings from the core's configuration. */
export function callbackDeliverySettings(config: CoreConfig): CallbackDeliverySettings {
  const ms = (duration: string) => isoDurationToMs(duration) ?? 0;
  return {
    defaultMaxAttempts: config.callbackDefaultMaxAttempts,
    defaultInitialBackoffMs: ms(config.callbackDefaultInitialBackoff),
    defaultRetentionMs: ms(config.callbackDefaultRetentionPeriod),
    failedRetentionMs: ms(config.callbackFailedRetentionPeriod),
    backoffMultiplier: config.callbackBackoffMultiplier,
    maxBackoffMs: ms(config.callbackMaxBackoff),
    backoffJitter: config.callbackBackoffJitterPercent / 100,
    connectTimeoutMs: config.callbackConnectTimeoutMs,
    responseTimeoutMs: config.callbackResponseTimeoutMs,
    rerunAfterMs: config.callbackRerunAfterMs,
    concurrency: config.callbackConcurrency,
    batchSize: config.callbackBatchSize,
    pollIntervalMs: config.callbackPollIntervalMs,
    circuitBreakerThreshold: config.callbackCircuitBreakerThreshold,
    circuitBreakerResetMs: config.callbackCircuitBreakerResetMs,
    cleanupIntervalMs: config.callbackCleanupIntervalMs,
  };
}

/** Rows deleted per statement by the retention job, so one run never holds a long lock. */
const CLEANUP_BATCH = 1000;
/** An event postponed behind a half-open breaker's probe comes back after this. */
const PROBE_WAIT_MS = 1000;

/**
 * Delivers the callback outbox: claims due events (FOR UPDATE SKIP LOCKED, so several cores share one database
 * and each event goes to one of them), POSTs each with bounded concurrency, and settles the outcomes in batches.
 * It wakes when a transaction that enqueued events commits (LISTEN/NOTIFY, on PGlite and PostgreSQL alike), when
 * the earliest retry becomes due, after each settled batch (a settled event may release the next one of its
 * ordering key), and on a safety-net poll. The same loop hands back events whose core died (after the rerun
 * time) and deletes events past their retention. All state lives in this closure: one dispatcher per core.
 */
export async function startCallbackDispatcher(options: CallbackDispatcherOptions): Promise<CallbackDispatcher> {
  const { db, settings, log } = options;
  const random = options.random ?? Math.random;
  const http = createCallbackHttpClient({ connectTimeoutMs: settings.connectTimeoutMs, maxSockets: settings.concurrency });
  const tokens = new OAuth2TokenCache(http);
  const breakers = new CircuitBreakers(settings.circuitBreakerThreshold, settings.circuitBreakerResetMs);
  const authentications = new Map<string, { sealed: string | null; opened: CallbackAuthentication | null }>();
  const inFlight = new Set<Promise<void>>();
  let outcomes: CallbackEventOutcome[] = [];
  let settling: Promise<void> = Promise.resolve();
  let settleScheduled = false;
  let stopping = false;
  let lastRescueAt = 0;

  let wakeSignal: (() => void) | undefined;
  let woken = false;
  const wake = () => {
    woken = true;
    wakeSignal?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const timer = setTimeout(done, ms);
      wakeSignal = done;
      function done() {
        clearTimeout(timer);
        wakeSignal = undefined;
        resolve();
      }
    });

  const stopListening = await db.listen(CALLBACK_EVENT_CHANNEL, wake, {
    onError: (error) => log.warn("callback notifications interrupted; polling until they are back", { error: String(error) }),
  });

  /** Queues an outcome; all outcomes of one event-loop turn are written by one statement. */
  const settle = (outcome: CallbackEventOutcome) => {
    outcomes.push(outcome);
    if (settleScheduled) return;
    settleScheduled = true;
    setImmediate(() => {
      settleScheduled = false;
      settling = settling.then(flushOutcomes);
    });
  };
  const flushOutcomes = async () => {
    const batch = outcomes;
    outcomes = [];
    if (batch.length === 0) return;
    try {
      await db.read((tx) => settleCallbackEvents(tx, batch));
    } catch (error) {
      // The rows stay PROCESSING and are handed out again after the rerun time: delivered at least once.
      log.error("callback outcomes not recorded", error, { events: batch.length });
    }
    wake();
  };

  const authenticationOf = (event: ClaimedCallbackEvent): CallbackAuthentication | null => {
    const cached = authentications.get(event.callbackId);
    if (cached && cached.sealed === event.callback.authentication) return cached.opened;
    const opened = options.openAuthentication({
      id: event.callbackId,
      authentication: event.callback.authentication,
      encryptionMode: event.callback.encryptionMode,
      authenticationEncryptionKeyId: event.callback.authenticationEncryptionKeyId,
    });
    authentications.set(event.callbackId, { sealed: event.callback.authentication, opened });
    return opened;
  };

  /** One attempt: POST with the callback's authentication, and once more with a fresh token after a 401. */
  const attempt = async (event: ClaimedCallbackEvent, deadline: number): Promise<{ result: AttemptResult; exchange?: HttpExchange }> => {
    let auth: CallbackAuthentication | null;
    try {
      auth = authenticationOf(event);
    } catch {
      return { result: { kind: "error", reason: "authentication_unreadable" } };
    }
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      Accept: "application/json",
      "Idempotency-Key": event.idempotencyKey,
    };
    if (auth?.httpBasic?.enabled) {
      const credentials = `${auth.httpBasic.username}:${auth.httpBasic.password ?? ""}`;
      headers.Authorization = `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`;
    }
    const oauth2 = auth?.oauth2?.enabled ? auth.oauth2 : undefined;
    for (let round = 0; ; round++) {
      if (oauth2) {
        const token = await tokens.get(event.callbackId, oauth2, deadline);
        if (typeof token !== "string") return { result: { kind: "error", reason: token.reason } };
        headers.Authorization = `Bearer ${token}`;
      }
      const exchange = await http.post(event.callback.url, headers, event.body, deadline);
      if (!exchange.ok) return { result: { kind: "error", reason: exchange.reason }, exchange };
      if (exchange.status === 401 && oauth2 && round === 0) {
        tokens.invalidate(event.callbackId, headers.Authorization.slice("Bearer ".length));
        continue;
      }
      const delivered = exchange.status >= 200 && exchange.status < 300;
      return { result: { kind: delivered ? "delivered" : "rejected", httpStatus: exchange.status }, exchange };
    }
  };

  const deliver = async (event: ClaimedCallbackEvent) => {
    const startedAt = Date.now();
    const logAttempt = (outcome: CallbackAttemptOutcome, fields: Record<string, unknown> = {}) => {
      options.countAttempt?.(outcome);
      log.info("callback attempt", { callbackId: event.callbackId, eventId: event.id, attempt: event.attempts + 1, outcome, ...fields });
    };
    if (!event.callback.enabled) {
      settle(dropEventOfRemovedCallback(event, settings, new Date(startedAt)));
      logAttempt("callback_removed");
      return;
    }
    if (!breakers.tryAcquire(event.callbackId, startedAt)) {
      const reopensAt = breakers.reopensAt(event.callbackId, startedAt);
      settle(postponeEvent(event, new Date(Math.max(reopensAt, startedAt + PROBE_WAIT_MS))));
      return;
    }
    const policy = callbackPolicy(event.callback, settings);
    const { result } = await attempt(event, startedAt + settings.responseTimeoutMs);
    const now = Date.now();
    if (stopping && result.kind === "error") {
      // Cut off by the shutdown, not by the receiver: not an attempt.
      settle(postponeEvent(event, new Date(now)));
      return;
    }
    if (result.kind === "delivered") breakers.recordSuccess(event.callbackId);
    else breakers.recordFailure(event.callbackId, now);
    const outcome = settleAttempt(event, policy, result, settings, new Date(now), random());
    settle(outcome);
    logAttempt(outcome.status === "COMPLETED" ? "delivered" : outcome.status === "PENDING" ? "retry" : "failed", {
      httpStatus: "httpStatus" in result ? result.httpStatus : null,
      error: "reason" in result ? result.reason : undefined,
      ms: now - startedAt,
    });
  };

  const start = (event: ClaimedCallbackEvent) => {
    const running: Promise<void> = deliver(event)
      .catch((error: unknown) => {
        log.error("callback delivery failed unexpectedly", error, { callbackId: event.callbackId, eventId: event.id });
        settle(postponeEvent(event, new Date(Date.now() + settings.pollIntervalMs)));
      })
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  };

  const housekeeping = async (now: number) => {
    if (now - lastRescueAt < settings.pollIntervalMs) return;
    lastRescueAt = now;
    const rescued = await db.read((tx) => rescueStaleCallbackEvents(tx, new Date(now)));
    if (rescued > 0) log.warn("callback events of a vanished worker handed out again", { events: rescued });
  };

  const loop = async () => {
    while (!stopping) {
      woken = false;
      let waitMs = settings.pollIntervalMs;
      try {
        const now = Date.now();
        await housekeeping(now);
        const free = settings.concurrency - inFlight.size;
        if (free > 0) {
          const limit = Math.min(settings.batchSize, free);
          const events = await db.read((tx) =>
            claimCallbackEvents(tx, new Date(now), new Date(now + settings.rerunAfterMs), limit, breakers.blockedCallbackIds(now)),
          );
          for (const event of events) start(event);
          if (events.length === limit) continue;
          const nextDue = await db.read((tx) => nextCallbackEventDue(tx, new Date(now)));
          if (nextDue) waitMs = Math.min(waitMs, Math.max(0, nextDue.getTime() - Date.now()));
        }
      } catch (error) {
        if (stopping) break;
        log.error("callback dispatch failed; trying again", error);
      }
      // With every slot busy, the next settled batch wakes the loop.
      await sleep(waitMs);
    }
  };

  const cleanup = startCleanup(db, settings, log);
  const running = loop();
  return {
    wake,
    async stop() {
      stopping = true;
      wake();
      await running;
      await cleanup.stop();
      // Aborts exchanges still in flight; their events go back to PENDING (see deliver).
      http.close();
      await Promise.allSettled([...inFlight]);
      settling = settling.then(flushOutcomes);
      await settling;
      await stopListening();
    },
  };
}

/** Deletes events past their retention every cleanup interval, in bounded batches. */
function startCleanup(db: Db, settings: CallbackDeliverySettings, log: Logger): { stop(): Promise<void> } {
  if (settings.cleanupIntervalMs <= 0) return { stop: async () => {} };
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = (async () => {
      let deleted = 0;
      for (;;) {
        const count = await db.read((tx) => deleteExpiredCallbackEvents(tx, new Date(), CLEANUP_BATCH));
        deleted += count;
        if (count < CLEANUP_BATCH) break;
      }
      if (deleted > 0) log.info("callback events past their retention deleted", { events: deleted });
    })()
      .catch((error: unknown) => log.error("callback event cleanup failed", error))
      .finally(() => {
        running = undefined;
      });
  }, settings.cleanupIntervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
