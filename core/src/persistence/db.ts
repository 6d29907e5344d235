import { MikroORM } from "@mikro-orm/core";
import type { IsolationLevel } from "@mikro-orm/core";
import { Migrator } from "@mikro-orm/migrations";
import { PgliteDriver } from "@mikro-orm/pglite";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import type { EntityManager } from "@mikro-orm/sql";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { Activation, ActivationHistory } from "./activation.entity.ts";
import { AdminUser } from "./admin-user.entity.ts";
import { Application, ApplicationConfig, ApplicationVersion, MasterKeypair } from "./application.entity.ts";
import { ApplicationCallback, ApplicationCallbackEvent } from "./callback.entity.ts";
import { Integration } from "./integration.entity.ts";
import { Operation, OperationTemplate } from "./operation.entity.ts";
import { OPERATION_STATEMENTS } from "./operation.sql.ts";
import { migrationsList } from "./migrations/index.ts";
import { prepareStatementsOnConnect } from "./prepared-statements.ts";
import { translateDatabaseError } from "./errors.ts";
import { announceCommitted } from "./commit-observer.ts";
import type { CommitObserver } from "./commit-observer.ts";
import { ACTIVATION_STATEMENTS } from "./activation.sql.ts";
import { CALLBACK_EVENT_STATEMENTS } from "./callback-event.sql.ts";
import { SignatureAudit } from "./signature-audit.entity.ts";
import { PushCredential } from "./push-credential.entity.ts";
import { RecoveryCode, RecoveryConfig, RecoveryPuk } from "./recovery.entity.ts";
import { Token } from "./token.entity.ts";
import { UniqueValue } from "./unique-value.entity.ts";
import { allowDirectStatements } from "./sql-statement.ts";
import type { DirectStatementRunner, NamedStatement } from "./sql-statement.ts";
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
  /** PostgreSQL only: longest wait to open a connection or take one from a full pool (pg's connectionTimeoutMillis). */
  connectTimeoutMs?: number;
  /** PostgreSQL only: server-side `statement_timeout` of every pooled connection; 0 = none. */
  statementTimeoutMs?: number;
  /** PostgreSQL only: server-side `lock_timeout` of every pooled connection; 0 = none. */
  lockTimeoutMs?: number;
  /** PostgreSQL only: TCP keepalive on pooled connections (default on). */
  keepAlive?: boolean;
}

/**
 * Key of the session-level advisory lock that serialises start-up work (migrations, bootstrap admin) across
 * cores sharing one database. Fixed and arbitrary ("PA" "MIGR" in ASCII); nothing else in the database uses it.
 */
export const STARTUP_ADVISORY_LOCK_KEY = 0x5041_4d49_4752n;

const DEFAULT_POOL_SIZE = 20;

export interface Db {
  /** Runs `work` in one transaction on a fresh EntityManager; commits on success, rolls back on throw. */
  transaction<T>(work: (tx: Tx) => Promise<T>, options?: { isolationLevel?: IsolationLevel }): Promise<T>;
  /** Runs `work` on a fresh EntityManager without an explicit transaction (reads). */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Which database engine is behind this handle. */
  readonly engine: "postgresql" | "pglite";
  /**
   * Runs `work` while holding the start-up advisory lock (PostgreSQL: `pg_advisory_lock` on a connection of its
   * own, so several cores starting together take turns; PGlite: one process, nothing to hold).
   */
  withStartupLock<T>(work: () => Promise<T>): Promise<T>;
  /** A cheap round trip, for health checks. */
  ping(): Promise<boolean>;
  /**
   * Calls `onNotify` for each notification on `channel` (`pg_notify`, delivered when the notifying transaction
   * commits, to every process listening on the database). On PostgreSQL this holds one connection of its own,
   * outside the pool, and reconnects after `retryMs` when it drops; `onNotify` is also called after a
   * reconnect, since notifications sent meanwhile are lost. Resolves to the function that stops listening.
   */
  listen(channel: string, onNotify: () => void, options?: { retryMs?: number; onError?: (error: unknown) => void }): Promise<() => Promise<void>>;
  /**
   * The SQL that would make the database match the entities; empty when the migrations, the entities (and so
   * the hand-written statements written against the same columns) agree. A diagnostic for tests and checks.
   */
  schemaDiff(): Promise<string>;
  /** Tells `observer` about every change once its transaction commits, until the returned function is called. */
  observeCommits(observer: CommitObserver): () => void;
  /** How the PostgreSQL connection pool is used right now; undefined on PGlite (one in-process connection). */
  poolUse(): PoolUse | undefined;
  close(): Promise<void>;
}

/** A snapshot of the PostgreSQL connection pool. */
export interface PoolUse {
  /** The most connections the pool opens (`DATABASE_POOL_SIZE`). */
  max: number;
  open: number;
  inUse: number;
  /** Callers waiting for a connection because every one is in use. */
  waiting: number;
}

/** What `pg`'s pool tells about itself, and the one way this module queries it directly. */
interface CountingPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
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
  OperationTemplate,
  Operation,
  PushCredential,
  UniqueValue,
];

/** The one composition root of persistence: opens the database and runs pending migrations. */
export async function initOrm(options: DbOptions = {}): Promise<Db> {
  let pgPool: CountingPool | undefined;
  let direct: DirectStatementRunner | undefined;
  const commitObservers = new Set<CommitObserver>();
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
        pool: { min: 0, max: options.poolSize ?? DEFAULT_POOL_SIZE },
        driverOptions: {
          // pg's pool options: an outage fails calls after connectionTimeoutMillis instead of queueing them for
          // good; the timeouts are startup parameters, so they survive the pool's `reset all` between uses.
          ...postgresTimeouts(options),
          onPoolCreated: (pool: Parameters<typeof prepareStatementsOnConnect>[0] & CountingPool) => {
            pgPool = pool;
            direct = directStatements(pool);
            prepareStatementsOnConnect(pool, [...ACTIVATION_STATEMENTS, ...CALLBACK_EVENT_STATEMENTS, ...OPERATION_STATEMENTS]);
          },
        },
      })
    : await MikroORM.init({ ...common, driver: PgliteDriver, dbName: options.pgliteDir ?? "memory://" });
  const databaseUrl = options.databaseUrl;
  const withStartupLock = <T>(work: () => Promise<T>): Promise<T> =>
    databaseUrl ? underAdvisoryLock(databaseUrl, options.connectTimeoutMs, work) : work();
  try {
    await withStartupLock(() => orm.migrator.up());
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  const rootEm = orm.em as EntityManager;
  return {
    engine: options.databaseUrl ? "postgresql" : "pglite",
    async transaction(work, txOptions) {
      let unit: Tx | undefined;
      const result = await rootEm
        .fork()
        .transactional((tx) => work((unit = tx)), txOptions)
        .catch(translateDatabaseError);
      announceCommitted(unit, commitObservers);
      return result;
    },
    async read(work) {
      const unit = rootEm.fork();
      // PostgreSQL only: PGlite has one connection, which a concurrent transaction may be holding.
      if (direct) allowDirectStatements(unit, direct);
      const result = await work(unit).catch(translateDatabaseError);
      announceCommitted(unit, commitObservers);
      return result;
    },
    withStartupLock,
    async ping() {
      try {
        await rootEm.fork().getConnection().execute("select 1");
        return true;
      } catch {
        return false;
      }
    },
    async listen(channel, onNotify, listenOptions = {}) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
      if (!options.databaseUrl) {
        const pglite = (await (rootEm.getConnection() as unknown as { getNativeClient(): Promise<PGlite> }).getNativeClient());
        const unlisten = await pglite.listen(channel, () => onNotify());
        return () => unlisten();
      }
      return listenOnPostgres(options.databaseUrl, postgresTimeouts(options), channel, onNotify, listenOptions.retryMs ?? 1000, listenOptions.onError);
    },
    schemaDiff: () => orm.schema.getUpdateSchemaSQL({ wrap: false }),
    observeCommits(observer) {
      commitObservers.add(observer);
      return () => commitObservers.delete(observer);
    },
    poolUse() {
      if (!pgPool) return undefined;
      const { totalCount, idleCount, waitingCount } = pgPool;
      return { max: options.poolSize ?? DEFAULT_POOL_SIZE, open: totalCount, inUse: totalCount - idleCount, waiting: waitingCount };
    },
    close: () => orm.close(true),
  };
}

/** One autocommit statement on a pooled connection, as the named prepared statement it is on every connection. */
function directStatements(pool: CountingPool): DirectStatementRunner {
  return async <Row>(statement: NamedStatement, params: readonly unknown[]) => {
    const result = await pool.query({ name: statement.name, text: statement.text, values: params as unknown[] });
    return result.rows as Row[];
  };
}

/** The pg pool options carrying the configured timeouts and keepalive (only those set). */
function postgresTimeouts(options: DbOptions): Record<string, number | boolean> {
  return {
    keepAlive: options.keepAlive ?? true,
    ...(options.connectTimeoutMs !== undefined && { connectionTimeoutMillis: options.connectTimeoutMs }),
    ...(options.statementTimeoutMs !== undefined && { statement_timeout: options.statementTimeoutMs }),
    ...(options.lockTimeoutMs !== undefined && { lock_timeout: options.lockTimeoutMs }),
  };
}

/**
 * Runs `work` while this process holds the start-up advisory lock, on a connection of its own (the lock is
 * held by a session, and the pool's connections come and go). Waits for the lock as long as another core's
 * migrations take; released explicitly, and by PostgreSQL if this process dies.
 */
async function underAdvisoryLock<T>(databaseUrl: string, connectTimeoutMs: number | undefined, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: connectTimeoutMs });
  // A dropped lock connection must not crash the process; the lock is then gone and `work` fails on its own.
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [STARTUP_ADVISORY_LOCK_KEY.toString()]);
    try {
      return await work();
    } finally {
      await client.query("select pg_advisory_unlock($1)", [STARTUP_ADVISORY_LOCK_KEY.toString()]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * One `pg` connection of its own that LISTENs on `channel`, reconnecting while not stopped. It carries the
 * pool's timeouts and keepalive, so a half-open connection after a network failure is noticed and replaced
 * instead of silently receiving nothing.
 */
async function listenOnPostgres(
  databaseUrl: string,
  timeouts: Record<string, number | boolean>,
  channel: string,
  onNotify: () => void,
  retryMs: number,
  onError: ((error: unknown) => void) | undefined,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl, ...timeouts });
    client = next;
    next.on("notification", () => onNotify());
    next.on("error", (error) => {
      onError?.(error);
      void next.end().catch(() => {});
      if (!stopped) scheduleRetry();
    });
    await next.connect();
    await next.query(`listen ${channel}`);
  };
  const scheduleRetry = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      connect()
        .then(() => onNotify())
        .catch((error: unknown) => {
          onError?.(error);
          if (!stopped) scheduleRetry();
        });
    }, retryMs);
    retryTimer.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    await client?.end().catch(() => {});
  };
}
