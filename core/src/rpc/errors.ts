import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { ErrorDetailSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { AdminErrorDetailSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import {
  AdminError,
  AdminLoginThrottledError,
  Argon2QueueFullError,
  AuthenticationError,
  DuplicateApplicationError,
  ServiceError,
  ServiceErrors,
  ServiceUnavailableError,
} from "../domain/errors.ts";
import { isDatabaseUnavailable } from "../persistence/errors.ts";
import type { Logger } from "../logger.ts";

/** HTTP status of each admin error code lives in the REST gateway; here only the gRPC code is chosen. */
const adminCodes = {
  ERROR_REQUEST: Code.InvalidArgument,
  ERROR_ADMIN: Code.FailedPrecondition,
  ERROR_NOT_FOUND: Code.NotFound,
  ERROR_GENERIC: Code.Internal,
  // HTTP 400 on the REST surface (the seed), so not NOT_FOUND, which the gateway reserves for 404.
  ERROR_OPERATION_NOT_FOUND: Code.FailedPrecondition,
} as const;

/**
 * The single mapping from anything a handler throws to what the caller sees. Domain errors keep their code
 * and message; anything unexpected is logged with its cause and reaches the caller only as ERR0000, so no
 * stack, SQL or secret ever leaves the process. `context` (the RPC's name) only labels that log line: the
 * mapping never depends on which surface was called.
 */
export function toConnectError(error: unknown, log: Logger, context: string): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof ServiceError) return serviceError(error);
  if (error instanceof AdminError) {
    const detail = create(AdminErrorDetailSchema, {
      code: error.code,
      message: error.message,
      violations: error.violations.map((violation) => ({ fieldName: violation.fieldName, hint: violation.hint })),
    });
    return new ConnectError(error.message, adminCodes[error.code], undefined, [{ desc: AdminErrorDetailSchema, value: detail }]);
  }
  // The admin domain turns a duplicate into its own AdminError; what is left is the PowerAuth services' case.
  if (error instanceof DuplicateApplicationError) {
    return serviceError(new ServiceError(ServiceErrors.DUPLICATE_APPLICATION, { cause: error }));
  }
  if (error instanceof AuthenticationError) return new ConnectError(error.message, Code.Unauthenticated);
  // No hash ran, so nothing was decided about the password or PUK: the caller may simply try again later.
  if (error instanceof Argon2QueueFullError) {
    return new ConnectError("Too many password checks in progress, try again later", Code.Unavailable);
  }
  // `retry-after` (seconds) in the metadata: the REST gateway answers 429 with it.
  if (error instanceof AdminLoginThrottledError) {
    return new ConnectError(error.message, Code.ResourceExhausted, { "retry-after": String(Math.ceil(error.retryAfterMs / 1000)) });
  }
  // An outage is not a bug: UNAVAILABLE (retryable) without an ERRxxxx detail, so the gateways answer with
  // their own "temporarily unavailable" shapes. Raw driver errors from outside Db.transaction/read land here too.
  if (error instanceof ServiceUnavailableError || isDatabaseUnavailable(error)) {
    // Only the driver's code: MikroORM's messages quote the SQL and its parameters.
    const cause = error instanceof ServiceUnavailableError ? error.cause : error;
    const code = (cause as { code?: unknown } | undefined)?.code;
    log.warn(`${context} failed: database unavailable`, { code: typeof code === "string" ? code : undefined });
    return new ConnectError(new ServiceUnavailableError().message, Code.Unavailable);
  }
  log.error(`${context} failed unexpectedly`, error);
  return serviceError(new ServiceError("ERR0000", { cause: error }));
}

/** ERR0024 for a request that is malformed before it reaches the domain. */
export function invalidRequest(reason: string): ServiceError {
  return new ServiceError("ERR0024", { cause: new Error(reason) });
}

function serviceError(error: ServiceError): ConnectError {
  const detail = create(ErrorDetailSchema, {
    code: error.code,
    message: error.message,
    localizedMessage: error.message,
    currentRecoveryPukIndex: error.currentRecoveryPukIndex === undefined ? undefined : BigInt(error.currentRecoveryPukIndex),
  });
  return new ConnectError(error.message, serviceErrorStatus(error.code), undefined, [{ desc: ErrorDetailSchema, value: detail }]);
}

/** gRPC status for internal callers; SOAP/REST clients rely on the ERRxxxx detail instead. */
function serviceErrorStatus(code: ServiceError["code"]): Code {
  switch (code) {
    case "ERR0000":
    case "ERR0003":
    case "ERR0004":
    case "ERR0020":
    case "ERR0022":
    case "ERR0023":
      return Code.Internal;
    case "ERR0009":
    case "ERR0015":
    case "ERR0016":
    case "ERR0027":
    case "ERR0033":
    case "ERR0034":
      return Code.NotFound;
    case "ERR0007":
    case "ERR0008":
    case "ERR0036":
      return Code.FailedPrecondition;
    case "ERR0039":
    case "ERR0043":
      return Code.AlreadyExists;
    default:
      return Code.InvalidArgument;
  }
}
