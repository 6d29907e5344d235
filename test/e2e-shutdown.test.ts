import http2 from "node:http2";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health } from "@powerauth/proto/grpc/health/v1/health_pb.js";
import { afterAll, describe, expect, it } from "vitest";
import { LISTENING, startProcess } from "../scripts/processes.ts";
import type { RunningProcess } from "../scripts/processes.ts";
import { createScratchDatabase } from "./support/database.ts";
import { TEST_MASTER_DB_KEY_ENV } from "./support/master-db-key.ts";

const started: RunningProcess[] = [];
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(started.map((core) => core.stop()));
  await Promise.all(drops.map((drop) => drop()));
});

/** A real core process with a short shutdown deadline, on its own database. */
async function startCore(shutdownTimeoutMs: number): Promise<RunningProcess> {
  const database = await createScratchDatabase();
  drops.push(database.drop);
  const core = await startProcess({
    name: "core",
    script: "core/src/main.ts",
    env: {
      CORE_PORT: "0",
      POWERAUTH_ACCESS_LOG: "false",
      POWERAUTH_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      ...(database.url ? { DATABASE_URL: database.url, ...TEST_MASTER_DB_KEY_ENV } : {}),
    },
    urlPattern: LISTENING.core,
  });
  started.push(core);
  return core;
}

/** Sends SIGTERM and resolves with the exit code and how long the process took to go. */
async function terminate(core: RunningProcess): Promise<{ code: number | null; ms: number }> {
  const begun = performance.now();
  const code = await core.stop();
  return { code, ms: performance.now() - begun };
}

describe("graceful shutdown", () => {
  it("ends health Watch streams at once and exits cleanly", async () => {
    const core = await startCore(30_000);
    const health = createClient(Health, createGrpcTransport({ baseUrl: core.url }));
    const statuses: number[] = [];
    const watching = (async () => {
      for await (const update of health.watch({ service: "" })) statuses.push(update.status);
    })();
    await expect.poll(() => statuses.length).toBe(1);
    const { code, ms } = await terminate(core);
    // Far below the 30 s deadline: the watcher did not hold the connection open.
    expect(code).toBe(0);
    expect(ms).toBeLessThan(15_000);
    await watching; // the stream ended normally, not with an error
    expect(core.output()).toContain('"message":"core stopped"');
    expect(core.output()).not.toContain("shutdown deadline passed");
  });

  it("cuts a connection whose request never finishes at the deadline, and still exits cleanly", async () => {
    const core = await startCore(1_000);
    const session = http2.connect(core.url);
    session.on("error", () => {});
    // A request whose body never ends: without the deadline it would hold the stop until the stream timeout.
    const stream = session.request({
      ":method": "POST",
      ":path": "/grpc.health.v1.Health/Check",
      "content-type": "application/grpc",
      te: "trailers",
    });
    stream.on("error", () => {});
    stream.write(Buffer.from([0, 0, 0, 0, 10]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { code, ms } = await terminate(core);
    expect(code).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(15_000);
    expect(core.output()).toContain("shutdown deadline passed");
    expect(core.output()).toContain('"message":"core stopped"');
    session.destroy();
  });
});
