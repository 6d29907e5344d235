import { CompiledQuery } from "kysely";
import type { Tx } from "./tx.ts";

/** A hand-written statement with `$n` parameters and the name it is prepared under on PostgreSQL connections. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
  /** The statement takes row locks (`FOR UPDATE`): it must run inside a transaction, or the lock ends with it. */
  readonly locksRows?: boolean;
}

/**
 * Runs one hand-written statement with `$n` parameters on the unit of work's own connection (inside
 * `db.transaction` that is the transaction's connection, so row locks and writes belong to it). The statement
 * goes to the driver as it is, with server-side parameters, exactly as `pg`'s `client.query(text, values)`
 * sends it (on PostgreSQL as the named prepared statement, see `prepared-statements.ts`); PGlite takes the
 * same form. Nothing is built, hydrated, tracked or logged, so the entity manager does not know about what
 * this reads or writes: an aggregate persisted this way must never also be written through entities.
 */
export async function executeStatement<Row>(tx: Tx, statement: NamedStatement, params: readonly unknown[]): Promise<Row[]> {
  if (!tx.isInTransaction()) {
    if (statement.locksRows) throw new Error(`statement ${statement.name} must run inside db.transaction`);
    const direct = (tx as Partial<Record<typeof DIRECT_STATEMENTS, DirectStatementRunner>>)[DIRECT_STATEMENTS];
    if (direct) return direct<Row>(statement, params);
  }
  const result = await tx.getKysely().executeQuery<Row>(CompiledQuery.raw(statement.text, params as unknown[]));
  return result.rows;
}

/** Runs one statement on a connection of its own, outside any transaction (autocommit). */
export type DirectStatementRunner = <Row>(statement: NamedStatement, params: readonly unknown[]) => Promise<Row[]>;

const DIRECT_STATEMENTS = Symbol("direct statements");

/**
 * Lets the statements of a unit of work that is not a transaction (`db.read`) go straight to the connection pool.
 * Outside a transaction every statement takes a pooled connection of its own anyway; the entity manager's and
 * kysely's layers in between cost the hot path (VerifySignature's read and compare-and-set) about 0.02 ms of CPU
 * per statement, measured, and add nothing a single autocommit statement needs.
 */
export function allowDirectStatements(tx: Tx, runner: DirectStatementRunner): Tx {
  Object.defineProperty(tx, DIRECT_STATEMENTS, { value: runner });
  return tx;
}

/** bigint columns arrive as strings from `pg` and as numbers or bigints from PGlite. */
export type BigintColumn = number | string | bigint;
/** timestamptz columns arrive as Date objects, or as strings when a driver leaves them unparsed. */
export type TimestampColumn = Date | string;

/** A timestamptz column as a Date, whichever form the driver gave it in. */
export function toDate(value: TimestampColumn): Date {
  return value instanceof Date ? value : new Date(value);
}

/** A Date as a timestamptz parameter (ISO-8601 UTC), the same text on both drivers. */
export function timestampParam(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
