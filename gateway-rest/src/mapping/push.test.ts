import { create } from "@bufbuild/protobuf";
import {
  ApnsConfigSchema,
  ApnsEnvironment,
  FcmConfigSchema,
  GetPushConfigResponseSchema,
  HmsConfigSchema,
  UpdatePushApnsConfigRequestSchema,
  UpdatePushApnsConfigResponseSchema,
  UpdatePushFcmConfigRequestSchema,
  UpdatePushFcmConfigResponseSchema,
  UpdatePushHmsConfigRequestSchema,
  UpdatePushHmsConfigResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { describe, expect, it } from "vitest";
import {
  fromJsonGetPushConfigResponse,
  fromJsonUpdatePushApnsConfigResponse,
  fromJsonUpdatePushFcmConfigResponse,
  fromJsonUpdatePushHmsConfigResponse,
  toJsonUpdatePushApnsConfigRequest,
  toJsonUpdatePushFcmConfigRequest,
  toJsonUpdatePushHmsConfigRequest,
} from "../testing/rest-client.ts";
import {
  fromJsonUpdatePushApnsConfigRequest,
  fromJsonUpdatePushFcmConfigRequest,
  fromJsonUpdatePushHmsConfigRequest,
  toJsonPushConfig,
} from "./push.ts";

// The body of the REST specification (seed 000).
const PUSH_CONFIG_JSON = {
  id: "config123",
  apns: { topic: "com.example.MyApp", keyId: "ABCD1234", teamId: "EFGH5678", environment: "DEVELOPMENT" },
  fcm: { projectId: "my-fcm-project-123" },
  hms: { projectId: "my-hms-project-456" },
};

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
