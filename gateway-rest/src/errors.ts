// The single place that decides HTTP statuses and error bodies of the REST gateway. Everything that goes
// wrong — a path that does not exist, a body that is not JSON, a field that fails validation, an error the
// core answered with, a core that cannot be reached — ends up here and leaves as the envelope of the REST
// specification: {"status":"ERROR","responseObject":{"code","message","violations"?}}.

import { Code, ConnectError } from "@connectrpc/connect";
import { AdminErrorDetailSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type { RequestValidationError } from "./validation.ts";

export type ErrorEnvelope = {
  status: "ERROR";
  responseObject: { code: string; message: string; violations?: { fieldName: string; hint: string }[] };
};

/** A finished HTTP answer: status, JSON body and any extra headers. */
export type HttpResult = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * How an endpoint reports invalid input. Most endpoints of the specification list every invalid field under
 * `violations`; the internal and push endpoints instead name the first missing field in the message
 * ("Required String parameter 'topic' is not present"), so those keep that form.
 */
export type ValidationStyle = "violations" | "required-parameter";

/** Status of every successful call: the specification answers 200 for creates and deletes alike. */
export const HTTP_OK = 200;

// The specification's error table, plus ERROR_ADMIN, which its examples use for domain failures (unknown
// application, invalid configuration key, invalid callback URL) under "Request validation failed".
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  ERROR_REGISTRATION: 400,
  ERROR_REGISTRATION_NOT_FOUND: 400,
  ERROR_REGISTRATION_NOT_ALLOWED: 400,
  ERROR_REGISTRATION_CHANGE: 400,
  ERROR_OPERATION_NOT_FOUND: 400,
  ERROR_OPERATION_STATE_CHANGE: 400,
  ERROR_OTP_INVALID: 400,
  ERROR_AUDIT: 400,
  ERROR_REQUEST: 400,
  ERROR_ADMIN: 400,
  ERROR_UNAUTHORIZED: 401,
  ERROR_NOT_FOUND: 404,
  ERROR_GENERIC: 500,
  ERROR_INTERNAL_API: 500,
};

// gRPC codes the core may use without attaching an AdminErrorDetail. Codes that describe the call itself
// rather than the request (unauthenticated, unimplemented, unreachable) are handled before any detail is read.
const FALLBACK_BY_GRPC_CODE: ReadonlyMap<Code, { status: number; code: string }> = new Map([
  [Code.InvalidArgument, { status: 400, code: "ERROR_REQUEST" }],
  [Code.OutOfRange, { status: 400, code: "ERROR_REQUEST" }],
  [Code.FailedPrecondition, { status: 400, code: "ERROR_ADMIN" }],
  [Code.AlreadyExists, { status: 400, code: "ERROR_ADMIN" }],
  [Code.NotFound, { status: 404, code: "ERROR_NOT_FOUND" }],
]);

const MESSAGE = {
  generic: "Unknown error occurred while processing request.",
  upstream: "Unable to call upstream service",
  notImplemented: "Not implemented yet",
  invalidParameter: "Invalid method parameter value",
  notFound: "The requested URL is not present",
  malformedJson: "Malformed JSON request body",
  unsupportedMediaType: "Content type must be application/json",
} as const;

const WWW_AUTHENTICATE = { "www-authenticate": 'Basic realm="PowerAuth Cloud"' };

/** Missing or rejected credentials; the body is fixed by the specification. */
export function unauthorized(): HttpResult {
  return { status: 401, body: envelope("HTTP_401", "Unauthorized"), headers: WWW_AUTHENTICATE };
}

/**
 * The core refused to check more logins for this username or client address for now. `Retry-After` (seconds)
 * comes from the core; without a usable one, a second.
 */
export function tooManyRequests(retryAfter: string | null): HttpResult {
  const seconds = retryAfter !== null && /^\d{1,9}$/.test(retryAfter) ? retryAfter : "1";
  return { status: 429, body: envelope("HTTP_429", "Too Many Requests"), headers: { "retry-after": seconds } };
}

/** The caller is authenticated but may not call this endpoint (e.g. a non-admin user). */
export function forbidden(): HttpResult {
  return { status: 403, body: envelope("HTTP_403", "Forbidden") };
}

/** No endpoint has this path. */
export function endpointNotFound(): HttpResult {
  return { status: 404, body: envelope("ERROR_NOT_FOUND", MESSAGE.notFound) };
}

/** The path exists but not for this method; `allow` lists the methods it does accept. */
export function methodNotAllowed(method: string, allow: readonly string[]): HttpResult {
  return {
    status: 405,
    body: envelope("ERROR_REQUEST", `Request method '${method}' is not supported`),
    headers: { allow: allow.join(", ") },
  };
}

/** The body is longer than the gateway accepts; the connection is closed rather than drained. */
export function payloadTooLarge(limitBytes: number): HttpResult {
  return {
    status: 413,
    body: envelope("ERROR_REQUEST", `Request body exceeds the limit of ${limitBytes} bytes`),
    headers: { connection: "close" },
  };
}

export function unsupportedMediaType(): HttpResult {
  return { status: 415, body: envelope("ERROR_REQUEST", MESSAGE.unsupportedMediaType) };
}

export function malformedJson(): HttpResult {
  return { status: 400, body: envelope("ERROR_REQUEST", MESSAGE.malformedJson) };
}

/** A body whose bytes are not UTF-8: refused rather than stored with replacement characters. */
export function invalidEncoding(): HttpResult {
  return { status: 400, body: envelope("ERROR_REQUEST", "Request body is not valid UTF-8") };
}

/** A body nesting objects or arrays deeper than any document of the API. */
export function nestedTooDeep(maxDepth: number): HttpResult {
  return { status: 400, body: envelope("ERROR_REQUEST", `JSON request body is nested deeper than ${maxDepth} levels`) };
}

/** Input that failed boundary validation, rendered the way the endpoint's part of the specification shows. */
export function invalidRequest(err: RequestValidationError, style: ValidationStyle): HttpResult {
  const first = err.violations[0];
  if (style === "required-parameter" && first?.missing) {
    return {
      status: 400,
      body: envelope("ERROR_REQUEST", `Required String parameter '${first.fieldName}' is not present`),
    };
  }
  const violations = err.violations.map(({ fieldName, hint }) => ({ fieldName, hint }));
  return { status: 400, body: envelope("ERROR_REQUEST", MESSAGE.invalidParameter, violations) };
}

/** The caller went away (or the connection broke) before the body was complete. */
export function incompleteBody(): HttpResult {
  return { status: 400, body: envelope("ERROR_REQUEST", "Request body was not fully received") };
}

/** Requests rejected by Node's HTTP parser, identified by the parser's error code. */
export function badHttpRequest(nodeErrorCode: string | undefined): HttpResult {
  switch (nodeErrorCode) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, body: envelope("ERROR_REQUEST", "Request headers are too large") };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, body: envelope("ERROR_REQUEST", "Request was not received in time") };
    default:
      return { status: 400, body: envelope("ERROR_REQUEST", "Malformed HTTP request") };
  }
}

/** A failure inside the gateway itself. The cause is for the log, never for the caller. */
export function internalError(): HttpResult {
  return { status: 500, body: envelope("ERROR_GENERIC", MESSAGE.generic) };
}

/**
 * Turns whatever a core call threw into the REST answer. The core's AdminErrorDetail carries the REST code
 * and message; without one, the gRPC code decides and only 4xx answers keep the core's message (5xx
 * messages may describe internals).
 */
export function fromCoreError(reason: unknown): HttpResult {
  const err = ConnectError.from(reason);
  if (err.code === Code.Unauthenticated) return unauthorized();
  if (err.code === Code.ResourceExhausted) return tooManyRequests(err.metadata.get("retry-after"));
  if (err.code === Code.Unimplemented) {
    return { status: 501, body: envelope("ERROR_GENERIC", MESSAGE.notImplemented) };
  }
  const detail = err.findDetails(AdminErrorDetailSchema)[0];
  if (detail !== undefined && detail.code !== "") {
    const status = STATUS_BY_CODE[detail.code] ?? FALLBACK_BY_GRPC_CODE.get(err.code)?.status ?? 500;
    const violations = detail.violations.map((v) => ({ fieldName: v.fieldName, hint: v.hint }));
    const message = detail.message !== "" ? detail.message : status >= 500 ? MESSAGE.generic : err.rawMessage;
    return {
      status,
      body: envelope(detail.code, message, violations.length > 0 ? violations : undefined),
      ...(status === 401 && { headers: WWW_AUTHENTICATE }),
    };
  }
  switch (err.code) {
    case Code.Unavailable:
    case Code.DeadlineExceeded:
    case Code.Aborted:
      // Without a detail these come from the transport: connection refused, reset or timed out.
      return { status: 500, body: envelope("ERROR_INTERNAL_API", MESSAGE.upstream) };
    case Code.PermissionDenied:
      return forbidden();
    default: {
      const fallback = FALLBACK_BY_GRPC_CODE.get(err.code);
      if (fallback === undefined) return internalError();
      return { status: fallback.status, body: envelope(fallback.code, err.rawMessage || MESSAGE.invalidParameter) };
    }
  }
}

function envelope(code: string, message: string, violations?: { fieldName: string; hint: string }[]): ErrorEnvelope {
  return { status: "ERROR", responseObject: { code, message, ...(violations !== undefined && { violations }) } };
}
