import { Code, ConnectError } from "@connectrpc/connect";
import { AdminErrorDetailSchema, AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { ErrorDetailSchema, PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import {
  AdminError,
  AdminLoginThrottledError,
  Argon2QueueFullError,
  AuthenticationError,
  DuplicateApplicationError,
  ServiceError,
  serviceErrorMessages,
} from "../domain/errors.ts";
import type { AdminErrorCode, ServiceErrorCode } from "../domain/errors.ts";
import type { Logger } from "../logger.ts";
import { invalidRequest, toConnectError } from "./errors.ts";

const V3_CONTEXT = `${PowerAuthService.typeName}/CreateApplication`;
const ADMIN_CONTEXT = `${AdminService.typeName}/CreateApplication`;

/** A logger that remembers what it was told, so a test can see what reached the log and what did not. */
function recordingLogger() {
  const errors: { message: string; error: unknown }[] = [];
  const other: string[] = [];
  const log: Logger = {
    info: (message) => other.push(message),
    warn: (message) => other.push(message),
    error: (message, error) => errors.push({ message, error }),
  };
  return { log, errors, other };
}

/** The gRPC status of every ERRxxxx code: the families internal callers can branch on. */
const serviceCodes: Record<ServiceErrorCode, Code> = {
  ERR0000: Code.Internal,
  ERR0001: Code.InvalidArgument,
  ERR0002: Code.InvalidArgument,
  ERR0003: Code.Internal,
  ERR0004: Code.Internal,
  ERR0005: Code.InvalidArgument,
  ERR0006: Code.InvalidArgument,
  ERR0007: Code.FailedPrecondition,
  ERR0008: Code.FailedPrecondition,
  ERR0009: Code.NotFound,
  ERR0010: Code.InvalidArgument,
  ERR0011: Code.InvalidArgument,
  ERR0012: Code.InvalidArgument,
  ERR0013: Code.InvalidArgument,
  ERR0014: Code.InvalidArgument,
  ERR0015: Code.NotFound,
  ERR0016: Code.NotFound,
  ERR0017: Code.InvalidArgument,
  ERR0018: Code.InvalidArgument,
  ERR0019: Code.InvalidArgument,
  ERR0020: Code.Internal,
  ERR0021: Code.InvalidArgument,
  ERR0022: Code.Internal,
  ERR0023: Code.Internal,
  ERR0024: Code.InvalidArgument,
  ERR0025: Code.InvalidArgument,
  ERR0026: Code.InvalidArgument,
  ERR0027: Code.NotFound,
  ERR0028: Code.InvalidArgument,
  ERR0029: Code.InvalidArgument,
  ERR0033: Code.NotFound,
  ERR0034: Code.NotFound,
  ERR0036: Code.FailedPrecondition,
  ERR0039: Code.AlreadyExists,
  ERR0043: Code.AlreadyExists,
  ERR0044: Code.InvalidArgument,
};

const adminCodes: Record<AdminErrorCode, Code> = {
  ERROR_REQUEST: Code.InvalidArgument,
  ERROR_ADMIN: Code.FailedPrecondition,
  ERROR_NOT_FOUND: Code.NotFound,
  ERROR_GENERIC: Code.Internal,
  ERROR_OPERATION_NOT_FOUND: Code.FailedPrecondition,
};

describe("toConnectError()", () => {
  it("passes a ConnectError through unchanged and logs nothing", () => {
    const { log, errors, other } = recordingLogger();
    const original = new ConnectError("already mapped", Code.Unavailable);
    expect(toConnectError(original, log, V3_CONTEXT)).toBe(original);
    expect(errors).toEqual([]);
    expect(other).toEqual([]);
  });

  it.each(Object.entries(serviceCodes) as [ServiceErrorCode, Code][])(
    "maps %s to gRPC code %i with the ErrorDetail clients read",
    (code, grpcCode) => {
      const { log, errors } = recordingLogger();
      const mapped = toConnectError(new ServiceError(code), log, V3_CONTEXT);
      const message = serviceErrorMessages[code];
      expect(mapped.code).toBe(grpcCode);
      expect(mapped.rawMessage).toBe(message);
      const details = mapped.findDetails(ErrorDetailSchema);
      expect(details).toHaveLength(1);
      expect(details[0]).toMatchObject({ code, message, localizedMessage: message });
      expect(details[0].currentRecoveryPukIndex).toBeUndefined();
      expect(errors).toEqual([]);
    },
  );

  it("covers every ERRxxxx code the core defines", () => {
    expect(Object.keys(serviceCodes).sort()).toEqual(Object.keys(serviceErrorMessages).sort());
  });

  it("carries currentRecoveryPukIndex of ERR0028 in the detail", () => {
    const { log } = recordingLogger();
    const mapped = toConnectError(new ServiceError("ERR0028", { currentRecoveryPukIndex: 3 }), log, V3_CONTEXT);
    expect(mapped.code).toBe(Code.InvalidArgument);
    const [detail] = mapped.findDetails(ErrorDetailSchema);
    expect(detail).toMatchObject({ code: "ERR0028", message: "Invalid recovery code.", localizedMessage: "Invalid recovery code." });
    expect(detail.currentRecoveryPukIndex).toBe(3n);
  });

  it("keeps index 0 of currentRecoveryPukIndex rather than dropping it as unset", () => {
    const { log } = recordingLogger();
    const [detail] = toConnectError(new ServiceError("ERR0028", { currentRecoveryPukIndex: 0 }), log, V3_CONTEXT).findDetails(
      ErrorDetailSchema,
    );
    expect(detail.currentRecoveryPukIndex).toBe(0n);
  });

  it.each(Object.entries(adminCodes) as [AdminErrorCode, Code][])(
    "maps AdminError %s to gRPC code %i with an AdminErrorDetail",
    (code, grpcCode) => {
      const { log, errors } = recordingLogger();
      const mapped = toConnectError(new AdminError(code, `message of ${code}`), log, ADMIN_CONTEXT);
      expect(mapped.code).toBe(grpcCode);
      expect(mapped.rawMessage).toBe(`message of ${code}`);
      const details = mapped.findDetails(AdminErrorDetailSchema);
      expect(details).toHaveLength(1);
      expect(details[0]).toMatchObject({ code, message: `message of ${code}`, violations: [] });
      expect(mapped.findDetails(ErrorDetailSchema)).toEqual([]);
      expect(errors).toEqual([]);
    },
  );

  it("carries an AdminError's violations in order", () => {
    const { log } = recordingLogger();
    const violations = [
      { fieldName: "id", hint: "must not be empty" },
      { fieldName: "authentication.httpBasic.username", hint: "must be set" },
    ];
    const mapped = toConnectError(new AdminError("ERROR_REQUEST", "Invalid request", violations), log, ADMIN_CONTEXT);
    expect(mapped.code).toBe(Code.InvalidArgument);
    const [detail] = mapped.findDetails(AdminErrorDetailSchema);
    expect(detail.code).toBe("ERROR_REQUEST");
    expect(detail.message).toBe("Invalid request");
    expect(detail.violations.map(({ fieldName, hint }) => ({ fieldName, hint }))).toEqual(violations);
  });

  it.each([V3_CONTEXT, ADMIN_CONTEXT])("maps DuplicateApplicationError to ERR0043 whatever the context (%s)", (context) => {
    const { log, errors } = recordingLogger();
    const mapped = toConnectError(new DuplicateApplicationError("demo"), log, context);
    expect(mapped.code).toBe(Code.AlreadyExists);
    expect(mapped.rawMessage).toBe("Duplicate application or application version.");
    const [detail] = mapped.findDetails(ErrorDetailSchema);
    expect(detail).toMatchObject({
      code: "ERR0043",
      message: "Duplicate application or application version.",
      localizedMessage: "Duplicate application or application version.",
    });
    expect(mapped.findDetails(AdminErrorDetailSchema)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("maps AuthenticationError to Unauthenticated with its message and no detail", () => {
    const { log, errors } = recordingLogger();
    const mapped = toConnectError(new AuthenticationError("Invalid integration credentials"), log, V3_CONTEXT);
    expect(mapped.code).toBe(Code.Unauthenticated);
    expect(mapped.rawMessage).toBe("Invalid integration credentials");
    expect(mapped.details).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("maps a full Argon2 queue to Unavailable (retryable) without an error detail, whatever was being checked", () => {
    const { log, errors } = recordingLogger();
    const mapped = toConnectError(new Argon2QueueFullError("64 password hashes already waiting"), log, V3_CONTEXT);
    expect(mapped.code).toBe(Code.Unavailable);
    expect(mapped.rawMessage).toBe("Too many password checks in progress, try again later");
    expect(mapped.details).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("maps a throttled admin login to ResourceExhausted with retry-after in whole seconds", () => {
    const { log } = recordingLogger();
    const mapped = toConnectError(new AdminLoginThrottledError("username failed too often", 2500), log, ADMIN_CONTEXT);
    expect(mapped.code).toBe(Code.ResourceExhausted);
    expect(mapped.metadata.get("retry-after")).toBe("3");
    expect(mapped.rawMessage).toContain("Too many admin login attempts");
  });

  it.each([
    ["an Error", new Error("connection to db-secret-host:5432 refused")],
    ["a thrown string", "connection to db-secret-host:5432 refused"],
  ])("maps %s to Internal/ERR0000, logging the cause but never sending it", (_kind, cause) => {
    const { log, errors } = recordingLogger();
    const mapped = toConnectError(cause, log, V3_CONTEXT);
    expect(mapped.code).toBe(Code.Internal);
    expect(mapped.rawMessage).toBe("Unknown error occurred.");
    expect(mapped.message).not.toContain("db-secret-host");
    const [detail] = mapped.findDetails(ErrorDetailSchema);
    expect(detail).toMatchObject({ code: "ERR0000", message: "Unknown error occurred.", localizedMessage: "Unknown error occurred." });
    expect(JSON.stringify(detail)).not.toContain("db-secret-host");
    expect(errors).toEqual([{ message: `${V3_CONTEXT} failed unexpectedly`, error: cause }]);
  });
});

describe("invalidRequest()", () => {
  it("is ERR0024 with the reason kept as the cause, not in the message", () => {
    const error = invalidRequest("applicationName must not be empty");
    expect(error.code).toBe("ERR0024");
    expect(error.message).toBe("Invalid request received.");
    expect(error.cause).toEqual(new Error("applicationName must not be empty"));
  });
});
