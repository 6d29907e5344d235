import { create, equals } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import {
  ApnsConfigSchema,
  ApnsEnvironment,
  ApplicationConfigSchema,
  CallbackAuthenticationSchema,
  CallbackAuthenticationUpdateSchema,
  CallbackSchema,
  CallbackType,
  CreateApplicationConfigRequestSchema,
  CreateApplicationConfigResponseSchema,
  CreateApplicationRequestSchema,
  CreateApplicationResponseSchema,
  CreateCallbackRequestSchema,
  CreateCallbackResponseSchema,
  FcmConfigSchema,
  GetApplicationConfigResponseSchema,
  GetApplicationDetailResponseSchema,
  GetPushConfigResponseSchema,
  GetUniqueActiveUsersResponseSchema,
  HmsConfigSchema,
  ListApplicationsResponseSchema,
  ListCallbacksResponseSchema,
  UpdateCallbackRequestSchema,
  UpdateCallbackResponseSchema,
  UpdatePushApnsConfigRequestSchema,
  UpdatePushApnsConfigResponseSchema,
  UpdatePushFcmConfigRequestSchema,
  UpdatePushFcmConfigResponseSchema,
  UpdatePushHmsConfigRequestSchema,
  UpdatePushHmsConfigResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { describe, expect, it } from "vitest";
import {
  fromJsonAddApplicationRolesRequest,
  fromJsonApplicationConfig,
  fromJsonApplicationConfigList,
  fromJsonApplicationList,
  fromJsonCallbackList,
  fromJsonCreateApplicationConfigRequest,
  fromJsonCreateApplicationRequest,
  fromJsonCreateApplicationResponse,
  fromJsonCreateCallbackRequest,
  fromJsonCreateCallbackResponse,
  fromJsonGetApplicationDetailResponse,
  fromJsonGetPushConfigResponse,
  fromJsonOperationCallbackRequest,
  fromJsonRemoveApplicationConfigRequest,
  fromJsonRemoveApplicationRolesRequest,
  fromJsonUniqueActiveUsers,
  fromJsonUpdateCallbackRequest,
  fromJsonUpdateCallbackResponse,
  fromJsonUpdatePushApnsConfigRequest,
  fromJsonUpdatePushApnsConfigResponse,
  fromJsonUpdatePushFcmConfigRequest,
  fromJsonUpdatePushFcmConfigResponse,
  fromJsonUpdatePushHmsConfigRequest,
  fromJsonUpdatePushHmsConfigResponse,
  fromPathGetUniqueActiveUsersRequest,
  toJsonAddApplicationRolesRequest,
  toJsonApplication,
  toJsonApplicationConfig,
  toJsonApplicationConfigList,
  toJsonApplicationList,
  toJsonCallback,
  toJsonCallbackList,
  toJsonCreateApplicationConfigRequest,
  toJsonCreateApplicationRequest,
  toJsonCreateCallbackRequest,
  toJsonOperationCallbackRequest,
  toJsonPushConfig,
  toJsonRemoveApplicationConfigRequest,
  toJsonRemoveApplicationRolesRequest,
  toJsonUniqueActiveUsers,
  toJsonUpdateCallbackRequest,
  toJsonUpdatePushApnsConfigRequest,
  toJsonUpdatePushFcmConfigRequest,
  toJsonUpdatePushHmsConfigRequest,
} from "./mapping.ts";
import { RequestValidationError } from "./validation.ts";
import type { Violation } from "./validation.ts";

// Bodies copied from the REST specification (seed 000), placeholders filled in where it shows "$NAME".
const APPLICATION_JSON = {
  id: "MY_APP_01",
  serviceBaseUrl: "https://api.example.com/",
  mobileSdkConfig: "ARB...w==",
  roles: ["ROLE1", "ROLE2"],
  appKey: "b34...==",
  appSecret: "aef...==",
  masterServerPublicKey: "MIIB...==",
};

const CONFIG_LIST_JSON = {
  appId: "dev",
  applicationConfigs: [
    {
      key: "fido2_aaguids_allowed",
      values: ["b34d6780-4264-459e-9b99-600a21017a69", "2aa64fc5-bf88-4681-b18f-98404d0d3661"],
    },
    { key: "fido2_attestation_fmt_allowed", values: ["packed"] },
  ],
};

const CALLBACK_REQUEST_JSON = {
  name: "my-callback",
  type: "OPERATION_STATUS_CHANGE",
  callbackUrl: "https://hooks.example.com/operations",
  attributes: ["userId", "status"],
  authentication: {
    httpBasic: { enabled: true, username: "hook-user", password: "hook-pass" },
    oauth2: {
      enabled: true,
      clientId: "client-1",
      clientSecret: "client-secret",
      tokenUri: "https://auth.example.com/token",
      scope: "callbacks",
    },
  },
  retentionPeriod: "P30D",
  initialBackoff: "PT2S",
  maxAttempts: 1,
};

const CALLBACK_JSON = {
  applicationId: "MY_APP_01",
  callbackId: "6f7e1b2c-1111-2222-3333-444455556666",
  name: "my-callback",
  type: "OPERATION_STATUS_CHANGE",
  callbackUrl: "https://hooks.example.com/operations",
  attributes: ["userId", "status"],
  authentication: {
    httpBasic: { enabled: true, username: "hook-user", passwordSet: true },
    oauth2: {
      enabled: true,
      clientId: "client-1",
      clientSecretSet: true,
      tokenUri: "https://auth.example.com/token",
      scope: "callbacks",
    },
  },
  retentionPeriod: "P30D",
  initialBackoff: "PT2S",
  maxAttempts: 1,
};

const PUSH_CONFIG_JSON = {
  id: "config123",
  apns: { topic: "com.example.MyApp", keyId: "ABCD1234", teamId: "EFGH5678", environment: "DEVELOPMENT" },
  fcm: { projectId: "my-fcm-project-123" },
  hms: { projectId: "my-hms-project-456" },
};

function violationsOf(fn: () => unknown): Violation[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof RequestValidationError) return [...err.violations];
    throw err;
  }
  throw new Error("expected a RequestValidationError");
}

function stringValue(s: string) {
  return create(ValueSchema, { kind: { case: "stringValue", value: s } });
}

describe("application mapping", () => {
  it("round-trips the create request of the specification", () => {
    const body = { id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] };
    const req = fromJsonCreateApplicationRequest(body);
    expect(req).toEqual(create(CreateApplicationRequestSchema, { id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] }));
    expect(toJsonCreateApplicationRequest(req)).toEqual(body);
  });

  it("treats absent roles as none", () => {
    expect(fromJsonCreateApplicationRequest({ id: "A" }).roles).toEqual([]);
  });

  it("writes the create and detail responses exactly like the specification, keys in order", () => {
    const created = fromJsonCreateApplicationResponse(APPLICATION_JSON);
    expect(created).toEqual(create(CreateApplicationResponseSchema, APPLICATION_JSON));
    expect(JSON.stringify(toJsonApplication(created))).toBe(JSON.stringify(APPLICATION_JSON));
    const detail = fromJsonGetApplicationDetailResponse(APPLICATION_JSON);
    expect(detail).toEqual(create(GetApplicationDetailResponseSchema, APPLICATION_JSON));
    expect(JSON.stringify(toJsonApplication(detail))).toBe(JSON.stringify(APPLICATION_JSON));
  });

  it("round-trips the application list", () => {
    const json = { applications: [{ id: "demo-app1" }, { id: "demo-app2" }] };
    const res = fromJsonApplicationList(json);
    expect(res).toEqual(create(ListApplicationsResponseSchema, { applications: [{ id: "demo-app1" }, { id: "demo-app2" }] }));
    expect(toJsonApplicationList(res)).toEqual(json);
  });

  it("round-trips adding roles (ID in the body) and removing roles (ID in the path)", () => {
    const add = fromJsonAddApplicationRolesRequest({ id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] });
    expect(toJsonAddApplicationRolesRequest(add)).toEqual({ id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] });
    const remove = fromJsonRemoveApplicationRolesRequest("MY_APP_01", { roles: ["ROLE1"] });
    expect(remove.id).toBe("MY_APP_01");
    expect(fromJsonRemoveApplicationRolesRequest(remove.id, toJsonRemoveApplicationRolesRequest(remove))).toEqual(remove);
  });

  it("reports a missing application ID the way the specification shows", () => {
    expect(violationsOf(() => fromJsonAddApplicationRolesRequest({ roles: ["ROLE1"] }))).toEqual([
      { fieldName: "id", hint: "must not be empty", missing: true },
    ]);
  });

  it("reports every invalid field at once", () => {
    expect(violationsOf(() => fromJsonAddApplicationRolesRequest({ id: 7, roles: ["ok", 3, " "] }))).toEqual([
      { fieldName: "id", hint: "must be a string", missing: false },
      { fieldName: "roles[1]", hint: "must be a string", missing: false },
      { fieldName: "roles[2]", hint: "must not be blank", missing: true },
    ]);
  });

  it("rejects a body that is not an object", () => {
    expect(violationsOf(() => fromJsonCreateApplicationRequest(["MY_APP_01"]))[0]).toEqual({
      fieldName: "body",
      hint: "must be a JSON object",
      missing: false,
    });
  });
});

describe("application configuration mapping", () => {
  it("round-trips the configuration list of the specification", () => {
    const res = fromJsonApplicationConfigList(CONFIG_LIST_JSON);
    expect(res).toEqual(
      create(GetApplicationConfigResponseSchema, {
        appId: "dev",
        applicationConfigs: [
          create(ApplicationConfigSchema, {
            key: "fido2_aaguids_allowed",
            values: [
              stringValue("b34d6780-4264-459e-9b99-600a21017a69"),
              stringValue("2aa64fc5-bf88-4681-b18f-98404d0d3661"),
            ],
          }),
          create(ApplicationConfigSchema, { key: "fido2_attestation_fmt_allowed", values: [stringValue("packed")] }),
        ],
      }),
    );
    expect(toJsonApplicationConfigList(res)).toEqual(CONFIG_LIST_JSON);
  });

  it("keeps structured values (objects, numbers, booleans, null) intact", () => {
    const body = {
      key: "oauth2_providers",
      values: [{ providerId: "p1", scopes: ["openid"], pkceEnabled: true }, 42, false, null],
    };
    const req = fromJsonCreateApplicationConfigRequest("dev", body);
    expect(req.id).toBe("dev");
    expect(toJsonCreateApplicationConfigRequest(req)).toEqual(body);
  });

  it("round-trips create request and response, and the remove request", () => {
    const req = fromJsonCreateApplicationConfigRequest("dev", { key: "fido2_attestation_fmt_allowed", values: ["packed"] });
    expect(req).toEqual(
      create(CreateApplicationConfigRequestSchema, {
        id: "dev",
        key: "fido2_attestation_fmt_allowed",
        values: [stringValue("packed")],
      }),
    );
    const resJson = { appId: "dev", key: "fido2_attestation_fmt_allowed", values: ["packed"] };
    const res = fromJsonApplicationConfig(resJson);
    expect(res).toEqual(
      create(CreateApplicationConfigResponseSchema, {
        appId: "dev",
        key: "fido2_attestation_fmt_allowed",
        values: [stringValue("packed")],
      }),
    );
    expect(JSON.stringify(toJsonApplicationConfig(res))).toBe(JSON.stringify(resJson));
    const remove = fromJsonRemoveApplicationConfigRequest("dev", { key: "fido2_attestation_fmt_allowed" });
    expect(toJsonRemoveApplicationConfigRequest(remove)).toEqual({ key: "fido2_attestation_fmt_allowed" });
  });

  it("requires a key and an array of values", () => {
    expect(violationsOf(() => fromJsonCreateApplicationConfigRequest("dev", { values: "packed" }))).toEqual([
      { fieldName: "key", hint: "must not be empty", missing: true },
      { fieldName: "values", hint: "must be an array", missing: false },
    ]);
  });
});

describe("callback mapping", () => {
  it("round-trips the create request, secrets included", () => {
    const req = fromJsonCreateCallbackRequest("MY_APP_01", CALLBACK_REQUEST_JSON);
    expect(req).toEqual(
      create(CreateCallbackRequestSchema, {
        appId: "MY_APP_01",
        name: "my-callback",
        type: CallbackType.OPERATION_STATUS_CHANGE,
        callbackUrl: "https://hooks.example.com/operations",
        attributes: ["userId", "status"],
        authentication: create(CallbackAuthenticationUpdateSchema, {
          httpBasic: { enabled: true, username: "hook-user", password: "hook-pass" },
          oauth2: {
            enabled: true,
            clientId: "client-1",
            clientSecret: "client-secret",
            tokenUri: "https://auth.example.com/token",
            scope: "callbacks",
          },
        }),
        retentionPeriod: "P30D",
        initialBackoff: "PT2S",
        maxAttempts: 1,
      }),
    );
    expect(toJsonCreateCallbackRequest(req)).toEqual(CALLBACK_REQUEST_JSON);
  });

  it("round-trips an update that leaves the secrets out, keeping their absence", () => {
    const body = {
      name: "n",
      type: "REGISTRATION_STATUS_CHANGE",
      callbackUrl: "https://x.example/cb",
      authentication: { httpBasic: { enabled: true, username: "u" } },
    };
    const req = fromJsonUpdateCallbackRequest("APP", "CB", body);
    expect(req.appId).toBe("APP");
    expect(req.callbackId).toBe("CB");
    expect(req.authentication?.httpBasic?.password).toBeUndefined();
    expect(req.authentication?.oauth2).toBeUndefined();
    expect(req.maxAttempts).toBeUndefined();
    expect(equals(UpdateCallbackRequestSchema, fromJsonUpdateCallbackRequest("APP", "CB", toJsonUpdateCallbackRequest(req)), req)).toBe(true);
  });

  it("ignores clientSecretSet in a request, as the specification's request example contains it", () => {
    const req = fromJsonCreateCallbackRequest("APP", {
      ...CALLBACK_REQUEST_JSON,
      authentication: { oauth2: { enabled: true, clientId: "c", clientSecretSet: true } },
    });
    expect(req.authentication?.oauth2?.clientSecret).toBeUndefined();
  });

  it("writes the callback response like the specification and never a secret", () => {
    const res = fromJsonCreateCallbackResponse(CALLBACK_JSON);
    expect(res).toEqual(
      create(CreateCallbackResponseSchema, {
        applicationId: "MY_APP_01",
        callbackId: "6f7e1b2c-1111-2222-3333-444455556666",
        name: "my-callback",
        type: CallbackType.OPERATION_STATUS_CHANGE,
        callbackUrl: "https://hooks.example.com/operations",
        attributes: ["userId", "status"],
        authentication: create(CallbackAuthenticationSchema, {
          httpBasic: { enabled: true, username: "hook-user", passwordSet: true },
          oauth2: {
            enabled: true,
            clientId: "client-1",
            clientSecretSet: true,
            tokenUri: "https://auth.example.com/token",
            scope: "callbacks",
          },
        }),
        retentionPeriod: "P30D",
        initialBackoff: "PT2S",
        maxAttempts: 1,
      }),
    );
    const json = toJsonCallback(res);
    expect(JSON.stringify(json)).toBe(JSON.stringify(CALLBACK_JSON));
    expect(JSON.stringify(json)).not.toMatch(/password"|clientSecret"/);
    expect(toJsonCallback(fromJsonUpdateCallbackResponse(CALLBACK_JSON))).toEqual(CALLBACK_JSON);
    expect(fromJsonUpdateCallbackResponse(CALLBACK_JSON).$typeName).toBe(UpdateCallbackResponseSchema.typeName);
  });

  it("round-trips the callback list", () => {
    const json = { callbacks: [CALLBACK_JSON, { ...CALLBACK_JSON, callbackId: "second", authentication: {} }] };
    const res = fromJsonCallbackList(json);
    expect(res.callbacks).toHaveLength(2);
    expect(res.callbacks[0].$typeName).toBe(CallbackSchema.typeName);
    expect(res).toEqual(create(ListCallbacksResponseSchema, res));
    expect(toJsonCallbackList(res)).toEqual(json);
  });

  it("validates type, URL, durations and the attempt count's type", () => {
    expect(
      violationsOf(() =>
        fromJsonCreateCallbackRequest("APP", {
          name: "n",
          type: "ACTIVATION_STATUS_CHANGE",
          retentionPeriod: "30 days",
          initialBackoff: "PT",
          maxAttempts: 1.5,
          authentication: { httpBasic: { enabled: "yes" } },
        }),
      ),
    ).toEqual([
      { fieldName: "type", hint: "must be one of REGISTRATION_STATUS_CHANGE, OPERATION_STATUS_CHANGE", missing: false },
      { fieldName: "callbackUrl", hint: "must not be empty", missing: true },
      { fieldName: "authentication.httpBasic.enabled", hint: "must be a boolean", missing: false },
      { fieldName: "retentionPeriod", hint: "must be an ISO 8601 duration such as PT2S or P30D", missing: false },
      { fieldName: "initialBackoff", hint: "must be an ISO 8601 duration such as PT2S or P30D", missing: false },
      { fieldName: "maxAttempts", hint: "must be a 32-bit integer", missing: false },
    ]);
  });
});

describe("internal operation callback mapping", () => {
  it("round-trips the request and requires a UUID", () => {
    const body = { operationId: "0d7c3bd5-8f6f-4ba4-9c2f-9a7c4e6d2f10" };
    expect(toJsonOperationCallbackRequest(fromJsonOperationCallbackRequest(body))).toEqual(body);
    expect(violationsOf(() => fromJsonOperationCallbackRequest({}))).toEqual([
      { fieldName: "operationId", hint: "must not be empty", missing: true },
    ]);
    expect(violationsOf(() => fromJsonOperationCallbackRequest({ operationId: "op-1" }))).toEqual([
      { fieldName: "operationId", hint: "must be a valid UUID", missing: false },
    ]);
  });
});

describe("push configuration mapping", () => {
  it("writes the push configuration of the specification for the read and all three updates", () => {
    const expected = {
      id: "config123",
      apns: create(ApnsConfigSchema, {
        topic: "com.example.MyApp",
        keyId: "ABCD1234",
        teamId: "EFGH5678",
        environment: ApnsEnvironment.DEVELOPMENT,
      }),
      fcm: create(FcmConfigSchema, { projectId: "my-fcm-project-123" }),
      hms: create(HmsConfigSchema, { projectId: "my-hms-project-456" }),
    };
    const read = fromJsonGetPushConfigResponse(PUSH_CONFIG_JSON);
    expect(read).toEqual(create(GetPushConfigResponseSchema, expected));
    expect(JSON.stringify(toJsonPushConfig(read))).toBe(JSON.stringify(PUSH_CONFIG_JSON));
    expect(fromJsonUpdatePushApnsConfigResponse(PUSH_CONFIG_JSON)).toEqual(create(UpdatePushApnsConfigResponseSchema, expected));
    expect(fromJsonUpdatePushFcmConfigResponse(PUSH_CONFIG_JSON)).toEqual(create(UpdatePushFcmConfigResponseSchema, expected));
    expect(fromJsonUpdatePushHmsConfigResponse(PUSH_CONFIG_JSON)).toEqual(create(UpdatePushHmsConfigResponseSchema, expected));
  });

  it("leaves out services that are not configured", () => {
    expect(toJsonPushConfig(create(GetPushConfigResponseSchema, { id: "APP" }))).toEqual({ id: "APP" });
  });

  it("round-trips the APNs update and accepts the environment in any case", () => {
    const body = {
      topic: "com.wultra.apns.topic",
      keyId: "ABC123DEFG",
      teamId: "DEF123GHIJ",
      environment: "PRODUCTION",
      privateKeyBase64: "QmFzZT...ZmlsZSAoKi5wOCk=",
    };
    const req = fromJsonUpdatePushApnsConfigRequest("APP", body);
    expect(req).toEqual(create(UpdatePushApnsConfigRequestSchema, { ...body, id: "APP", environment: ApnsEnvironment.PRODUCTION }));
    expect(toJsonUpdatePushApnsConfigRequest(req)).toEqual(body);
    expect(fromJsonUpdatePushApnsConfigRequest("APP", { ...body, environment: "development" }).environment).toBe(
      ApnsEnvironment.DEVELOPMENT,
    );
  });

  it("round-trips the FCM update with and without the optional project ID", () => {
    const body = { projectId: "fcm-project-id", privateKeyBase64: "QmFzZT...ZmlsZSAoKi5wOCk=" };
    const req = fromJsonUpdatePushFcmConfigRequest("APP", body);
    expect(req).toEqual(create(UpdatePushFcmConfigRequestSchema, { ...body, id: "APP" }));
    expect(toJsonUpdatePushFcmConfigRequest(req)).toEqual(body);
    const bare = fromJsonUpdatePushFcmConfigRequest("APP", { privateKeyBase64: "a2V5" });
    expect(bare.projectId).toBeUndefined();
    expect(toJsonUpdatePushFcmConfigRequest(bare)).toEqual({ privateKeyBase64: "a2V5" });
  });

  it("round-trips the HMS update", () => {
    const body = { projectId: "hms-project-id", appId: "my-app-id", clientId: "my-client-id", clientSecret: "my-client-secret" };
    const req = fromJsonUpdatePushHmsConfigRequest("APP", body);
    expect(req).toEqual(create(UpdatePushHmsConfigRequestSchema, { ...body, id: "APP" }));
    expect(toJsonUpdatePushHmsConfigRequest(req)).toEqual(body);
  });
});

describe("telemetry mapping", () => {
  it("round-trips the unique-users answer", () => {
    const json = { applicationId: "MyApp", days: 7, users: 42 };
    const res = fromJsonUniqueActiveUsers(json);
    expect(res).toEqual(create(GetUniqueActiveUsersResponseSchema, { applicationId: "MyApp", days: 7, users: 42n }));
    expect(JSON.stringify(toJsonUniqueActiveUsers(res))).toBe(JSON.stringify(json));
  });

  it("passes days through when given and leaves the default to the core", () => {
    expect(fromPathGetUniqueActiveUsersRequest("MyApp", "7").days).toBe(7);
    expect(fromPathGetUniqueActiveUsersRequest("MyApp", null).days).toBeUndefined();
    expect(violationsOf(() => fromPathGetUniqueActiveUsersRequest("MyApp", "7.5"))).toEqual([
      { fieldName: "days", hint: "must be a 32-bit integer", missing: false },
    ]);
    expect(violationsOf(() => fromPathGetUniqueActiveUsersRequest("MyApp", "99999999999"))).toHaveLength(1);
  });
});
