import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, testDatabaseServerUrl, withAdminClient } from "../../../test/support/database.ts";
import { createSoapProtoClient, SOAP_FAULTCODE } from "../../../test/support/soap-proto-client.ts";
import { startSoapGateway } from "../../../gateway-soap/src/server.ts";
import { loadConfig } from "../config.ts";
import type { CoreConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { startServer } from "../server.ts";
import type { RunningCore } from "../server.ts";
import { migrationsList } from "./migrations/index.ts";

/** A core that opens its own database from the config (so the configured timeouts apply), with a v3 client. */
async function startCore(databaseUrl: string, overrides: Partial<CoreConfig> = {}): Promise<{ core: RunningCore; v3: Client<typeof PowerAuthService> }> {
  const config: CoreConfig = { ...loadConfig({}), port: 0, databaseUrl, callbackDeliveryEnabled: false, ...overrides };
  const core = await startServer({ config, log: createLogger("core", { quiet: true }), accessLog: false });
  return { core, v3: createClient(PowerAuthService, createGrpcTransport({ baseUrl: core.url })) };
}

async function callError(call: Promise<unknown>): Promise<ConnectError> {
  const error: unknown = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

// Connection loss, server-side timeouts and advisory locks are PostgreSQL matters; PGlite runs in-process.
describe.runIf(testDatabaseServerUrl())("the core on PostgreSQL when the database goes away or waits", () => {
  const serverUrl = testDatabaseServerUrl() ?? "";

  describe("outage of its database", () => {
    let scratch: { url?: string; drop(): Promise<void> };
    let running: Awaited<ReturnType<typeof startCore>>;
    let gateway: Awaited<ReturnType<typeof startSoapGateway>>;
    let dbName: string;

    beforeAll(async () => {
      scratch = await createScratchDatabase();
      dbName = new URL(scratch.url ?? "").pathname.slice(1);
      running = await startCore(scratch.url ?? "", { databaseConnectTimeoutMs: 2000 });
      gateway = await startSoapGateway({ port: 0, coreUrl: running.core.url, log: () => {} });
    });
    afterAll(async () => {
      await withAdminClient(serverUrl, (c) => c.query(`alter database ${dbName} allow_connections true`)).catch(() => {});
      await gateway?.close();
      await running?.core.close();
      await scratch?.drop();
    });

    it("answers UNAVAILABLE saying so while its database refuses connections, and recovers without a restart", async () => {
      await running.v3.createApplication({ applicationName: "before-outage" });
      // Only this test's scratch database goes away: the shared server keeps running for everyone else.
      await withAdminClient(serverUrl, async (c) => {
        await c.query(`alter database ${dbName} allow_connections false`);
        await c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [dbName]);
      });

      const during = await callError(running.v3.getApplicationList({}));
      expect(during.code).toBe(Code.Unavailable);
      expect(during.rawMessage).toBe("PowerAuth service is temporarily unavailable, try again later.");
      // Through the SOAP gateway: a Server fault that says so, not "Unknown error occurred.".
      const soap = await callError(createSoapProtoClient(PowerAuthService, gateway.url).getApplicationList({}));
      expect(soap.metadata.get(SOAP_FAULTCODE)).toBe("Server");
      expect(soap.rawMessage).toMatch(/unavailable, try again later/);

      await withAdminClient(serverUrl, (c) => c.query(`alter database ${dbName} allow_connections true`));
      const after = await running.v3.getApplicationList({});
      expect(after.applications.map((a) => a.applicationName)).toEqual(["before-outage"]);
    });
  });

  describe("lock timeout", () => {
    let scratch: { url?: string; drop(): Promise<void> };
    let running: Awaited<ReturnType<typeof startCore>>;

    beforeAll(async () => {
      scratch = await createScratchDatabase();
      running = await startCore(scratch.url ?? "", { databaseLockTimeoutMs: 300 });
    });
    afterAll(async () => {
      await running?.core.close();
      await scratch?.drop();
    });

    it("answers UNAVAILABLE when a statement waits on a lock beyond DATABASE_LOCK_TIMEOUT_MS, and works once it is released", async () => {
      await running.v3.createApplication({ applicationName: "locked" });
      const holder = new pg.Client({ connectionString: scratch.url });
      await holder.connect();
      try {
        // Another session holds the table in a mode that blocks every read of it.
        await holder.query("begin");
        await holder.query("lock table pa_application in access exclusive mode");
        const blocked = await callError(running.v3.getApplicationList({}));
        expect(blocked.code).toBe(Code.Unavailable);
        expect(blocked.rawMessage).toBe("PowerAuth service is temporarily unavailable, try again later.");
        await holder.query("rollback");
      } finally {
        await holder.end();
      }
      const after = await running.v3.getApplicationList({});
      expect(after.applications.map((a) => a.applicationName)).toEqual(["locked"]);
    });
  });

  describe("several cores starting on one fresh database", () => {
    let scratch: { url?: string; drop(): Promise<void> };
    const cores: RunningCore[] = [];

    beforeAll(async () => {
      scratch = await createScratchDatabase();
    });
    afterAll(async () => {
      for (const core of cores) await core.close();
      await scratch?.drop();
    });

    it("all come up, the migrations run once and the bootstrap admin exists once", async () => {
      const started = await Promise.all(
        [0, 1, 2].map(() => startCore(scratch.url ?? "", { adminUsername: "boot-admin", adminPassword: "boot-admin-password" })),
      );
      cores.push(...started.map((s) => s.core));
      await Promise.all(started.map((s, i) => s.v3.createApplication({ applicationName: `core-${i}` })));
      for (const s of started) {
        const list = await s.v3.getApplicationList({});
        expect(list.applications.map((a) => a.applicationName).sort()).toEqual(["core-0", "core-1", "core-2"]);
      }

      const { migrations, admins } = await withAdminClient(scratch.url ?? "", async (c) => ({
        migrations: (await c.query<{ name: string }>("select name from mikro_orm_migrations order by id")).rows.map((r) => r.name),
        admins: (await c.query<{ n: string }>("select count(*) as n from pa_cloud_user where username = 'boot-admin'")).rows[0]?.n,
      }));
      expect(migrations).toEqual(migrationsList.map((m) => m.name));
      expect(admins).toBe("1");
    });
  });
});
