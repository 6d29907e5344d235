// Callbacks of an application (/v2/admin/applications/{appId}/callbacks…) and the internal endpoint that fires
// operation callbacks (/internal/callback/operation). Secrets go in (password, clientSecret) but never come
// out: answers only say whether one is set.

import { create } from "@bufbuild/protobuf";
import {
  CallbackAuthenticationUpdateSchema,
  CallbackAuthenticationUpdate_HttpBasicSchema,
  CallbackAuthenticationUpdate_OAuth2Schema,
  CallbackType,
  CreateCallbackRequestSchema,
  ListCallbacksRequestSchema,
  OperationCallbackRequestSchema,
  RemoveCallbackRequestSchema,
  UpdateCallbackRequestSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  Callback,
  CallbackAuthentication,
  CallbackAuthenticationUpdate,
  CreateCallbackRequest,
  CreateCallbackResponse,
  ListCallbacksRequest,
  ListCallbacksResponse,
  OperationCallbackRequest,
  RemoveCallbackRequest,
  UpdateCallbackRequest,
  UpdateCallbackResponse,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { JsonReader } from "../validation.ts";
import type { JsonObject } from "../validation.ts";

export type CallbackTypeJson = "REGISTRATION_STATUS_CHANGE" | "OPERATION_STATUS_CHANGE";

export const CALLBACK_TYPES: readonly CallbackTypeJson[] = ["REGISTRATION_STATUS_CHANGE", "OPERATION_STATUS_CHANGE"];

export type CallbackAuthenticationJson = {
  httpBasic?: { enabled: boolean; username?: string; passwordSet: boolean };
  oauth2?: { enabled: boolean; clientId?: string; clientSecretSet: boolean; tokenUri?: string; scope?: string };
};

export type CallbackJson = {
  applicationId: string;
  callbackId: string;
  name: string;
  type?: CallbackTypeJson;
  callbackUrl: string;
  attributes: string[];
  authentication?: CallbackAuthenticationJson;
  retentionPeriod?: string;
  initialBackoff?: string;
  maxAttempts?: number;
};

export type CallbackListJson = { callbacks: CallbackJson[] };

export function fromJsonCreateCallbackRequest(appId: string, body: unknown): CreateCallbackRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(CreateCallbackRequestSchema, { appId: r.pathParam("appId", appId), ...readCallbackSettings(r, o) });
  r.finish();
  return req;
}

export function fromJsonUpdateCallbackRequest(appId: string, callbackId: string, body: unknown): UpdateCallbackRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(UpdateCallbackRequestSchema, {
    appId: r.pathParam("appId", appId),
    callbackId: r.pathParam("callbackId", callbackId),
    ...readCallbackSettings(r, o),
  });
  r.finish();
  return req;
}

export function fromPathListCallbacksRequest(appId: string): ListCallbacksRequest {
  const r = new JsonReader();
  const req = create(ListCallbacksRequestSchema, { appId: r.pathParam("appId", appId) });
  r.finish();
  return req;
}

export function fromPathRemoveCallbackRequest(appId: string, callbackId: string): RemoveCallbackRequest {
  const r = new JsonReader();
  const req = create(RemoveCallbackRequestSchema, {
    appId: r.pathParam("appId", appId),
    callbackId: r.pathParam("callbackId", callbackId),
  });
  r.finish();
  return req;
}

/** Create, update and each list entry answer the same body. */
export function toJsonCallback(res: Callback | CreateCallbackResponse | UpdateCallbackResponse): CallbackJson {
  const type = toJsonCallbackType(res.type);
  const authentication = res.authentication && toJsonCallbackAuthentication(res.authentication);
  return {
    applicationId: res.applicationId,
    callbackId: res.callbackId,
    name: res.name,
    ...(type !== undefined && { type }),
    callbackUrl: res.callbackUrl,
    attributes: [...res.attributes],
    ...(authentication !== undefined && { authentication }),
    ...(res.retentionPeriod !== undefined && { retentionPeriod: res.retentionPeriod }),
    ...(res.initialBackoff !== undefined && { initialBackoff: res.initialBackoff }),
    ...(res.maxAttempts !== undefined && { maxAttempts: res.maxAttempts }),
  };
}

export function toJsonCallbackList(res: ListCallbacksResponse): CallbackListJson {
  return { callbacks: res.callbacks.map(toJsonCallback) };
}

export function fromJsonOperationCallbackRequest(body: unknown): OperationCallbackRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(OperationCallbackRequestSchema, { operationId: r.requiredUuid(o, "operationId") });
  r.finish();
  return req;
}

export function fromJsonCallbackType(type: CallbackTypeJson | undefined): CallbackType {
  switch (type) {
    case "REGISTRATION_STATUS_CHANGE":
      return CallbackType.REGISTRATION_STATUS_CHANGE;
    case "OPERATION_STATUS_CHANGE":
      return CallbackType.OPERATION_STATUS_CHANGE;
    default:
      return CallbackType.UNSPECIFIED;
  }
}

/** Undefined for UNSPECIFIED, which has no REST spelling. */
export function toJsonCallbackType(type: CallbackType): CallbackTypeJson | undefined {
  switch (type) {
    case CallbackType.REGISTRATION_STATUS_CHANGE:
      return "REGISTRATION_STATUS_CHANGE";
    case CallbackType.OPERATION_STATUS_CHANGE:
      return "OPERATION_STATUS_CHANGE";
    default:
      return undefined;
  }
}

/** The body fields shared by create and update callback requests. */
type CallbackSettings = {
  name: string;
  type: CallbackType;
  callbackUrl: string;
  attributes: string[];
  authentication?: CallbackAuthenticationUpdate;
  retentionPeriod?: string;
  initialBackoff?: string;
  maxAttempts?: number;
};

function readCallbackSettings(r: JsonReader, o: JsonObject): CallbackSettings {
  const auth = r.optionalObject(o, "authentication");
  return {
    name: r.requiredString(o, "name"),
    type: fromJsonCallbackType(r.requiredEnum(o, "type", CALLBACK_TYPES)),
    callbackUrl: r.requiredString(o, "callbackUrl"),
    attributes: r.optionalStringArray(o, "attributes"),
    authentication: auth && readCallbackAuthenticationUpdate(r, auth),
    retentionPeriod: r.optionalDuration(o, "retentionPeriod"),
    initialBackoff: r.optionalDuration(o, "initialBackoff"),
    maxAttempts: r.optionalInt32(o, "maxAttempts"),
  };
}

function readCallbackAuthenticationUpdate(r: JsonReader, auth: JsonObject): CallbackAuthenticationUpdate {
  const basic = r.optionalObject(auth, "httpBasic");
  const oauth2 = r.optionalObject(auth, "oauth2");
  return create(CallbackAuthenticationUpdateSchema, {
    httpBasic:
      basic &&
      create(CallbackAuthenticationUpdate_HttpBasicSchema, {
        enabled: r.optionalBoolean(basic, "enabled"),
        username: r.optionalString(basic, "username"),
        password: r.optionalString(basic, "password"),
      }),
    // The specification's request example also shows "clientSecretSet"; it is a response field and ignored
    // here like any other unknown field.
    oauth2:
      oauth2 &&
      create(CallbackAuthenticationUpdate_OAuth2Schema, {
        enabled: r.optionalBoolean(oauth2, "enabled"),
        clientId: r.optionalString(oauth2, "clientId"),
        clientSecret: r.optionalString(oauth2, "clientSecret"),
        tokenUri: r.optionalString(oauth2, "tokenUri"),
        scope: r.optionalString(oauth2, "scope"),
      }),
  });
}

function toJsonCallbackAuthentication(auth: CallbackAuthentication): CallbackAuthenticationJson {
  const out: CallbackAuthenticationJson = {};
  if (auth.httpBasic) {
    out.httpBasic = {
      enabled: auth.httpBasic.enabled,
      ...(auth.httpBasic.username !== undefined && { username: auth.httpBasic.username }),
      passwordSet: auth.httpBasic.passwordSet,
    };
  }
  if (auth.oauth2) {
    out.oauth2 = {
      enabled: auth.oauth2.enabled,
      ...(auth.oauth2.clientId !== undefined && { clientId: auth.oauth2.clientId }),
      clientSecretSet: auth.oauth2.clientSecretSet,
      ...(auth.oauth2.tokenUri !== undefined && { tokenUri: auth.oauth2.tokenUri }),
      ...(auth.oauth2.scope !== undefined && { scope: auth.oauth2.scope }),
    };
  }
  return out;
}
