import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ActivationStatus, SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { SIGNATURE_TYPES } from "../crypto/multi-factor-signature.ts";
import {
  toProtoActivationStatus,
  toProtoOptionalTimestamp,
  toProtoSignatureType,
  toProtoStoredSignatureType,
  toProtoTimestamp,
} from "./common.mapping.ts";

describe("toProtoTimestamp() and toProtoOptionalTimestamp()", () => {
  it("keep the millisecond and answer unset for null or undefined", () => {
    const date = new Date("2026-12-05T23:31:07.123Z");
    expect(toProtoTimestamp(date)).toEqual({ $typeName: "google.protobuf.Timestamp", seconds: 1_796_513_467n, nanos: 123_000_000 });
    expect(toProtoOptionalTimestamp(date)).toEqual({ $typeName: "google.protobuf.Timestamp", seconds: 1_796_513_467n, nanos: 123_000_000 });
    expect(timestampDate(toProtoTimestamp(new Date(0)))).toEqual(new Date(0));
    expect(toProtoOptionalTimestamp(null)).toBeUndefined();
    expect(toProtoOptionalTimestamp(undefined)).toBeUndefined();
  });
});

describe("toProtoActivationStatus()", () => {
  it("maps each domain status to the proto value of the same name", () => {
    expect(toProtoActivationStatus("CREATED")).toBe(ActivationStatus.CREATED);
    expect(toProtoActivationStatus("OTP_USED")).toBe(ActivationStatus.OTP_USED);
    expect(toProtoActivationStatus("ACTIVE")).toBe(ActivationStatus.ACTIVE);
    expect(toProtoActivationStatus("BLOCKED")).toBe(ActivationStatus.BLOCKED);
    expect(toProtoActivationStatus("REMOVED")).toBe(ActivationStatus.REMOVED);
  });
});

describe("toProtoSignatureType()", () => {
  it("maps each of the six domain types to the proto value of the same name", () => {
    expect(SIGNATURE_TYPES.map((type) => SignatureType[toProtoSignatureType(type)])).toEqual([...SIGNATURE_TYPES]);
    expect(toProtoSignatureType("POSSESSION_KNOWLEDGE_BIOMETRY")).toBe(SignatureType.POSSESSION_KNOWLEDGE_BIOMETRY);
  });
});

describe("toProtoStoredSignatureType()", () => {
  it("maps a stored type name to its enum value", () => {
    expect(toProtoStoredSignatureType("POSSESSION")).toBe(SignatureType.POSSESSION);
    expect(toProtoStoredSignatureType("POSSESSION_BIOMETRY")).toBe(SignatureType.POSSESSION_BIOMETRY);
  });

  it("answers UNSPECIFIED for anything the enum does not name, reverse-mapping keys included", () => {
    for (const stored of ["", "possession", "UNSPECIFIED", "1", "toString", "__proto__", "OFFLINE"]) {
      expect(toProtoStoredSignatureType(stored), stored).toBe(SignatureType.UNSPECIFIED);
    }
  });
});
