import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COUNT_ACTIVE_USERS } from "../core/src/persistence/activation.sql.ts";
import { executeStatement } from "../core/src/persistence/sql-statement.ts";
import type { Db } from "../core/src/persistence/db.ts";
import { startRestGateway } from "../gateway-rest/src/server.ts";
import type { RestGateway } from "../gateway-rest/src/server.ts";
import { startCoreForTest, TEST_ADMIN } from "./support/core-in-process.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { createTestDatabase } from "./support/database.ts";
import type { TestDatabase } from "./support/database.ts";
import {
  activateDevice,
  corruptSignature,
  createTestApplication,
  issueToken,
  signAndVerify,
  tokenDigest,
  verifySignatureRequest,
  vaultUnlockRequest,
} from "./support/powerauth-flows.ts";
import type { TestApplication } from "./support/powerauth-flows.ts";

// Telemetry end to end: devices use their activations through the core (gRPC), the count is asked through the
// REST gateway; PGlite, or PostgreSQL with TEST_DATABASE_URL.

const AUTH = `Basic ${Buffer.from(`${TEST_ADMIN.username}:${TEST_ADMIN.password}`).toString("base64")}`;
const DAY_MS = 24 * 3600 * 1000;
const APP = "TELEMETRY_APP";

let t: CoreUnderTest;
let gateway: RestGateway;
let app: TestApplication;

beforeAll(async () => {
  t = await startCoreForTest({ activationExpiryJobIntervalMs: 0 });
  gateway = await startRestGateway({ port: 0, coreUrl: t.core.url, log: () => {} });
  app = await createTestApplication(t.grpc, APP);
});

afterAll(async () => {
  await gateway?.close();
  await t?.close();
});

async function users(id: string, days?: string) {
  const query = days === undefined ? "" : `?days=${encodeURIComponent(days)}`;
  const response = await fetch(`${gateway.url}/admin/telemetry/applications/${id}/users${query}`, { headers: { authorization: AUTH } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Moves an activation's last use into the past, as if time had passed since. */
async function lastUsedDaysAgo(activationId: string, days: number) {
  await t.core.db.transaction((tx) =>
    executeStatement(tx, { name: "test_set_last_used", text: "update pa_activation set timestamp_last_used = $2 where activation_id = $1" }, [
      activationId,
      new Date(Date.now() - days * DAY_MS).toISOString(),
    ]),
  );
}

async function lastUsed(activationId: string): Promise<Date> {
  const rows = await t.core.db.read((tx) =>
    executeStatement<{ at: Date | string }>(tx, { name: "test_get_last_used", text: "select timestamp_last_used as at from pa_activation where activation_id = $1" }, [activationId]),
  );
  return new Date(rows[0].at);
}

describe("unique active users through REST", () => {
  const used: Record<string, string> = {};

  beforeAll(async () => {
    // Every activation starts 40 days idle; then each user uses it in one way (or not at all).
    const activated: Record<string, Awaited<ReturnType<typeof activateDevice>>> = {};
    for (const name of ["validSignature", "wrongPin", "token", "wrongTokenDigest", "vault", "idle", "tenDaysAgo", "twoDevices", "removed"]) {
      activated[name] = await activateDevice(t.grpc, app, { userId: `user-${name}` });
    }
    const second = await activateDevice(t.grpc, app, { userId: "user-twoDevices" });
    const tokens = {
      token: await issueToken(t.grpc, activated.token.device),
      wrongTokenDigest: await issueToken(t.grpc, activated.wrongTokenDigest.device),
    };
    for (const { activationId } of [...Object.values(activated), second]) await lastUsedDaysAgo(activationId, 40);
    for (const [name, { activationId }] of Object.entries(activated)) used[name] = activationId;

    expect((await signAndVerify(t.grpc, activated.validSignature.device)).signatureValid).toBe(true);
    const signed = activated.wrongPin.device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
    expect((await t.grpc.verifySignature(verifySignatureRequest(corruptSignature(signed)))).signatureValid).toBe(false);
    expect((await t.grpc.validateToken(tokenDigest(activated.token.device, tokens.token))).tokenValid).toBe(true);
    const digest = tokenDigest(activated.wrongTokenDigest.device, tokens.wrongTokenDigest);
    expect((await t.grpc.validateToken({ ...digest, timestamp: digest.timestamp + 1n })).tokenValid).toBe(false);
    expect((await t.grpc.vaultUnlock(vaultUnlockRequest(activated.vault.device))).signatureValid).toBe(true);
    await lastUsedDaysAgo(activated.tenDaysAgo.activationId, 10);
    expect((await signAndVerify(t.grpc, activated.twoDevices.device)).signatureValid).toBe(true);
    expect((await signAndVerify(t.grpc, second.device)).signatureValid).toBe(true);
    // A removed activation still counts for the window it was used in (the reference counts any status).
    await t.grpc.removeActivation({ activationId: activated.removed.activationId });
    await lastUsedDaysAgo(activated.removed.activationId, 2);
    // Initialising an activation is a use too: a user who only started one counts.
    await t.grpc.initActivation({ userId: "user-initOnly", applicationId: app.applicationId });
    // Another application's users never count here.
    const other = await createTestApplication(t.grpc, "TELEMETRY_OTHER");
    await signAndVerify(t.grpc, (await activateDevice(t.grpc, other, { userId: "user-validSignature" })).device);
  });

  it("stamps the last use at every kind of use: valid and invalid signatures, token validation (valid or not), vault unlock", async () => {
    for (const name of ["validSignature", "wrongPin", "token", "wrongTokenDigest", "vault"]) {
      expect(Date.now() - (await lastUsed(used[name])).getTime(), name).toBeLessThan(DAY_MS);
    }
    expect(Date.now() - (await lastUsed(used.idle)).getTime()).toBeGreaterThan(39 * DAY_MS);
  });

  it("counts distinct users used in the last 30 days by default", async () => {
    // validSignature, wrongPin, token, wrongTokenDigest, vault, tenDaysAgo, twoDevices (once), removed, initOnly.
    expect(await users(APP)).toEqual({ status: 200, body: { applicationId: APP, days: 30, users: 9 } });
    expect(await users(APP, "30")).toEqual({ status: 200, body: { applicationId: APP, days: 30, users: 9 } });
  });

  it("moves the window with days: 7 leaves out the user of ten days ago, 41 takes in the idle one", async () => {
    expect((await users(APP, "7")).body).toEqual({ applicationId: APP, days: 7, users: 8 });
    expect((await users(APP, "9")).body.users).toBe(8);
    expect((await users(APP, "11")).body.users).toBe(9);
    expect((await users(APP, "39")).body.users).toBe(9);
    expect((await users(APP, "41")).body).toEqual({ applicationId: APP, days: 41, users: 10 });
    expect((await users(APP, "365")).body).toEqual({ applicationId: APP, days: 365, users: 10 });
    expect((await users(APP, "1")).body).toEqual({ applicationId: APP, days: 1, users: 7 });
  });

  it("counts nothing for an application without activations", async () => {
    await createTestApplication(t.grpc, "TELEMETRY_EMPTY");
    expect(await users("TELEMETRY_EMPTY")).toEqual({ status: 200, body: { applicationId: "TELEMETRY_EMPTY", days: 30, users: 0 } });
  });

  it.each(["0", "366", "-1", "1000000"])("refuses days=%s outside 1-365 with ERROR_REQUEST", async (days) => {
    expect(await users(APP, days)).toEqual({
      status: 400,
      body: {
        status: "ERROR",
        responseObject: {
          code: "ERROR_REQUEST",
          message: "Invalid method parameter value",
          violations: [{ fieldName: "days", hint: "must be an integer between 1 and 365" }],
        },
      },
    });
  });

  it.each(["abc", "7.5", "", "99999999999"])("refuses days=%j that is not an integer with ERROR_REQUEST", async (days) => {
    const response = await users(APP, days);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: "ERROR", responseObject: { code: "ERROR_REQUEST", violations: [{ fieldName: "days" }] } });
  });

  it("answers ERROR_ADMIN for an unknown application", async () => {
    expect(await users("NO_SUCH_APP")).toEqual({
      status: 400,
      body: { status: "ERROR", responseObject: { code: "ERROR_ADMIN", message: "Application not found: NO_SUCH_APP" } },
    });
  });
});

describe("the telemetry count's query plan", () => {
  let database: TestDatabase;
  let applicationId: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    // 50 applications × 1000 activations, last used over the past 400 days; statistics as autovacuum would leave them.
    applicationId = await database.db.transaction(async (tx) => {
      await run(tx, "insert into pa_application (name) select 'bulk-' || g from generate_series(1, 50) g");
      await run(
        tx,
        `insert into pa_activation (activation_id, application_id, user_id, activation_status, server_private_key_base64,
           server_public_key_base64, timestamp_activation_expire, timestamp_last_used)
         select md5(g::text), a.id, 'user-' || (g % 20000), 3, 'k', 'k', now(), now() - (g % 400) * interval '1 day' - (g % 97) * interval '1 minute'
         from generate_series(1, 50000) g join pa_application a on a.name = 'bulk-' || (1 + g % 50)`,
      );
      await run(tx, "analyze pa_activation");
      const [row] = await run<{ id: number | string }>(tx, "select id from pa_application where name = 'bulk-7'");
      return Number(row.id);
    });
  }, 120_000);

  afterAll(async () => {
    await database?.dispose();
  });

  it("counts the rows of one application in the window, whatever the rest of the table holds", async () => {
    const now = new Date();
    const rows = await database.db.read((tx) =>
      executeStatement<{ users: number | string }>(tx, COUNT_ACTIVE_USERS, [applicationId, new Date(now.getTime() - 30 * DAY_MS).toISOString(), now.toISOString()]),
    );
    // g ≡ 6 (mod 50) with g mod 400 < 30 (or = 30 with few enough minutes): the exact number the data holds.
    const [expected] = await database.db.read((tx) =>
      run<{ n: number | string }>(
        tx,
        `select count(distinct 'user-' || (g % 20000)) as n from generate_series(1, 50000) g
         where 1 + g % 50 = 7 and now() - (g % 400) * interval '1 day' - (g % 97) * interval '1 minute' >= now() - interval '30 days'`,
      ),
    );
    expect(Number(rows[0].users)).toBe(Number(expected.n));
    expect(Number(rows[0].users)).toBeGreaterThan(0);
  });

  it("is a range scan of pa_activation_last_used, never a sequential scan, also as a generic prepared plan", async () => {
    const from = new Date(Date.now() - 30 * DAY_MS).toISOString();
    const to = new Date().toISOString();
    const plans = await database.db.transaction(async (tx) => {
      const custom = await explain(tx, `explain (format json) ${COUNT_ACTIVE_USERS.text}`, [applicationId, from, to]);
      // What the named prepared statement runs once PostgreSQL switches it to a generic plan.
      await run(tx, "set local plan_cache_mode = force_generic_plan");
      await run(tx, `prepare telemetry_plan_check as ${COUNT_ACTIVE_USERS.text}`);
      const generic = await explain(tx, `explain (format json) execute telemetry_plan_check(${applicationId}, '${from}', '${to}')`, []);
      await run(tx, "deallocate telemetry_plan_check");
      return [custom, generic];
    });
    for (const plan of plans) {
      const nodes = planNodes(plan);
      expect(nodes.some((node) => node["Index Name"] === "pa_activation_last_used"), JSON.stringify(plan)).toBe(true);
      expect(nodes.map((node) => node["Node Type"])).not.toContain("Seq Scan");
      const scan = nodes.find((node) => node["Index Name"] === "pa_activation_last_used");
      expect(["Index Only Scan", "Index Scan", "Bitmap Index Scan"]).toContain(scan?.["Node Type"]);
      // The window and the application are the index condition, not a filter applied afterwards.
      expect(String(scan?.["Index Cond"])).toMatch(/application_id.*timestamp_last_used/s);
    }
  });
});

type PlanNode = { "Node Type": string; "Index Name"?: string; "Index Cond"?: string; Plans?: PlanNode[] };

function run<Row = unknown>(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], text: string, params: unknown[] = []) {
  return executeStatement<Row>(tx, { name: `test_${randomUUID()}`, text }, params);
}

async function explain(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], text: string, params: unknown[]): Promise<PlanNode> {
  const [row] = await run<{ "QUERY PLAN": unknown }>(tx, text, params);
  const value = row["QUERY PLAN"];
  const parsed = (typeof value === "string" ? JSON.parse(value) : value) as { Plan: PlanNode }[];
  return parsed[0].Plan;
}

function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}
