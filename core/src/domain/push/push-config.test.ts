import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { hmsBody } from "../../../../test/support/push-fixtures.ts";
import { Application } from "../../persistence/application.entity.ts";
import { getPushConfig, updatePushConfig } from "./push-config.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.transaction(async (tx) => {
    tx.create(Application, { name: "PUSH_DOMAIN", roles: [] });
    await tx.flush();
  });
});

afterAll(async () => {
  await database?.dispose();
});

describe("updatePushConfig", () => {
  it("withholds a failed write's database message, which quotes the row and so the secret", async () => {
    // A constraint the row cannot meet stands in for any failure of the write.
    await database.db.read((tx) => tx.getConnection().execute("alter table pa_push_credential add constraint test_refuse check (length(secret) < 3)"));
    const secret = "client-secret-that-must-not-be-logged";
    const error = await updatePushConfig(database.db, {}, "PUSH_DOMAIN", { platform: "HMS", ...hmsBody({ clientSecret: secret }) }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    const { message, stack, cause } = error as Error;
    expect(message).toMatch(/^storing push credentials failed \(\w+; the database's message is withheld/);
    expect(`${message} ${stack}`).not.toContain(secret);
    expect(cause).toBeUndefined();
    expect(await getPushConfig(database.db, "PUSH_DOMAIN")).toEqual({ id: "PUSH_DOMAIN" });
  });
});
