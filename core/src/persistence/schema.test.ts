import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/support/database.ts";
import type { TestDatabase } from "../../../test/support/database.ts";
import { ACTIVATION_STATEMENTS } from "./activation.sql.ts";
import { OPERATION_STATEMENTS } from "./operation.sql.ts";
import { EXPIRE_PENDING_ACTIVATIONS } from "./activation-expiry.sql.ts";
import { RETENTION_STATEMENTS } from "./retention.sql.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

// The schema is stated three times: by the migrations (what production databases actually ran), by the entities
// (what the ORM reads and writes, and what MikroORM would generate a migration from) and by the hand-written SQL of
// the activation aggregate. Nothing else checks that they agree: a default, index or foreign key present in only one
// of them goes unnoticed until a generated migration drops it or a query meets a schema it was not written for.
describe("entities, migrations and hand-written SQL", () => {
  it("agree: after the migrations, the schema diff against the entities is empty", async () => {
    expect(await database.db.schemaDiff()).toBe("");
  });

  it("every hand-written activation and operation statement is valid against the migrated schema", async () => {
    // PREPARE parses, resolves every table and column and checks the types without running anything.
    await database.db.read(async (tx) => {
      const connection = tx.getConnection();
      for (const statement of [...ACTIVATION_STATEMENTS, EXPIRE_PENDING_ACTIVATIONS, ...RETENTION_STATEMENTS, ...OPERATION_STATEMENTS]) {
        await connection.execute(`prepare check_${statement.name} as ${statement.text}`);
        await connection.execute(`deallocate check_${statement.name}`);
      }
    });
  });

  it("pa_activation is vacuumed after a fixed number of dead rows, indexes included, whatever its size (migration 0011)", async () => {
    const [table] = await database.db.read((tx) =>
      tx.getConnection().execute<{ reloptions: string[] | null }[]>(`select reloptions from pg_class where relname = 'pa_activation'`),
    );
    expect([...(table.reloptions ?? [])].sort()).toEqual([
      "autovacuum_vacuum_scale_factor=0",
      "autovacuum_vacuum_threshold=10000",
      "vacuum_index_cleanup=on",
    ]);
  });
});
