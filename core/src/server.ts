import { readFileSync, statSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { AddressInfo } from "node:net";
import type { Interceptor } from "@connectrpc/connect";
import { createContextValues } from "@connectrpc/connect";
import type { CoreConfig } from "./config.ts";
import { expireAbandonedActivations } from "./domain/activations/activation-expiry.ts";
import { expireOperations } from "./domain/operations/operation-expiry.ts";
import { removeExpiredUniqueValues } from "./domain/replay/unique-values.ts";
import { removeExpiredAuditTrail } from "./domain/activations/audit-retention.ts";
import { ActivationKeyCache } from "./domain/activations/activation-keys.ts";
import { ensureInitialAdmin } from "./domain/access/admin-users.ts";
import type { BuildInfo } from "./domain/system/system-status.ts";
import { openCallbackAuthentication } from "./domain/callbacks/callback-authentication.ts";
import { resealSecretsOnStart } from "./domain/secrets/reseal-secrets.ts";
import { createLogger } from "./logger.ts";
import type { Logger } from "./logger.ts";
import { refuseMalformedRequest } from "./transport/malformed-request.ts";
import { createRpcHandler } from "./transport/rpc-handler.ts";
import { CoreMetrics } from "./observability/core-metrics.ts";
import { registerDatabaseGauges } from "./observability/database-gauges.ts";
import { DEFAULT_READY_TIMEOUT_MS, observabilityEndpoints } from "./observability/http-endpoints.ts";
import { OK } from "./observability/rpc-metrics.ts";
import type { RequestMetrics } from "./observability/request-metrics.ts";
import { initOrm } from "./persistence/db.ts";
import type { Db } from "./persistence/db.ts";
import { accessControl, peerAddressKey } from "./rpc/auth.ts";
import { AdminLoginGuard } from "./domain/access/admin-login-guard.ts";
import type { Deps } from "./rpc/deps.ts";
import { toConnectError } from "./rpc/errors.ts";
import { boundedRequestInput } from "./rpc/validation.ts";
import { routes } from "./rpc/routes.ts";
import { createArgon2Pool } from "./workers/argon2-pool.ts";
import { callbackDeliverySettings, startCallbackDispatcher } from "./workers/callback-dispatcher.ts";

/** Largest request message the core accepts; PowerAuth payloads are a few KiB. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** The client connection preface every HTTP/2 (h2c) connection starts with. */
const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
/** Between announcing the close of an idle HTTP/2 connection and closing it: longer than any round trip. */
const IDLE_CLOSE_GRACE_MS = 1000;

export interface RunningCore {
  url: string;
  port: number;
  db: Db;
  close(): Promise<void>;
}

export interface StartOptions {
  config: CoreConfig;
  /** An already opened database (tests); otherwise one is opened from the config and closed on `close`. */
  db?: Db;
  log?: Logger;
  /** Log one line per RPC (on by default). */
  accessLog?: boolean;
}

/**
 * Starts the core: gRPC, gRPC-Web and Connect on one port, over h2c and HTTP/1.1 alike (the first bytes of
 * each connection decide), with health checking and reflection. Nothing starts on import; only main.ts and
 * tests call this.
 */
export async function startServer(options: StartOptions): Promise<RunningCore> {
  const { config } = options;
  const log = options.log ?? createLogger("core");
  const ownsDb = !options.db;
  const db =
    options.db ??
    (await initOrm({
      databaseUrl: config.databaseUrl,
      pgliteDir: config.pgliteDir,
      poolSize: config.databasePoolSize,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      lockTimeoutMs: config.databaseLockTimeoutMs,
      keepAlive: config.databaseTcpKeepalive,
    }));
  // Secrets still in the clear, or under a previous key, are sealed under the current key before anything is served.
  if (config.masterDbEncryptionKey) {
    await db.withStartupLock(() => resealSecretsOnStart(db, config, log)).catch(async (error: unknown) => {
      if (ownsDb) await db.close();
      throw error;
    });
  }
  const argon2 = createArgon2Pool({ threads: config.argon2Threads, maxQueue: config.argon2MaxQueue });
  if (config.adminUsername && config.adminPassword) {
    const { adminUsername, adminPassword } = config;
    // Under the start-up lock, so cores starting together do not race to create the same user.
    const outcome = await db.withStartupLock(() => ensureInitialAdmin(db, argon2, adminUsername, adminPassword)).catch(async (error: unknown) => {
      await argon2.close();
      if (ownsDb) await db.close();
      throw error;
    });
    log.info(outcome === "created" ? "initial admin user created" : "initial admin user already present", {
      username: config.adminUsername,
    });
  }
  const stopping = new AbortController();
  // One registry per core: a second core in the same process (tests) counts apart.
  const metrics = new CoreMetrics();
  registerDatabaseGauges(metrics.registry, db, DEFAULT_READY_TIMEOUT_MS);
  const stopCountingCommits = db.observeCommits(metrics);
  const deps: Deps = {
    stopping: stopping.signal,
    db,
    config,
    log,
    build: readBuildInfo(),
    argon2,
    activationKeys: new ActivationKeyCache(config),
    adminLogin: new AdminLoginGuard(config),
    metrics,
  };
  const expiryJob = startPeriodicJob("activation expiry", config.activationExpiryJobIntervalMs, log, async () => {
    const removed = await expireAbandonedActivations(db);
    if (removed > 0) log.info("expired abandoned activations", { removed });
  });
  const operationExpiryJob = startPeriodicJob("operation expiry", config.operationExpiryJobIntervalMs, log, async () => {
    const expired = await expireOperations(db);
    if (expired > 0) log.info("expired operations", { expired });
  });
  const uniqueValueCleanupJob = startPeriodicJob("unique value cleanup", config.uniqueValueCleanupIntervalMs, log, async () => {
    const removed = await removeExpiredUniqueValues(db);
    if (removed > 0) log.info("removed expired replay-protection values", { removed });
  });
  // Stops between two batches once the core is stopping, so a long backlog never holds up a shutdown.
  const auditRetentionJob = startPeriodicJob("audit retention", config.auditRetentionJobIntervalMs, log, async () => {
    const removed = await removeExpiredAuditTrail(db, config, { signal: stopping.signal });
    if (removed.signatureAudit + removed.activationHistory > 0) log.info("removed audit rows past their retention", removed);
  });
  // Started with the core, so events left by an earlier run (or a crash) go out now; stopped before the database.
  const callbackDispatcher = config.callbackDeliveryEnabled
    ? await startCallbackDispatcher({
        db,
        settings: callbackDeliverySettings(config),
        openAuthentication: (row) => openCallbackAuthentication(config, row),
        log,
        countAttempt: (outcome) => metrics.countCallbackAttempt(outcome),
      })
    : undefined;
  const serveRpc = createRpcHandler({
    routes: routes(deps),
    // refuseMalformedRequest last: a message that did not decode is answered after access control, and logged.
    interceptors: [errorBoundary(log, options.accessLog ?? true, metrics.rpc), accessControl(deps), refuseMalformedRequest(), boundedRequestInput()],
    // The peer address is what admin login throttling counts when no trusted gateway names the client.
    contextValues: (req) => createContextValues().set(peerAddressKey, req.socket?.remoteAddress ?? "unknown"),
    readMaxBytes: MAX_MESSAGE_BYTES,
    log,
  });
  // Before the Connect adapter and its interceptors: probes and scrapes need no credentials (restricted access
  // guards RPCs only), and stop being ready as soon as the core begins to stop.
  const serveObservability = observabilityEndpoints({
    registry: metrics.registry,
    isReady: async () => !stopping.signal.aborted && (await db.ping()),
    readyTimeoutMs: DEFAULT_READY_TIMEOUT_MS,
  });
  const handler: typeof serveRpc = (req, res) => {
    if (!serveObservability(req, res)) serveRpc(req, res);
  };

  const h2 = http2.createServer(
    { settings: { maxConcurrentStreams: config.http2MaxConcurrentStreams, maxHeaderListSize: config.maxHeaderBytes } },
    handler,
  );
  const h1 = http.createServer(
    {
      maxHeaderSize: config.maxHeaderBytes,
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.idleTimeoutMs,
      // Node checks the two timeouts above on this period (default 30 s), so a short timeout needs a short period.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    handler,
  );
  // Node starts that check from a 'listening' listener; h1 never listens (the sniffing hands it its sockets), so
  // without this its header and request timeouts never run. test/core-connection-limits.test.ts proves they do.
  h1.emit("listening");
  const sessions = new Set<http2.ServerHttp2Session>();
  const streams: StreamCount = { open: 0 };
  h2.on("session", (session) => {
    sessions.add(session);
    limitSession(session, config, streams);
    session.once("close", () => sessions.delete(session));
  });
  const listener = net.createServer((socket) => routeConnection(socket, h1, h2, config.headersTimeoutMs));
  listener.maxConnections = config.maxConnections;
  try {
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    await callbackDispatcher?.stop();
    await expiryJob.stop();
    await operationExpiryJob.stop();
    await uniqueValueCleanupJob.stop();
    await auditRetentionJob.stop();
    await argon2.close();
    if (ownsDb) await db.close();
    throw error;
  }
  const port = (listener.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopping.abort();
      const connectionsClosed = new Promise<void>((resolve) => {
        listener.close(() => resolve());
        for (const session of sessions) session.close();
        // Closes h1's idle connections and stops its timeout check; it never listened, so nothing else happens.
        h1.close();
      });
      // Calls in flight get until the deadline; whatever still holds a connection then is cut, so a stuck or
      // malicious client cannot keep the process from stopping.
      if (!(await settlesWithin(connectionsClosed, config.shutdownTimeoutMs))) {
        log.info("shutdown deadline passed, closing remaining connections", { sessions: sessions.size });
        for (const session of sessions) session.destroy();
        h1.closeAllConnections();
        await connectionsClosed;
      }
      await callbackDispatcher?.stop();
      await expiryJob.stop();
      await operationExpiryJob.stop();
      await uniqueValueCleanupJob.stop();
      await auditRetentionJob.stop();
      await argon2.close();
      stopCountingCommits();
      if (ownsDb) await db.close();
      log.info("core stopped");
    })());
  return { url, port, db, close };
}

/** Whether `promise` settles within `ms` (it keeps running either way). */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `work` every `intervalMs` (0 = never) until stopped. Runs never overlap (the next one is scheduled when
 * the previous one ends), a failing run is logged and the next one still happens, and `stop` waits for a run
 * in progress so the database is not closed under it. The timer does not keep the process alive.
 */
function startPeriodicJob(name: string, intervalMs: number, log: Logger, work: () => Promise<void>): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = intervalMs <= 0;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = work()
        .catch((error: unknown) => log.error(`${name} job failed`, error))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * Hands a new connection to the HTTP/2 or the HTTP/1.1 server depending on its first bytes. Until then neither
 * server owns it, so a connection that never speaks is closed here after `firstBytesTimeoutMs`.
 */
function routeConnection(socket: net.Socket, h1: http.Server, h2: http2.Http2Server, firstBytesTimeoutMs: number): void {
  const onSilence = () => socket.destroy();
  socket.setTimeout(firstBytesTimeoutMs);
  socket.once("timeout", onSilence);
  socket.once("data", (first) => {
    socket.setTimeout(0);
    socket.off("timeout", onSilence);
    socket.pause();
    socket.unshift(first);
    const prefix = first.subarray(0, Math.min(first.length, HTTP2_PREFACE.length));
    if (prefix.equals(HTTP2_PREFACE.subarray(0, prefix.length))) {
      // The HTTP/2 session reads the unshifted bytes from the socket itself; resuming would drop them.
      h2.emit("connection", socket);
    } else {
      h1.emit("connection", socket);
      socket.resume();
    }
  });
  socket.on("error", () => socket.destroy());
}

/** HTTP/2 streams open over all connections. */
interface StreamCount {
  open: number;
}

/**
 * What one HTTP/2 connection may hold beyond its stream limit: a stream must deliver its whole request within
 * `streamIdleTimeoutMs` or it is reset (never-finished streams once exhausted the heap), streams beyond
 * `maxOpenStreams` over all connections are refused, and a connection with no open stream for `idleTimeoutMs`
 * is closed. A stream whose request is complete may stay open (health Watch), and keeps its connection open too.
 */
function limitSession(session: http2.ServerHttp2Session, config: CoreConfig, streams: StreamCount): void {
  let openStreams = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const closeIdleSession = () => {
    if (session.closed || session.destroyed) return;
    // Announce first, as gRPC servers do, so that a call the client sent before it heard is still served; then
    // close (which waits for open streams, each under its own deadline). A peer stalled mid-frame is cut off.
    session.goaway(http2.constants.NGHTTP2_NO_ERROR, 2 ** 31 - 1);
    setTimeout(() => {
      session.close();
      setTimeout(() => openStreams === 0 && session.destroy(), IDLE_CLOSE_GRACE_MS).unref();
    }, IDLE_CLOSE_GRACE_MS).unref();
  };
  const startIdleTimer = () => {
    idleTimer = setTimeout(closeIdleSession, config.idleTimeoutMs).unref();
  };
  startIdleTimer();
  session.on("stream", (stream) => {
    if (streams.open >= config.maxOpenStreams) {
      // REFUSED_STREAM tells the client nothing was processed, so it may retry.
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    streams.open++;
    openStreams++;
    clearTimeout(idleTimer);
    const deadline = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), config.streamIdleTimeoutMs).unref();
    // 'end' fires once the handler has read the request to its last byte, i.e. the client finished it.
    stream.once("end", () => clearTimeout(deadline));
    stream.once("close", () => {
      clearTimeout(deadline);
      streams.open--;
      if (--openStreams === 0 && !session.closed && !session.destroyed) startIdleTimer();
    });
  });
  session.once("close", () => clearTimeout(idleTimer));
}

/**
 * The outermost interceptor: every error leaves through the one mapping in rpc/errors.ts, and each call is
 * logged once with its outcome and duration (never its payload).
 */
function errorBoundary(log: Logger, accessLog: boolean, rpcMetrics: RequestMetrics): Interceptor {
  return (next) => async (request) => {
    const started = performance.now();
    const rpc = `${request.service.typeName}/${request.method.name}`;
    try {
      const response = await next(request);
      const ms = performance.now() - started;
      rpcMetrics.record(rpc, OK, ms / 1000);
      if (accessLog) log.info("rpc", { rpc, code: "ok", ms: Math.round(ms) });
      return response;
    } catch (error) {
      const mapped = toConnectError(error, log, rpc);
      const ms = performance.now() - started;
      rpcMetrics.record(rpc, mapped.code, ms / 1000);
      if (accessLog) log.info("rpc", { rpc, code: mapped.code, ms: Math.round(ms) });
      throw mapped;
    }
  };
}

/** Version from the root package.json; its modification time stands in for a build time (there is no build). */
function readBuildInfo(): BuildInfo {
  const packageUrl = new URL("../../package.json", import.meta.url);
  const { version } = JSON.parse(readFileSync(packageUrl, "utf8")) as { version: string };
  return { version, buildTime: statSync(packageUrl).mtime };
}
