/**
 * `npm run bench:callbacks`: the callback delivery worker of one core process on PostgreSQL.
 *
 * 1. Throughput: 10,000 events wait in the outbox while no core delivers (the CREATED events of the activations
 *    phase 2 uses, the rest written through `enqueueCallbackEvents` as status changes write them, each of its own
 *    activation); then one core starts and delivers them to a local receiver that answers 200 at once. Reported:
 *    events per second from the first delivery to the last.
 * 2. Delay: status changes at a steady rate (default 100/s) while that core runs: RemoveActivation of those
 *    CREATED activations over gRPC (a status change whose own cost is small, so the figure is the delivery's,
 *    not the key generation's of InitActivation); reported: time from the call's answer (the change committed)
 *    to the receiver getting its event, p50/p99.
 *
 * Environment: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres:postgres@127.0.0.1:5432/postgres),
 * BENCH_BACKLOG (default 10000), BENCH_RATE (status changes per second, default 100), BENCH_DURATION_MS (default 10000).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { enqueueCallbackEvents } from "../../core/src/domain/callbacks/callback-outbox.ts";
import { initOrm } from "../../core/src/persistence/db.ts";
import { LISTENING, startProcess } from "../../scripts/processes.ts";
import type { RunningProcess } from "../../scripts/processes.ts";
import { TEST_MASTER_DB_KEY_ENV } from "../support/master-db-key.ts";

const serverUrl =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const backlog = Number(process.env.BENCH_BACKLOG ?? 10_000);
const rate = Number(process.env.BENCH_RATE ?? 100);
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 10_000);

async function main(): Promise<void> {
  process.env.TEST_DATABASE_URL = serverUrl;
  const { createScratchDatabase } = await import("../support/database.ts");
  const database = await createScratchDatabase();
  const databaseUrl = database.url ?? "";
  const arrivals = new Map<string, number>();
  let delivered = 0;
  let firstAt = 0;
  let lastAt = 0;
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const now = performance.now();
      delivered++;
      if (firstAt === 0) firstAt = now;
      lastAt = now;
      const { activationId } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { activationId: string };
      arrivals.set(activationId, now);
      res.writeHead(200).end();
    });
  });
  receiver.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`;
  const env = { CORE_PORT: "0", DATABASE_URL: databaseUrl, ...TEST_MASTER_DB_KEY_ENV, POWERAUTH_ACCESS_LOG: "false" };
  let core: RunningProcess | undefined;
  try {
    // The backlog, written while no core delivers.
    const writer = await startProcess({ name: "core", script: "core/src/main.ts", env: { ...env, POWERAUTH_CALLBACK_DELIVERY_ENABLED: "false" }, urlPattern: LISTENING.core });
    const setup = createClient(PowerAuthService, createGrpcTransport({ baseUrl: writer.url }));
    const app = await setup.createApplication({ applicationName: `bench-${randomUUID()}` });
    const callback = await setup.createCallbackUrl({ applicationId: app.applicationId, name: "bench", callbackUrl: receiverUrl });
    const steadyTotal = Math.round((rate * durationMs) / 1000);
    const activationIds: string[] = [];
    for (let i = 0; i < steadyTotal; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, steadyTotal - i) }, (_, j) => setup.initActivation({ userId: `steady-${i + j}`, applicationId: app.applicationId })),
      );
      activationIds.push(...batch.map((init) => init.activationId));
    }
    await writer.stop();
    const db = await initOrm({ databaseUrl });
    const writeStarted = performance.now();
    for (let written = activationIds.length; written < backlog; written += 1000) {
      const now = new Date();
      await db.transaction((tx) =>
        enqueueCallbackEvents(
          tx,
          Array.from({ length: Math.min(1000, backlog - written) }, () => {
            const activationId = randomUUID();
            return { callbackId: callback.id, payload: { activationId }, orderingKey: activationId, now };
          }),
        ),
      );
    }
    await db.close();
    console.log(`backlog: ${backlog} events written in ${Math.round(performance.now() - writeStarted)} ms`);

    const started = performance.now();
    core = await startProcess({ name: "core", script: "core/src/main.ts", env, urlPattern: LISTENING.core });
    const listening = performance.now();
    const cpuBefore = cpuSeconds(core.process.pid);
    while (delivered < backlog) await sleep(20);
    const cpuUsed = cpuSeconds(core.process.pid) - cpuBefore;
    const seconds = (lastAt - firstAt) / 1000;
    console.log(
      `throughput: ${backlog} events in ${seconds.toFixed(2)} s from first to last delivery = ${Math.round(backlog / seconds)} events/s ` +
        `(core start ${Math.round(listening - started)} ms; start to last delivery ${((lastAt - started) / 1000).toFixed(2)} s); ` +
        `core CPU ${((cpuUsed * 1000) / backlog).toFixed(3)} ms per event; machine load average ${readLoad()}`,
    );

    // Steady status changes against the running core.
    const v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: core.url }));
    const committedAt = new Map<string, number>();
    const callMs: number[] = [];
    const calls: Promise<void>[] = [];
    const total = steadyTotal;
    arrivals.clear();
    const begin = performance.now();
    for (let i = 0; i < total; i++) {
      const due = begin + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const sent = performance.now();
      calls.push(
        v3.removeActivation({ activationId: activationIds[i] }).then(() => {
          const now = performance.now();
          committedAt.set(activationIds[i], now);
          callMs.push(now - sent);
        }),
      );
    }
    await Promise.all(calls);
    const achievedRate = total / ((performance.now() - begin) / 1000);
    while ([...committedAt.keys()].some((id) => !arrivals.has(id))) await sleep(20);
    const delays = [...committedAt].map(([id, at]) => Math.max(0, (arrivals.get(id) ?? at) - at)).sort((a, b) => a - b);
    const pct = (p: number) => delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))].toFixed(1);
    callMs.sort((a, b) => a - b);
    console.log(
      `delay at ${achievedRate.toFixed(0)} status changes/s (${total} changes): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${delays[delays.length - 1].toFixed(1)} ms` +
        ` (RemoveActivation itself: p50 ${callMs[Math.floor(callMs.length / 2)].toFixed(1)} ms, p99 ${callMs[Math.floor(callMs.length * 0.99)].toFixed(1)} ms); machine load average ${readLoad()}`,
    );
  } finally {
    await core?.stop();
    receiver.closeAllConnections();
    receiver.close();
    await database.drop();
  }
}

/** User + system CPU seconds of a process so far (Linux `/proc`; NaN elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function readLoad(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
