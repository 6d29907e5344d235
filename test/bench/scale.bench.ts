/**
 * `npm run bench:scale`: does the cost of a call grow with the data? Two core processes run side by side on
 * PostgreSQL, one on an empty database and one on a database seeded with BENCH_SCALE_ACTIVATIONS activations
 * (default 1,000,000) of the same application, each with ten signature audit rows and one history row; 10 % of
 * them are abandoned (CREATED, past their expiry), the rest ACTIVE, BLOCKED or REMOVED. The seeded users and
 * rows are not the ones measured (their last use is 31–730 days ago, outside the 30-day telemetry window), so a
 * call that answers the same on both databases should cost the same: where it does not, a query reads rows it
 * does not need (a missing index, a query shape the index cannot serve).
 *
 * Measured on both, each beside the other (short rounds alternate between the two cores so that load from the
 * rest of the machine falls on both alike; each side's median round counts), through gRPC with BENCH_CONCURRENCY
 * clients (default 32):
 * - VerifySignature of 32 activated devices, GetActivationStatus, GetActivationListForUser,
 * - the telemetry count (AdminService GetUniqueActiveUsers, 30 days),
 * - VerifySignature again while the audit retention job (its own function, with the shipped default batch size and
 *   pause, run by this process during each seeded round) deletes the seeded audit rows older than 365 days; its
 *   deletion rate is shown,
 * - the activation expiry job (`expireAbandonedActivations`, the job's own function) on the seeded database's
 *   abandoned activations, and on as many abandoned activations in the otherwise empty database.
 *
 * Each row's ratio is the empty database's calls (or expirations) per second over the seeded one's; the last
 * line is `worst ratio to the empty database: R` (target R ≤ 1.2; expiry ≥ 5,000 activations/s).
 *
 * Environment: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres:postgres@127.0.0.1:5432/postgres),
 * BENCH_SCALE_ACTIVATIONS, BENCH_DURATION_MS (default 2500 per round), BENCH_ROUNDS (default 6 per side), BENCH_CONCURRENCY,
 * BENCH_SETTLE_MS (default 60000: unrecorded VerifySignature load on both sides after seeding, before the first round),
 * BENCH_SCALE_OWN_SERVER=true (a PostgreSQL server of the bench's own with default settings, autovacuum on).
 * Seeding 1,000,000 activations takes a few minutes and about 5 GB of disk; the databases are dropped at the end.
 */
import { randomUUID } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { expireAbandonedActivations } from "../../core/src/domain/activations/activation-expiry.ts";
import { loadConfig } from "../../core/src/config.ts";
import { removeExpiredAuditTrail } from "../../core/src/domain/activations/audit-retention.ts";
import type { AuditRetentionSettings } from "../../core/src/domain/activations/audit-retention.ts";
import { initOrm } from "../../core/src/persistence/db.ts";
import type { Db } from "../../core/src/persistence/db.ts";
import { LISTENING, startProcess } from "../../scripts/processes.ts";
import { log, redact, runBench } from "./bench-output.ts";
import type { RunningProcess } from "../../scripts/processes.ts";
import { basicAuth } from "../support/core-in-process.ts";
import { withAdminClient } from "../support/database.ts";
import { startPostgresInstance } from "../support/postgres-instance.ts";
import { activateDevice, createTestApplication, verifySignatureRequest } from "../support/powerauth-flows.ts";
import type { TestApplication, V3Client } from "../support/powerauth-flows.ts";
import type { SimulatedDevice } from "../simulator/index.ts";

const sharedServerUrl =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres:postgres@127.0.0.1:5432/postgres";
/**
 * BENCH_SCALE_OWN_SERVER=true: a PostgreSQL server of the bench's own (Debian's binaries, default settings, so
 * autovacuum runs as in production) instead of the shared one, which may be tuned for tests (CI turns autovacuum off).
 */
const ownServer = process.env.BENCH_SCALE_OWN_SERVER === "true";
const activationCount = Number(process.env.BENCH_SCALE_ACTIVATIONS ?? 1_000_000);
const roundMs = Number(process.env.BENCH_DURATION_MS ?? 2_500);
const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const warmupMs = 1_000;
const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 60_000);
const AUDIT_ROWS_PER_ACTIVATION = 10;
const RETENTION_DAYS = 365;
const ADMIN = { username: "scale-admin", password: randomUUID() };

/** One core on one database, with the devices and the application the measurements use there. */
interface Side {
  name: "empty" | "seeded";
  databaseUrl: string;
  core: RunningProcess;
  v3: V3Client;
  admin: Client<typeof AdminService>;
  applicationName: string;
  applicationId: bigint;
  devices: { device: SimulatedDevice; activationId: string; userId: string }[];
}

interface Round {
  perSecond: number;
  p50: number;
  failures: number;
}

interface Row {
  name: string;
  empty: number;
  seeded: number;
  unit: string;
  /** p50 latency in ms on each side, where the row measures calls. */
  p50?: { empty: number; seeded: number };
}

async function main(): Promise<void> {
  const instance = ownServer ? await startPostgresInstance(["max_connections=200"]) : undefined;
  try {
    await measureOn(instance?.url ?? sharedServerUrl);
  } finally {
    await instance?.destroy();
  }
}

async function measureOn(serverUrl: string): Promise<void> {
  process.env.TEST_DATABASE_URL = serverUrl;
  const { createScratchDatabase } = await import("../support/database.ts");
  const emptyDatabase = await createScratchDatabase();
  const seededDatabase = await createScratchDatabase();
  if (!emptyDatabase.url || !seededDatabase.url) throw new Error("a PostgreSQL server is required");
  const started: RunningProcess[] = [];
  const start = async (databaseUrl: string, env: Record<string, string> = {}) => {
    const core = await startCore(databaseUrl, env);
    started.push(core);
    return core;
  };
  try {
    log(`bench:scale on ${redact(serverUrl)}: ${activationCount.toLocaleString("en")} seeded activations, ${rounds} rounds of ${roundMs} ms, concurrency ${concurrency}`);
    // Without autovacuum neither database loses a dead row during the run, whatever the tables' own settings.
    log(`autovacuum on the server: ${await withAdminClient(emptyDatabase.url, async (client) => (await client.query<{ autovacuum: string }>("show autovacuum")).rows[0].autovacuum)}`);
    const empty = await prepareSide("empty", emptyDatabase.url, await start(emptyDatabase.url));
    const seeded = await prepareSide("seeded", seededDatabase.url, await start(seededDatabase.url));
    const seedStarted = performance.now();
    await seed(seeded);
    log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s: ${await tableSizes(seeded.databaseUrl)}`);

    // Unrecorded load on both sides first: right after seeding, the seeded side ran about a third slower for a
    // minute (the seeding's aftermath in the shared server: write-back, cold pages), then at par; measured here is
    // the steady state.
    for (let settled = performance.now() + settleMs; performance.now() < settled; ) {
      for (const side of [empty, seeded]) await callsOf(side, CALLS.VerifySignature, false);
    }
    const rows: Row[] = [];
    for (const [name, call] of Object.entries(CALLS)) rows.push(await compare(name, empty, seeded, call));

    // The retention job's own function with the shipped defaults, run during each seeded round and stopped after it.
    const retention = await RetentionJob.open(seeded.databaseUrl);
    try {
      rows.push(await compare("VerifySignature while the retention job runs", empty, seeded, CALLS.VerifySignature, (round) => retention.during(round)));
    } finally {
      await retention.close();
    }
    log(
      `retention job (batches of ${retention.settings.auditRetentionBatchSize}, ${retention.settings.auditRetentionBatchPauseMs} ms apart): ` +
        `${retention.removed.toLocaleString("en")} audit rows older than ${RETENTION_DAYS} days deleted in ${retention.seconds.toFixed(1)} s = ` +
        `${Math.round(retention.removed / retention.seconds)} rows/s, ${(await oldTrailRows(seeded.databaseUrl)).toLocaleString("en")} still to go`,
    );

    const abandoned = Math.round(activationCount / 10);
    await insertAbandonedActivations(empty, abandoned);
    rows.push({
      name: "activation expiry job",
      unit: "activations/s",
      empty: await expiryRate(empty, abandoned),
      seeded: await expiryRate(seeded, abandoned),
    });
    printRows(rows);
  } finally {
    for (const core of started.reverse()) await core.stop();
    await emptyDatabase.drop();
    await seededDatabase.drop();
  }
}

/** The measured calls: each resolves true when the answer is the expected one. */
const CALLS = {
  VerifySignature: async (side: Side, worker: number) => {
    const { device } = side.devices[worker % side.devices.length];
    const signed = device.signRequest("POST", "/pa/signature/validate", `{"n":"${randomUUID()}"}`, "POSSESSION_KNOWLEDGE");
    return (await side.v3.verifySignature(verifySignatureRequest(signed))).signatureValid;
  },
  GetActivationStatus: async (side: Side, worker: number) => {
    const { activationId } = side.devices[worker % side.devices.length];
    return (await side.v3.getActivationStatus({ activationId })).activationId === activationId;
  },
  GetActivationListForUser: async (side: Side, worker: number) => {
    const { userId } = side.devices[worker % side.devices.length];
    return (await side.v3.getActivationListForUser({ userId })).activations.length === 1;
  },
  "telemetry count (GetUniqueActiveUsers, 30 days)": async (side: Side) => {
    // Every device of the bench was used in the window; no seeded activation was.
    return (await side.admin.getUniqueActiveUsers({ id: side.applicationName, days: 30 })).users === BigInt(side.devices.length);
  },
} as const;

type Call = (side: Side, worker: number) => Promise<boolean>;

/**
 * `concurrency` workers call for one round (after a short warm-up when `warmUp`); worker i uses device i, so no
 * two contend for a row lock.
 */
async function callsOf(side: Side, call: Call, warmUp: boolean): Promise<Round> {
  const run = async (untilMs: number) => {
    const latencies: number[] = [];
    let failures = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        while (performance.now() < untilMs) {
          const callStarted = performance.now();
          const ok = await call(side, worker).catch(() => false);
          latencies.push(performance.now() - callStarted);
          if (!ok) failures++;
        }
      }),
    );
    return { latencies, failures };
  };
  if (warmUp) await run(performance.now() + warmupMs);
  const roundStarted = performance.now();
  const { latencies, failures } = await run(roundStarted + roundMs);
  const seconds = (performance.now() - roundStarted) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50: latencies[Math.floor(latencies.length / 2)] ?? 0, failures };
}

/**
 * Alternates rounds of `call` between the two sides and keeps each side's median round. `aroundSeeded` wraps
 * each seeded round (to run something beside it).
 */
async function compare(
  name: string,
  empty: Side,
  seeded: Side,
  call: Call,
  aroundSeeded: (round: () => Promise<Round>) => Promise<Round> = (round) => round(),
): Promise<Row> {
  const results: Record<"empty" | "seeded", Round[]> = { empty: [], seeded: [] };
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? [empty, seeded] : [seeded, empty]) {
      const measure = () => callsOf(side, call, round === 0);
      results[side.name].push(await (side === seeded ? aroundSeeded(measure) : measure()));
    }
  }
  const median = (list: Round[]) => [...list].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(list.length / 2)];
  const failures = [...results.empty, ...results.seeded].reduce((sum, round) => sum + round.failures, 0);
  if (failures > 0) log(`${name}: ${failures} calls failed`);
  const [e, s] = [median(results.empty), median(results.seeded)];
  log(`${name}: empty ${Math.round(e.perSecond)}/s, seeded ${Math.round(s.perSecond)}/s`);
  return { name, unit: "calls/s", empty: e.perSecond, seeded: s.perSecond, p50: { empty: e.p50, seeded: s.p50 } };
}

async function startCore(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningProcess> {
  return startProcess({
    name: "core",
    script: "core/src/main.ts",
    env: {
      CORE_PORT: "0",
      DATABASE_URL: databaseUrl,
      POWERAUTH_ACCESS_LOG: "false",
      // Seeded rows carry placeholder keys in the clear; without a master key no core re-seals them at start.
      POWERAUTH_ALLOW_PLAINTEXT_SECRETS: "true",
      POWERAUTH_ADMIN_USERNAME: ADMIN.username,
      POWERAUTH_ADMIN_PASSWORD: ADMIN.password,
      // The bench runs the expiry job's function itself, and the retention job only where it measures it.
      POWERAUTH_ACTIVATION_EXPIRY_JOB_INTERVAL_MS: "0",
      POWERAUTH_AUDIT_RETENTION_JOB_INTERVAL_MS: "0",
      POWERAUTH_CALLBACK_DELIVERY_ENABLED: "false",
      // Enough for 32 calls in flight on a small machine, and three cores stay well within max_connections.
      DATABASE_POOL_SIZE: "8",
      // Each round's telemetry calls authenticate once, not once a minute (the login cache is not what is measured).
      POWERAUTH_ADMIN_AUTH_CACHE_TTL_MS: "3600000",
      ...env,
    },
    urlPattern: LISTENING.core,
  });
}

function v3Client(url: string): V3Client {
  return createClient(PowerAuthService, createGrpcTransport({ baseUrl: url }));
}

/** An application with one activation callback (delivery is off: its outbox rows are written, not sent) and 32 devices. */
async function prepareSide(name: Side["name"], databaseUrl: string, core: RunningProcess): Promise<Side> {
  const v3 = v3Client(core.url);
  const admin = createClient(AdminService, createGrpcTransport({ baseUrl: core.url, interceptors: [basicAuth(ADMIN.username, ADMIN.password)] }));
  const applicationName = `scale-${randomUUID()}`;
  const app: TestApplication = await createTestApplication(v3, applicationName);
  await v3.createCallbackUrl({ applicationId: app.applicationId, name: "scale", callbackUrl: "http://127.0.0.1:9/scale" });
  const devices = [];
  for (let i = 0; i < concurrency; i++) devices.push(await activateDevice(v3, app));
  return { name, databaseUrl, core, v3, admin, applicationName, applicationId: app.applicationId, devices };
}

/**
 * Seeds the activations, their audit and history rows in a few set-based statements. The non-unique indexes of
 * the two trails are dropped first and built again after (a bulk build is many times faster than inserting
 * into them row by row); their definitions are read from the catalog so they come back exactly as they were.
 * Foreign-key checks are skipped for the seeding session when the role may do so (the rows are consistent by
 * construction).
 */
async function seed(side: Side): Promise<void> {
  await withAdminClient(side.databaseUrl, async (client) => {
    await client.query("set session_replication_role = replica").catch(() => log("seeding with foreign-key checks (not a superuser)"));
    const indexes = await client.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes
       where tablename in ('pa_signature_audit', 'pa_activation_history') and indexname not like '%_pkey'`,
    );
    for (const index of indexes.rows) await client.query(`drop index ${index.indexname}`);
    const applicationId = side.applicationId.toString();
    // md5(n) as a UUID: the activation id of seeded activation n, computable again in the trail statements.
    await client.query(
      `insert into pa_activation (activation_id, application_id, user_id, activation_name, activation_code, activation_status,
         flags, counter, ctr_data, device_public_key_base64, failed_attempts, max_failed_attempts, server_private_key_base64,
         server_public_key_base64, timestamp_created, timestamp_activation_expire, timestamp_last_used, timestamp_last_change, version)
       select md5(n::text)::uuid::text, $1, 'seeded-user-' || (n / 2), 'device ' || n,
         upper(substr(h, 1, 5) || '-' || substr(h, 6, 5) || '-' || substr(h, 11, 5) || '-' || substr(h, 16, 5)),
         case when n % 10 = 0 then 1 when n % 10 = 1 then 5 when n % 20 = 2 then 4 else 3 end,
         '[]'::jsonb, 10, 'AAAAAAAAAAAAAAAAAAAAAA==', 'BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
         0, 5, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
         'BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
         used - interval '100 days', case when n % 10 = 0 then now() - interval '1 day' else used - interval '99 days' end,
         used, used - interval '99 days', 3
       from (select n, md5('code' || n) as h, now() - interval '31 days' - (n % 700) * interval '1 day' - (n % 86400) * interval '1 second' as used
             from generate_series(1, $2::int) n) s`,
      [applicationId, activationCount],
    );
    await client.query(
      `insert into pa_signature_audit (activation_id, activation_counter, activation_ctr_data, activation_status, additional_info,
         data_base64, signature_type, signature, valid, note, timestamp_created, version, signature_version)
       select md5(n::text)::uuid::text, k, 'AAAAAAAAAAAAAAAAAAAAAA==', 3, '{"entry":[]}',
         'UE9TVCZMM0JoTDNOcFoyNWhkSFZ5WlM5MllXeHBaR0YwWlE9PSZleUp1SWpvaU1TSjkmc2VjcmV0', 'POSSESSION_KNOWLEDGE',
         '12345678-87654321', true, 'signature_ok',
         now() - interval '31 days' - (n % 700) * interval '1 day' - (n % 86400) * interval '1 second' - (10 - k) * interval '7 days', 3, '3.1'
       from generate_series(1, $1::int) n, generate_series(1, ${AUDIT_ROWS_PER_ACTIVATION}) k`,
      [activationCount],
    );
    await client.query(
      `insert into pa_activation_history (activation_id, activation_status, timestamp_created)
       select activation_id, 1, timestamp_created from pa_activation where user_id like 'seeded-user-%'`,
    );
    for (const index of indexes.rows) await client.query(index.indexdef);
    await client.query("set session_replication_role = origin").catch(() => undefined);
    await client.query("vacuum analyze pa_activation");
    await client.query("vacuum analyze pa_signature_audit");
    await client.query("vacuum analyze pa_activation_history");
    // Writes the seeding's dirty pages now rather than during the first measurements.
    await client.query("checkpoint").catch(() => log("no CHECKPOINT (not a superuser): the first rounds may share the disk with its write-back"));
  });
}

/** Abandoned activations (CREATED, expired a day ago, with their CREATED history row) in the empty database. */
async function insertAbandonedActivations(side: Side, count: number): Promise<void> {
  await withAdminClient(side.databaseUrl, async (client) => {
    await client.query(
      `insert into pa_activation (activation_id, application_id, user_id, activation_code, activation_status, server_private_key_base64,
         server_public_key_base64, timestamp_created, timestamp_activation_expire, timestamp_last_used)
       select gen_random_uuid()::text, $1, 'abandoned-' || n, upper(substr(md5('abandoned' || n), 1, 23)), 1, 'AAAA', 'BAAA',
         now() - interval '2 days', now() - interval '1 day', now() - interval '2 days'
       from generate_series(1, $2::int) n`,
      [side.applicationId.toString(), count],
    );
    await client.query(
      `insert into pa_activation_history (activation_id, activation_status, timestamp_created)
       select activation_id, 1, timestamp_created from pa_activation where user_id like 'abandoned-%'`,
    );
    await client.query("vacuum analyze pa_activation");
  });
}

/** Runs the expiry job's function on `side`'s database until nothing is left; expirations per second. */
async function expiryRate(side: Side, expected: number): Promise<number> {
  const db = await initOrm({ databaseUrl: side.databaseUrl, poolSize: 4 });
  try {
    const expiryStarted = performance.now();
    const expired = await expireAbandonedActivations(db);
    const seconds = (performance.now() - expiryStarted) / 1000;
    log(`activation expiry job (${side.name}): ${expired} activations in ${seconds.toFixed(1)} s = ${Math.round(expired / seconds)}/s`);
    if (expired !== expected) throw new Error(`expected ${expected} expirations on the ${side.name} database, got ${expired}`);
    return expired / seconds;
  } finally {
    await db.close();
  }
}

/** The audit retention job (its function, as the core's periodic job runs it) switched on and off around rounds. */
class RetentionJob {
  removed = 0;
  seconds = 0;
  private readonly db: Db;
  readonly settings: AuditRetentionSettings;

  private constructor(db: Db, settings: AuditRetentionSettings) {
    this.db = db;
    this.settings = settings;
  }

  static async open(databaseUrl: string): Promise<RetentionJob> {
    return new RetentionJob(await initOrm({ databaseUrl, poolSize: 2 }), loadConfig({}));
  }

  async during<T>(work: () => Promise<T>): Promise<T> {
    const stop = new AbortController();
    const started = performance.now();
    const job = removeExpiredAuditTrail(this.db, this.settings, { signal: stop.signal });
    try {
      return await work();
    } finally {
      stop.abort();
      const outcome = await job;
      this.removed += outcome.signatureAudit + outcome.activationHistory;
      this.seconds += (performance.now() - started) / 1000;
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Audit and history rows past the retention the measurement's job applies. */
async function oldTrailRows(databaseUrl: string): Promise<number> {
  return withAdminClient(databaseUrl, async (client) => {
    const cutoff = `now() - interval '${RETENTION_DAYS} days'`;
    const result = await client.query<{ rows: string }>(
      `select (select count(*) from pa_signature_audit where timestamp_created < ${cutoff})
            + (select count(*) from pa_activation_history where timestamp_created < ${cutoff}) as rows`,
    );
    return Number(result.rows[0].rows);
  });
}

async function tableSizes(databaseUrl: string): Promise<string> {
  return withAdminClient(databaseUrl, async (client) => {
    const result = await client.query<{ name: string; rows: string; size: string }>(
      `select relname as name, n_live_tup as rows, pg_size_pretty(pg_total_relation_size(relid)) as size from pg_stat_user_tables
       where relname in ('pa_activation', 'pa_signature_audit', 'pa_activation_history') order by relname`,
    );
    return result.rows.map((row) => `${row.name} ${Number(row.rows).toLocaleString("en")} rows (${row.size})`).join(", ");
  });
}

function printRows(rows: Row[]): void {
  const lines = rows.map((row) => {
    const p50 = row.p50 ? `${row.p50.empty.toFixed(1)} / ${row.p50.seeded.toFixed(1)}` : "–";
    return `| ${row.name} | ${Math.round(row.empty)} | ${Math.round(row.seeded)} | ${row.unit} | ${p50} | ${(row.empty / row.seeded).toFixed(2)} |`;
  });
  log(`\n| measurement | empty database | ${activationCount.toLocaleString("en")} activations | unit | p50 ms empty / seeded | ratio |\n|---|---:|---:|---|---:|---:|\n${lines.join("\n")}`);
  const expiry = rows.find((row) => row.name === "activation expiry job");
  if (expiry) log(`\nexpiry job on the seeded database: ${Math.round(expiry.seeded)} activations/s (target ≥ 5,000)`);
  log(`worst ratio to the empty database: ${Math.max(...rows.map((row) => row.empty / row.seeded)).toFixed(2)}`);
}

runBench("bench:scale", main);
