/**
 * `npm run bench:api`: VerifySignature calls per second over gRPC and over SOAP at concurrency 32 against
 * PostgreSQL, with p50/p99 latency, beside the database's own ceiling: the core's own hot-path transaction
 * (`begin`, lock the activation joined with its application version, counter step + audit row in one
 * statement, `commit`), its SQL imported from `core/src/persistence/activation.sql.ts`, run directly
 * with `pg` on the same database in the same run. When the core's SQL changes, the ceiling changes with it.
 *
 * A second table splits the CPU time each measurement cost per call between the core, the SOAP gateway, this
 * client and the PostgreSQL server, and shows what else kept the machine busy (Linux `/proc`; left out
 * elsewhere, and the PostgreSQL column only when the server runs on this machine). On a small machine that
 * table, not the latency, says what bounds the ratio to the ceiling.
 *
 * A last table sets an authenticated admin call (ListApplications with HTTP Basic, verified credentials
 * remembered by the core) beside an unauthenticated one (GetSystemStatus), with the ratio of their medians.
 *
 * Environment: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres:postgres@127.0.0.1:5432/postgres),
 * BENCH_DURATION_MS (default 10000 per measurement), BENCH_CONCURRENCY (default 32).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import type { Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import pg from "pg";
import {
  LOCK_ACTIVATION_FOR_SIGNATURE,
  RECORD_SIGNATURE_ATTEMPT,
  recordSignatureAttemptParams,
} from "../../core/src/persistence/activation.sql.ts";
import { LISTENING, startProcess } from "../../scripts/processes.ts";
import type { RunningProcess } from "../../scripts/processes.ts";
import { TEST_MASTER_DB_KEY_ENV } from "../support/master-db-key.ts";
import { activateDevice, createTestApplication, verifySignatureRequest } from "../support/powerauth-flows.ts";
import type { SimulatedDevice } from "../simulator/index.ts";

const serverUrl =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const warmupMs = Math.min(2_000, durationMs / 4);

interface Measurement {
  name: string;
  calls: number;
  failures: number;
  seconds: number;
  latenciesMs: number[];
  /** CPU seconds spent during the timed run, per participant (absent where `/proc` cannot tell). */
  cpu: CpuSeconds;
}

interface CpuSeconds {
  core?: number;
  soap?: number;
  client: number;
  postgres?: number;
  /** Busy CPU time of the whole machine. */
  machine?: number;
}

async function main(): Promise<void> {
  process.env.TEST_DATABASE_URL = serverUrl;
  const { createScratchDatabase } = await import("../support/database.ts");
  const database = await createScratchDatabase();
  if (!database.url) throw new Error("a PostgreSQL server is required");
  const core = await startProcess({
    name: "core",
    script: "core/src/main.ts",
    env: { CORE_PORT: "0", DATABASE_URL: database.url, ...TEST_MASTER_DB_KEY_ENV, POWERAUTH_ACCESS_LOG: "false", ...BENCH_ADMIN_ENV },
    urlPattern: LISTENING.core,
  });
  const soap = await startProcess({
    name: "soap",
    script: "gateway-soap/src/main.ts",
    env: { CORE_URL: core.url, SOAP_PORT: "0" },
    urlPattern: LISTENING.soap,
  });
  const pool = new pg.Pool({ connectionString: database.url, max: concurrency });
  try {
    const v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: core.url }));
    const app = await createTestApplication(v3, `bench-${randomUUID()}`);
    const devices: { device: SimulatedDevice; activationId: string }[] = [];
    for (let i = 0; i < concurrency; i++) devices.push(await activateDevice(v3, app, { protocolVersion: "3.1" }));
    log(`set-up: ${devices.length} activations on ${redact(serverUrl)}; ${durationMs} ms per measurement after ${warmupMs} ms warm-up`);

    const cpu = () => cpuSeconds(core, soap);
    const grpc = await measure("gRPC VerifySignature", devices, cpu, async ({ device }) => {
      const response = await v3.verifySignature(verifySignatureRequest(sign(device)));
      return response.signatureValid;
    });
    const soapResult = await measure("SOAP VerifySignature", devices, cpu, async ({ device }) => {
      const response = await fetch(soap.url, {
        method: "POST",
        headers: { "content-type": "text/xml; charset=utf-8" },
        body: soapEnvelope(verifySignatureRequest(sign(device))),
      });
      return (await response.text()).includes("<ns2:signatureValid>true</ns2:signatureValid>");
    });
    const samples = new Map(devices.map(({ device, activationId }) => [activationId, sign(device)]));
    const ceiling = await measure("PostgreSQL ceiling (same SQL via pg)", devices, cpu, async ({ activationId }) => {
      await databaseTransaction(pool, samples.get(activationId)!, app.applicationSecret);
      return true;
    });

    const rows = [grpc, soapResult, ceiling].map((result) => summarize(result, ceiling));
    printTable(rows);
    log(
      "ceiling: the core's hot-path SQL (core/src/persistence/activation.sql.ts) through pg, one transaction per call: " +
        "begin; LOCK_ACTIVATION_FOR_SIGNATURE; RECORD_SIGNATURE_ATTEMPT; commit, both statements as named prepared statements " +
        "like the core's (no cryptography, no RPC)",
    );
    printCpuTable([grpc, soapResult, ceiling]);

    // An admin call carries HTTP Basic; the core remembers verified credentials, so it should cost a small
    // multiple of an unauthenticated call rather than an Argon2id hash each (target: at most 3×).
    const admin = createClient(
      AdminService,
      createGrpcTransport({ baseUrl: core.url, interceptors: [basicAuth(BENCH_ADMIN_ENV.POWERAUTH_ADMIN_USERNAME, BENCH_ADMIN_ENV.POWERAUTH_ADMIN_PASSWORD)] }),
    );
    const open = await measure("gRPC GetSystemStatus (unauthenticated)", devices, cpu, async () => (await v3.getSystemStatus({})).status === "OK");
    const authenticated = await measure("gRPC ListApplications (admin, HTTP Basic)", devices, cpu, async () => (await admin.listApplications({})).applications.length > 0);
    printLoginTable(open, authenticated);
  } finally {
    await pool.end();
    await soap.stop();
    await core.stop();
    await database.drop();
  }
}

/** The admin user the core creates at start, for the authenticated admin measurement. */
const BENCH_ADMIN_ENV = { POWERAUTH_ADMIN_USERNAME: "bench-admin", POWERAUTH_ADMIN_PASSWORD: randomUUID() };

function basicAuth(username: string, password: string): Interceptor {
  const value = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  return (next) => (request) => {
    request.header.set("authorization", value);
    return next(request);
  };
}

/** The authenticated admin call beside the unauthenticated one: throughput, latency and their ratio. */
function printLoginTable(open: Measurement, authenticated: Measurement): void {
  const rows = [open, authenticated].map((result) => summarize(result, open));
  const lines = rows.map(
    (row) => `| ${row.name} | ${Math.round(row.perSecond)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.failures} | ${(rows[0].p50 > 0 ? row.p50 / rows[0].p50 : 0).toFixed(1)}× |`,
  );
  process.stdout.write(
    `\n| measurement (concurrency ${concurrency}) | calls/s | p50 ms | p99 ms | failed | p50 vs unauthenticated |\n|---|---:|---:|---:|---:|---:|\n${lines.join("\n")}\n\ntarget: an authenticated admin call ≤ 3× an unauthenticated call\n`,
  );
}

function sign(device: SimulatedDevice) {
  return device.signRequest("POST", "/pa/signature/validate", `{"nonce":"${randomBytes(8).toString("hex")}"}`, "POSSESSION_KNOWLEDGE");
}

/**
 * What VerifySignature does in the database for a valid signature: the core's own statements with the values
 * it would bind (a signed request's data and signature, the next counter and a fresh CTR_DATA), prepared by
 * name as the core's connections prepare them (`pg` does that for a `{ name, text }` query). Only the
 * cryptography and the RPC are left out.
 */
async function databaseTransaction(pool: pg.Pool, signed: ReturnType<typeof sign>, applicationSecret: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const locked = await client.query<{ counter: string; activation_status: number }>(LOCK_ACTIVATION_FOR_SIGNATURE, [
      signed.activationId,
      signed.applicationKey,
    ]);
    const row = locked.rows[0];
    await client.query(
      RECORD_SIGNATURE_ATTEMPT,
      recordSignatureAttemptParams({
        activationId: signed.activationId,
        counter: Number(row.counter) + 1,
        ctrData: randomBytes(16).toString("base64"),
        failedAttempts: 0,
        timestamp: new Date(),
        activationStatus: row.activation_status,
        additionalInfo: JSON.stringify({ entry: [] }),
        dataBase64: Buffer.from(`${signed.data}&${applicationSecret}`).toString("base64"),
        signatureType: signed.signatureType,
        signature: signed.signature,
        valid: true,
        note: "signature_ok",
        version: 3,
        signatureVersion: signed.signatureVersion,
      }),
    );
    await client.query("commit");
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
}

/** One worker per activation (so no two workers contend for a row lock), warm-up first, then a timed run. */
async function measure<T>(name: string, workers: T[], cpu: () => CpuSeconds, call: (worker: T) => Promise<boolean>): Promise<Measurement> {
  const run = async (untilMs: number, record: boolean) => {
    const latenciesMs: number[] = [];
    let failures = 0;
    await Promise.all(
      workers.map(async (worker) => {
        while (performance.now() < untilMs) {
          const started = performance.now();
          const ok = await call(worker).catch(() => false);
          if (record) latenciesMs.push(performance.now() - started);
          if (!ok) failures++;
        }
      }),
    );
    return { latenciesMs, failures };
  };
  await run(performance.now() + warmupMs, false);
  const cpuBefore = cpu();
  const started = performance.now();
  const { latenciesMs, failures } = await run(started + durationMs, true);
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpu();
  log(`${name}: ${latenciesMs.length} calls in ${seconds.toFixed(1)} s`);
  const spent = (key: keyof CpuSeconds) => {
    const before = cpuBefore[key];
    const after = cpuAfter[key];
    return before === undefined || after === undefined ? undefined : after - before;
  };
  return {
    name,
    calls: latenciesMs.length,
    failures,
    seconds,
    latenciesMs,
    cpu: { core: spent("core"), soap: spent("soap"), client: spent("client") ?? 0, postgres: spent("postgres"), machine: spent("machine") },
  };
}

/** Linux's USER_HZ: the unit of the CPU times in `/proc/<pid>/stat` and `/proc/stat`. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds used so far by the core, the gateway, this process, the local PostgreSQL server and the machine. */
function cpuSeconds(core: RunningProcess, soap: RunningProcess): CpuSeconds {
  const usage = process.cpuUsage();
  const client = (usage.user + usage.system) / 1e6;
  if (process.platform !== "linux") return { client };
  const ofProcess = (pid: number | undefined) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  };
  let postgres: number | undefined;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("postgres")) continue;
    } catch {
      continue;
    }
    postgres = (postgres ?? 0) + (ofProcess(Number(pid)) ?? 0);
  }
  const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0].split(/\s+/).slice(1).map(Number);
  const machine = (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
  return { core: ofProcess(core.process.pid), soap: ofProcess(soap.process.pid), client, postgres, machine };
}

function summarize(result: Measurement, ceiling: Measurement) {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  const perSecond = result.calls / result.seconds;
  return {
    name: result.name,
    perSecond,
    p50: percentile(50),
    p99: percentile(99),
    failures: result.failures,
    ofCeiling: perSecond / (ceiling.calls / ceiling.seconds),
  };
}

function printTable(rows: ReturnType<typeof summarize>[]): void {
  const header = `| measurement (concurrency ${concurrency}) | calls/s | p50 ms | p99 ms | failed | of DB ceiling |`;
  const lines = rows.map(
    (row) =>
      `| ${row.name} | ${Math.round(row.perSecond)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.failures} | ${(row.ofCeiling * 100).toFixed(0)} % |`,
  );
  process.stdout.write(`\n${header}\n|---|---:|---:|---:|---:|---:|\n${lines.join("\n")}\n\ntarget: gRPC ≥ 70 % of the ceiling\n`);
}

/**
 * CPU milliseconds per call of each participant, and how many cores the rest of the machine kept busy meanwhile
 * (other processes, including other users of the PostgreSQL server, whose backends the PostgreSQL column counts).
 */
function printCpuTable(results: Measurement[]): void {
  if (results.every((result) => result.cpu.core === undefined)) return;
  const perCall = (result: Measurement, seconds: number | undefined) =>
    seconds === undefined ? "–" : ((1000 * seconds) / Math.max(result.calls, 1)).toFixed(2);
  const lines = results.map((result) => {
    const { core, soap, client, postgres, machine } = result.cpu;
    const ours = (core ?? 0) + (soap ?? 0) + client + (postgres ?? 0);
    const others = machine === undefined ? "–" : (Math.max(machine - ours, 0) / result.seconds).toFixed(2);
    return `| ${result.name} | ${perCall(result, core)} | ${perCall(result, soap)} | ${perCall(result, client)} | ${perCall(result, postgres)} | ${others} |`;
  });
  process.stdout.write(
    `\n| CPU ms per call | core | SOAP gateway | bench client | PostgreSQL | other load (cores) |\n|---|---:|---:|---:|---:|---:|\n${lines.join("\n")}\n`,
  );
}

function soapEnvelope(request: ReturnType<typeof verifySignatureRequest>): string {
  const fields = { ...request, data: escapeXml(request.data) };
  const signatureType = Object.entries(SIGNATURE_TYPE_NAMES).find(([, value]) => value === fields.signatureType)?.[0] ?? "";
  return (
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v3="http://getlime.io/security/powerauth/v3">` +
    `<soapenv:Body><v3:VerifySignatureRequest><v3:activationId>${fields.activationId}</v3:activationId>` +
    `<v3:applicationKey>${fields.applicationKey}</v3:applicationKey><v3:data>${fields.data}</v3:data>` +
    `<v3:signature>${fields.signature}</v3:signature><v3:signatureType>${signatureType}</v3:signatureType>` +
    `<v3:signatureVersion>${fields.signatureVersion}</v3:signatureVersion></v3:VerifySignatureRequest></soapenv:Body></soapenv:Envelope>`
  );
}

const SIGNATURE_TYPE_NAMES: Record<string, number> = { POSSESSION: 1, KNOWLEDGE: 2, BIOMETRY: 3, POSSESSION_KNOWLEDGE: 4, POSSESSION_BIOMETRY: 5, POSSESSION_KNOWLEDGE_BIOMETRY: 6 };

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, "//$1:***@");
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:api failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
