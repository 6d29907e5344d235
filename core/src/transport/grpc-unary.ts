import type http2 from "node:http2";
import { toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createHandlerContext } from "@connectrpc/connect";
import type { ContextValues, Interceptor, MethodImplSpec } from "@connectrpc/connect";
import { invokeUnaryImplementation } from "@connectrpc/connect/protocol";
import { parseTimeout, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { ENVELOPE_HEADER_BYTES, envelope } from "./grpc-envelope.ts";
import { decodeOrMark } from "./malformed-request.ts";

/** A unary method with its implementation, as Connect's router registered it. */
export type UnaryMethodSpec = Extract<MethodImplSpec, { kind: "unary" }>;

export interface UnaryGrpcOptions {
  /** The interceptors Connect's router runs, in the same order. */
  interceptors: readonly Interceptor[];
  /** Largest request message accepted, as Connect's `readMaxBytes`. */
  readMaxBytes: number;
  contextValues(request: http2.Http2ServerRequest): ContextValues;
}

const RESPONSE_CONTENT_TYPE = "application/grpc+proto";
/** Aborts a finished call's signal (which also stops its deadline timer); a reason, so no DOMException is built. */
const CALL_FINISHED = new ConnectError("call finished", Code.Canceled);
const CLIENT_CANCELED = new ConnectError("the client canceled the call", Code.Canceled);

/**
 * A lean server for unary gRPC calls over HTTP/2 (binary protobuf, no compression): the same method
 * implementations, interceptors, error encoding (status, message, details and metadata in the trailers),
 * deadlines and size limit as Connect's gRPC handler, without its per-call stream pipeline, which costs several
 * times the CPU of the call's own work. Returns a function that serves a request and returns true, or returns
 * false for anything else (Connect, gRPC-Web, JSON, compressed or streaming calls), which Connect then serves.
 */
export function createUnaryGrpcServer(
  methods: ReadonlyMap<string, UnaryMethodSpec>,
  options: UnaryGrpcOptions,
): (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => boolean {
  return (request, response) => {
    if (request.method !== "POST") return false;
    const headers = request.headers;
    const contentType = headers["content-type"];
    if (contentType !== "application/grpc" && contentType !== RESPONSE_CONTENT_TYPE) return false;
    const encoding = headers["grpc-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    const spec = methods.get(request.url);
    if (!spec) return false;
    serveUnaryCall(spec, request, response, options).catch((error: unknown) => {
      // Only a failure to write the answer gets here (the connection went away): nothing is left to tell.
      if (!response.stream.destroyed) response.stream.close();
      void error;
    });
    return true;
  };
}

async function serveUnaryCall(
  spec: UnaryMethodSpec,
  request: http2.Http2ServerRequest,
  response: http2.Http2ServerResponse,
  options: UnaryGrpcOptions,
): Promise<void> {
  const timeout = parseTimeout(headerValue(request.headers["grpc-timeout"]), Number.MAX_SAFE_INTEGER);
  const context = createHandlerContext({
    service: spec.method.parent,
    method: spec.method,
    protocolName: "grpc",
    requestMethod: "POST",
    url: `http://${request.headers[":authority"] ?? "localhost"}${request.url}`,
    timeoutMs: timeout.timeoutMs,
    requestHeader: requestHeaderPairs(request.headers),
    responseHeader: { "content-type": RESPONSE_CONTENT_TYPE },
    responseTrailer: { "grpc-status": "0" },
    contextValues: options.contextValues(request),
  });
  const onClientGone = () => context.abort(CLIENT_CANCELED);
  request.once("aborted", onClientGone);
  try {
    if (timeout.error) throw timeout.error;
    const body = await readBody(request, options.readMaxBytes + ENVELOPE_HEADER_BYTES);
    const input = requestMessage(spec, body, context.values);
    const invoked = invokeUnaryImplementation(spec, context, input, options.interceptors as Interceptor[]);
    const output = await (timeout.timeoutMs === undefined ? invoked : untilAborted(invoked, context.signal));
    respond(response, context.responseHeader, envelope(toBinary(spec.method.output, output)), context.responseTrailer);
  } catch (error) {
    const failure = error instanceof ConnectError ? error : new ConnectError("internal error", Code.Internal, undefined, undefined, error);
    respond(response, context.responseHeader, undefined, setTrailerStatus(context.responseTrailer, failure));
  } finally {
    request.off("aborted", onClientGone);
    if (timeout.timeoutMs !== undefined) context.abort(CALL_FINISHED);
  }
}

/**
 * The call's input message from its one envelope; a message that does not decode is marked for
 * refuseMalformedRequest (in the interceptor chain, so it is logged and counted like any bad input).
 */
function requestMessage(spec: UnaryMethodSpec, body: Buffer, values: ContextValues) {
  if (body.length === 0) throw new ConnectError("protocol error: missing input message for unary method", Code.Unimplemented);
  if (body.length < ENVELOPE_HEADER_BYTES) throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
  const length = body.readUInt32BE(1);
  if (body.length > ENVELOPE_HEADER_BYTES + length) {
    throw new ConnectError("protocol error: received extra input message for unary method", Code.Unimplemented);
  }
  if (body.length < ENVELOPE_HEADER_BYTES + length) {
    throw new ConnectError(`protocol error: promised ${length} bytes in enveloped message, got ${body.length - ENVELOPE_HEADER_BYTES} bytes`, Code.InvalidArgument);
  }
  if (body[0] !== 0) throw new ConnectError("received compressed envelope, but do not know how to decompress", Code.Internal);
  return decodeOrMark(spec.method.input, body.subarray(ENVELOPE_HEADER_BYTES), values);
}

/** Reads the whole request body; more than `limit` bytes is RESOURCE_EXHAUSTED, as Connect answers it. */
function readBody(request: http2.Http2ServerRequest, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        cleanup();
        request.resume();
        reject(new ConnectError(`message size is larger than configured readMaxBytes ${limit - ENVELOPE_HEADER_BYTES}`, Code.ResourceExhausted));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ConnectError(error.message, Code.Canceled));
    };
    const cleanup = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
    };
    request.on("data", onData);
    request.once("end", onEnd);
    request.once("error", onError);
  });
}

/** Settles with `promise`, or rejects with the signal's reason (the deadline's DEADLINE_EXCEEDED) first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(ConnectError.from(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(ConnectError.from(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Headers, then the enveloped message (absent for an error), then the trailers with the status. */
function respond(response: http2.Http2ServerResponse, header: Headers, body: Buffer | undefined, trailer: Headers): void {
  if (response.stream.destroyed || response.headersSent) return;
  response.writeHead(200, toNodeHeaders(header));
  response.addTrailers(toNodeHeaders(trailer));
  if (body) response.end(body);
  else response.end();
}

/** The request's metadata without HTTP/2 pseudo-headers, as Connect's handlers see it. */
function requestHeaderPairs(headers: http2.IncomingHttpHeaders): [string, string][] {
  const pairs: [string, string][] = [];
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 /* ":" */) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
    else pairs.push([name, value]);
  }
  return pairs;
}

function toNodeHeaders(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

function headerValue(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value[0] : value;
}
