import { randomBytes } from "node:crypto";
import pg from "pg";
import { initOrm } from "../../core/src/persistence/db.ts";
import type { Db } from "../../core/src/persistence/db.ts";

/**
 * The database a test runs against. With `TEST_DATABASE_URL` (CI's PostgreSQL run) every call creates its
 * own throw-away database on that server, so test files can run in parallel; without it, an in-memory PGlite.
 */
export interface TestDatabase {
  db: Db;
  /** Connection string of the dedicated PostgreSQL database; undefined on PGlite. */
  url?: string;
  engine: "postgresql" | "pglite";
  /** Closes the ORM and drops the database. */
  dispose(): Promise<void>;
}

export function testDatabaseServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

/** Creates an empty PostgreSQL database for one test file and returns its URL (or undefined on PGlite). */
export async function createScratchDatabase(): Promise<{ url?: string; drop(): Promise<void> }> {
  const serverUrl = testDatabaseServerUrl();
  if (!serverUrl) return { url: undefined, drop: async () => {} };
  const name = `pa_test_${randomBytes(6).toString("hex")}`;
  await withAdminClient(serverUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdminClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const scratch = await createScratchDatabase();
  const db = await initOrm({ databaseUrl: scratch.url });
  return {
    db,
    url: scratch.url,
    engine: db.engine,
    async dispose() {
      await db.close();
      await scratch.drop();
    },
  };
}

/** Runs `work` on a short-lived connection of its own to `serverUrl` (scratch databases, test set-up). */
export async function withAdminClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
