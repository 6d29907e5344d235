import { DriverException } from "@mikro-orm/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseServerUrl } from "../../../test/support/database.ts";
import { ServiceUnavailableError } from "../domain/errors.ts";
import { initOrm } from "./db.ts";
import type { Db } from "./db.ts";
import { isDatabaseUnavailable, translateDatabaseError } from "./errors.ts";

/** Raises an error with `sqlState` from inside the database, so the driver builds its own error object. */
const raiseSql = (sqlState: string) => `do $$ begin raise exception 'raised for the test' using errcode = '${sqlState}'; end $$`;

/** pg's socket and pool errors carry no SQLSTATE: built as pg and Node build them. */
function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: "connect" });
}

describe("isDatabaseUnavailable: the one classification of database errors", () => {
  it("counts lost, refused and timed-out connections as unavailable", () => {
    expect(isDatabaseUnavailable(socketError("ECONNREFUSED"))).toBe(true);
    expect(isDatabaseUnavailable(socketError("ECONNRESET"))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([socketError("ECONNREFUSED"), socketError("ECONNREFUSED")], ""))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated due to connection timeout"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    // MikroORM's wrapper copies the driver's fields (code included) onto its own exception.
    expect(isDatabaseUnavailable(new DriverException(socketError("ECONNREFUSED")))).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: socketError("ECONNRESET") }))).toBe(true);
  });

  it("leaves everything else (bugs, constraint violations, non-errors) to the unknown-error path", () => {
    expect(isDatabaseUnavailable(new Error("column x does not exist"))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    // 55000 is only "unavailable" when it is the database refusing connections.
    expect(isDatabaseUnavailable(Object.assign(new Error("cannot drop the currently open database"), { code: "55000" }))).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });

  it("translateDatabaseError rethrows unavailable as ServiceUnavailableError with the cause, anything else unchanged", () => {
    const refused = socketError("ECONNREFUSED");
    let thrown: unknown;
    try {
      translateDatabaseError(refused);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServiceUnavailableError);
    expect((thrown as Error).cause).toBe(refused);
    const bug = new Error("bug");
    expect(() => translateDatabaseError(bug)).toThrow(bug);
  });

  describe("PGlite's errors, through MikroORM and Db.read", () => {
    let db: Db;
    beforeAll(async () => {
      db = await initOrm();
    });
    afterAll(async () => {
      await db?.close();
    });

    for (const sqlState of ["57P01", "57P03", "57014", "55P03", "08006"]) {
      it(`${sqlState} becomes ServiceUnavailableError`, async () => {
        const error = await db.read((tx) => tx.getConnection().execute(raiseSql(sqlState))).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ServiceUnavailableError);
        expect(((error as Error).cause as { code?: string }).code).toBe(sqlState);
      });
    }

    it("a unique violation stays what it is", async () => {
      const error = await db.read((tx) => tx.getConnection().execute(raiseSql("23505"))).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(ServiceUnavailableError);
      expect((error as { code?: string }).code).toBe("23505");
      expect(isDatabaseUnavailable(error)).toBe(false);
    });
  });

  describe.runIf(testDatabaseServerUrl())("pg's errors from a real PostgreSQL", () => {
    let client: pg.Client;
    beforeAll(async () => {
      client = new pg.Client({ connectionString: testDatabaseServerUrl() });
      await client.connect();
    });
    afterAll(async () => {
      await client?.end();
    });

    it.each([
      ["57P01", true],
      ["57P02", true],
      ["57014", true],
      ["55P03", true],
      ["08001", true],
      ["23505", false],
      ["42P01", false],
    ])("SQLSTATE %s → unavailable %s", async (sqlState, expected) => {
      const error = await client.query(raiseSql(sqlState)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(pg.DatabaseError);
      expect(isDatabaseUnavailable(error)).toBe(expected);
      expect(isDatabaseUnavailable(new DriverException(error as Error))).toBe(expected);
    });

    it("a refused connection (nothing listens on the port) is unavailable", async () => {
      const url = new URL(testDatabaseServerUrl() ?? "");
      url.port = "1";
      const refused = new pg.Client({ connectionString: url.toString() });
      const error = await refused.connect().catch((e: unknown) => e);
      expect(isDatabaseUnavailable(error)).toBe(true);
    });
  });
});
