import { create, equals } from "@bufbuild/protobuf";
import {
  CallbackAuthenticationSchema,
  CallbackAuthenticationUpdateSchema,
  CallbackSchema,
  CallbackType,
  CreateCallbackRequestSchema,
  CreateCallbackResponseSchema,
  ListCallbacksResponseSchema,
  UpdateCallbackRequestSchema,
  UpdateCallbackResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { describe, expect, it } from "vitest";
import {
  fromJsonCallbackList,
  fromJsonCreateCallbackResponse,
  fromJsonUpdateCallbackResponse,
  toJsonCreateCallbackRequest,
  toJsonOperationCallbackRequest,
  toJsonUpdateCallbackRequest,
} from "../testing/rest-client.ts";
import { violationsOf } from "../testing/violations.ts";
import {
  fromJsonCreateCallbackRequest,
  fromJsonOperationCallbackRequest,
  fromJsonUpdateCallbackRequest,
  toJsonCallback,
  toJsonCallbackList,
} from "./callbacks.ts";

// Bodies in the shape of the REST specification (seed 000), its "$NAME" placeholders filled in.
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

describe("callback mapping", () => {
  it("round-trips the create request, secrets included", () => {
    const req = fromJsonCreateCallbackRequest("MY_APP_01", CALLBACK_REQUEST_JSON);
    expect(req).toEqual(
      create(CreateCallbackRequestSchema, {
        ...CALLBACK_REQUEST_JSON,
        appId: "MY_APP_01",
        type: CallbackType.OPERATION_STATUS_CHANGE,
        authentication: create(CallbackAuthenticationUpdateSchema, CALLBACK_REQUEST_JSON.authentication),
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
        ...CALLBACK_JSON,
        type: CallbackType.OPERATION_STATUS_CHANGE,
        authentication: create(CallbackAuthenticationSchema, CALLBACK_JSON.authentication),
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
