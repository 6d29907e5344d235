/**
 * `npm run bench:operations`: operations on PostgreSQL, one core process.
 *
 * 1. Create + approve: BENCH_OPERATIONS (default 5000) operations, each created and then approved over gRPC by
 *    BENCH_CONCURRENCY (default 32) concurrent clients, with one OPERATION_STATUS_CHANGE callback configured on
 *    the application (so every change also writes its outbox row; delivery is off, so the figure is the
 *    operations' own). The create requests are serialized before the timed run and sent by a bare HTTP/2 client. Reported: create+approve pairs per second, and the CPU milliseconds per pair the core
 *    process and this client spent (Linux `/proc`), which do not depend on what else keeps the machine busy.
 * 2. Expiry: BENCH_EXPIRED (default 100,000) PENDING operations past their expiry, inserted in bulk, then expired
 *    by the job's own function (`expireOperations`, batches of 1000 claimed with FOR UPDATE SKIP LOCKED, each
 *    with its callback rows). Reported: expirations per second.
 *
 * Environment: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres:postgres@127.0.0.1:5432/postgres).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { OperationService, UserActionResult } from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { expireOperations } from "../../core/src/domain/operations/operation-expiry.ts";
import { findApplicationByName } from "../../core/src/persistence/application.repository.ts";
import { ApplicationCallback } from "../../core/src/persistence/callback.entity.ts";
import { initOrm } from "../../core/src/persistence/db.ts";
import { LISTENING, startProcess } from "../../scripts/processes.ts";
import type { RunningProcess } from "../../scripts/processes.ts";
import { basicAuth } from "../support/core-in-process.ts";
import { RawGrpcClient } from "./raw-grpc-client.ts";
import { TEST_MASTER_DB_KEY_ENV } from "../support/master-db-key.ts";

const serverUrl =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const operationCount = Number(process.env.BENCH_OPERATIONS ?? 5000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const expiredCount = Number(process.env.BENCH_EXPIRED ?? 100_000);
const ADMIN = { username: "bench-admin", password: "bench-admin-password" };
const WARM_UP_PAIRS = 200;

async function main(): Promise<void> {
  process.env.TEST_DATABASE_URL = serverUrl;
  const { createScratchDatabase } = await import("../support/database.ts");
  const database = await createScratchDatabase();
  const databaseUrl = database.url ?? "";
  let core: RunningProcess | undefined;
  const db = await initOrm({ databaseUrl, poolSize: 4 });
  try {
    core = await startProcess({
      name: "core",
      script: "core/src/main.ts",
      env: {
        CORE_PORT: "0",
        DATABASE_URL: databaseUrl,
        ...TEST_MASTER_DB_KEY_ENV,
        POWERAUTH_ACCESS_LOG: "false",
        POWERAUTH_CALLBACK_DELIVERY_ENABLED: "false",
        POWERAUTH_OPERATION_EXPIRY_JOB_INTERVAL_MS: "0",
        POWERAUTH_ADMIN_USERNAME: ADMIN.username,
        POWERAUTH_ADMIN_PASSWORD: ADMIN.password,
      },
      urlPattern: LISTENING.core,
    });
    const admin = createClient(AdminService, createGrpcTransport({ baseUrl: core.url, interceptors: [basicAuth(ADMIN.username, ADMIN.password)] }));
    const ops = createClient(OperationService, createGrpcTransport({ baseUrl: core.url }));
    const application = `bench-${randomUUID()}`;
    await admin.createApplication({ id: application, roles: [] });
    await db.transaction(async (tx) => {
      const app = await findApplicationByName(tx, application);
      tx.persist(
        tx.create(ApplicationCallback, {
          id: randomUUID(),
          applicationId: app!.id,
          name: "bench",
          callbackUrl: "http://127.0.0.1:9/bench",
          type: "OPERATION_STATUS_CHANGE",
          attributes: ["userId", "status", "failureCount"],
        }),
      );
    });
    await ops.createOperationTemplate({
      template: {
        templateName: "payment",
        operationType: "payment",
        dataTemplate: "A1*A${amount}${currency}*I${iban}",
        signatureTypes: [SignatureType.POSSESSION_KNOWLEDGE],
        maxFailureCount: 5,
        expiration: 300n,
      },
    });

    // 1. Create + approve.
    const parameters = { amount: "100.00", currency: "CZK", iban: "CZ6508000000192000145399" };
    // Requests serialized before the timed run, through the cheapest client there is, so the figure is the core's
    // rather than a client library's (which costs about as much CPU per call as the core's transport).
    const raw = new RawGrpcClient(core.url);
    const creates = new Map(
      Array.from({ length: operationCount + WARM_UP_PAIRS }, (_, index) => {
        const i = index - WARM_UP_PAIRS;
        return [i, RawGrpcClient.frame(OperationService.method.createOperation, { userId: `user-${i}`, applications: [application], templateName: "payment", parameters })];
      }),
    );
    const pair = async (i: number) => {
      const { operation } = await raw.call(creates.get(i)!);
      const approved = await raw.call(
        RawGrpcClient.frame(OperationService.method.approveOperation, {
          operationId: operation!.id,
          userId: `user-${i}`,
          applicationId: application,
          data: operation!.data,
          signatureType: SignatureType.POSSESSION_KNOWLEDGE,
        }),
      );
      if (approved.result !== UserActionResult.APPROVED) throw new Error(`operation ${operation!.id} not approved`);
    };
    for (let i = 0; i < WARM_UP_PAIRS; i++) await pair(i - WARM_UP_PAIRS); // warm-up: connections, prepared statements, JIT
    let next = 0;
    const coreCpuBefore = cpuSecondsOf(core.process.pid);
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < operationCount) await pair(next++);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    raw.close();
    const coreCpuMs = ((cpuSecondsOf(core.process.pid) ?? 0) - (coreCpuBefore ?? 0)) * 1000;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const clientCpuMs = (clientCpu.user + clientCpu.system) / 1000;
    console.log(
      `create+approve: ${operationCount} operations in ${seconds.toFixed(2)} s with ${concurrency} clients = ${Math.round(operationCount / seconds)} per second; ` +
        `CPU per pair: core ${(coreCpuMs / operationCount).toFixed(2)} ms, client ${(clientCpuMs / operationCount).toFixed(2)} ms`,
    );

    // 2. Expiry of a backlog.
    await db.read((tx) =>
      tx.getConnection().execute(
        `insert into pa_operation (id, user_id, applications, operation_type, template_name, data, status, signature_type,
           failure_count, max_failure_count, timestamp_created, timestamp_expires)
         select gen_random_uuid()::text, 'expiring-' || n, jsonb_build_array(?::text), 'payment', 'payment', 'A1*A1CZK*ICZ', 'PENDING',
           '["POSSESSION_KNOWLEDGE"]'::jsonb, 0, 5, now() - interval '10 minutes', now() - interval '5 minutes'
         from generate_series(1, ?) n`,
        [application, expiredCount],
      ),
    );
    await db.read((tx) => tx.getConnection().execute("analyze pa_operation"));
    const expiryStarted = performance.now();
    const expired = await expireOperations(db);
    const expirySeconds = (performance.now() - expiryStarted) / 1000;
    const [{ events }] = await db.read((tx) =>
      tx.getConnection().execute<{ events: string }[]>(`select count(*) as events from pa_application_callback_event`),
    );
    console.log(
      `expiry: ${expired} operations in ${expirySeconds.toFixed(2)} s = ${Math.round(expired / expirySeconds)} per second ` +
        `(batches of 1000, one callback each; ${events} outbox rows in all)`,
    );
    if (expired !== expiredCount) throw new Error(`expected ${expiredCount} expirations, got ${expired}`);
  } finally {
    await core?.stop();
    await db.close();
    await database.drop();
  }
}

/** CPU seconds (user + system) of a process so far; undefined where `/proc` cannot tell. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    // utime and stime, in clock ticks of 1/100 s on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
