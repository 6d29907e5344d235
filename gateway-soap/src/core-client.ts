// The gateway's only way to the core: one HTTP/2 (h2c) connection carrying unary gRPC calls, used generically for
// any unary RPC of either PowerAuthService, so translation stays table-free.
//
// The calls are made on node:http2 directly rather than through Connect's transport: a SOAP request is one unary
// call, and Connect's client pipeline (async iterables, envelope transforms) cost the gateway about as much CPU per
// request as all of its XML work. What the call needs is small: frame the message, send the deadline and the
// credentials, read the one answer, and turn a non-OK status (with its error details) into a ConnectError with
// Connect's own trailer decoding, so faults.ts sees exactly what it saw before.

import http2 from "node:http2";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMethodUnary, Message } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { findTrailerError } from "@connectrpc/connect/protocol-grpc";
import { ENVELOPE_HEADER_BYTES, envelope } from "../../core/src/transport/grpc-envelope.ts";
import type { UsernameToken } from "./envelope.ts";

export interface CoreClient {
  /** Calls a unary RPC; rejects with ConnectError (Unavailable when the core cannot be reached). */
  call(method: DescMethodUnary, request: Message, options: CoreCallOptions): Promise<Message>;
  /** Closes the HTTP/2 connection to the core. */
  close(): void;
}

export interface CoreCallOptions {
  readonly headers: Headers;
  readonly signal?: AbortSignal;
}

export interface CoreClientOptions {
  /** e.g. http://127.0.0.1:50051 */
  readonly coreUrl: string;
  /** Deadline sent with every call. */
  readonly timeoutMs?: number;
}

export function createCoreClient(options: CoreClientOptions): CoreClient {
  const connection = new CoreConnection(options.coreUrl);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    call(method, request, { headers, signal }) {
      let session: http2.ClientHttp2Session;
      try {
        session = connection.session();
      } catch (error) {
        return Promise.reject(error instanceof ConnectError ? error : unavailable(error));
      }
      return unaryCall(session, method, request, headers, timeoutMs, signal);
    },
    close() {
      connection.close();
    },
  };
}

/** One HTTP/2 session to the core, opened again on the next call after it closed or failed. */
class CoreConnection {
  private readonly url: string;
  private current: http2.ClientHttp2Session | undefined;
  private closed = false;

  constructor(url: string) {
    this.url = url;
  }

  session(): http2.ClientHttp2Session {
    if (this.closed) throw new ConnectError("the core client is closed", Code.Unavailable);
    if (!this.current || this.current.closed || this.current.destroyed) {
      const session = http2.connect(this.url);
      // A failed connection fails its calls (each stream reports it); the next call connects again.
      session.on("error", () => {});
      session.on("goaway", () => session.close());
      session.once("close", () => {
        if (this.current === session) this.current = undefined;
      });
      this.current = session;
    }
    return this.current;
  }

  close(): void {
    this.closed = true;
    this.current?.destroy();
    this.current = undefined;
  }
}

function unaryCall(
  session: http2.ClientHttp2Session,
  method: DescMethodUnary,
  request: Message,
  headers: Headers,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Message> {
  return new Promise<Message>((resolve, reject) => {
    if (signal?.aborted) return reject(new ConnectError("the call was canceled", Code.Canceled));
    const requestHeaders: http2.OutgoingHttpHeaders = {
      ":method": "POST",
      ":path": `/${method.parent.typeName}/${method.name}`,
      "content-type": "application/grpc+proto",
      te: "trailers",
      "grpc-timeout": `${timeoutMs}m`,
    };
    headers.forEach((value, name) => {
      requestHeaders[name] = value;
    });
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(requestHeaders);
    } catch (error) {
      return reject(unavailable(error));
    }
    let settled = false;
    let answered = false;
    const settle = (error: ConnectError | undefined, message?: Message) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      signal?.removeEventListener("abort", onAbort);
      // Only a call given up on is reset. A reset after the answer's end reaches the core for a stream it already
      // closed, which Node counts as an invalid frame: after 1,000 of them it ends the whole connection (GOAWAY).
      if (!answered && !stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
      if (error) reject(error);
      else resolve(message!);
    };
    const onAbort = () => settle(new ConnectError("the call was canceled", Code.Canceled));
    signal?.addEventListener("abort", onAbort, { once: true });
    const deadline = setTimeout(() => settle(new ConnectError("the core did not answer in time", Code.DeadlineExceeded)), timeoutMs);

    let responseHeaders: http2.IncomingHttpHeaders | undefined;
    let responseTrailers: http2.IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    stream.on("response", (answer) => {
      responseHeaders = answer;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    // Trailers can arrive before the readable side has handed over every data chunk; "end" comes after both.
    stream.on("trailers", (trailers) => {
      responseTrailers = trailers;
    });
    stream.on("end", () => {
      answered = true;
      if (responseHeaders) settle(...outcome(method, responseHeaders, responseTrailers, chunks));
    });
    stream.on("error", (error) => settle(unavailable(error)));
    stream.on("close", () => {
      // Without "end" (a reset stream) whatever arrived decides; trailers-only answers carry the status in the headers.
      if (responseHeaders) settle(...outcome(method, responseHeaders, responseTrailers, chunks));
      else settle(new ConnectError("the core closed the call without an answer", Code.Unavailable));
    });
    stream.end(envelope(toBinary(method.input, request)));
  });
}

/** The call's result from its headers, trailers and message bytes. */
function outcome(
  method: DescMethodUnary,
  headers: http2.IncomingHttpHeaders | undefined,
  trailers: http2.IncomingHttpHeaders | undefined,
  chunks: Buffer[],
): [ConnectError | undefined, Message?] {
  const status = Number(headers?.[":status"]);
  if (status !== 200) return [new ConnectError(`the core answered HTTP ${status}`, status === 503 ? Code.Unavailable : Code.Internal)];
  const error = findTrailerError(toWebHeaders(trailers ?? headers));
  if (error) return [error];
  if (!trailers && headers?.["grpc-status"] === undefined) return [new ConnectError("the core's answer has no status", Code.Internal)];
  const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  if (body.length < ENVELOPE_HEADER_BYTES || body[0] !== 0 || body.readUInt32BE(1) !== body.length - ENVELOPE_HEADER_BYTES) {
    return [new ConnectError("the core's answer is not one uncompressed message", Code.Internal)];
  }
  try {
    return [undefined, fromBinary(method.output, body.subarray(ENVELOPE_HEADER_BYTES))];
  } catch {
    return [new ConnectError("the core's answer did not decode", Code.Internal)];
  }
}

function toWebHeaders(headers: http2.IncomingHttpHeaders | undefined): Headers {
  const web = new Headers();
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 /* ":" */) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) web.append(name, item);
    else web.set(name, value);
  }
  return web;
}

function unavailable(error: unknown): ConnectError {
  return new ConnectError(`the core cannot be reached: ${error instanceof Error ? error.message : String(error)}`, Code.Unavailable);
}

/**
 * gRPC metadata for a call: the WS-Security UsernameToken becomes `authorization: Basic base64(user:pass)`.
 * Whether credentials are required, and whether they are valid, is the core's decision.
 */
export function coreHeaders(credentials: UsernameToken | undefined): Headers {
  const headers = new Headers();
  if (credentials) {
    const token = Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64");
    headers.set("authorization", `Basic ${token}`);
  }
  return headers;
}
