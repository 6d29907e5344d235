// What an HTTP/1.1 listener of ours allows a client — time for headers and body, idle time between requests,
// header size, connections — and how an answer given before the body was read still reaches the client.
// Shared by both gateways (each reads its own PREFIX_… variables).

import type { IncomingMessage, ServerOptions } from "node:http";

export interface ListenerLimits {
  /** A request's headers (a new connection's first request included) must arrive within this. */
  readonly headersTimeoutMs: number;
  /** A request, body included, must arrive within this; a stalled body is answered 408 and closed. */
  readonly requestTimeoutMs: number;
  /** A keep-alive connection with no request in progress is closed after this. */
  readonly idleTimeoutMs: number;
  /** Largest request header block; more is answered 431. */
  readonly maxHeaderBytes: number;
  /** Open connections; more are closed at once. */
  readonly maxConnections: number;
}

export const DEFAULT_LISTENER_LIMITS: ListenerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 1000,
};

type Env = Readonly<Record<string, string | undefined>>;

/** `PREFIX_HEADERS_TIMEOUT_MS`, `…_REQUEST_TIMEOUT_MS`, `…_IDLE_TIMEOUT_MS`, `…_MAX_HEADER_BYTES`, `…_MAX_CONNECTIONS`. */
export function listenerLimitsFromEnv(env: Env, prefix: string): ListenerLimits {
  const limits: ListenerLimits = {
    headersTimeoutMs: integerSetting(env, `${prefix}_HEADERS_TIMEOUT_MS`, DEFAULT_LISTENER_LIMITS.headersTimeoutMs, 100),
    requestTimeoutMs: integerSetting(env, `${prefix}_REQUEST_TIMEOUT_MS`, DEFAULT_LISTENER_LIMITS.requestTimeoutMs, 100),
    idleTimeoutMs: integerSetting(env, `${prefix}_IDLE_TIMEOUT_MS`, DEFAULT_LISTENER_LIMITS.idleTimeoutMs, 100),
    maxHeaderBytes: integerSetting(env, `${prefix}_MAX_HEADER_BYTES`, DEFAULT_LISTENER_LIMITS.maxHeaderBytes, 1024),
    maxConnections: integerSetting(env, `${prefix}_MAX_CONNECTIONS`, DEFAULT_LISTENER_LIMITS.maxConnections, 1),
  };
  // Node refuses a request timeout shorter than the header timeout; say so in our terms.
  if (limits.requestTimeoutMs < limits.headersTimeoutMs) {
    throw new Error(`${prefix}_REQUEST_TIMEOUT_MS must be at least ${prefix}_HEADERS_TIMEOUT_MS`);
  }
  return limits;
}

/** A whole number of at least `min` from `name`, or `fallback` when unset; anything else stops the process. */
export function integerSetting(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer of at least ${min}, not "${raw}"`);
  }
  return value;
}

/** node:http server options enforcing `limits` (the connection count is set on the server: `maxConnections`). */
export function http1ServerOptions(limits: ListenerLimits): ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    // Node checks the two timeouts above on this period (default 30 s), so a short timeout needs a short period.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/**
 * An answer given before the body was read (413, 401, an authentication fault) is written at once, but the
 * connection stays open while the rest of the body arrives and is dropped: closing on a client that reads only
 * after sending everything resets the connection and loses the answer. At most this much is dropped (a larger
 * declared body is not waited for), and the connection closes once the client pauses for
 * {@link LINGER_IDLE_MS} (a stalled body) or the request timeout passes.
 */
const MAX_DISCARDED_BODY_BYTES = 64 * 1024 * 1024;
const LINGER_IDLE_MS = 2000;

/** Reads and drops what is left of `req`'s body (see above); resolves when the connection may close. */
export function discardRest(req: IncomingMessage): Promise<void> {
  const declaredLength = Number(req.headers["content-length"] ?? 0);
  if (req.complete || req.destroyed || declaredLength > MAX_DISCARDED_BODY_BYTES) return Promise.resolve();
  return new Promise((resolve) => {
    let dropped = 0;
    let idle: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(idle);
      req.off("data", onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      dropped += chunk.length;
      clearTimeout(idle);
      if (dropped > MAX_DISCARDED_BODY_BYTES) done();
      else idle = setTimeout(done, LINGER_IDLE_MS);
    };
    idle = setTimeout(done, LINGER_IDLE_MS);
    req.on("data", onData);
    req.once("end", done);
    req.once("close", done);
    req.resume();
  });
}
