import { Code, ConnectError } from "@connectrpc/connect";
import { AdminErrorDetailSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { describe, expect, it } from "vitest";
import { fromCoreError, invalidRequest } from "./errors.ts";
import { RequestValidationError } from "./validation.ts";

function withDetail(code: Code, detail: { code: string; message: string; violations?: { fieldName: string; hint: string }[] }) {
  return new ConnectError("core message", code, undefined, [{ desc: AdminErrorDetailSchema, value: detail }]);
}

describe("fromCoreError()", () => {
  it.each([
    ["ERROR_REQUEST", 400],
    ["ERROR_ADMIN", 400],
    ["ERROR_REGISTRATION_NOT_FOUND", 400],
    ["ERROR_OPERATION_STATE_CHANGE", 400],
    ["ERROR_OTP_INVALID", 400],
    ["ERROR_AUDIT", 400],
    ["ERROR_UNAUTHORIZED", 401],
    ["ERROR_NOT_FOUND", 404],
    ["ERROR_GENERIC", 500],
    ["ERROR_INTERNAL_API", 500],
  ])("maps the detail code %s to HTTP %i with the detail's message", (code, status) => {
    const result = fromCoreError(withDetail(Code.FailedPrecondition, { code, message: `about ${code}` }));
    expect(result.status).toBe(status);
    expect(result.body).toEqual({ status: "ERROR", responseObject: { code, message: `about ${code}` } });
  });

  it("falls back on the gRPC code for a detail code it does not know", () => {
    expect(fromCoreError(withDetail(Code.NotFound, { code: "ERROR_SOMETHING_NEW", message: "m" })).status).toBe(404);
    expect(fromCoreError(withDetail(Code.Internal, { code: "ERROR_SOMETHING_NEW", message: "m" })).status).toBe(500);
  });

  it("keeps the core's violations", () => {
    const violations = [{ fieldName: "maxAttempts", hint: "must be greater than or equal to 1" }];
    const result = fromCoreError(withDetail(Code.InvalidArgument, { code: "ERROR_REQUEST", message: "Invalid method parameter value", violations }));
    expect(result.body).toEqual({
      status: "ERROR",
      responseObject: { code: "ERROR_REQUEST", message: "Invalid method parameter value", violations },
    });
  });

  it("answers the fixed 401 with a Basic challenge to UNAUTHENTICATED, detail or not", () => {
    for (const err of [new ConnectError("no", Code.Unauthenticated), withDetail(Code.Unauthenticated, { code: "X", message: "y" })]) {
      expect(fromCoreError(err)).toEqual({
        status: 401,
        body: { status: "ERROR", responseObject: { code: "HTTP_401", message: "Unauthorized" } },
        headers: { "www-authenticate": 'Basic realm="PowerAuth Cloud"' },
      });
    }
  });

  it("answers 501 to UNIMPLEMENTED", () => {
    expect(fromCoreError(new ConnectError("x", Code.Unimplemented))).toEqual({
      status: 501,
      body: { status: "ERROR", responseObject: { code: "ERROR_GENERIC", message: "Not implemented yet" } },
    });
  });

  it.each([Code.Unavailable, Code.DeadlineExceeded, Code.Aborted])("answers ERROR_INTERNAL_API to transport failure %s", (code) => {
    expect(fromCoreError(new ConnectError("connect ECONNREFUSED", code))).toEqual({
      status: 500,
      body: { status: "ERROR", responseObject: { code: "ERROR_INTERNAL_API", message: "Unable to call upstream service" } },
    });
  });

  it("maps detail-less client errors by gRPC code and keeps their message", () => {
    expect(fromCoreError(new ConnectError("bad key", Code.InvalidArgument))).toMatchObject({
      status: 400,
      body: { responseObject: { code: "ERROR_REQUEST", message: "bad key" } },
    });
    expect(fromCoreError(new ConnectError("exists", Code.AlreadyExists))).toMatchObject({
      status: 400,
      body: { responseObject: { code: "ERROR_ADMIN" } },
    });
    expect(fromCoreError(new ConnectError("gone", Code.NotFound))).toMatchObject({
      status: 404,
      body: { responseObject: { code: "ERROR_NOT_FOUND" } },
    });
    expect(fromCoreError(new ConnectError("role", Code.PermissionDenied))).toMatchObject({
      status: 403,
      body: { responseObject: { code: "HTTP_403", message: "Forbidden" } },
    });
  });

  it("never passes on the message of an internal failure", () => {
    for (const reason of [new ConnectError("SELECT * FROM pa_application failed", Code.Internal), new Error("stack")]) {
      expect(fromCoreError(reason)).toEqual({
        status: 500,
        body: { status: "ERROR", responseObject: { code: "ERROR_GENERIC", message: "Unknown error occurred while processing request." } },
      });
    }
  });
});

describe("invalidRequest()", () => {
  const missing = new RequestValidationError([
    { fieldName: "topic", hint: "must not be empty", missing: true },
    { fieldName: "keyId", hint: "must not be empty", missing: true },
  ]);

  it("lists all violations in the default style", () => {
    expect(invalidRequest(missing, "violations").body).toEqual({
      status: "ERROR",
      responseObject: {
        code: "ERROR_REQUEST",
        message: "Invalid method parameter value",
        violations: [
          { fieldName: "topic", hint: "must not be empty" },
          { fieldName: "keyId", hint: "must not be empty" },
        ],
      },
    });
  });

  it("names the first missing field in the required-parameter style", () => {
    expect(invalidRequest(missing, "required-parameter").body).toEqual({
      status: "ERROR",
      responseObject: { code: "ERROR_REQUEST", message: "Required String parameter 'topic' is not present" },
    });
  });
});
