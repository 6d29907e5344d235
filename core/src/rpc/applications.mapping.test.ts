import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import {
  CreateApplicationRequestSchema,
  CreateApplicationResponseSchema,
  CreateApplicationVersionRequestSchema,
  CreateApplicationVersionResponseSchema,
  GetApplicationDetailRequestSchema,
  GetApplicationDetailResponseSchema,
  GetApplicationListResponseSchema,
  LookupApplicationByAppKeyRequestSchema,
  LookupApplicationByAppKeyResponseSchema,
  SupportApplicationVersionRequestSchema,
  SupportApplicationVersionResponseSchema,
  UnsupportApplicationVersionRequestSchema,
  UnsupportApplicationVersionResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { ServiceError } from "../domain/errors.ts";
import {
  fromProtoCreateApplication,
  fromProtoCreateApplicationVersion,
  fromProtoGetApplicationDetail,
  fromProtoLookupApplicationByAppKey,
  fromProtoSupportApplicationVersion,
  toProtoApplicationDetail,
  toProtoApplicationList,
  toProtoApplicationVersion,
  toProtoCreateApplication,
  toProtoLookupApplicationByAppKey,
  toProtoSupportApplicationVersion,
  toProtoUnsupportApplicationVersion,
} from "./applications.mapping.ts";

const APP_KEY = "w4CCd1Is7QzHFHSWGZYwSQ==";
const APP_SECRET = "pUOabZXWvsdaJyzjY0NdSA==";
const MASTER_PUBLIC_KEY = "BLvSWsTPOsN4AQ7EvDv3bNFmbG5mSOD0dYIqiP0ZY4mY6zDmzUYpUpj7O9+PxULJq6o0EqoRQ7zbgrrPxrnvEBQ=";
/** Beyond 2^53: an int64 the mapping must not round. */
const BIG_ID = Number.MAX_SAFE_INTEGER;

/** The response as a client decodes it from the wire. */
const overTheWire = <Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) => fromBinary(schema, toBinary(schema, message));

/** ERR0024 with the reason that names the field. */
const invalid = (reason: string) => new ServiceError("ERR0024", { cause: new Error(reason) });

describe("GetApplicationList mapping", () => {
  it("answers each application's int64 id and name", () => {
    const response = overTheWire(
      GetApplicationListResponseSchema,
      toProtoApplicationList([
        { id: 1, name: "mobile-banking", roles: ["ROLE_A"] },
        { id: BIG_ID, name: "internet-banking", roles: [] },
      ]),
    );
    expect(response).toEqual({
      $typeName: "powerauth.v3.GetApplicationListResponse",
      applications: [
        { $typeName: "powerauth.v3.GetApplicationListResponse.Applications", id: 1n, applicationName: "mobile-banking" },
        { $typeName: "powerauth.v3.GetApplicationListResponse.Applications", id: 9_007_199_254_740_991n, applicationName: "internet-banking" },
      ],
    });
  });
});

describe("GetApplicationDetail mapping", () => {
  it("maps an id, or a name when no id is given; the id wins when both are", () => {
    expect(fromProtoGetApplicationDetail(create(GetApplicationDetailRequestSchema, { applicationId: 7n }))).toEqual({ id: 7 });
    expect(fromProtoGetApplicationDetail(create(GetApplicationDetailRequestSchema, { applicationName: "mobile-banking" }))).toEqual({ name: "mobile-banking" });
    expect(fromProtoGetApplicationDetail(create(GetApplicationDetailRequestSchema, { applicationId: 7n, applicationName: "other" }))).toEqual({ id: 7 });
  });

  it("refuses neither, an id of 0 and an over-long or blank name", () => {
    expect(() => fromProtoGetApplicationDetail(create(GetApplicationDetailRequestSchema, {}))).toThrow(invalid("applicationId or applicationName is required"));
    expect(() => fromProtoGetApplicationDetail(create(GetApplicationDetailRequestSchema, { applicationId: 0n }))).toThrow(
      invalid("applicationId must be a positive id"),
    );
    expect(() => fromProtoGetApplicationDetail(create(GetApplicationDetailRequestSchema, { applicationName: "n".repeat(256) }))).toThrow(
      invalid("applicationName is longer than 255 characters"),
    );
    expect(() => fromProtoGetApplicationDetail(create(GetApplicationDetailRequestSchema, { applicationName: "" }))).toThrow(
      invalid("applicationName is required"),
    );
  });

  it("answers the application with every version", () => {
    const response = overTheWire(
      GetApplicationDetailResponseSchema,
      toProtoApplicationDetail({
        id: 7,
        name: "mobile-banking",
        roles: ["ROLE_A"],
        masterPublicKey: MASTER_PUBLIC_KEY,
        versions: [
          { id: 11, name: "default", applicationKey: APP_KEY, applicationSecret: APP_SECRET, supported: true },
          { id: 12, name: "1.0", applicationKey: "k2", applicationSecret: "s2", supported: false },
        ],
      }),
    );
    const version = { $typeName: "powerauth.v3.GetApplicationDetailResponse.Versions" };
    expect(response).toEqual({
      $typeName: "powerauth.v3.GetApplicationDetailResponse",
      applicationId: 7n,
      applicationName: "mobile-banking",
      masterPublicKey: MASTER_PUBLIC_KEY,
      versions: [
        { ...version, applicationVersionId: 11n, applicationVersionName: "default", applicationKey: APP_KEY, applicationSecret: APP_SECRET, supported: true },
        { ...version, applicationVersionId: 12n, applicationVersionName: "1.0", applicationKey: "k2", applicationSecret: "s2", supported: false },
      ],
    });
  });
});

describe("LookupApplicationByAppKey mapping", () => {
  it("maps the application key and answers the int64 id", () => {
    expect(fromProtoLookupApplicationByAppKey(create(LookupApplicationByAppKeyRequestSchema, { applicationKey: APP_KEY }))).toBe(APP_KEY);
    expect(overTheWire(LookupApplicationByAppKeyResponseSchema, toProtoLookupApplicationByAppKey({ applicationId: BIG_ID }))).toEqual({
      $typeName: "powerauth.v3.LookupApplicationByAppKeyResponse",
      applicationId: 9_007_199_254_740_991n,
    });
  });

  it("refuses a missing or over-long key", () => {
    expect(() => fromProtoLookupApplicationByAppKey(create(LookupApplicationByAppKeyRequestSchema, {}))).toThrow(invalid("applicationKey is required"));
    expect(() => fromProtoLookupApplicationByAppKey(create(LookupApplicationByAppKeyRequestSchema, { applicationKey: "k".repeat(256) }))).toThrow(
      invalid("applicationKey is longer than 255 characters"),
    );
  });
});

describe("CreateApplication mapping", () => {
  it("maps the name and answers the new id and name", () => {
    expect(fromProtoCreateApplication(create(CreateApplicationRequestSchema, { applicationName: "mobile-banking" }))).toEqual({ name: "mobile-banking" });
    expect(overTheWire(CreateApplicationResponseSchema, toProtoCreateApplication({ id: 8, name: "mobile-banking", roles: [] }))).toEqual({
      $typeName: "powerauth.v3.CreateApplicationResponse",
      applicationId: 8n,
      applicationName: "mobile-banking",
    });
  });

  it("refuses a blank or over-long name", () => {
    expect(() => fromProtoCreateApplication(create(CreateApplicationRequestSchema, { applicationName: "  " }))).toThrow(invalid("applicationName is required"));
    expect(() => fromProtoCreateApplication(create(CreateApplicationRequestSchema, { applicationName: "n".repeat(256) }))).toThrow(
      invalid("applicationName is longer than 255 characters"),
    );
  });
});

describe("CreateApplicationVersion mapping", () => {
  it("maps the application and the version name", () => {
    const request = create(CreateApplicationVersionRequestSchema, { applicationId: 7n, applicationVersionName: "2.0" });
    expect(fromProtoCreateApplicationVersion(request)).toEqual({ applicationId: 7, versionName: "2.0" });
  });

  it("refuses a missing application and a missing version name", () => {
    expect(() => fromProtoCreateApplicationVersion(create(CreateApplicationVersionRequestSchema, { applicationVersionName: "2.0" }))).toThrow(
      invalid("applicationId must be a positive id"),
    );
    expect(() => fromProtoCreateApplicationVersion(create(CreateApplicationVersionRequestSchema, { applicationId: 7n }))).toThrow(
      invalid("applicationVersionName is required"),
    );
  });

  it("answers the new version with its keys", () => {
    const response = overTheWire(
      CreateApplicationVersionResponseSchema,
      toProtoApplicationVersion({ id: 13, name: "2.0", applicationKey: APP_KEY, applicationSecret: APP_SECRET, supported: true }),
    );
    expect(response).toEqual({
      $typeName: "powerauth.v3.CreateApplicationVersionResponse",
      applicationVersionId: 13n,
      applicationVersionName: "2.0",
      applicationKey: APP_KEY,
      applicationSecret: APP_SECRET,
      supported: true,
    });
  });
});

describe("SupportApplicationVersion and UnsupportApplicationVersion mapping", () => {
  it("map the version and the wanted state", () => {
    expect(fromProtoSupportApplicationVersion(create(SupportApplicationVersionRequestSchema, { applicationVersionId: 13n }), true)).toEqual({
      versionId: 13,
      supported: true,
    });
    expect(fromProtoSupportApplicationVersion(create(UnsupportApplicationVersionRequestSchema, { applicationVersionId: 14n }), false)).toEqual({
      versionId: 14,
      supported: false,
    });
  });

  it("refuse a missing or negative version id", () => {
    expect(() => fromProtoSupportApplicationVersion(create(SupportApplicationVersionRequestSchema, {}), true)).toThrow(
      invalid("applicationVersionId must be a positive id"),
    );
    expect(() => fromProtoSupportApplicationVersion(create(UnsupportApplicationVersionRequestSchema, { applicationVersionId: -2n }), false)).toThrow(
      invalid("applicationVersionId must be a positive id"),
    );
  });

  it("answer the version and its new state", () => {
    expect(overTheWire(SupportApplicationVersionResponseSchema, toProtoSupportApplicationVersion({ versionId: 13, supported: true }))).toEqual({
      $typeName: "powerauth.v3.SupportApplicationVersionResponse",
      applicationVersionId: 13n,
      supported: true,
    });
    expect(overTheWire(UnsupportApplicationVersionResponseSchema, toProtoUnsupportApplicationVersion({ versionId: 14, supported: false }))).toEqual({
      $typeName: "powerauth.v3.UnsupportApplicationVersionResponse",
      applicationVersionId: 14n,
      supported: false,
    });
  });
});
