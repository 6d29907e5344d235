import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, testDatabaseServerUrl } from "../../../test/support/database.ts";
import { activateThroughDomain } from "../../../test/support/domain-fixtures.ts";
import { loadConfig } from "../config.ts";
import { ActivationKeyCache } from "../domain/activations/activation-keys.ts";
import { createApplication } from "../domain/applications/applications.ts";
import { verifyOnlineSignature } from "../domain/signatures/online-signature.ts";
import { FIND_ACTIVATION_FOR_SIGNATURE, LOCK_ACTIVATION_FOR_SIGNATURE, RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED } from "./activation.sql.ts";
import { initOrm } from "./db.ts";
import type { Db } from "./db.ts";
import { executeStatement } from "./sql-statement.ts";

// Named prepared statements are a PostgreSQL connection feature (pg's `{ name, text }` queries); PGlite runs
// the same text unnamed, so there is nothing to observe there.
describe.runIf(testDatabaseServerUrl())("named prepared statements on PostgreSQL", () => {
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const scratch = await createScratchDatabase();
    drop = scratch.drop;
    // One connection, so the session that verified the signature is the one asked afterwards.
    db = await initOrm({ databaseUrl: scratch.url, poolSize: 1 });
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it("VerifySignature runs the hot path's statements as named prepared statements", async () => {
    const settings = loadConfig({});
    const application = await createApplication(db, {}, { name: "prepared-statements" });
    const device = await activateThroughDomain(db, settings, application);
    const signed = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
    const verdict = await verifyOnlineSignature(db, settings, new ActivationKeyCache(settings), signed);
    expect(verdict.signatureValid).toBe(true);

    const prepared = await db.read((tx) =>
      tx.getConnection().execute<{ name: string; statement: string }[]>("select name, statement from pg_prepared_statements"),
    );
    const byName = new Map(prepared.map((row) => [row.name, row.statement]));
    expect(byName.get(FIND_ACTIVATION_FOR_SIGNATURE.name)).toBe(FIND_ACTIVATION_FOR_SIGNATURE.text);
    expect(byName.get(RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED.name)).toBe(RECORD_SIGNATURE_ATTEMPT_IF_UNCHANGED.text);
  });

  it("runs a read's statements straight on the pool, with the same rows as inside a transaction", async () => {
    const settings = loadConfig({});
    const application = await createApplication(db, {}, { name: "direct-statements" });
    const device = await activateThroughDomain(db, settings, application);
    const params = [device.activationId, device.applicationKey];
    const inTransaction = await db.transaction((tx) => executeStatement(tx, FIND_ACTIVATION_FOR_SIGNATURE, params));
    const direct = await db.read((tx) => {
      // Not through the entity manager's kysely: this would throw.
      tx.getKysely = () => {
        throw new Error("went through kysely");
      };
      return executeStatement(tx, FIND_ACTIVATION_FOR_SIGNATURE, params);
    });
    expect(inTransaction).toHaveLength(1);
    expect(direct).toEqual(inTransaction);
    await expect(db.read((tx) => executeStatement(tx, LOCK_ACTIVATION_FOR_SIGNATURE, params))).rejects.toThrow("must run inside db.transaction");
  });
});
