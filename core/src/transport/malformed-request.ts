import { create, fromBinary, fromJsonString } from "@bufbuild/protobuf";
import type { DescMessage, DescMethod, MessageShape } from "@bufbuild/protobuf";
import { createContextKey } from "@connectrpc/connect";
import type { ContextValues, Interceptor } from "@connectrpc/connect";
import { getJsonOptions } from "@connectrpc/connect/protocol";
import type { Compression, UniversalServerRequest } from "@connectrpc/connect/protocol";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { CallbackEventService } from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import { AdminError } from "../domain/errors.ts";
import { invalidRequest } from "../rpc/errors.ts";

/**
 * Why a call's request message did not decode, set by the transport on the call's context values. Connect decodes
 * a request before any interceptor runs and answers a decoding failure itself (INTERNAL for binary, INVALID_ARGUMENT
 * without an error code for JSON, nothing logged or counted), so the
 * transport decodes first, marks the call and hands on an empty message; {@link refuseMalformedRequest} then
 * answers it inside the interceptor chain, where the access log, metrics and error mapping see it like any call.
 */
export const malformedRequestKey = createContextKey<string | undefined>(undefined, { description: "malformed request message" });

/** Services whose errors carry the admin error shape (ERROR_REQUEST) rather than ERR0024. */
const adminServices = new Set([AdminService.typeName, CallbackEventService.typeName]);

/**
 * The innermost interceptor: a call whose message did not decode is bad input (INVALID_ARGUMENT with ERR0024, or
 * ERROR_REQUEST on the admin services), after access control like any other input check.
 */
export function refuseMalformedRequest(): Interceptor {
  return (next) => (request) => {
    const reason = request.contextValues.get(malformedRequestKey);
    if (reason === undefined) return next(request);
    if (adminServices.has(request.service.typeName)) {
      // Not the decoder's words: they may quote the caller's bytes back.
      throw new AdminError("ERROR_REQUEST", "Request message is not a valid message of its type", [{ fieldName: "requestObject", hint: "not a valid request message" }]);
    }
    throw invalidRequest(`malformed request message: ${reason}`);
  };
}

/**
 * `bytes` decoded as a `desc` message; when they are not one, the call is marked in `values` for
 * {@link refuseMalformedRequest} and an empty stand-in message is returned (the call never reaches a handler).
 */
export function decodeOrMark<Desc extends DescMessage>(desc: Desc, bytes: Uint8Array, values: ContextValues): MessageShape<Desc> {
  try {
    return fromBinary(desc, bytes);
  } catch (error) {
    values.set(malformedRequestKey, describe(error));
    return create(desc);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Enveloped content types (gRPC, gRPC-Web) and their format; gRPC-Web-Text is Base64 and left to Connect. */
const ENVELOPED = /^application\/grpc(?:-web)?(?:\+(?:(json)(?:; ?charset=utf-?8)?|proto))?$/i;
/** The Connect protocol's unary content types and their format. */
const CONNECT_UNARY = /^application\/(?:(json)(?:; ?charset=utf-?8)?|proto)$/i;
const ENVELOPE_HEADER_BYTES = 5;
const COMPRESSED_FLAG = 0b1;
/** What Connect's handlers decode JSON with (its default: unknown fields ignored). */
const JSON_OPTIONS = getJsonOptions(undefined);
const EMPTY_JSON_MESSAGE = new TextEncoder().encode("{}");

/**
 * For the calls Connect serves (Connect, gRPC-Web, JSON, compressed gRPC): reads a unary request body, decodes it
 * once, and when it is not a message of the method's input type marks the call ({@link malformedRequestKey}) and
 * replaces the body by an empty message. Anything else this does not understand (other encodings, several
 * envelopes, bodies over the size limit) goes on untouched, so Connect answers it as before.
 */
export async function screenUnaryRequestBody(
  request: UniversalServerRequest,
  method: DescMethod,
  compressions: readonly Compression[],
  readMaxBytes: number,
): Promise<UniversalServerRequest> {
  const body = request.body;
  if (method.methodKind !== "unary" || !isByteStream(body) || !request.contextValues) return request;
  const contentType = request.header.get("content-type") ?? "";
  const envelopedMatch = ENVELOPED.exec(contentType);
  const unaryMatch = envelopedMatch ? null : CONNECT_UNARY.exec(contentType);
  const match = envelopedMatch ?? unaryMatch;
  if (!match) return request;
  const enveloped = envelopedMatch !== null;
  const json = match[1] !== undefined;
  const encoding = request.header.get(enveloped ? "grpc-encoding" : "content-encoding");
  const compression = encoding === null || encoding === "identity" ? null : compressions.find((candidate) => candidate.name === encoding);
  if (compression === undefined) return request;
  const read = await readUpTo(body, readMaxBytes + ENVELOPE_HEADER_BYTES);
  if (read.rest) return { ...request, body: chain(read.chunks, read.rest) };
  const bytes = Buffer.concat(read.chunks);
  const payload = await messagePayload(bytes, enveloped, compression, readMaxBytes);
  if (payload !== undefined) {
    if (json) decodeJsonOrMark(method.input, payload, request.contextValues);
    else decodeOrMark(method.input, payload, request.contextValues);
  }
  if (request.contextValues.get(malformedRequestKey) === undefined) return { ...request, body: chain([bytes]) };
  const emptyMessage = json ? EMPTY_JSON_MESSAGE : new Uint8Array(0);
  const standIn = enveloped
    ? Buffer.concat([Buffer.from([0, 0, 0, 0, emptyMessage.length]), emptyMessage])
    : compression
      ? await compression.compress(emptyMessage)
      : emptyMessage;
  // Connect compares a unary body with its declared length; the stand-in has its own.
  const header = new Headers(request.header);
  header.delete("content-length");
  return { ...request, header, body: chain([standIn]) };
}

/** Like {@link decodeOrMark} for a JSON message, decoded as Connect decodes it. */
function decodeJsonOrMark(desc: DescMessage, bytes: Uint8Array, values: ContextValues): void {
  try {
    fromJsonString(desc, new TextDecoder().decode(bytes), JSON_OPTIONS);
  } catch (error) {
    values.set(malformedRequestKey, describe(error));
  }
}

/** The message bytes of one request body, or undefined when the body is not this check's to judge. */
async function messagePayload(
  bytes: Buffer,
  enveloped: boolean,
  compression: Compression | null,
  readMaxBytes: number,
): Promise<Uint8Array | undefined> {
  let payload: Uint8Array = bytes;
  let compressed = compression !== null;
  if (enveloped) {
    // One complete envelope only; Connect's own checks answer a missing, truncated or second message.
    if (bytes.length < ENVELOPE_HEADER_BYTES || bytes.readUInt32BE(1) !== bytes.length - ENVELOPE_HEADER_BYTES) return undefined;
    if ((bytes[0] & ~COMPRESSED_FLAG) !== 0) return undefined;
    compressed = (bytes[0] & COMPRESSED_FLAG) !== 0;
    if (compressed && compression === null) return undefined;
    payload = bytes.subarray(ENVELOPE_HEADER_BYTES);
  }
  if (compressed && compression) {
    try {
      return await compression.decompress(payload, readMaxBytes);
    } catch {
      return undefined;
    }
  }
  return payload;
}

function isByteStream(body: UniversalServerRequest["body"]): body is AsyncIterable<Uint8Array> {
  return typeof body === "object" && body !== null && Symbol.asyncIterator in body;
}

/** Reads chunks until the body ends or more than `limit` bytes came; then `rest` continues the body. */
async function readUpTo(body: AsyncIterable<Uint8Array>, limit: number): Promise<{ chunks: Uint8Array[]; rest?: AsyncIterator<Uint8Array> }> {
  const iterator = body[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { chunks };
    chunks.push(next.value);
    length += next.value.length;
    if (length > limit) return { chunks, rest: iterator };
  }
}

async function* chain(chunks: Uint8Array[], rest?: AsyncIterator<Uint8Array>): AsyncIterable<Uint8Array> {
  yield* chunks;
  if (!rest) return;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}
