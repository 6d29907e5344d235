import { readFileSync, statSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { AddressInfo } from "node:net";
import type { Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { CoreConfig } from "./config.ts";
import { expireAbandonedActivations } from "./domain/activations/activation-expiry.ts";
import { ActivationKeyCache } from "./domain/activations/activation-keys.ts";
import { ensureInitialAdmin } from "./domain/access/admin-users.ts";
import type { BuildInfo } from "./domain/system/system-status.ts";
import { createLogger } from "./logger.ts";
import type { Logger } from "./logger.ts";
import { initOrm } from "./persistence/db.ts";
import type { Db } from "./persistence/db.ts";
import { accessControl } from "./rpc/auth.ts";
import type { Deps } from "./rpc/deps.ts";
import { toConnectError } from "./rpc/errors.ts";
import { routes } from "./rpc/routes.ts";

/** Largest request message the core accepts; PowerAuth payloads are a few KiB. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** The client connection preface every HTTP/2 (h2c) connection starts with. */
const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

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
  const db = options.db ?? (await initOrm({ databaseUrl: config.databaseUrl, pgliteDir: config.pgliteDir, poolSize: config.databasePoolSize }));
  if (config.adminUsername && config.adminPassword) {
    const outcome = await ensureInitialAdmin(db, config.adminUsername, config.adminPassword);
    log.info(outcome === "created" ? "initial admin user created" : "initial admin user already present", {
      username: config.adminUsername,
    });
  }
  const deps: Deps = { db, config, log, build: readBuildInfo(), activationKeys: new ActivationKeyCache(config) };
  const expiryJob = startPeriodicJob("activation expiry", config.activationExpiryJobIntervalMs, log, async () => {
    const removed = await expireAbandonedActivations(db);
    if (removed > 0) log.info("expired abandoned activations", { removed });
  });
  const handler = connectNodeAdapter({
    routes: routes(deps),
    interceptors: [errorBoundary(log, options.accessLog ?? true), accessControl(deps)],
    readMaxBytes: MAX_MESSAGE_BYTES,
  });

  const h2 = http2.createServer({}, handler);
  const h1 = http.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const listener = net.createServer((socket) => routeConnection(socket, h1, h2));
  try {
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    await expiryJob.stop();
    if (ownsDb) await db.close();
    throw error;
  }
  const port = (listener.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        listener.close(() => resolve());
        for (const session of sessions) session.close();
        h1.closeIdleConnections();
      });
      await expiryJob.stop();
      if (ownsDb) await db.close();
      log.info("core stopped");
    })());
  return { url, port, db, close };
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

/** Hands a new connection to the HTTP/2 or the HTTP/1.1 server depending on its first bytes. */
function routeConnection(socket: net.Socket, h1: http.Server, h2: http2.Http2Server): void {
  socket.once("data", (first) => {
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

/**
 * The outermost interceptor: every error leaves through the one mapping in rpc/errors.ts, and each call is
 * logged once with its outcome and duration (never its payload).
 */
function errorBoundary(log: Logger, accessLog: boolean): Interceptor {
  return (next) => async (request) => {
    const started = performance.now();
    const rpc = `${request.service.typeName}/${request.method.name}`;
    try {
      const response = await next(request);
      if (accessLog) log.info("rpc", { rpc, code: "ok", ms: Math.round(performance.now() - started) });
      return response;
    } catch (error) {
      const mapped = toConnectError(error, log, rpc);
      if (accessLog) log.info("rpc", { rpc, code: mapped.code, ms: Math.round(performance.now() - started) });
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
