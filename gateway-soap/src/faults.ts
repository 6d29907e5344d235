// Every error the gateway can meet, mapped to a SOAP 1.1 fault and an HTTP status, in one place. Core errors
// carrying ErrorDetail become the original server's Server fault with <detail>; everything else gets a fixed
// faultstring from the table below. Stack traces and internal messages never reach the caller.

import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { SoapEnvelopeError } from "./envelope.ts";
import { XsdInputError } from "./xsd-codec.ts";
import { XmlSyntaxError } from "./xml.ts";

/** HTTP statuses of this gateway; no other module writes a status number. */
export const HTTP_STATUS = {
  ok: 200,
  fault: 500,
  badRequest: 400,
  requestTimeout: 408,
  payloadTooLarge: 413,
  headersTooLarge: 431,
  notFound: 404,
  methodNotAllowed: 405,
} as const;

export type FaultCode = "Client" | "Server" | "VersionMismatch" | "MustUnderstand";

export interface FaultDetail {
  readonly errorCode: string;
  readonly localizedMessage: string;
  readonly currentRecoveryPukIndex?: bigint;
}

export interface SoapFault {
  readonly faultcode: FaultCode;
  readonly faultstring: string;
  readonly detail?: FaultDetail;
  readonly httpStatus: number;
}

/** The request body exceeds the gateway's limit. */
export class RequestTooLargeError extends Error {
  override readonly name = "RequestTooLargeError";
}

/** The client went away, or was cut off, before its body was complete; nobody reads the answer. */
export class RequestIncompleteError extends Error {
  override readonly name = "RequestIncompleteError";
}

/** The request is not UTF-8 (bytes or declared charset). */
export class RequestEncodingError extends Error {
  override readonly name = "RequestEncodingError";
}

/** The payload element is not a request of either namespace. */
export class UnknownOperationError extends Error {
  override readonly name = "UnknownOperationError";
}

/** The core's answer could not be written as schema-valid XML (a core bug, reported as a Server fault). */
export class ResponseMappingError extends Error {
  override readonly name = "ResponseMappingError";
}

export interface FaultContext {
  /** Operation name (e.g. "GetActivationStatus") once the payload has been dispatched. */
  readonly operation?: string;
}

interface CoreFaultRule {
  readonly faultcode: FaultCode;
  /** Fixed text, or "core" to pass the core's message through (only for codes whose message is meant for callers). */
  readonly faultstring: string | ((ctx: FaultContext) => string) | "core";
}

const UNKNOWN_ERROR = "Unknown error occurred.";

/** Core (Connect) error codes without ErrorDetail → SOAP fault. */
const CORE_FAULTS: Readonly<Record<Code, CoreFaultRule>> = {
  [Code.Unauthenticated]: {
    faultcode: "Client",
    faultstring: "Authentication failed: send a WS-Security UsernameToken (PasswordText) with valid integration credentials.",
  },
  [Code.PermissionDenied]: { faultcode: "Client", faultstring: "Access denied: the integration is not allowed to call this method." },
  [Code.InvalidArgument]: { faultcode: "Client", faultstring: "core" },
  [Code.OutOfRange]: { faultcode: "Client", faultstring: "core" },
  [Code.Unimplemented]: {
    faultcode: "Server",
    faultstring: (ctx) => `Method ${ctx.operation ?? "(unknown)"} is not implemented yet.`,
  },
  [Code.Unavailable]: { faultcode: "Server", faultstring: "PowerAuth core service is unavailable, try again later." },
  [Code.DeadlineExceeded]: { faultcode: "Server", faultstring: "PowerAuth core service did not answer in time." },
  [Code.ResourceExhausted]: { faultcode: "Server", faultstring: "PowerAuth core service is overloaded, try again later." },
  [Code.Canceled]: { faultcode: "Server", faultstring: "The request was cancelled." },
  [Code.NotFound]: { faultcode: "Server", faultstring: "core" },
  [Code.AlreadyExists]: { faultcode: "Server", faultstring: "core" },
  [Code.FailedPrecondition]: { faultcode: "Server", faultstring: "core" },
  [Code.Aborted]: { faultcode: "Server", faultstring: "core" },
  [Code.Internal]: { faultcode: "Server", faultstring: UNKNOWN_ERROR },
  [Code.Unknown]: { faultcode: "Server", faultstring: UNKNOWN_ERROR },
  [Code.DataLoss]: { faultcode: "Server", faultstring: UNKNOWN_ERROR },
};

/** Gateway-side errors → SOAP fault. */
function gatewayFault(err: unknown): SoapFault | undefined {
  if (err instanceof RequestTooLargeError) return fault("Client", err.message, HTTP_STATUS.payloadTooLarge);
  if (err instanceof RequestEncodingError) return fault("Client", err.message);
  if (err instanceof RequestIncompleteError) return fault("Client", err.message, HTTP_STATUS.badRequest);
  if (err instanceof XmlSyntaxError) return fault("Client", `Malformed request: ${err.message}`);
  if (err instanceof XsdInputError) return fault("Client", `Invalid request: ${err.message}`);
  if (err instanceof UnknownOperationError) return fault("Client", err.message);
  if (err instanceof ResponseMappingError) return fault("Server", "Unable to build the response from the PowerAuth core answer.");
  if (err instanceof SoapEnvelopeError) {
    switch (err.kind) {
      case "version-mismatch":
        return fault("VersionMismatch", err.message);
      case "must-understand":
        return fault("MustUnderstand", err.message);
      case "unsupported-token":
      case "client":
        return fault("Client", err.message);
    }
  }
  return undefined;
}

/** Maps anything thrown while handling a request to the SOAP fault sent back. */
export function faultFor(err: unknown, ctx: FaultContext = {}): SoapFault {
  const local = gatewayFault(err);
  if (local) return local;
  if (!(err instanceof ConnectError)) return fault("Server", UNKNOWN_ERROR);
  const rule = CORE_FAULTS[err.code] ?? CORE_FAULTS[Code.Unknown];
  if (err.code !== Code.Unauthenticated && err.code !== Code.PermissionDenied) {
    const detail = errorDetailOf(err);
    if (detail) {
      const message = detail.message || err.rawMessage || UNKNOWN_ERROR;
      return {
        faultcode: "Server",
        faultstring: xmlSafe(message),
        detail: {
          errorCode: xmlSafe(detail.code || "ERR0000"),
          localizedMessage: xmlSafe(detail.localizedMessage || message),
          ...(detail.currentRecoveryPukIndex !== undefined ? { currentRecoveryPukIndex: detail.currentRecoveryPukIndex } : {}),
        },
        httpStatus: HTTP_STATUS.fault,
      };
    }
  }
  const text =
    rule.faultstring === "core"
      ? err.rawMessage || UNKNOWN_ERROR
      : typeof rule.faultstring === "function"
        ? rule.faultstring(ctx)
        : rule.faultstring;
  return fault(rule.faultcode, text);
}

/** Requests Node's HTTP parser refused, by its error code: still a Client fault, with the fitting HTTP status. */
export function faultForRejectedConnection(nodeErrorCode: string | undefined): SoapFault {
  switch (nodeErrorCode) {
    case "HPE_HEADER_OVERFLOW":
      return fault("Client", "Request headers are too large.", HTTP_STATUS.headersTooLarge);
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return fault("Client", "The request was not received in time.", HTTP_STATUS.requestTimeout);
    default:
      return fault("Client", "Malformed HTTP request.", HTTP_STATUS.badRequest);
  }
}

/** Short outcome label for the request log. */
export function outcomeOf(f: SoapFault): "client-fault" | "server-fault" {
  return f.faultcode === "Server" ? "server-fault" : "client-fault";
}

function errorDetailOf(err: ConnectError) {
  try {
    return err.findDetails(ErrorDetailSchema)[0];
  } catch {
    return undefined;
  }
}

function fault(faultcode: FaultCode, faultstring: string, httpStatus: number = HTTP_STATUS.fault): SoapFault {
  return { faultcode, faultstring: xmlSafe(faultstring), httpStatus };
}

/** Core messages are free text; anything XML 1.0 cannot carry becomes U+FFFD. */
function xmlSafe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu, "\uFFFD");
}
