import { MikroORM } from "@mikro-orm/core";
import type { IsolationLevel } from "@mikro-orm/core";
import { Migrator } from "@mikro-orm/migrations";
import { PgliteDriver } from "@mikro-orm/pglite";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import type { EntityManager } from "@mikro-orm/sql";
import { Activation, ActivationHistory } from "./activation.entity.ts";
import { AdminUser } from "./admin-user.entity.ts";
import { Application, ApplicationConfig, ApplicationVersion, MasterKeypair } from "./application.entity.ts";
import { ApplicationCallback, ApplicationCallbackEvent } from "./callback.entity.ts";
import { Integration } from "./integration.entity.ts";
import { migrationsList } from "./migrations/index.ts";
import { prepareStatementsOnConnect } from "./prepared-statements.ts";
import { ACTIVATION_STATEMENTS } from "./activation.sql.ts";
import { SignatureAudit } from "./signature-audit.entity.ts";
import { PushCredential } from "./push-credential.entity.ts";
import { RecoveryCode, RecoveryConfig, RecoveryPuk } from "./recovery.entity.ts";
import { Token } from "./token.entity.ts";
import type { Tx } from "./tx.ts";

export interface DbOptions {
  /** `postgres://…` to use PostgreSQL; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** Directory of the embedded database; in memory when absent. */
  pgliteDir?: string;
  /** Log SQL statements (never in production: they may carry secrets). */
  debug?: boolean;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

export interface Db {
  /** Runs `work` in one transaction on a fresh EntityManager; commits on success, rolls back on throw. */
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: { isolationLevel?: IsolationLevel }): Promise<T>;
  /** Runs `work` on a fresh EntityManager without an explicit transaction (reads). */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Which database engine is behind this handle. */
  readonly engine: "postgresql" | "pglite";
  /** A cheap round trip, for health checks. */
  ping(): Promise<boolean>;
  /**
   * The SQL that would make the database match the entities; empty when the migrations, the entities (and so
   * the hand-written statements written against the same columns) agree. A diagnostic for tests and checks.
   */
  schemaDiff(): Promise<string>;
  close(): Promise<void>;
}

export const entities = [
  Application,
  ApplicationVersion,
  MasterKeypair,
  ApplicationConfig,
  Integration,
  AdminUser,
  Activation,
  ActivationHistory,
  SignatureAudit,
  Token,
  RecoveryCode,
  RecoveryPuk,
  RecoveryConfig,
  ApplicationCallback,
  ApplicationCallbackEvent,
  PushCredential,
];

/** The one composition root of persistence: opens the database and runs pending migrations. */
export async function initOrm(options: DbOptions = {}): Promise<Db> {
  const common = {
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    debug: options.debug ?? false,
    allowGlobalContext: false,
    ensureDatabase: false,
  };
  const orm = options.databaseUrl
    ? await MikroORM.init({
        ...common,
        driver: PostgreSqlDriver,
        clientUrl: options.databaseUrl,
        pool: { min: 0, max: options.poolSize ?? 20 },
        driverOptions: { onPoolCreated: (pool: Parameters<typeof prepareStatementsOnConnect>[0]) => prepareStatementsOnConnect(pool, ACTIVATION_STATEMENTS) },
      })
    : await MikroORM.init({ ...common, driver: PgliteDriver, dbName: options.pgliteDir ?? "memory://" });
  await orm.migrator.up();
  const rootEm = orm.em as EntityManager;
  return {
    engine: options.databaseUrl ? "postgresql" : "pglite",
    transaction: (work, txOptions) => rootEm.fork().transactional((tx) => work(tx), txOptions),
    read: (work) => work(rootEm.fork()),
    async ping() {
      try {
        await rootEm.fork().getConnection().execute("select 1");
        return true;
      } catch {
        return false;
      }
    },
    schemaDiff: () => orm.schema.getUpdateSchemaSQL({ wrap: false }),
    close: () => orm.close(true),
  };
}
