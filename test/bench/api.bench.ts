/**
 * `npm run bench:api`: the core's calls per second at concurrency 32 against PostgreSQL, with p50/p99 latency, each
 * beside its own database ceiling: the statements the core runs for that call, run directly with `pg` on the same
 * database in the same run (the hand-written ones imported from `core/src/persistence/activation.sql.ts`, prepared
 * by name as the core prepares them; the few the core runs through MikroORM written out as plain parameterized
 * SQL). When the core's SQL changes, the ceiling changes with it.
 *
 * The load costs the machine as little as it can: every request (signatures with their counters advancing, token
 * digests, ECIES requests, activation requests) is prepared before the timed run, so the client in the timed loop
 * only sends and receives. A run ends after BENCH_DURATION_MS or when a worker has used up its prepared requests,
 * whichever comes first; the rate is calls over the time actually run.
 *
 * Rows: VerifySignature over gRPC and over SOAP; GetActivationStatus; CreateToken; ValidateToken;
 * GetEciesDecryptor; a full activation (Init + Prepare + Commit, one "call" being the three); and an authenticated
 * admin call (ListApplications with HTTP Basic, the verified credentials remembered by the core) beside an
 * unauthenticated one (GetSystemStatus).
 *
 * A second table splits the CPU time per call between the core, the SOAP gateway, this client and the PostgreSQL
 * server (Linux `/proc`; the PostgreSQL column counts every backend of the server, also other users'), shows the
 * rest of the machine's load, and gives the ratio of the core's CPU per call to the CPU per call this process
 * spent running the same statements through `pg` for the ceiling: how much more than a database client the core
 * costs per call.
 *
 * Environment: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres:postgres@127.0.0.1:5432/postgres),
 * BENCH_DURATION_MS (default 10000 per measurement), BENCH_CONCURRENCY (default 32), BENCH_ONLY (comma-separated
 * row keys: verify, status, token, ecies, activation, admin; default all).
 */
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { readFileSync, readdirSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import type { Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import pg from "pg";
import {
  ACTIVATION_CODE_PREFIX_EXISTS,
  ACTIVATION_ID_EXISTS,
  FIND_ACTIVATION,
  FIND_CREATED_ACTIVATION_BY_CODE,
  INSERT_ACTIVATION,
  INSERT_ACTIVATION_HISTORY,
  LOCK_ACTIVATION,
  FIND_ACTIVATION_FOR_SIGNATURE,
  RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED,
  SAVE_ACTIVATION,
  TOUCH_ACTIVATION,
  recordSignatureAttemptParams,
} from "../../core/src/persistence/activation.sql.ts";
import type { NamedStatement } from "../../core/src/persistence/sql-statement.ts";
import { LISTENING, startProcess } from "../../scripts/processes.ts";
import { RawGrpcClient } from "./raw-grpc-client.ts";
import type { RunningProcess } from "../../scripts/processes.ts";
import { activateDevice, createTestApplication, createTokenFields, newDevice, tokenDigest, verifySignatureRequest } from "../support/powerauth-flows.ts";
import type { TestApplication, V3Client } from "../support/powerauth-flows.ts";
import { TEST_MASTER_DB_KEY_ENV } from "../support/master-db-key.ts";
import type { SimulatedDevice } from "../simulator/index.ts";

const serverUrl =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const only = new Set((process.env.BENCH_ONLY ?? "verify,status,token,ecies,activation,admin").split(","));
const warmupMs = Math.min(2_000, durationMs / 4);
/** How many requests to prepare per worker for a call expected at up to `perSecond` calls/s. */
const preparedPerWorker = (perSecond: number) => Math.ceil((perSecond * (warmupMs + durationMs)) / 1000 / concurrency);

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

/** CPU seconds used so far; PostgreSQL per server process (backends come and go, one that ended took its time). */
interface CpuSample extends Omit<CpuSeconds, "postgres"> {
  postgres?: Map<string, number>;
}

/** A measurement beside the ceiling it is compared with. */
interface Row {
  result: Measurement;
  ceiling: Measurement;
}

async function main(): Promise<void> {
  process.env.TEST_DATABASE_URL = serverUrl;
  const { createScratchDatabase } = await import("../support/database.ts");
  const database = await createScratchDatabase();
  if (!database.url) throw new Error("a PostgreSQL server is required");
  const core = await startProcess({
    name: "core",
    script: "core/src/main.ts",
    env: {
      CORE_PORT: "0",
      DATABASE_URL: database.url,
      POWERAUTH_ACCESS_LOG: "false",
      // Secrets encrypted at rest, as in production.
      ...TEST_MASTER_DB_KEY_ENV,
      POWERAUTH_ACTIVATION_EXPIRY_JOB_INTERVAL_MS: "0",
      ...BENCH_ADMIN_ENV,
    },
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
    const raw = new RawGrpcClient(core.url);
    const bench: Bench = { v3, raw, app, devices, pool, cpu: () => cpuSeconds(core, soap), soapUrl: soap.url, coreUrl: core.url };

    const rows: Row[] = [];
    if (only.has("verify")) rows.push(...(await verifySignatureRows(bench)));
    if (only.has("status")) rows.push(await activationStatusRow(bench));
    if (only.has("token")) rows.push(...(await tokenRows(bench)));
    if (only.has("ecies")) rows.push(await eciesDecryptorRow(bench));
    if (only.has("activation")) rows.push(await activationRow(bench));
    printTable(rows);
    printCpuTable(rows);
    log(
      "ceilings: each call's statements through pg in this process, one transaction per call as the core runs them " +
        "(hand-written ones as named prepared statements like the core's), no cryptography, no RPC",
    );
    if (only.has("admin")) await adminRows(bench);
    raw.close();
  } finally {
    await pool.end();
    await soap.stop();
    await core.stop();
    await database.drop();
  }
}

interface Bench {
  v3: V3Client;
  raw: RawGrpcClient;
  app: TestApplication;
  devices: { device: SimulatedDevice; activationId: string }[];
  pool: pg.Pool;
  cpu: () => CpuSample;
  soapUrl: string;
  coreUrl: string;
}

/** VerifySignature over gRPC and over SOAP, each with its own prepared signatures, beside the hot path's SQL. */
async function verifySignatureRows(bench: Bench): Promise<Row[]> {
  const { v3, devices, app } = bench;
  // Devices of their own per measurement: the server's counter must follow each device's prepared sequence, which
  // a run ended by the clock leaves part-used.
  const grpcDevices = await activateDevices(bench);
  const verify = PowerAuthService.method.verifySignature;
  const grpcRequests = grpcDevices.map((device) => prepare(preparedPerWorker(3000), () => RawGrpcClient.frame(verify, verifySignatureRequest(sign(device)))));
  const grpc = await measure("gRPC VerifySignature", grpcRequests, bench.cpu, async (call) => (await bench.raw.call(call)).signatureValid);
  const soapDevices = await activateDevices(bench);
  const envelopes = soapDevices.map((device) => prepare(preparedPerWorker(2500), () => Buffer.from(soapEnvelope(verifySignatureRequest(sign(device))))));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const soapResult = await measure("SOAP VerifySignature", envelopes, bench.cpu, async (body) => {
    const answer = await postXml(agent, bench.soapUrl, body);
    if (!answer.includes("<ns2:signatureValid>true</ns2:signatureValid>")) throw new Error(answer.slice(0, 400));
    return true;
  });
  agent.destroy();
  const samples = devices.map(({ device }) => repeat(sign(device)));
  const ceiling = await measure("ceiling: VerifySignature SQL via pg", samples, bench.cpu, async (signed) => {
    const client = await bench.pool.connect();
    try {
      return await verifySignatureStatements(client, signed, app.applicationSecret);
    } finally {
      client.release();
    }
  });
  return [
    { result: grpc, ceiling },
    { result: soapResult, ceiling },
  ];
}

/** One SOAP request over a kept-alive connection (node:http costs the client less than fetch). */
function postXml(agent: http.Agent, url: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", agent, headers: { "content-type": "text/xml; charset=utf-8", "content-length": body.length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

async function activateDevices(bench: Bench): Promise<SimulatedDevice[]> {
  const devices: SimulatedDevice[] = [];
  for (let i = 0; i < concurrency; i++) devices.push((await activateDevice(bench.v3, bench.app, { protocolVersion: "3.1" })).device);
  return devices;
}

/** GetActivationStatus (3.1, with a challenge) beside its one read in a transaction. */
async function activationStatusRow(bench: Bench): Promise<Row> {
  const status = PowerAuthService.method.getActivationStatus;
  const requests = bench.devices.map(({ activationId }) =>
    prepare(preparedPerWorker(4000), () => RawGrpcClient.frame(status, { activationId, challenge: randomBytes(16).toString("base64") })),
  );
  const result = await measure("gRPC GetActivationStatus", requests, bench.cpu, async (call) => (await bench.raw.call(call)).activationId !== "");
  const ceiling = await measure("ceiling: GetActivationStatus SQL via pg", bench.devices.map(({ activationId }) => repeat(activationId)), bench.cpu, (activationId) =>
    inTransaction(bench.pool, async (client) => {
      await client.query(named(FIND_ACTIVATION), [activationId]);
    }),
  );
  return { result, ceiling };
}

/** CreateToken (prepared ECIES requests) and ValidateToken (digests of tokens created before the run). */
async function tokenRows(bench: Bench): Promise<Row[]> {
  const { v3, devices, app, pool } = bench;
  const create = PowerAuthService.method.createToken;
  const createRequests = devices.map(({ device }) => prepare(preparedPerWorker(600), () => RawGrpcClient.frame(create, createTokenFields(device.createTokenRequest()))));
  const created = await measure("gRPC CreateToken", createRequests, bench.cpu, async (call) => (await bench.raw.call(call)).encryptedData !== "");
  const createCeiling = await measure(
    "ceiling: CreateToken SQL via pg",
    devices.map(({ activationId }) => repeat(activationId)),
    bench.cpu,
    (activationId) => inTransaction(pool, (client) => createTokenStatements(client, activationId, app.applicationKey)),
  );

  // Tokens issued before the run (one per device); every digest has its own nonce, as each is accepted once.
  const tokens = await Promise.all(
    devices.map(async ({ device }) => device.processTokenResponse(await v3.createToken(createTokenFields(device.createTokenRequest())))),
  );
  const validate = PowerAuthService.method.validateToken;
  const digests = devices.map(({ device }, index) => prepare(preparedPerWorker(3000), () => RawGrpcClient.frame(validate, tokenDigest(device, tokens[index]))));
  const validated = await measure("gRPC ValidateToken", digests, bench.cpu, async (call) => (await bench.raw.call(call)).tokenValid);
  const validateCeiling = await measure(
    "ceiling: ValidateToken SQL via pg",
    devices.map(({ activationId }, index) => repeat({ activationId, tokenId: tokens[index].tokenId })),
    bench.cpu,
    ({ activationId, tokenId }) => inTransaction(pool, (client) => validateTokenStatements(client, activationId, tokenId)),
  );
  return [
    { result: created, ceiling: createCeiling },
    { result: validated, ceiling: validateCeiling },
  ];
}

/** GetEciesDecryptor for prepared application-scope requests (each ephemeral key is accepted once). */
async function eciesDecryptorRow(bench: Bench): Promise<Row> {
  const { v3, devices, app, pool } = bench;
  const decryptor = PowerAuthService.method.getEciesDecryptor;
  const requests = devices.map(({ device }) =>
    prepare(preparedPerWorker(800), () =>
      RawGrpcClient.frame(decryptor, {
        applicationKey: app.applicationKey,
        ephemeralPublicKey: device.createGenericApplicationScopeRequest({ bench: true }).ephemeralPublicKey,
      }),
    ),
  );
  const result = await measure("gRPC GetEciesDecryptor", requests, bench.cpu, async (call) => (await bench.raw.call(call)).secretKey !== "");
  const ceiling = await measure("ceiling: GetEciesDecryptor SQL via pg", devices.map(() => repeat(app)), bench.cpu, (application) =>
    inTransaction(pool, (client) => eciesDecryptorStatements(client, application)),
  );
  return { result, ceiling };
}

/** InitActivation + PrepareActivation + CommitActivation, a new device's prepared request each time. */
async function activationRow(bench: Bench): Promise<Row> {
  const { v3, app, pool } = bench;
  const requests = bench.devices.map(() => prepare(preparedPerWorker(150), () => newDevice(app).createActivationRequest()));
  const { initActivation, prepareActivation, commitActivation } = PowerAuthService.method;
  const result = await measure("gRPC activation (Init + Prepare + Commit)", requests, bench.cpu, async (request) => {
    const init = await bench.raw.call(RawGrpcClient.frame(initActivation, { userId: `bench-${randomUUID()}`, applicationId: app.applicationId }));
    await bench.raw.call(RawGrpcClient.frame(prepareActivation, { activationCode: init.activationCode, applicationKey: app.applicationKey, ...request }));
    return (await bench.raw.call(RawGrpcClient.frame(commitActivation, { activationId: init.activationId }))).activated;
  });
  const template = await activationTemplate(pool, bench.devices[0].activationId);
  const ceiling = await measure("ceiling: activation SQL via pg", bench.devices.map(() => repeat(template)), bench.cpu, (row) =>
    activationStatements(pool, row, app),
  );
  return { result, ceiling };
}

/**
 * An admin call carries HTTP Basic; the core remembers verified credentials, so it should cost a small multiple
 * of an unauthenticated call rather than an Argon2id hash each (target: at most 3×).
 */
async function adminRows(bench: Bench): Promise<void> {
  const admin = createClient(
    AdminService,
    createGrpcTransport({ baseUrl: bench.coreUrl, interceptors: [basicAuth(BENCH_ADMIN_ENV.POWERAUTH_ADMIN_USERNAME, BENCH_ADMIN_ENV.POWERAUTH_ADMIN_PASSWORD)] }),
  );
  const workers = bench.devices.map(() => repeat(undefined));
  const open = await measure("gRPC GetSystemStatus (unauthenticated)", workers, bench.cpu, async () => (await bench.v3.getSystemStatus({})).status === "OK");
  const authenticated = await measure("gRPC ListApplications (admin, HTTP Basic)", workers, bench.cpu, async () => (await admin.listApplications({})).applications.length > 0);
  printLoginTable(open, authenticated);
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

/** `count` values made by `make`, made now (before any timed run). */
function prepare<T>(count: number, make: () => T): Iterator<T> {
  return Array.from({ length: count }, make)[Symbol.iterator]();
}

/** The same value for ever: for calls whose requests may repeat. */
function repeat<T>(value: T): Iterator<T> {
  return { next: () => ({ done: false, value }) };
}

/** A statement as `pg` prepares it by name, as the core's connections do. */
function named(statement: NamedStatement): { name: string; text: string } {
  return { name: statement.name, text: statement.text };
}

async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await work(client);
    await client.query("commit");
    return true;
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
}

/**
 * What VerifySignature does in the database for a valid signature: the core's own two statements with the values
 * it would bind (a signed request's data and signature, the next counter and a fresh CTR_DATA), the read without a
 * lock and the write that applies only to the activation as read, no explicit transaction.
 */
async function verifySignatureStatements(client: pg.PoolClient, signed: ReturnType<typeof sign>, applicationSecret: string): Promise<boolean> {
  const found = await client.query<{ counter: string; ctr_data: string; failed_attempts: number; activation_status: number; version: number; max_failed_attempts: number }>(
    named(FIND_ACTIVATION_FOR_SIGNATURE),
    [signed.activationId, signed.applicationKey],
  );
  const row = found.rows[0];
  const recorded = await client.query(named(RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED), [
    ...recordSignatureAttemptParams({
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
    row.counter,
    row.ctr_data,
    row.failed_attempts,
    row.activation_status,
    row.version,
    row.max_failed_attempts,
  ]);
  return recorded.rowCount === 1;
}

/** The ECIES request's one-time value, as the replay protection records it. */
async function recordUniqueValue(client: pg.PoolClient, type: string): Promise<void> {
  await client.query(
    "insert into pa_unique_value (unique_value, type, timestamp_expires) values ($1, $2, $3) on conflict do nothing",
    [randomBytes(32).toString("base64"), type, new Date(Date.now() + 300_000)],
  );
}

const FIND_VERSION_BY_KEY = 'select "a0".* from "pa_application_version" as "a0" where "a0"."application_key" = $1 limit 1';
const FIND_MASTER_KEYPAIR =
  'select "m0".* from "pa_master_keypair" as "m0" where "m0"."application_id" = $1 order by "m0"."timestamp_created" desc, "m0"."id" desc limit 1';

/** CreateToken: the activation, the application version, the ECIES value, the token id check and the insert. */
async function createTokenStatements(client: pg.PoolClient, activationId: string, applicationKey: string): Promise<void> {
  await client.query(named(FIND_ACTIVATION), [activationId]);
  await client.query(FIND_VERSION_BY_KEY, [applicationKey]);
  await recordUniqueValue(client, "ECIES_ACTIVATION_SCOPE");
  const tokenId = randomUUID();
  await client.query('select count(*) as "count" from "pa_token" as "t0" where "t0"."token_id" = $1', [tokenId]);
  await client.query(
    "insert into pa_token (token_id, token_secret, token_secret_encryption, token_secret_encryption_key_id, activation_id, signature_type, timestamp_created) values ($1, $2, 1, 'bench', $3, $4, $5)",
    [tokenId, randomBytes(48).toString("base64"), activationId, "POSSESSION_KNOWLEDGE", new Date()],
  );
}

/** ValidateToken: the token, its activation, the last-use mark and the digest's one-time value. */
async function validateTokenStatements(client: pg.PoolClient, activationId: string, tokenId: string): Promise<void> {
  await client.query('select "t0".* from "pa_token" as "t0" where "t0"."token_id" = $1 limit 1', [tokenId]);
  await client.query(named(FIND_ACTIVATION), [activationId]);
  await client.query(named(TOUCH_ACTIVATION), [activationId, new Date()]);
  await recordUniqueValue(client, "TOKEN");
}

/** GetEciesDecryptor (application scope): the version, the master key pair and the one-time value. */
async function eciesDecryptorStatements(client: pg.PoolClient, app: TestApplication): Promise<void> {
  await client.query(FIND_VERSION_BY_KEY, [app.applicationKey]);
  await client.query(FIND_MASTER_KEYPAIR, [String(app.applicationId)]);
  await recordUniqueValue(client, "ECIES_APPLICATION_SCOPE");
}

type ActivationRow = Record<string, unknown>;

async function activationTemplate(pool: pg.Pool, activationId: string): Promise<ActivationRow> {
  const result = await pool.query<ActivationRow>(named(FIND_ACTIVATION), [activationId]);
  return result.rows[0];
}

/** The changeable columns in the order of SAVE_ACTIVATION (`$2`–`$18`). */
function changeableColumns(row: ActivationRow, status: number): unknown[] {
  return [
    row.activation_name, status, row.activation_otp_validation, row.blocked_reason, row.extras, row.platform, row.device_info,
    JSON.stringify(row.flags ?? []), row.counter, row.ctr_data, row.device_public_key_base64, row.failed_attempts,
    row.max_failed_attempts, row.timestamp_activation_expire, row.timestamp_last_used, new Date(), row.version,
  ];
}

/**
 * Init, Prepare and Commit as three transactions with the statements the core runs for them: the application and
 * its master key pair, the id and code checks, the insert and its history row; the version, master key pair, ECIES
 * value, the lookup by code, lock, save and history; the lock, save and history. The callback and recovery
 * reads the ORM adds are included as their plain selects.
 */
async function activationStatements(pool: pg.Pool, template: ActivationRow, app: TestApplication): Promise<boolean> {
  const activationId = randomUUID();
  const code = `${randomBytes(12).toString("hex").toUpperCase().slice(0, 5)}-BENCH-${randomBytes(4).toString("hex").toUpperCase().slice(0, 5)}-XXXXX`;
  const applicationId = String(app.applicationId);
  const callbacks = 'select "a0".* from "pa_application_callback" as "a0" where "a0"."application_id" = $1 and "a0"."type" = $2';
  await inTransaction(pool, async (client) => {
    await client.query('select "a0".* from "pa_application" as "a0" where "a0"."id" = $1 limit 1', [applicationId]);
    await client.query(FIND_MASTER_KEYPAIR, [applicationId]);
    await client.query(named(ACTIVATION_ID_EXISTS), [activationId]);
    await client.query(named(ACTIVATION_CODE_PREFIX_EXISTS), [applicationId, `${code.slice(0, 11)}%`]);
    await client.query(named(INSERT_ACTIVATION), [
      activationId, ...changeableColumns(template, 1), applicationId, `bench-${activationId}`, code, template.server_private_key_base64,
      template.server_private_key_encryption, template.server_public_key_base64, template.master_keypair_id, new Date(),
      template.server_private_key_encryption_key_id,
    ]);
    await client.query(named(INSERT_ACTIVATION_HISTORY), [activationId, 1, null, null, new Date()]);
    await client.query(callbacks, [applicationId, "ACTIVATION_STATUS_CHANGE"]);
  });
  await inTransaction(pool, async (client) => {
    await client.query(FIND_VERSION_BY_KEY, [app.applicationKey]);
    await client.query(FIND_MASTER_KEYPAIR, [applicationId]);
    await recordUniqueValue(client, "ECIES_APPLICATION_SCOPE");
    await client.query(named(FIND_CREATED_ACTIVATION_BY_CODE), [applicationId, code, 1, new Date()]);
    await client.query(named(LOCK_ACTIVATION), [activationId]);
    await client.query(named(SAVE_ACTIVATION), [activationId, ...changeableColumns(template, 2)]);
    await client.query(named(INSERT_ACTIVATION_HISTORY), [activationId, 2, null, null, new Date()]);
    await client.query(callbacks, [applicationId, "ACTIVATION_STATUS_CHANGE"]);
    await client.query('select "r0".* from "pa_recovery_config" as "r0" where "r0"."application_id" = $1 limit 1', [applicationId]);
  });
  await inTransaction(pool, async (client) => {
    await client.query(named(LOCK_ACTIVATION), [activationId]);
    await client.query(named(SAVE_ACTIVATION), [activationId, ...changeableColumns(template, 3)]);
    await client.query(named(INSERT_ACTIVATION_HISTORY), [activationId, 3, null, null, new Date()]);
    await client.query(callbacks, [applicationId, "ACTIVATION_STATUS_CHANGE"]);
    await client.query('select "r0".* from "pa_recovery_code" as "r0" where "r0"."activation_id" = $1 order by "r0"."id" asc for update', [activationId]);
  });
  return true;
}

/**
 * One worker per sequence (so no two workers contend for a row lock), warm-up first, then a timed run that ends
 * after the duration or as soon as a worker has no prepared request left.
 */
async function measure<T>(name: string, sequences: Iterator<T>[], cpu: () => CpuSample, call: (request: T) => Promise<boolean>): Promise<Measurement> {
  let exhausted = false;
  let firstFailure: string | undefined;
  const run = async (untilMs: number, record: boolean) => {
    const latenciesMs: number[] = [];
    let failures = 0;
    await Promise.all(
      sequences.map(async (sequence) => {
        while (!exhausted && performance.now() < untilMs) {
          const next = sequence.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          const started = performance.now();
          const ok = await call(next.value).catch((error: unknown) => {
            firstFailure ??= error instanceof Error ? error.message : String(error);
            return false;
          });
          if (record) latenciesMs.push(performance.now() - started);
          if (!ok) failures++;
        }
      }),
    );
    return { latenciesMs, failures };
  };
  await run(performance.now() + warmupMs, false);
  if (exhausted) log(`${name}: the prepared requests did not last the warm-up`);
  const cpuBefore = cpu();
  const started = performance.now();
  const { latenciesMs, failures } = await run(started + durationMs, true);
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpu();
  log(`${name}: ${latenciesMs.length} calls in ${seconds.toFixed(1)} s${exhausted ? " (prepared requests used up)" : ""}`);
  if (firstFailure !== undefined) log(`${name}: ${failures} failed in the timed run; the first failure (warm-up included): ${firstFailure}`);
  const spent = (key: "core" | "soap" | "client" | "machine") => {
    const before = cpuBefore[key];
    const after = cpuAfter[key];
    return before === undefined || after === undefined ? undefined : after - before;
  };
  // The PostgreSQL processes alive at the end, each from its time at the start (or from 0 if it started since).
  const postgres = cpuAfter.postgres && [...cpuAfter.postgres].reduce((sum, [pid, after]) => sum + after - (cpuBefore.postgres?.get(pid) ?? 0), 0);
  return {
    name,
    calls: latenciesMs.length,
    failures,
    seconds,
    latenciesMs,
    cpu: { core: spent("core"), soap: spent("soap"), client: spent("client") ?? 0, postgres, machine: spent("machine") },
  };
}

/** Linux's USER_HZ: the unit of the CPU times in `/proc/<pid>/stat` and `/proc/stat`. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds used so far by the core, the gateway, this process, the local PostgreSQL server and the machine. */
function cpuSeconds(core: RunningProcess, soap: RunningProcess): CpuSample {
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
  const postgres = new Map<string, number>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("postgres")) continue;
    } catch {
      continue;
    }
    postgres.set(pid, ofProcess(Number(pid)) ?? 0);
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

/** Each measurement, then its ceiling, with the share of the ceiling and the p99 against the ceiling's. */
function printTable(rows: Row[]): void {
  const header = `| measurement (concurrency ${concurrency}) | calls/s | p50 ms | p99 ms | failed | of its ceiling | p99 vs ceiling |`;
  const lines: string[] = [];
  const printed = new Set<Measurement>();
  for (const { result, ceiling } of rows) {
    const row = summarize(result, ceiling);
    const limit = summarize(ceiling, ceiling);
    lines.push(
      `| ${row.name} | ${Math.round(row.perSecond)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.failures} | ${(row.ofCeiling * 100).toFixed(0)} % | ${(limit.p99 > 0 ? row.p99 / limit.p99 : 0).toFixed(1)}× |`,
    );
    if (printed.has(ceiling)) continue;
    printed.add(ceiling);
    lines.push(`| ${limit.name} | ${Math.round(limit.perSecond)} | ${limit.p50.toFixed(2)} | ${limit.p99.toFixed(2)} | ${limit.failures} | 100 % | 1.0× |`);
  }
  process.stdout.write(
    `\n${header}\n|---|---:|---:|---:|---:|---:|---:|\n${lines.join("\n")}\n\n` +
      "targets: gRPC VerifySignature ≥ 70 % of its ceiling, SOAP ≥ 50 %, core CPU ≤ 0.4 ms per call, p99 ≤ 3× the ceiling's p99\n",
  );
}

/**
 * CPU milliseconds per call of each participant, how many cores the rest of the machine kept busy meanwhile
 * (other processes, including other users of the PostgreSQL server, whose backends the PostgreSQL column counts),
 * and the core's CPU per call over the CPU per call this process spent as the ceiling's database client.
 */
function printCpuTable(rows: Row[]): void {
  if (rows.every(({ result }) => result.cpu.core === undefined)) return;
  const perCall = (result: Measurement, seconds: number | undefined) => (seconds === undefined ? undefined : (1000 * seconds) / Math.max(result.calls, 1));
  const format = (value: number | undefined) => (value === undefined ? "–" : value.toFixed(2));
  const line = (result: Measurement, ratio: string) => {
    const { core, soap, client, postgres, machine } = result.cpu;
    const ours = (core ?? 0) + (soap ?? 0) + client + (postgres ?? 0);
    const others = machine === undefined ? "–" : (Math.max(machine - ours, 0) / result.seconds).toFixed(2);
    return `| ${result.name} | ${format(perCall(result, core))} | ${format(perCall(result, soap))} | ${format(perCall(result, client))} | ${format(perCall(result, postgres))} | ${others} | ${ratio} |`;
  };
  const lines: string[] = [];
  const printed = new Set<Measurement>();
  for (const { result, ceiling } of rows) {
    const core = perCall(result, result.cpu.core);
    const ceilingClient = perCall(ceiling, ceiling.cpu.client);
    lines.push(line(result, core === undefined || !ceilingClient ? "–" : `${(core / ceilingClient).toFixed(1)}×`));
    if (printed.has(ceiling)) continue;
    printed.add(ceiling);
    lines.push(line(ceiling, "–"));
  }
  process.stdout.write(
    `\n| CPU ms per call | core | SOAP gateway | bench client | PostgreSQL | other load (cores) | core / ceiling's pg client |\n|---|---:|---:|---:|---:|---:|---:|\n${lines.join("\n")}\n`,
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
