import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CallbackEventService, CallbackEventStatus } from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { afterAll, describe, expect, it } from "vitest";
import { LISTENING, startProcess } from "../scripts/processes.ts";
import type { RunningProcess } from "../scripts/processes.ts";
import { pause, startCallbackReceiver } from "./support/callback-receiver.ts";
import type { CallbackReceiver } from "./support/callback-receiver.ts";
import { basicAuth, TEST_ADMIN } from "./support/core-in-process.ts";
import { createScratchDatabase, testDatabaseServerUrl } from "./support/database.ts";
import { TEST_MASTER_DB_KEY_ENV } from "./support/master-db-key.ts";

// Delivery across real core processes started separately (as `npm run start:core` runs them): a core killed
// with SIGKILL loses no event, and two cores on one PostgreSQL deliver each event exactly once.

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function startCore(databaseEnv: Record<string, string>, env: Record<string, string> = {}): Promise<RunningProcess> {
  const core = await startProcess({
    name: "core",
    script: "core/src/main.ts",
    env: {
      CORE_PORT: "0",
      POWERAUTH_ACCESS_LOG: "false",
      POWERAUTH_ADMIN_USERNAME: TEST_ADMIN.username,
      POWERAUTH_ADMIN_PASSWORD: TEST_ADMIN.password,
      ...databaseEnv,
      ...env,
    },
    urlPattern: LISTENING.core,
  });
  cleanups.push(async () => {
    if (core.process.exitCode === null && core.process.signalCode === null) core.process.kill("SIGKILL");
  });
  return core;
}

function clients(url: string) {
  return {
    v3: createClient(PowerAuthService, createGrpcTransport({ baseUrl: url })),
    events: createClient(CallbackEventService, createGrpcTransport({ baseUrl: url, interceptors: [basicAuth(TEST_ADMIN.username, TEST_ADMIN.password)] })),
  };
}

async function killed(core: RunningProcess): Promise<void> {
  const exit = new Promise((resolve) => core.process.once("exit", resolve));
  core.process.kill("SIGKILL");
  await exit;
}

async function databaseEnv(): Promise<Record<string, string>> {
  const scratch = await createScratchDatabase();
  cleanups.push(() => scratch.drop());
  if (scratch.url) return { DATABASE_URL: scratch.url, ...TEST_MASTER_DB_KEY_ENV };
  const directory = await mkdtemp(path.join(tmpdir(), "pa-callbacks-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return { PGLITE_DIR: directory, ...TEST_MASTER_DB_KEY_ENV };
}

describe("callback delivery across core processes", () => {
  it("delivers an event after SIGKILL, whether the core died before the attempt or during it", async () => {
    const database = await databaseEnv();
    let answering = false;
    // Holds every request open until told to answer: the core dies with the attempt in flight.
    const receiver: CallbackReceiver = await startCallbackReceiver(
      () => new Promise<number>((resolve) => (answering ? resolve(200) : setTimeout(() => resolve(200), 600_000).unref())),
    );
    cleanups.push(() => receiver.close());

    // 1. The status change commits on a core that does not deliver, which is then killed.
    const first = await startCore(database, { POWERAUTH_CALLBACK_DELIVERY_ENABLED: "false" });
    const { v3 } = clients(first.url);
    const app = await v3.createApplication({ applicationName: `kill-${Date.now()}` });
    await v3.createCallbackUrl({ applicationId: app.applicationId, name: "bank", callbackUrl: `${receiver.url}/notify` });
    const init = await v3.initActivation({ userId: "survivor", applicationId: app.applicationId });
    await killed(first);

    // 2. The next core claims it and dies while the receiver has not answered yet. Its claim says "hand this out
    // again 3 s from now" (the rerun time every core of a deployment shares; here shortened from 45 s).
    const rerun = { POWERAUTH_CALLBACK_RERUN_AFTER_MS: "3000", POWERAUTH_CALLBACK_POLL_INTERVAL_MS: "200" };
    const second = await startCore(database, rerun);
    await receiver.waitFor((r) => r.length >= 1, 30_000);
    await killed(second);

    // 3. The third hands the orphaned claim out again after the rerun time and delivers it.
    answering = true;
    const third = await startCore(database, rerun);
    await receiver.waitFor((r) => r.length >= 2, 30_000);
    expect(receiver.received.map((r) => JSON.parse(r.body))).toEqual([{ activationId: init.activationId }, { activationId: init.activationId }]);
    expect(receiver.received[1].headers["idempotency-key"]).toBe(receiver.received[0].headers["idempotency-key"]);
    const { events } = clients(third.url);
    for (let i = 0; i < 50; i++) {
      const listed = await events.listCallbackEvents({ status: CallbackEventStatus.COMPLETED });
      if (listed.events.length === 1) break;
      await pause(100);
    }
    const all = await events.listCallbackEvents({});
    expect(all.events.map((e) => [e.status, e.attempts])).toEqual([[CallbackEventStatus.COMPLETED, 1]]);
    expect(third.output()).toContain("callback events of a vanished worker handed out again");
    await third.stop();
  });

  it.skipIf(!testDatabaseServerUrl())("two cores on one PostgreSQL deliver each of 500 events exactly once", async () => {
    const database = await databaseEnv();
    const receiver = await startCallbackReceiver();
    cleanups.push(() => receiver.close());
    // One after the other: the first runs the migrations.
    const cores = [await startCore(database), await startCore(database)];
    const [a, b] = cores.map((core) => clients(core.url));
    const app = await a.v3.createApplication({ applicationName: `twins-${Date.now()}` });
    await a.v3.createCallbackUrl({ applicationId: app.applicationId, name: "bank", callbackUrl: receiver.url });
    // 500 status changes, in bursts spread over both cores, so both workers race for the same rows.
    const activationIds: string[] = [];
    for (let burst = 0; burst < 10; burst++) {
      const made = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).v3.initActivation({ userId: `twin-${burst}-${i}`, applicationId: app.applicationId })),
      );
      activationIds.push(...made.map((m) => m.activationId));
    }
    await receiver.waitFor((r) => r.length >= 500, 60_000);
    await pause(1500); // a duplicate would arrive now
    const keys = receiver.received.map((r) => r.headers["idempotency-key"]);
    expect(receiver.received).toHaveLength(500);
    expect(new Set(keys).size).toBe(500);
    expect(new Set(receiver.received.map((r) => (JSON.parse(r.body) as { activationId: string }).activationId))).toEqual(new Set(activationIds));
    const attemptsPerCore = cores.map((core) => core.output().split('"message":"callback attempt"').length - 1);
    expect(attemptsPerCore[0] + attemptsPerCore[1]).toBe(500);
    expect(attemptsPerCore.every((n) => n > 0)).toBe(true);
    await Promise.all(cores.map((core) => core.stop()));
  });
});
