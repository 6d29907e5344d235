import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import {
  AddApplicationRolesRequestSchema,
  AddApplicationRolesResponseSchema,
  CreateApplicationConfigRequestSchema,
  CreateApplicationConfigResponseSchema,
  CreateApplicationRequestSchema,
  CreateApplicationResponseSchema,
  GetApplicationConfigRequestSchema,
  GetApplicationConfigResponseSchema,
  GetApplicationDetailRequestSchema,
  GetApplicationDetailResponseSchema,
  ListApplicationsResponseSchema,
  RemoveApplicationConfigRequestSchema,
  RemoveApplicationConfigResponseSchema,
  RemoveApplicationRolesRequestSchema,
  RemoveApplicationRolesResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../domain/applications/application-config.ts";
import type { CloudApplication } from "../domain/applications/cloud-applications.ts";
import { AdminError } from "../domain/errors.ts";
import type { Violation } from "../domain/errors.ts";
import {
  fromProtoApplicationRoles,
  fromProtoCloudApplicationId,
  fromProtoCreateApplicationConfig,
  fromProtoCreateCloudApplication,
  fromProtoRemoveApplicationConfig,
  fromProtoValue,
  toProtoAddApplicationRoles,
  toProtoApplicationConfig,
  toProtoCloudApplicationDetail,
  toProtoCloudApplicationList,
  toProtoCreateCloudApplication,
  toProtoCreatedApplicationConfig,
  toProtoRemoveApplicationConfig,
  toProtoRemoveApplicationRoles,
  toProtoValue,
} from "./admin.mapping.ts";

const SERVICE_BASE_URL = "https://api.example.com/enrollment-server";
const APPLICATION: CloudApplication = {
  id: "mobile-banking",
  roles: ["ROLE_ADMIN", "ROLE_PUSH"],
  appKey: "w4CCd1Is7QzHFHSWGZYwSQ==",
  appSecret: "pUOabZXWvsdaJyzjY0NdSA==",
  masterServerPublicKey: "BLvSWsTPOsN4AQ7EvDv3bNFmbG5mSOD0dYIqiP0ZY4mY6zDmzUYpUpj7O9+PxULJq6o0EqoRQ7zbgrrPxrnvEBQ=",
  mobileSdkConfig: "ARDDgIJ3UiztDMcUdJYZljBJEKVDmm2V1r7HWics42NDXUgBQQS70lrEzzrDeAEOxLw792zRZmxuZkjg9HWCKoj9GWOJmOsw5s1GKVKY+zvfj8VCyauqNBKqEUO824K6z8a57xAU",
};

/** A configuration value of every JSON kind, nested. */
const CONFIG_VALUES: JsonValue[] = [
  "packed",
  42,
  1.5,
  true,
  null,
  ["fido-u2f", "none"],
  { providerId: "google", scopes: ["openid"], enabled: false, limits: { max: 3 } },
];

/** The response as a client decodes it from the wire. */
const overTheWire = <Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) => fromBinary(schema, toBinary(schema, message));

/** The Cloud Admin envelope a mapping throws: ERROR_REQUEST with the violated fields. */
const invalid = (...violations: Violation[]) => new AdminError("ERROR_REQUEST", "Invalid method parameter value", violations);

describe("CreateApplication (admin) mapping", () => {
  it("maps the id and the roles, which may be empty", () => {
    expect(fromProtoCreateCloudApplication(create(CreateApplicationRequestSchema, { id: "mobile-banking", roles: ["ROLE_ADMIN"] }))).toEqual({
      id: "mobile-banking",
      roles: ["ROLE_ADMIN"],
    });
    expect(fromProtoCreateCloudApplication(create(CreateApplicationRequestSchema, { id: "mobile-banking" }))).toEqual({ id: "mobile-banking", roles: [] });
  });

  it("reports an empty id, an over-long id and an empty role as violations", () => {
    const map = (id: string, roles: string[] = []) => () => fromProtoCreateCloudApplication(create(CreateApplicationRequestSchema, { id, roles }));
    expect(map("")).toThrow(invalid({ fieldName: "id", hint: "must not be empty" }));
    expect(map("i".repeat(256))).toThrow(invalid({ fieldName: "id", hint: "size must be between 1 and 255" }));
    expect(map("mobile-banking", ["ROLE_ADMIN", " "])).toThrow(
      invalid({ fieldName: "roles[1]", hint: "must be a non-empty string of at most 255 characters" }),
    );
  });

  it("answers everything a mobile app needs, with the configured service URL", () => {
    expect(overTheWire(CreateApplicationResponseSchema, toProtoCreateCloudApplication(APPLICATION, SERVICE_BASE_URL))).toEqual({
      $typeName: "powerauth.admin.v1.CreateApplicationResponse",
      id: "mobile-banking",
      serviceBaseUrl: SERVICE_BASE_URL,
      mobileSdkConfig: APPLICATION.mobileSdkConfig,
      roles: ["ROLE_ADMIN", "ROLE_PUSH"],
      appKey: "w4CCd1Is7QzHFHSWGZYwSQ==",
      appSecret: "pUOabZXWvsdaJyzjY0NdSA==",
      masterServerPublicKey: APPLICATION.masterServerPublicKey,
    });
  });
});

describe("ListApplications mapping", () => {
  it("answers each id as an entry", () => {
    expect(overTheWire(ListApplicationsResponseSchema, toProtoCloudApplicationList(["internet-banking", "mobile-banking"]))).toEqual({
      $typeName: "powerauth.admin.v1.ListApplicationsResponse",
      applications: [
        { $typeName: "powerauth.admin.v1.ListApplicationsResponse.Application", id: "internet-banking" },
        { $typeName: "powerauth.admin.v1.ListApplicationsResponse.Application", id: "mobile-banking" },
      ],
    });
    expect(overTheWire(ListApplicationsResponseSchema, toProtoCloudApplicationList([]))).toEqual({
      $typeName: "powerauth.admin.v1.ListApplicationsResponse",
      applications: [],
    });
  });
});

describe("GetApplicationDetail (admin) and GetApplicationConfig mapping", () => {
  it("map the path id of either request", () => {
    expect(fromProtoCloudApplicationId(create(GetApplicationDetailRequestSchema, { id: "mobile-banking" }))).toBe("mobile-banking");
    expect(fromProtoCloudApplicationId(create(GetApplicationConfigRequestSchema, { id: "internet-banking" }))).toBe("internet-banking");
  });

  it("report an empty or over-long id", () => {
    expect(() => fromProtoCloudApplicationId(create(GetApplicationDetailRequestSchema, {}))).toThrow(invalid({ fieldName: "id", hint: "must not be empty" }));
    expect(() => fromProtoCloudApplicationId(create(GetApplicationConfigRequestSchema, { id: "x".repeat(256) }))).toThrow(
      invalid({ fieldName: "id", hint: "size must be between 1 and 255" }),
    );
  });

  it("answers the detail with the configured service URL", () => {
    expect(overTheWire(GetApplicationDetailResponseSchema, toProtoCloudApplicationDetail({ ...APPLICATION, roles: [] }, SERVICE_BASE_URL))).toEqual({
      $typeName: "powerauth.admin.v1.GetApplicationDetailResponse",
      id: "mobile-banking",
      serviceBaseUrl: SERVICE_BASE_URL,
      mobileSdkConfig: APPLICATION.mobileSdkConfig,
      roles: [],
      appKey: APPLICATION.appKey,
      appSecret: APPLICATION.appSecret,
      masterServerPublicKey: APPLICATION.masterServerPublicKey,
    });
  });

  it("answers every configuration entry with its JSON values intact", () => {
    const response = overTheWire(
      GetApplicationConfigResponseSchema,
      toProtoApplicationConfig("mobile-banking", [
        { key: "fido2_attestation_fmt_allowed", values: ["packed", "none"] },
        { key: "oauth2_providers", values: CONFIG_VALUES },
      ]),
    );
    expect(response.appId).toBe("mobile-banking");
    expect(response.applicationConfigs.map((entry) => ({ key: entry.key, values: entry.values.map(fromProtoValue) }))).toEqual([
      { key: "fido2_attestation_fmt_allowed", values: ["packed", "none"] },
      { key: "oauth2_providers", values: CONFIG_VALUES },
    ]);
    expect(response.applicationConfigs[0]!.values[0]!.kind).toEqual({ case: "stringValue", value: "packed" });
  });
});

describe("AddApplicationRoles and RemoveApplicationRoles mapping", () => {
  it("map the id and the roles", () => {
    expect(fromProtoApplicationRoles(create(AddApplicationRolesRequestSchema, { id: "mobile-banking", roles: ["ROLE_A", "ROLE_B"] }))).toEqual({
      id: "mobile-banking",
      roles: ["ROLE_A", "ROLE_B"],
    });
    expect(fromProtoApplicationRoles(create(RemoveApplicationRolesRequestSchema, { id: "mobile-banking", roles: ["ROLE_B"] }))).toEqual({
      id: "mobile-banking",
      roles: ["ROLE_B"],
    });
  });

  it("report no roles, an over-long role and an empty id", () => {
    expect(() => fromProtoApplicationRoles(create(AddApplicationRolesRequestSchema, { id: "mobile-banking" }))).toThrow(
      invalid({ fieldName: "roles", hint: "must not be empty" }),
    );
    expect(() => fromProtoApplicationRoles(create(RemoveApplicationRolesRequestSchema, { id: "mobile-banking", roles: ["r".repeat(256)] }))).toThrow(
      invalid({ fieldName: "roles[0]", hint: "must be a non-empty string of at most 255 characters" }),
    );
    expect(() => fromProtoApplicationRoles(create(AddApplicationRolesRequestSchema, { id: "", roles: ["ROLE_A"] }))).toThrow(
      invalid({ fieldName: "id", hint: "must not be empty" }),
    );
  });

  it("answer empty messages", () => {
    expect(overTheWire(AddApplicationRolesResponseSchema, toProtoAddApplicationRoles())).toEqual({ $typeName: "powerauth.admin.v1.AddApplicationRolesResponse" });
    expect(overTheWire(RemoveApplicationRolesResponseSchema, toProtoRemoveApplicationRoles())).toEqual({
      $typeName: "powerauth.admin.v1.RemoveApplicationRolesResponse",
    });
  });
});

describe("CreateApplicationConfig mapping", () => {
  it("maps the application, the key and JSON values of every kind", () => {
    const request = create(CreateApplicationConfigRequestSchema, {
      id: "mobile-banking",
      key: "oauth2_providers",
      values: CONFIG_VALUES.map((value) => toProtoValue(value)),
    });
    expect(fromProtoCreateApplicationConfig(overTheWire(CreateApplicationConfigRequestSchema, request))).toEqual({
      applicationName: "mobile-banking",
      key: "oauth2_providers",
      values: CONFIG_VALUES,
    });
    expect(fromProtoCreateApplicationConfig(create(CreateApplicationConfigRequestSchema, { id: "mobile-banking", key: "k" }))).toEqual({
      applicationName: "mobile-banking",
      key: "k",
      values: [],
    });
  });

  it("reports an empty key and an empty id", () => {
    expect(() => fromProtoCreateApplicationConfig(create(CreateApplicationConfigRequestSchema, { id: "mobile-banking", key: "" }))).toThrow(
      invalid({ fieldName: "key", hint: "must not be empty" }),
    );
    expect(() => fromProtoCreateApplicationConfig(create(CreateApplicationConfigRequestSchema, { id: "", key: "k" }))).toThrow(
      invalid({ fieldName: "id", hint: "must not be empty" }),
    );
  });

  it("answers the stored entry", () => {
    const response = overTheWire(
      CreateApplicationConfigResponseSchema,
      toProtoCreatedApplicationConfig("mobile-banking", { key: "oauth2_providers", values: CONFIG_VALUES }),
    );
    expect({ appId: response.appId, key: response.key, values: response.values.map(fromProtoValue) }).toEqual({
      appId: "mobile-banking",
      key: "oauth2_providers",
      values: CONFIG_VALUES,
    });
  });
});

describe("RemoveApplicationConfig mapping", () => {
  it("maps the application and the key, answers an empty message", () => {
    expect(fromProtoRemoveApplicationConfig(create(RemoveApplicationConfigRequestSchema, { id: "mobile-banking", key: "oauth2_providers" }))).toEqual({
      applicationName: "mobile-banking",
      key: "oauth2_providers",
    });
    expect(overTheWire(RemoveApplicationConfigResponseSchema, toProtoRemoveApplicationConfig())).toEqual({
      $typeName: "powerauth.admin.v1.RemoveApplicationConfigResponse",
    });
  });

  it("reports an over-long key", () => {
    expect(() => fromProtoRemoveApplicationConfig(create(RemoveApplicationConfigRequestSchema, { id: "mobile-banking", key: "k".repeat(256) }))).toThrow(
      invalid({ fieldName: "key", hint: "size must be between 1 and 255" }),
    );
  });
});

describe("toProtoValue() and fromProtoValue()", () => {
  it("carry each JSON kind as the matching google.protobuf.Value case and back", () => {
    expect(toProtoValue("packed").kind).toEqual({ case: "stringValue", value: "packed" });
    expect(toProtoValue(42).kind).toEqual({ case: "numberValue", value: 42 });
    expect(toProtoValue(false).kind).toEqual({ case: "boolValue", value: false });
    expect(toProtoValue(null).kind).toEqual({ case: "nullValue", value: 0 });
    expect(toProtoValue(["a"]).kind.case).toBe("listValue");
    expect(toProtoValue({ a: 1 }).kind.case).toBe("structValue");
    for (const value of CONFIG_VALUES) {
      expect(fromProtoValue(overTheWire(ValueSchema, toProtoValue(value)))).toEqual(value);
    }
  });
});
