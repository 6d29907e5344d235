import { create, fromJson } from "@bufbuild/protobuf";
import { TimestampSchema, ValueSchema } from "@bufbuild/protobuf/wkt";
import { SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { AdminError, ServiceError } from "../domain/errors.ts";
import type { Violation } from "../domain/errors.ts";
import { AdminService, CreateApplicationConfigRequestSchema, CreateCallbackRequestSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { CreateOperationRequestSchema } from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import { GetActivationListForUserRequestSchema, InitActivationRequestSchema, PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { DescMessage } from "@bufbuild/protobuf";
import {
  boundedRequestInput,
  firstInputProblem,
  MAX_SIGNATURE_LENGTH,
  MAX_SIGNED_DATA_LENGTH,
  applicationIdOrZero,
  optionalActivationId,
  optionalBase64,
  optionalPositive,
  optionalText,
  optionalTimestamp,
  requireActivationId,
  requireAdminField,
  requireAdminId,
  requireAdminJsonValue,
  requireAdminRoles,
  requireBase64,
  requireEciesRequest,
  requireId,
  requireSafeInteger,
  requireSignatureType,
  requireSignatureVersion,
  requireText,
  requireTimestamp,
  requireTokenId,
  requireUuidId,
  requireNewAdminPassword,
  requirePushParameter,
  requireRecoveryCode,
  requireTextMap,
  withoutAdminControlCharacters,
  withoutControlCharacters,
} from "./validation.ts";

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
/** A UUID is 36 characters; the id columns hold 37. */
const UUID = "0f4e2a7c-9b1d-4c3e-8a5f-6d7e8f901a2b";

/** What the validator threw (a validator that returns fails the test). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a validation error");
}

/** ERR0024 with its reason, which names the field, kept as the cause (the log shows it, the caller does not). */
function expectInvalid(run: () => unknown, reason: string): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(ServiceError);
  expect(error).toMatchObject({ code: "ERR0024", message: "Invalid request received.", cause: new Error(reason) });
}

/** The Cloud Admin envelope: ERROR_REQUEST with the violated fields. */
function expectAdminViolations(run: () => unknown, violations: Violation[]): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(AdminError);
  expect(error).toMatchObject({ code: "ERROR_REQUEST", message: "Invalid method parameter value", violations });
}

describe("requireText()", () => {
  it("returns the value unchanged, surrounding spaces included", () => {
    expect(requireText("alice", "userId")).toBe("alice");
    expect(requireText(" alice ", "userId")).toBe(" alice ");
  });

  it("refuses an absent, empty or blank value as required", () => {
    expectInvalid(() => requireText(undefined, "userId"), "userId is required");
    expectInvalid(() => requireText("", "userId"), "userId is required");
    expectInvalid(() => requireText(" \t\n", "userId"), "userId is required");
  });

  it("accepts exactly 255 characters by default and refuses 256", () => {
    expect(requireText("a".repeat(255), "userId")).toBe("a".repeat(255));
    expectInvalid(() => requireText("a".repeat(256), "userId"), "userId is longer than 255 characters");
  });

  it("applies a caller's own maximum", () => {
    expect(requireText("a".repeat(16), "code", 16)).toBe("a".repeat(16));
    expectInvalid(() => requireText("a".repeat(17), "code", 16), "code is longer than 16 characters");
  });
});

describe("optionalText()", () => {
  it("treats absent and empty as not given", () => {
    expect(optionalText(undefined, "reason")).toBeUndefined();
    expect(optionalText("", "reason")).toBeUndefined();
  });

  it("returns a present value as it is", () => {
    expect(optionalText("LOST_DEVICE", "reason")).toBe("LOST_DEVICE");
  });

  it("accepts exactly the maximum and refuses one more", () => {
    expect(optionalText("r".repeat(255), "reason")).toBe("r".repeat(255));
    expectInvalid(() => optionalText("r".repeat(256), "reason"), "reason is longer than 255 characters");
    expect(optionalText("r".repeat(8), "reason", 8)).toBe("r".repeat(8));
    expectInvalid(() => optionalText("r".repeat(9), "reason", 8), "reason is longer than 8 characters");
  });
});

describe("requireId()", () => {
  it("converts 1 and Number.MAX_SAFE_INTEGER to numbers", () => {
    expect(requireId(1n, "applicationId")).toBe(1);
    expect(requireId(MAX_SAFE, "applicationId")).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("refuses absent, 0, negative and unsafe ids", () => {
    for (const value of [undefined, 0n, -1n, MIN_SAFE, MAX_SAFE + 1n, 2n ** 63n - 1n]) {
      expectInvalid(() => requireId(value, "applicationId"), "applicationId must be a positive id");
    }
  });
});

describe("optionalPositive()", () => {
  it("leaves an absent value absent and converts a valid one", () => {
    expect(optionalPositive(undefined, "maxFailureCount")).toBeUndefined();
    expect(optionalPositive(5n, "maxFailureCount")).toBe(5);
    expect(optionalPositive(MAX_SAFE, "maxFailureCount")).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("refuses a present value that is not a positive id (0 included)", () => {
    for (const value of [0n, -3n, MAX_SAFE + 1n]) {
      expectInvalid(() => optionalPositive(value, "maxFailureCount"), "maxFailureCount must be a positive id");
    }
  });
});

describe("applicationIdOrZero()", () => {
  it("keeps 0 as 'not set' for the domain's ERR0002 and converts valid ids", () => {
    expect(applicationIdOrZero(0n)).toBe(0);
    expect(applicationIdOrZero(1n)).toBe(1);
    expect(applicationIdOrZero(MAX_SAFE)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("refuses negative and unsafe values", () => {
    for (const value of [-1n, MIN_SAFE, MAX_SAFE + 1n]) {
      expectInvalid(() => applicationIdOrZero(value), "applicationId must be a positive id");
    }
  });
});

describe("requireSafeInteger()", () => {
  it("accepts the whole safe range, zero and negatives included", () => {
    expect(requireSafeInteger(0n, "forcedSignatureVersion")).toBe(0);
    expect(requireSafeInteger(-7n, "forcedSignatureVersion")).toBe(-7);
    expect(requireSafeInteger(MIN_SAFE, "forcedSignatureVersion")).toBe(Number.MIN_SAFE_INTEGER);
    expect(requireSafeInteger(MAX_SAFE, "forcedSignatureVersion")).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("refuses one past either end", () => {
    expectInvalid(() => requireSafeInteger(MAX_SAFE + 1n, "forcedSignatureVersion"), "forcedSignatureVersion is out of range");
    expectInvalid(() => requireSafeInteger(MIN_SAFE - 1n, "forcedSignatureVersion"), "forcedSignatureVersion is out of range");
  });
});

describe("requireBase64()", () => {
  it("decodes padded and unpadded standard Base64", () => {
    expect(requireBase64("AQIDBA==", "data")).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(requireBase64("AQIDBA", "data")).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(requireBase64("+/8=", "data")).toEqual(Buffer.from([0xfb, 0xff]));
  });

  it("refuses absent and (unless allowed) empty values as required", () => {
    expectInvalid(() => requireBase64(undefined, "data"), "data is required");
    expectInvalid(() => requireBase64("", "data"), "data is required");
    expect(requireBase64("", "data", { allowEmpty: true })).toEqual(Buffer.alloc(0));
    expectInvalid(() => requireBase64(undefined, "data", { allowEmpty: true }), "data is required");
  });

  it("refuses what Node's lenient decoder would silently accept", () => {
    for (const value of ["AQID$A==", "-_8=", "AQID BA==", "AQIDB", "AQ=D", "AQIDBA=", "AQ===", "=AQI"]) {
      expectInvalid(() => requireBase64(value, "data"), "data is not valid Base64");
    }
  });

  it("pins the decoded byte count when asked", () => {
    const sixteen = Buffer.alloc(16, 7).toString("base64");
    expect(requireBase64(sixteen, "nonce", { length: 16 })).toEqual(Buffer.alloc(16, 7));
    expectInvalid(() => requireBase64(Buffer.alloc(15).toString("base64"), "nonce", { length: 16 }), "nonce must be 16 bytes");
    expectInvalid(() => requireBase64(Buffer.alloc(17).toString("base64"), "nonce", { length: 16 }), "nonce must be 16 bytes");
  });
});

describe("optionalBase64()", () => {
  it("treats absent and empty as not given", () => {
    expect(optionalBase64(undefined, "challenge")).toBeUndefined();
    expect(optionalBase64("", "challenge", { length: 16 })).toBeUndefined();
  });

  it("decodes a present value with the same checks as requireBase64", () => {
    expect(optionalBase64("AAECAwQFBgcICQoLDA0ODw==", "challenge", { length: 16 })).toEqual(Buffer.from([...Array(16).keys()]));
    expectInvalid(() => optionalBase64("AAEC", "challenge", { length: 16 }), "challenge must be 16 bytes");
    expectInvalid(() => optionalBase64("not base64!", "challenge"), "challenge is not valid Base64");
  });
});

describe("requireSignatureType()", () => {
  it("maps each of the six proto values to its domain name", () => {
    expect(requireSignatureType(SignatureType.POSSESSION)).toBe("POSSESSION");
    expect(requireSignatureType(SignatureType.KNOWLEDGE)).toBe("KNOWLEDGE");
    expect(requireSignatureType(SignatureType.BIOMETRY)).toBe("BIOMETRY");
    expect(requireSignatureType(SignatureType.POSSESSION_KNOWLEDGE)).toBe("POSSESSION_KNOWLEDGE");
    expect(requireSignatureType(SignatureType.POSSESSION_BIOMETRY)).toBe("POSSESSION_BIOMETRY");
    expect(requireSignatureType(SignatureType.POSSESSION_KNOWLEDGE_BIOMETRY)).toBe("POSSESSION_KNOWLEDGE_BIOMETRY");
  });

  it("refuses UNSPECIFIED, absent and unknown numbers, naming the field", () => {
    expectInvalid(() => requireSignatureType(SignatureType.UNSPECIFIED), "signatureType is required");
    expectInvalid(() => requireSignatureType(undefined), "signatureType is required");
    expectInvalid(() => requireSignatureType(99 as SignatureType), "signatureType is required");
    expectInvalid(() => requireSignatureType(SignatureType.UNSPECIFIED, "tokenSignatureType"), "tokenSignatureType is required");
  });
});

describe("requireTimestamp() and optionalTimestamp()", () => {
  const timestamp = create(TimestampSchema, { seconds: 1_796_513_467n, nanos: 123_000_000 });

  it("convert a Timestamp to the Date of the same millisecond", () => {
    expect(requireTimestamp(timestamp, "timestampFrom").toISOString()).toBe("2026-12-05T23:31:07.123Z");
    expect(optionalTimestamp(timestamp)?.toISOString()).toBe("2026-12-05T23:31:07.123Z");
  });

  it("refuse an absent required timestamp and leave an absent optional one absent", () => {
    expectInvalid(() => requireTimestamp(undefined, "timestampFrom"), "timestampFrom is required");
    expect(optionalTimestamp(undefined)).toBeUndefined();
  });
});

describe("requireEciesRequest()", () => {
  const ephemeralPublicKey = Buffer.concat([Buffer.from([0x02]), Buffer.alloc(32, 0x11)]);
  const encryptedData = Buffer.from("encrypted activation layer 2");
  const mac = Buffer.alloc(32, 0x22);
  const nonce = Buffer.alloc(16, 0x33);
  const fields = {
    ephemeralPublicKey: ephemeralPublicKey.toString("base64"),
    encryptedData: encryptedData.toString("base64"),
    mac: mac.toString("base64"),
  };

  it("decodes a 3.0 request (no nonce) with nonce null", () => {
    expect(requireEciesRequest(fields)).toEqual({ ephemeralPublicKey, encryptedData, mac, nonce: null });
    expect(requireEciesRequest({ ...fields, nonce: "" })).toEqual({ ephemeralPublicKey, encryptedData, mac, nonce: null });
  });

  it("decodes a 3.1 request with its 16-byte nonce", () => {
    expect(requireEciesRequest({ ...fields, nonce: nonce.toString("base64") })).toEqual({ ephemeralPublicKey, encryptedData, mac, nonce });
  });

  it("refuses each malformed field by name", () => {
    expectInvalid(() => requireEciesRequest({ ...fields, ephemeralPublicKey: "" }), "ephemeralPublicKey is required");
    expectInvalid(() => requireEciesRequest({ ...fields, encryptedData: "" }), "encryptedData is required");
    expectInvalid(() => requireEciesRequest({ ...fields, encryptedData: "%%%%" }), "encryptedData is not valid Base64");
    expectInvalid(() => requireEciesRequest({ ...fields, mac: "" }), "mac is required");
    expectInvalid(() => requireEciesRequest({ ...fields, mac: Buffer.alloc(31).toString("base64") }), "mac must be 32 bytes");
    expectInvalid(() => requireEciesRequest({ ...fields, nonce: Buffer.alloc(12).toString("base64") }), "nonce must be 16 bytes");
    expectInvalid(() => requireEciesRequest({ ...fields, nonce: "AAAA AAAA" }), "nonce is not valid Base64");
  });
});

describe("activation, token and UUID ids", () => {
  it("accept an id of exactly the 37-character column and refuse 38", () => {
    const fits = `${UUID}x`;
    expect(fits).toHaveLength(37);
    expect(requireActivationId(UUID)).toBe(UUID);
    expect(requireActivationId(fits)).toBe(fits);
    expectInvalid(() => requireActivationId(`${fits}x`), "activationId is longer than 37 characters");
    expect(requireTokenId(fits)).toBe(fits);
    expectInvalid(() => requireTokenId(`${fits}x`), "tokenId is longer than 37 characters");
    expect(requireUuidId(fits, "callbackId")).toBe(fits);
    expectInvalid(() => requireUuidId(`${fits}x`, "callbackId"), "callbackId is longer than 37 characters");
  });

  it("refuse absent and blank ids by name", () => {
    expectInvalid(() => requireActivationId(undefined), "activationId is required");
    expectInvalid(() => requireActivationId(" "), "activationId is required");
    expectInvalid(() => requireTokenId(""), "tokenId is required");
    expectInvalid(() => requireUuidId("", "id"), "id is required");
  });

  it("optionalActivationId() treats absent and empty as the application scope, checks a present id", () => {
    expect(optionalActivationId(undefined)).toBeUndefined();
    expect(optionalActivationId("")).toBeUndefined();
    expect(optionalActivationId(UUID)).toBe(UUID);
    expectInvalid(() => optionalActivationId("a".repeat(38)), "activationId is longer than 37 characters");
    expectInvalid(() => optionalActivationId("   "), "activationId is required");
  });
});

describe("requireSignatureVersion()", () => {
  it("leaves an absent or empty version absent (a 3.0 client)", () => {
    expect(requireSignatureVersion(undefined)).toBeUndefined();
    expect(requireSignatureVersion("")).toBeUndefined();
  });

  it("accepts the decimal versions and 3.1 or any higher number, as the reference's format lookup does", () => {
    for (const version of ["2.0", "2.1", "3.0", "3.1", "3.2", "9.9"]) expect(requireSignatureVersion(version)).toBe(version);
  });

  it("refuses versions no format knows", () => {
    for (const version of ["1.0", "3.05", "three", "3.1-beta", "Infinity"]) {
      expectInvalid(() => requireSignatureVersion(version), "signatureVersion is not a known protocol version");
    }
  });

  it("refuses more than 16 characters before looking at the number", () => {
    expect(requireSignatureVersion("3.10000000000000")).toBe("3.10000000000000");
    expectInvalid(() => requireSignatureVersion("3.100000000000000"), "signatureVersion is longer than 16 characters");
  });
});

describe("the size limits of signed data and signatures", () => {
  it("are 512 KiB and 255 characters", () => {
    expect(MAX_SIGNED_DATA_LENGTH).toBe(524_288);
    expect(MAX_SIGNATURE_LENGTH).toBe(255);
  });
});

describe("requireAdminField() and requireAdminId()", () => {
  it("return a valid value of 1 to 255 characters", () => {
    expect(requireAdminField("k", "key")).toBe("k");
    expect(requireAdminField("k".repeat(255), "key")).toBe("k".repeat(255));
    expect(requireAdminId("mobile-banking")).toBe("mobile-banking");
  });

  it("report an empty or blank value as a violation of the named field", () => {
    expectAdminViolations(() => requireAdminField("", "key"), [{ fieldName: "key", hint: "must not be empty" }]);
    expectAdminViolations(() => requireAdminField("  ", "key"), [{ fieldName: "key", hint: "must not be empty" }]);
    expectAdminViolations(() => requireAdminId(""), [{ fieldName: "id", hint: "must not be empty" }]);
  });

  it("report 256 characters as a size violation", () => {
    expectAdminViolations(() => requireAdminField("k".repeat(256), "key"), [{ fieldName: "key", hint: "size must be between 1 and 255" }]);
    expectAdminViolations(() => requireAdminId("i".repeat(256)), [{ fieldName: "id", hint: "size must be between 1 and 255" }]);
  });
});

describe("requireAdminRoles()", () => {
  it("returns valid roles, and allows none where the endpoint does", () => {
    expect(requireAdminRoles(["ROLE_ADMIN", "r".repeat(255)], true)).toEqual(["ROLE_ADMIN", "r".repeat(255)]);
    expect(requireAdminRoles([], false)).toEqual([]);
  });

  it("reports no roles where some are required", () => {
    expectAdminViolations(() => requireAdminRoles([], true), [{ fieldName: "roles", hint: "must not be empty" }]);
  });

  it("reports the first invalid role by its index", () => {
    const hint = "must be a non-empty string of at most 255 characters";
    expectAdminViolations(() => requireAdminRoles(["ROLE_A", ""], false), [{ fieldName: "roles[1]", hint }]);
    expectAdminViolations(() => requireAdminRoles([" ", "ROLE_A"], true), [{ fieldName: "roles[0]", hint }]);
    expectAdminViolations(() => requireAdminRoles(["ROLE_A", "ROLE_B", "r".repeat(256)], true), [{ fieldName: "roles[2]", hint }]);
  });
});

describe("control characters", () => {
  it("refuses a NUL or another C0 control in any text, naming the field", () => {
    expectInvalid(() => requireText("user\u0000", "userId"), "userId must not contain control characters");
    expectInvalid(() => optionalText("a\u001bb", "extras"), "extras must not contain control characters");
    expectInvalid(() => withoutControlCharacters("\u0000", "userId"), "userId must not contain control characters");
    expectInvalid(() => requireTextMap({ key: "v\u0000" }, "parameters"), "parameters.key must not contain control characters");
  });

  it("lets tab and line breaks through in free text, but not in identifiers", () => {
    expect(requireText("line one\r\n\tline two", "data", 100)).toBe("line one\r\n\tline two");
    expect(withoutControlCharacters("", "userId")).toBe("");
    expectInvalid(() => requireActivationId(`${UUID.slice(0, 35)}\u0000`), "activationId must not contain control characters");
    expectInvalid(() => requireActivationId(`${UUID.slice(0, 35)}\t`), "activationId must not contain control characters");
    expectInvalid(() => requireTokenId("t\n"), "tokenId must not contain control characters");
    expectInvalid(() => requireUuidId("c\u007f", "callbackId"), "callbackId must not contain control characters");
    expectInvalid(() => requireRecoveryCode("AAAAA-\u0000"), "recoveryCode must not contain control characters");
    expectInvalid(() => requireTextMap({ "k\n": "v" }, "parameters"), "parameters key must not contain control characters");
  });

  it("answers the admin API's ERROR_REQUEST with the field for NULs in names, roles, settings and passwords", () => {
    const hint = "must not contain control characters";
    expectAdminViolations(() => requireAdminId("app\u0000"), [{ fieldName: "id", hint }]);
    expectAdminViolations(() => requireAdminField("a\tb", "appId"), [{ fieldName: "appId", hint }]);
    expectAdminViolations(() => requireAdminRoles(["ROLE\u0000"], true), [{ fieldName: "roles[0]", hint }]);
    expectAdminViolations(() => requirePushParameter("topic\u0000", "topic"), [{ fieldName: "topic", hint }]);
    expectAdminViolations(() => withoutAdminControlCharacters("http://x/\u0000", "callbackUrl"), [{ fieldName: "callbackUrl", hint }]);
    expectAdminViolations(() => requireNewAdminPassword("long-password\u0000x"), [{ fieldName: "password", hint }]);
    expect(withoutAdminControlCharacters("line\nbreak", "privateKeyBase64")).toBe("line\nbreak");
  });
});

describe("requireAdminJsonValue()", () => {
  const nested = (depth: number) => {
    let value = fromJson(ValueSchema, "x");
    for (let i = 0; i < depth; i++) value = create(ValueSchema, { kind: { case: "listValue", value: { values: [value] } } });
    return value;
  };

  it("passes JSON nesting up to 32 levels, with tabs and line breaks in strings", () => {
    expect(requireAdminJsonValue(nested(32), "values[0]")).toEqual(nested(32));
    const text = fromJson(ValueSchema, { a: "line\n\tbreak" });
    expect(requireAdminJsonValue(text, "values[0]")).toBe(text);
  });

  it("refuses deeper nesting (even past protobuf's own JSON limit) and NULs with ERROR_REQUEST naming the value", () => {
    const tooDeep = [{ fieldName: "values[1]", hint: "must not nest deeper than 32 levels" }];
    expectAdminViolations(() => requireAdminJsonValue(nested(33), "values[1]"), tooDeep);
    expectAdminViolations(() => requireAdminJsonValue(nested(10_000), "values[1]"), tooDeep);
    const hint = "must not contain control characters";
    expectAdminViolations(() => requireAdminJsonValue(fromJson(ValueSchema, { a: ["\u0000"] }), "values[0]"), [{ fieldName: "values[0]", hint }]);
    expectAdminViolations(() => requireAdminJsonValue(fromJson(ValueSchema, { "k\u0000": 1 }), "values[0]"), [{ fieldName: "values[0]", hint }]);
  });
});

describe("firstInputProblem", () => {
  const problemOf = (desc: DescMessage, init: Record<string, unknown>) =>
    firstInputProblem(desc, create(desc, init) as unknown as Record<string, unknown>);

  it.each([
    ["userId", InitActivationRequestSchema, { userId: "u".repeat(256) }, "must be at most 255 characters"],
    ["name", CreateCallbackRequestSchema, { appId: "app", name: "n".repeat(256) }, "must be at most 255 characters"],
    ["callbackUrl", CreateCallbackRequestSchema, { appId: "app", callbackUrl: `http://x/${"p".repeat(2048)}` }, "must be at most 2048 characters"],
    ["retentionPeriod", CreateCallbackRequestSchema, { appId: "app", retentionPeriod: `P${"1".repeat(64)}D` }, "must be at most 64 characters"],
    ["attributes", CreateCallbackRequestSchema, { appId: "app", attributes: ["ok", "a".repeat(256)] }, "must be at most 255 characters"],
    ["templateName", CreateOperationRequestSchema, { templateName: "t".repeat(256) }, "must be at most 255 characters"],
    ["parameters", CreateOperationRequestSchema, { templateName: "t", parameters: { ["k".repeat(256)]: "v" } }, "must be at most 255 characters"],
  ] as const)("refuses an over-long %s (its column's size)", (field, desc, init, hint) => {
    expect(problemOf(desc, init)).toEqual({ field, hint, tooLong: true });
  });

  it("takes values exactly at the column's size, and long free text", () => {
    expect(problemOf(InitActivationRequestSchema, { userId: "u".repeat(255), applicationId: 1n })).toBeUndefined();
    expect(problemOf(CreateOperationRequestSchema, { templateName: "t", parameters: { amount: "9".repeat(4000) } })).toBeUndefined();
  });

  it("refuses U+FFFD anywhere, nested JSON values included (protobuf-es decodes invalid UTF-8 to it)", () => {
    expect(problemOf(InitActivationRequestSchema, { userId: "bad\uFFFD" })).toEqual({ field: "userId", hint: "must be valid UTF-8 (U+FFFD is refused)" });
    const value = fromJson(ValueSchema, { nested: ["ok", "bad\uFFFD"] });
    expect(problemOf(CreateApplicationConfigRequestSchema, { id: "app", key: "k", values: [value] })?.field).toBe("stringValue");
  });

  it.each([
    ["before 1970", { seconds: -1n, nanos: 0 }],
    ["after 9999", { seconds: 253_402_300_800n, nanos: 0 }],
    ["with nanos out of range", { seconds: 0n, nanos: 1_000_000_000 }],
  ])("refuses a timestamp %s", (_, timestamp) => {
    expect(problemOf(CreateOperationRequestSchema, { templateName: "t", timestampExpires: create(TimestampSchema, timestamp) })).toEqual({
      field: "timestampExpires",
      hint: "must be between 1970-01-01 and 9999-12-31",
    });
  });
});

describe("boundedRequestInput", () => {
  const interceptor = boundedRequestInput();
  const call = (service: typeof PowerAuthService | typeof AdminService, method: string, message: unknown) =>
    interceptor(async () => ({ stream: false }) as never)({
      stream: false,
      service,
      method: service.methods.find((m) => m.name === method),
      message,
    } as never);

  it("answers a PowerAuth service with ERR0024 (ERR0001 for an activation's over-long user id, as the reference) and the admin API with ERROR_REQUEST naming the field", async () => {
    const error = await call(PowerAuthService, "InitActivation", create(InitActivationRequestSchema, { userId: "u".repeat(300) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe("ERR0001");
    const replaced = await call(PowerAuthService, "InitActivation", create(InitActivationRequestSchema, { userId: "u\uFFFD" })).catch((e: unknown) => e);
    expect((replaced as ServiceError).code).toBe("ERR0024");
    const other = await call(PowerAuthService, "GetActivationListForUser", create(GetActivationListForUserRequestSchema, { userId: "u".repeat(300) })).catch((e: unknown) => e);
    expect((other as ServiceError).code).toBe("ERR0024");
    const admin = await call(AdminService, "CreateCallback", create(CreateCallbackRequestSchema, { appId: "a".repeat(300) })).catch((e: unknown) => e);
    expect(admin).toBeInstanceOf(AdminError);
    expect((admin as AdminError).violations).toEqual([{ fieldName: "appId", hint: "must be at most 255 characters" }]);
  });

  it("passes a request within bounds to the handler", async () => {
    await expect(call(PowerAuthService, "InitActivation", create(InitActivationRequestSchema, { userId: "alice", applicationId: 1n }))).resolves.toEqual({ stream: false });
  });
});
