// The REST gateway's HTTP server: JSON in, one AdminService call to the core, JSON out. It holds no business
// rules; it only checks the shape of requests and translates them. Importing this module starts nothing.

import { randomUUID } from "node:crypto";
import { STATUS_CODES, createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { ConnectError } from "@connectrpc/connect";
import { discardRest, http1ServerOptions } from "../../core/src/http1/listener-limits.ts";
import { DEFAULT_LISTENER_LIMITS, DEFAULT_REST_MAX_BODY_BYTES } from "./config.ts";
import type { ListenerLimits } from "./config.ts";
import { createCoreClient } from "./core-client.ts";
import { createDocsHandler, sendDocs } from "./docs.ts";
import type { CoreClient } from "./core-client.ts";
import {
  HTTP_OK,
  badHttpRequest,
  endpointNotFound,
  incompleteBody,
  fromCoreError,
  internalError,
  invalidEncoding,
  invalidRequest,
  malformedJson,
  methodNotAllowed,
  nestedTooDeep,
  payloadTooLarge,
  unauthorized,
  unsupportedMediaType,
} from "./errors.ts";
import type { HttpResult } from "./errors.ts";
import { withObservability } from "./observability.ts";
import { createRouter } from "./routes.ts";
import type { Router } from "./routes.ts";
import { MAX_JSON_DEPTH, RequestValidationError, controlCharactersInJson, controlCharactersInParams, jsonDepthExceeds } from "./validation.ts";

export type RestGatewayOptions = {
  port: number;
  /** Interface to listen on; defaults to 127.0.0.1. */
  host?: string;
  /** Base URL of the core's gRPC endpoint, e.g. http://127.0.0.1:50051. */
  coreUrl: string;
  /** Largest accepted request body; longer bodies get 413. Defaults to 64 KiB. */
  maxBodyBytes?: number;
  /** Timeouts, header size and connection limits of the listener; defaults in config.ts. */
  limits?: Partial<ListenerLimits>;
  /** Deadline of each core call. Defaults to 30 s. */
  coreTimeoutMs?: number;
  /** Receives one line per request; defaults to stdout. Never given bodies or credentials. */
  log?: (line: string) => void;
};

export type RestGateway = {
  /** Base URL the gateway listens on, e.g. http://127.0.0.1:8081. */
  url: string;
  /**
   * Stops accepting connections, lets requests in flight finish (up to a few seconds), drops the core session.
   * /health/ready answers 503 from the call on.
   */
  close(): Promise<void>;
};

const DEFAULT_CORE_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 5_000;
const REQUEST_ID = /^[\w.:-]{1,128}$/;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** What handling a request needs; built once per gateway and never changed afterwards. */
type GatewayContext = {
  readonly core: CoreClient;
  readonly route: Router;
  readonly log: (line: string) => void;
  readonly maxBodyBytes: number;
  /** The public OpenAPI document and Swagger UI; undefined for every other path. */
  readonly docs: ReturnType<typeof createDocsHandler>;
};

export async function startRestGateway(options: RestGatewayOptions): Promise<RestGateway> {
  const host = options.host ?? "127.0.0.1";
  const ctx: GatewayContext = {
    core: createCoreClient({ coreUrl: options.coreUrl, timeoutMs: options.coreTimeoutMs ?? DEFAULT_CORE_TIMEOUT_MS }),
    route: createRouter(),
    log: options.log ?? ((line: string) => process.stdout.write(`${line}\n`)),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_REST_MAX_BODY_BYTES,
    docs: createDocsHandler(),
  };

  const limits: ListenerLimits = { ...DEFAULT_LISTENER_LIMITS, ...options.limits };
  const stopping = new AbortController();
  const server = createServer(
    http1ServerOptions(limits),
    withObservability(ctx.core, ctx.route, (req, res) => serveRequest(ctx, req, res), stopping.signal),
  );
  server.maxConnections = limits.maxConnections;
  server.on("clientError", answerClientError);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    close: () => {
      // Not ready from here on, while the connections still open finish.
      stopping.abort();
      return closeServer(server, ctx.core);
    },
  };
}

/** Answers one request, whatever happens, and logs it. */
function serveRequest(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const requestId = requestIdOf(req);
  const path = (req.url ?? "/").split("?", 1)[0];
  const docs = ctx.docs(req.method ?? "", path);
  if (docs !== undefined) {
    docs
      .then((answer) => sendDocs(res, req.method ?? "GET", answer))
      .catch((err: unknown) => {
        process.stderr.write(`rest-gateway: cannot serve ${path}: ${describe(err)}\n`);
        send(res, internalError(), requestId);
      });
    return;
  }
  handleRequest(ctx, req, res, requestId)
    .catch((err: unknown) => {
      process.stderr.write(`rest-gateway: unexpected failure on ${req.method} ${path}: ${describe(err)}\n`);
      return internalError();
    })
    .then((result) => {
      // A body left unread (an early 401 or 413) is dropped while the answer goes out, then the connection closes.
      send(res, result, requestId, req);
      const ms = (performance.now() - started).toFixed(1);
      ctx.log(`${new Date().toISOString()} ${req.method} ${path.slice(0, 200)} ${result.status} ${ms}ms ${requestId}`);
    });
}

/**
 * Credentials → route → content type → body → one core call; every expected failure
 * becomes its HTTP result. Credentials come first: without any the answer is 401 at once, and before a path
 * is looked up or a body read the core checks them (CheckAdminCredentials), so an unauthenticated caller
 * learns nothing about paths and cannot make the gateway read a body. A body-less call to a known route skips
 * that round trip: the core checks the credentials of the call itself.
 */
async function handleRequest(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<HttpResult> {
  const [path, rawQuery = ""] = (req.url ?? "/").split(/\?(.*)/s, 2);
  const authorization = req.headers.authorization;
  if (authorization === undefined || authorization.trim() === "") return unauthorized();

  // Abort the core calls when the REST caller hangs up; nobody would read the answer.
  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const call = {
    signal: abort.signal,
    headers: {
      authorization,
      "x-request-id": requestId,
      "x-forwarded-for": forwardedFor(req),
      // The address the core throttles failed logins by; the core believes it only from trusted gateways.
      "x-powerauth-client-address": req.socket.remoteAddress ?? "",
    },
  };

  const match = ctx.route(req.method ?? "", path);
  if (match.kind !== "found" || hasBody(req)) {
    try {
      await ctx.core.admin.checkAdminCredentials({}, call);
    } catch (err) {
      return fromCoreError(err);
    }
  }
  if (match.kind === "not-found") return endpointNotFound();
  if (match.kind === "method-not-allowed") return methodNotAllowed(req.method ?? "", match.allow);
  if (match.route.body && hasBody(req) && !isJsonContentType(req.headers["content-type"])) return unsupportedMediaType();

  const raw = await readBody(req, ctx.maxBodyBytes);
  if (raw === "too-large") return payloadTooLarge(ctx.maxBodyBytes);
  if (raw === "aborted") return incompleteBody();
  let body: unknown;
  if (match.route.body && raw.length > 0) {
    let text: string;
    try {
      // Non-fatal decoding would store U+FFFD in place of the caller's bytes.
      text = UTF8.decode(raw);
    } catch {
      return invalidEncoding();
    }
    // Before parsing: the core's protobuf values refuse deep nesting with an internal error, and so would a stack.
    if (jsonDepthExceeds(text)) return nestedTooDeep(MAX_JSON_DEPTH);
    try {
      body = JSON.parse(text);
    } catch {
      return malformedJson();
    }
  }
  // A NUL or other control character in an id or a JSON string can never be valid (nor stored).
  const controls = [...controlCharactersInParams(match.params), ...controlCharactersInJson(body)];
  if (controls.length > 0) return invalidRequest(new RequestValidationError(controls), "violations");

  try {
    const json = await match.route.handle({
      params: match.params,
      query: new URLSearchParams(rawQuery),
      body,
      admin: ctx.core.admin,
      call,
    });
    return { status: HTTP_OK, body: json };
  } catch (err) {
    if (err instanceof RequestValidationError) return invalidRequest(err, match.route.validation);
    if (err instanceof ConnectError) return fromCoreError(err);
    throw err;
  }
}

/** Whether the request announces a body (a length above zero, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return Number(length) > 0;
  return req.headers["transfer-encoding"] !== undefined;
}

/**
 * Requests Node's parser rejects (malformed, oversized headers, a header or body timeout) still get the JSON
 * envelope, then the connection closes. A response already under way is cut instead.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || responding.has(socket)) {
    socket.destroy();
    return;
  }
  const result = badHttpRequest(err.code);
  const payload = JSON.stringify(result.body);
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${result.status} ${STATUS_CODES[result.status]}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n\r\n${payload}`,
  );
}

/** Sockets whose response has started: a late parser error must not write a second status line into them. */
const responding = new WeakSet<Duplex>();

/**
 * Writes a complete answer. When `req`'s body is still arriving, the answer goes out at once with
 * `connection: close`, and the response ends (closing the connection) once the rest has been dropped.
 */
function send(res: ServerResponse, result: HttpResult, requestId: string, req?: IncomingMessage): void {
  const socket = res.socket;
  if (res.headersSent || res.destroyed || socket === null || socket.destroyed) return;
  responding.add(socket);
  res.once("finish", () => responding.delete(socket));
  const payload = JSON.stringify(result.body);
  const unread = req !== undefined && !req.complete;
  res.writeHead(result.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    // Application details include secrets (appSecret); keep them out of shared caches.
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-request-id": requestId,
    ...result.headers,
    ...(unread && { connection: "close" }),
  });
  if (!unread) {
    res.end(payload);
    return;
  }
  res.write(payload);
  void discardRest(req).then(() => res.end());
}

/**
 * Reads the whole body, or stops at the limit. Past the limit the rest is discarded unread (the caller then
 * answers 413 with `Connection: close`); the stream is not destroyed, so the answer still reaches the client.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large" | "aborted"> {
  return new Promise((resolve) => {
    if (Number(req.headers["content-length"] ?? 0) > limit) {
      resolve("too-large");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.resume();
      resolve("too-large");
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", () => resolve("aborted"));
    req.once("aborted", () => resolve("aborted"));
  });
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return true;
  const type = value.split(";", 1)[0].trim().toLowerCase();
  return type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type);
}

function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers["x-request-id"];
  return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

function forwardedFor(req: IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  const incoming = req.headers["x-forwarded-for"];
  return typeof incoming === "string" && incoming.trim() !== "" ? `${incoming}, ${peer}` : peer;
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

async function closeServer(server: ReturnType<typeof createServer>, core: CoreClient): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
  force.unref();
  await closed;
  clearTimeout(force);
  core.close();
}
