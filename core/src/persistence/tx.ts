import type { EntityManager } from "@mikro-orm/sql";

/**
 * The unit of work a domain function runs in: one forked EntityManager, inside one transaction when it comes
 * from `db.transaction`. Its own file, so that the SQL helpers and `db.ts` both depend on it and not on each
 * other.
 */
export type Tx = EntityManager;
