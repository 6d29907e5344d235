import { describe, expect, it } from "vitest";
import { backoffDelayMs, callbackPolicy, settleAttempt } from "./callback-delivery.ts";
import type { CallbackDeliverySettings } from "./callback-delivery.ts";
import { CircuitBreakers } from "./circuit-breaker.ts";

const settings: CallbackDeliverySettings = {
  defaultMaxAttempts: 1,
  defaultInitialBackoffMs: 2000,
  defaultRetentionMs: 30 * 86_400_000,
  failedRetentionMs: 90 * 86_400_000,
  backoffMultiplier: 1.5,
  maxBackoffMs: 32_000,
  backoffJitter: 0.2,
  connectTimeoutMs: 5000,
  responseTimeoutMs: 30_000,
  rerunAfterMs: 45_000,
  concurrency: 64,
  batchSize: 100,
  pollIntervalMs: 1000,
  circuitBreakerThreshold: 3,
  circuitBreakerResetMs: 60_000,
  cleanupIntervalMs: 60_000,
};
const callback = { url: "http://x", enabled: true, maxAttempts: null, initialBackoff: null, retentionPeriod: null, authentication: null, encryptionMode: "NO_ENCRYPTION", authenticationEncryptionKeyId: null };
const now = new Date("2030-01-01T00:00:00Z");

describe("backoffDelayMs()", () => {
  it("grows by the multiplier from the initial backoff and stops at the cap (the reference's 2, 3, 4.5, … 32 s)", () => {
    const nominal = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => backoffDelayMs(2000, n, settings, 0));
    expect(nominal).toEqual([2000, 3000, 4500, 6750, 10125, 15188, 22781, 32000, 32000]);
  });

  it("shortens a delay by at most the jitter fraction", () => {
    expect(backoffDelayMs(2000, 1, settings, 0.5)).toBe(1800);
    expect(backoffDelayMs(2000, 1, settings, 0.999_999)).toBe(1600);
    expect(backoffDelayMs(100_000, 1, settings, 0.5)).toBe(28_800);
  });
});

describe("callbackPolicy()", () => {
  it("takes the callback's own values and the configured defaults where it has none", () => {
    expect(callbackPolicy(callback, settings)).toEqual({ maxAttempts: 1, initialBackoffMs: 2000, retentionMs: 30 * 86_400_000 });
    expect(callbackPolicy({ ...callback, maxAttempts: 7, initialBackoff: "PT0.5S", retentionPeriod: "P1D" }, settings)).toEqual({
      maxAttempts: 7,
      initialBackoffMs: 500,
      retentionMs: 86_400_000,
    });
  });
});

describe("settleAttempt()", () => {
  const policy = { maxAttempts: 3, initialBackoffMs: 1000, retentionMs: 5000 };
  it("completes a delivered event and keeps it for the callback's retention", () => {
    expect(settleAttempt({ id: 1, attempts: 2 }, policy, { kind: "delivered", httpStatus: 204 }, settings, now, 0)).toEqual({
      id: 1,
      status: "COMPLETED",
      attempted: 1,
      lastCall: now,
      nextCall: null,
      deleteAfter: new Date(now.getTime() + 5000),
    });
  });

  it("retries a failed attempt after the backoff while attempts are left", () => {
    expect(settleAttempt({ id: 1, attempts: 1 }, policy, { kind: "rejected", httpStatus: 500 }, settings, now, 0)).toMatchObject({
      status: "PENDING",
      attempted: 1,
      nextCall: new Date(now.getTime() + 1500),
      deleteAfter: null,
    });
  });

  it("fails the event on its last attempt and keeps it for the failed retention", () => {
    expect(settleAttempt({ id: 1, attempts: 2 }, policy, { kind: "error", reason: "connect_timeout" }, settings, now, 0)).toMatchObject({
      status: "FAILED",
      attempted: 1,
      nextCall: null,
      deleteAfter: new Date(now.getTime() + 90 * 86_400_000),
    });
  });
});

describe("CircuitBreakers", () => {
  it("opens after the threshold of consecutive failures, lets one probe through after the reset, closes on success", () => {
    const breakers = new CircuitBreakers(3, 1000);
    breakers.recordFailure("a", 0);
    breakers.recordFailure("a", 10);
    breakers.recordSuccess("a"); // not consecutive any more
    for (const at of [20, 30]) breakers.recordFailure("a", at);
    expect(breakers.tryAcquire("a", 40)).toBe(true);
    breakers.recordFailure("a", 50);
    expect(breakers.tryAcquire("a", 60)).toBe(false);
    expect(breakers.blockedCallbackIds(60)).toEqual(["a"]);
    expect(breakers.reopensAt("a", 60)).toBe(1050);
    expect(breakers.tryAcquire("b", 60)).toBe(true);
    // Half-open: one probe, the others wait for its outcome.
    expect(breakers.tryAcquire("a", 1050)).toBe(true);
    expect(breakers.tryAcquire("a", 1051)).toBe(false);
    expect(breakers.blockedCallbackIds(1051)).toEqual(["a"]);
    breakers.recordFailure("a", 1100);
    expect(breakers.tryAcquire("a", 1200)).toBe(false);
    expect(breakers.tryAcquire("a", 2100)).toBe(true);
    breakers.recordSuccess("a");
    expect(breakers.blockedCallbackIds(2101)).toEqual([]);
    expect(breakers.tryAcquire("a", 2101)).toBe(true);
  });

  it("never opens with a threshold of 0", () => {
    const breakers = new CircuitBreakers(0, 1000);
    for (let i = 0; i < 100; i++) breakers.recordFailure("a", i);
    expect(breakers.tryAcquire("a", 100)).toBe(true);
    expect(breakers.blockedCallbackIds(100)).toEqual([]);
  });
});
