import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { GetErrorCodeListResponseSchema, GetSystemStatusResponseSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { toProtoErrorCodeList, toProtoSystemStatus } from "./system.mapping.ts";

/** GetSystemStatus and GetErrorCodeList take nothing to validate; only their answers are mapped. */

describe("GetSystemStatus mapping", () => {
  it("answers every field, both timestamps to the millisecond", () => {
    const buildTime = new Date("2026-11-30T17:45:12.345Z");
    const now = new Date("2026-12-05T23:31:07.123Z");
    const message = toProtoSystemStatus({
      status: "OK",
      applicationName: "powerauth-server",
      applicationDisplayName: "PowerAuth Server",
      applicationEnvironment: "production",
      version: "0.1.0",
      buildTime,
      timestamp: now,
    });
    const response = fromBinary(GetSystemStatusResponseSchema, toBinary(GetSystemStatusResponseSchema, message));
    expect(response).toEqual({
      $typeName: "powerauth.v3.GetSystemStatusResponse",
      status: "OK",
      applicationName: "powerauth-server",
      applicationDisplayName: "PowerAuth Server",
      applicationEnvironment: "production",
      version: "0.1.0",
      buildTime: { $typeName: "google.protobuf.Timestamp", seconds: 1_796_060_712n, nanos: 345_000_000 },
      timestamp: { $typeName: "google.protobuf.Timestamp", seconds: 1_796_513_467n, nanos: 123_000_000 },
    });
    expect(timestampDate(response.buildTime!)).toEqual(buildTime);
    expect(timestampDate(response.timestamp!)).toEqual(now);
  });
});

describe("GetErrorCodeList mapping", () => {
  it("answers each code with its message, in order", () => {
    const message = toProtoErrorCodeList([
      { code: "ERR0000", value: "Unknown error occurred." },
      { code: "ERR0024", value: "Invalid request received." },
    ]);
    const response = fromBinary(GetErrorCodeListResponseSchema, toBinary(GetErrorCodeListResponseSchema, message));
    expect(response).toEqual({
      $typeName: "powerauth.v3.GetErrorCodeListResponse",
      errors: [
        { $typeName: "powerauth.v3.GetErrorCodeListResponse.Errors", code: "ERR0000", value: "Unknown error occurred." },
        { $typeName: "powerauth.v3.GetErrorCodeListResponse.Errors", code: "ERR0024", value: "Invalid request received." },
      ],
    });
  });
});
