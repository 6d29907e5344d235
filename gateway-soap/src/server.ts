// The HTTP side of the gateway: POST {ctx}/soap for both namespaces, GET {ctx}/soap/serviceV3.wsdl and
// serviceV2.wsdl. One request = parse envelope → dispatch → XML to proto → one core call → proto to XML.

import { STATUS_CODES, createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { coreHeaders, createCoreClient } from "./core-client.ts";
import type { CoreClient } from "./core-client.ts";
import { discardRest, http1ServerOptions } from "../../core/src/http1/listener-limits.ts";
import { DEFAULT_LISTENER_LIMITS, DEFAULT_SOAP_MAX_BODY_BYTES } from "./config.ts";
import type { ListenerLimits } from "./config.ts";
import { createCredentialGate } from "./credential-gate.ts";
import type { CredentialGate } from "./credential-gate.ts";
import { readEnvelope, renderFault, renderResponse } from "./envelope.ts";
import {
  faultFor,
  faultForRejectedConnection,
  HTTP_STATUS,
  outcomeOf,
  RequestEncodingError,
  RequestIncompleteError,
  RequestTooLargeError,
  ResponseMappingError,
} from "./faults.ts";
import { fromSoapRequest, toSoapResponse } from "./mapping.ts";
import { soapObservability } from "./observability.ts";
import { findOperation, loadSoapServices, readPackageFile } from "./soap-services.ts";
import type { SoapService } from "./soap-services.ts";
import { soapAddressFor, withSoapAddress } from "./wsdl.ts";

export const SOAP_PATH = "/powerauth-java-server/soap";
const CONTENT_TYPE_XML = "text/xml; charset=utf-8";

export interface RequestLogLine {
  readonly surface: "soap";
  readonly method: string;
  readonly path: string;
  /** "v3:GetActivationStatus", "wsdl:serviceV3.wsdl", or "-" before dispatch. */
  readonly operation: string;
  readonly outcome: "ok" | "client-fault" | "server-fault" | "not-found" | "method-not-allowed";
  readonly status: number;
  readonly ms: number;
  /** Error class or core code, never message text from the request. */
  readonly error?: string;
}

export interface SoapGatewayOptions {
  readonly port: number;
  readonly host?: string;
  readonly coreUrl: string;
  /** Largest accepted request body; default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Timeouts, header size and connection limits of the listener; defaults in config.ts. */
  readonly limits?: Partial<ListenerLimits>;
  /** Deadline of each core call; default 30 s. */
  readonly coreTimeoutMs?: number;
  /** Receives one line per request; default writes JSON to stdout. */
  readonly log?: (line: RequestLogLine) => void;
}

export interface SoapGateway {
  /** The SOAP endpoint, e.g. http://127.0.0.1:8080/powerauth-java-server/soap; WSDLs are at `${url}/serviceV3.wsdl`. */
  readonly url: string;
  /** Stops accepting connections and lets those open finish (2 s at most); /health/ready answers 503 from the call on. */
  close(): Promise<void>;
}

/** Starts the gateway; resolves once it listens. Loading fails fast if the XSDs and the proto contract differ. */
export async function startSoapGateway(options: SoapGatewayOptions): Promise<SoapGateway> {
  const host = options.host ?? "127.0.0.1";
  const services = loadSoapServices();
  const wsdls = new Map(services.map((s) => [`${SOAP_PATH}/${s.wsdlFile}`, readPackageFile(`wsdl/${s.wsdlFile}`)]));
  const core = createCoreClient({ coreUrl: options.coreUrl, timeoutMs: options.coreTimeoutMs });
  const writeLog = options.log ?? ((line: RequestLogLine) => process.stdout.write(`${JSON.stringify(line)}\n`));
  const stopping = new AbortController();
  const observability = soapObservability(core, stopping.signal);
  // Every request ends in exactly one log line, so that is where it is counted.
  const log = (line: RequestLogLine) => {
    observability.countRequest(line);
    writeLog(line);
  };
  const ctx: HandlerContext = {
    services,
    wsdls,
    core,
    credentials: createCredentialGate(core),
    log,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_SOAP_MAX_BODY_BYTES,
    selfHost: "",
  };
  const limits: ListenerLimits = { ...DEFAULT_LISTENER_LIMITS, ...options.limits };

  const server = createServer(
    http1ServerOptions(limits),
    (req, res) => {
      if (observability.serve(req, res)) return;
      handle(ctx, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(HTTP_STATUS.fault);
        res.end();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => answerRejectedConnection(ctx, err, socket));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostPort = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  ctx.selfHost = hostPort;
  return {
    url: `http://${hostPort}${SOAP_PATH}`,
    close: async () => {
      // Not ready from here on, while the connections still open finish.
      stopping.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      core.close();
    },
  };
}

interface HandlerContext {
  readonly services: readonly SoapService[];
  readonly wsdls: ReadonlyMap<string, string>;
  readonly core: CoreClient;
  readonly credentials: CredentialGate;
  readonly log: (line: RequestLogLine) => void;
  readonly maxBodyBytes: number;
  selfHost: string;
}

async function handle(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? "";
  const path = (req.url ?? "/").split("?")[0];
  const finish = (line: Omit<RequestLogLine, "surface" | "method" | "path" | "ms">) =>
    ctx.log({ surface: "soap", method, path, ...line, ms: Math.round((performance.now() - started) * 10) / 10 });

  const wsdl = ctx.wsdls.get(path);
  if (wsdl !== undefined) {
    if (method !== "GET" && method !== "HEAD") {
      sendPlain(res, HTTP_STATUS.methodNotAllowed, "Method Not Allowed\n", { Allow: "GET, HEAD" });
      return finish({ operation: `wsdl:${path.slice(SOAP_PATH.length + 1)}`, outcome: "method-not-allowed", status: HTTP_STATUS.methodNotAllowed });
    }
    const body = withSoapAddress(wsdl, soapAddressFor(req.headers.host, ctx.selfHost, SOAP_PATH));
    send(res, HTTP_STATUS.ok, body, method === "HEAD");
    return finish({ operation: `wsdl:${path.slice(SOAP_PATH.length + 1)}`, outcome: "ok", status: HTTP_STATUS.ok });
  }
  if (path !== SOAP_PATH && !path.startsWith(`${SOAP_PATH}/`)) {
    sendPlain(res, HTTP_STATUS.notFound, "Not Found\n");
    return finish({ operation: "-", outcome: "not-found", status: HTTP_STATUS.notFound });
  }
  if (method !== "POST") {
    sendPlain(res, HTTP_STATUS.methodNotAllowed, "Method Not Allowed\n", { Allow: "POST" });
    return finish({ operation: "-", outcome: "method-not-allowed", status: HTTP_STATUS.methodNotAllowed });
  }

  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  let operation = "-";
  let opName: string | undefined;
  try {
    const text = await readBody(req, ctx.maxBodyBytes);
    const envelope = readEnvelope(text);
    const { service, op } = findOperation(ctx.services, envelope.payload);
    operation = `${service.version}:${op.name}`;
    opName = op.name;
    // Before the payload is decoded: a caller the core would refuse gets no XSD decoding of its input.
    await ctx.credentials.admit(envelope.credentials, op.name, abort.signal);
    const request = fromSoapRequest(op, envelope.payload);
    const response = await ctx.core.call(op.method, request.message, {
      headers: coreHeaders(envelope.credentials),
      signal: abort.signal,
    });
    const payload = toSoapResponse(op, response, { laterProtocols: request.laterProtocols });
    send(res, HTTP_STATUS.ok, renderResponse(payload));
    finish({ operation, outcome: "ok", status: HTTP_STATUS.ok });
  } catch (err) {
    const fault = faultFor(err, { operation: opName });
    // A body left unread (too large, or refused before it was read) is dropped while the answer goes out.
    send(res, fault.httpStatus, renderFault(fault), false, {}, req);
    finish({ operation, outcome: outcomeOf(fault), status: fault.httpStatus, error: errorLabel(err) });
  }
}

/** Reads the body as UTF-8 text, refusing more than `limit` bytes and any charset other than UTF-8. */
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    throw new RequestTooLargeError(`Request body exceeds ${limit} bytes.`);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.headers["content-type"] ?? "")?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new RequestEncodingError(`Unsupported charset "${charset}": send UTF-8.`);
  }
  const bytes = await collectBody(req, limit);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new RequestEncodingError("Request body is not valid UTF-8.");
  }
}

/**
 * The body's bytes, up to `limit`. Listeners rather than `for await`: leaving an async iterator early destroys
 * the request, and with it the socket the 413 must still be written to.
 */
function collectBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.pause();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        reject(new RequestTooLargeError(`Request body exceeds ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onClose = () => {
      stop();
      reject(new RequestIncompleteError("The request body was not fully received."));
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("close", onClose);
  });
}

/**
 * Requests Node's parser refuses (headers too large or too slow, a body that stalls past the request timeout,
 * malformed HTTP) still get a SOAP fault, then the connection closes. A response already under way is cut.
 */
function answerRejectedConnection(ctx: HandlerContext, err: NodeJS.ErrnoException, socket: Duplex): void {
  const fault = faultForRejectedConnection(err.code);
  ctx.log({ surface: "soap", method: "-", path: "-", operation: "-", outcome: outcomeOf(fault), status: fault.httpStatus, ms: 0, error: err.code ?? err.name });
  if (!socket.writable || responding.has(socket)) {
    socket.destroy();
    return;
  }
  const body = Buffer.from(renderFault(fault), "utf8");
  socket.once("finish", () => socket.destroy());
  socket.end(
    Buffer.concat([
      Buffer.from(
        `HTTP/1.1 ${fault.httpStatus} ${STATUS_CODES[fault.httpStatus]}\r\nContent-Type: ${CONTENT_TYPE_XML}\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      ),
      body,
    ]),
  );
}

/** Sockets whose response has started: a late parser error must not write a second status line into them. */
const responding = new WeakSet<Duplex>();

/**
 * Writes a complete answer. When `req`'s body is still arriving, the answer goes out at once with
 * `Connection: close`, and the response ends (closing the connection) once the rest has been dropped.
 */
function send(res: ServerResponse, status: number, body: string, headOnly = false, extra: Record<string, string> = {}, req?: IncomingMessage): void {
  const socket = res.socket;
  if (res.destroyed || socket === null || socket.destroyed) return;
  responding.add(socket);
  res.once("finish", () => responding.delete(socket));
  const bytes = Buffer.from(body, "utf8");
  const unread = req !== undefined && !req.complete;
  res.writeHead(status, { "Content-Type": CONTENT_TYPE_XML, "Content-Length": String(bytes.length), ...extra, ...(unread && { Connection: "close" }) });
  if (!unread) {
    res.end(headOnly ? undefined : bytes);
    return;
  }
  res.write(bytes);
  void discardRest(req).then(() => res.end());
}

function sendPlain(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...extra });
  res.end(body);
}

/** What the log line says went wrong: class names, core codes and error codes only, no request text. */
function errorLabel(err: unknown): string {
  if (err instanceof ConnectError) {
    const code = err.findDetails(ErrorDetailSchema)[0]?.code;
    return `core:${Code[err.code] ?? err.code}${code ? `/${code}` : ""}`;
  }
  if (err instanceof ResponseMappingError) return `${err.name}: ${err.message}`;
  if (err instanceof Error && !KNOWN_CLIENT_ERRORS.has(err.name)) return `${err.name}: ${err.message}`;
  return err instanceof Error ? err.name : "unknown";
}

/** Errors whose messages may quote the request; only their names are logged. */
const KNOWN_CLIENT_ERRORS: ReadonlySet<string> = new Set([
  "XmlSyntaxError",
  "XsdInputError",
  "SoapEnvelopeError",
  "UnknownOperationError",
  "RequestTooLargeError",
  "RequestEncodingError",
  "RequestIncompleteError",
]);
