import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  CallbackType,
  CreateCallbackRequestSchema,
  CreateCallbackResponseSchema,
  ListCallbacksRequestSchema,
  RemoveCallbackRequestSchema,
  UpdateCallbackRequestSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { describe, expect, it } from "vitest";
import type { CloudCallbackView } from "../domain/callbacks/cloud-callbacks.ts";
import { AdminError } from "../domain/errors.ts";
import {
  fromProtoCallbackType,
  fromProtoCreateCallback,
  fromProtoListCallbacks,
  fromProtoRemoveCallback,
  fromProtoUpdateCallback,
  toProtoCallbackList,
  toProtoCallbackType,
  toProtoCreatedCallback,
  toProtoUpdatedCallback,
} from "./admin-callbacks.mapping.ts";

const CALLBACK_ID = "5f1c0b7e-2d43-4b39-9c1e-0e4a8f2b7d61";

const VIEW: CloudCallbackView = {
  applicationId: "bank-app",
  callbackId: CALLBACK_ID,
  name: "hook",
  type: "ACTIVATION_STATUS_CHANGE",
  callbackUrl: "https://bank.example/hook",
  attributes: ["userId", "activationStatus"],
  authentication: {
    httpBasic: { enabled: true, username: "bank", passwordSet: true },
    oauth2: { enabled: false, clientId: null, clientSecretSet: false, tokenUri: null, scope: null },
  },
  retentionPeriod: "P30D",
  initialBackoff: "PT2S",
  maxAttempts: 1,
};

function adminErrorOf(run: () => unknown): AdminError {
  try {
    run();
  } catch (error) {
    if (error instanceof AdminError) return error;
    throw error;
  }
  throw new Error("expected an AdminError");
}

describe("callback type", () => {
  it("translates the API's names to the stored ones and back", () => {
    expect(fromProtoCallbackType(CallbackType.REGISTRATION_STATUS_CHANGE)).toBe("ACTIVATION_STATUS_CHANGE");
    expect(fromProtoCallbackType(CallbackType.OPERATION_STATUS_CHANGE)).toBe("OPERATION_STATUS_CHANGE");
    for (const type of [CallbackType.REGISTRATION_STATUS_CHANGE, CallbackType.OPERATION_STATUS_CHANGE]) {
      expect(toProtoCallbackType(fromProtoCallbackType(type))).toBe(type);
    }
  });

  it("refuses UNSPECIFIED with ERROR_REQUEST naming the field", () => {
    const error = adminErrorOf(() => fromProtoCallbackType(CallbackType.UNSPECIFIED));
    expect([error.code, error.violations.map((v) => v.fieldName)]).toEqual(["ERROR_REQUEST", ["type"]]);
  });
});

describe("fromProtoCreateCallback / fromProtoUpdateCallback", () => {
  it("reads every setting; absent optional values become null, an absent authentication stays absent", () => {
    const request = create(CreateCallbackRequestSchema, {
      appId: "bank-app",
      name: "hook",
      type: CallbackType.REGISTRATION_STATUS_CHANGE,
      callbackUrl: "https://bank.example/hook",
      attributes: ["userId"],
    });
    expect(fromProtoCreateCallback(request)).toEqual({
      applicationName: "bank-app",
      name: "hook",
      type: "ACTIVATION_STATUS_CHANGE",
      callbackUrl: "https://bank.example/hook",
      attributes: ["userId"],
      authentication: undefined,
      retentionPeriod: null,
      initialBackoff: null,
      maxAttempts: null,
    });
  });

  it("keeps a secret left out as null (the domain then keeps the stored one) and a method left out absent", () => {
    const request = create(UpdateCallbackRequestSchema, {
      appId: "bank-app",
      callbackId: CALLBACK_ID,
      name: "hook",
      type: CallbackType.OPERATION_STATUS_CHANGE,
      callbackUrl: "https://bank.example/hook",
      authentication: { httpBasic: { enabled: true, username: "bank" } },
      retentionPeriod: "P1D",
      initialBackoff: "PT0S",
      maxAttempts: 3,
    });
    // Through the wire, so proto3 optional presence is what a real caller sends.
    const received = fromBinary(UpdateCallbackRequestSchema, toBinary(UpdateCallbackRequestSchema, request));
    expect(fromProtoUpdateCallback(received)).toMatchObject({
      callbackId: CALLBACK_ID,
      type: "OPERATION_STATUS_CHANGE",
      authentication: { httpBasic: { enabled: true, username: "bank", password: null } },
      retentionPeriod: "P1D",
      initialBackoff: "PT0S",
      maxAttempts: 3,
    });
    expect(fromProtoUpdateCallback(received).authentication).not.toHaveProperty("oauth2");
  });

  it("refuses an empty application or callback id with ERROR_REQUEST", () => {
    expect(adminErrorOf(() => fromProtoListCallbacks(create(ListCallbacksRequestSchema, { appId: " " }))).violations).toEqual([
      { fieldName: "appId", hint: "must not be empty" },
    ]);
    expect(adminErrorOf(() => fromProtoRemoveCallback(create(RemoveCallbackRequestSchema, { appId: "a", callbackId: "" }))).violations).toEqual([
      { fieldName: "callbackId", hint: "must not be empty" },
    ]);
  });
});

describe("toProtoCreatedCallback / toProtoUpdatedCallback / toProtoCallbackList", () => {
  it("answers the view with the API's type name, 'set' flags instead of secrets, and unset texts absent", () => {
    const created = fromBinary(CreateCallbackResponseSchema, toBinary(CreateCallbackResponseSchema, toProtoCreatedCallback(VIEW)));
    expect(created).toMatchObject({
      applicationId: "bank-app",
      callbackId: CALLBACK_ID,
      type: CallbackType.REGISTRATION_STATUS_CHANGE,
      attributes: ["userId", "activationStatus"],
      authentication: { httpBasic: { enabled: true, username: "bank", passwordSet: true }, oauth2: { enabled: false, clientSecretSet: false } },
      retentionPeriod: "P30D",
      initialBackoff: "PT2S",
      maxAttempts: 1,
    });
    expect(created.authentication?.oauth2?.clientId).toBeUndefined();
    expect(toProtoUpdatedCallback({ ...VIEW, type: "OPERATION_STATUS_CHANGE" }).type).toBe(CallbackType.OPERATION_STATUS_CHANGE);
    expect(toProtoCallbackList([VIEW, VIEW]).callbacks.map((c) => c.callbackId)).toEqual([CALLBACK_ID, CALLBACK_ID]);
  });
});
