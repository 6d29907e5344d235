// REST JSON ⇄ AdminService messages. Pure functions, one pair per body shape of the Cloud Admin API:
// `fromJson*` parses what arrives (validating the shape, see validation.ts), `toJson*` writes what leaves.
// The gateway uses fromJson* for requests and toJson* for responses; the opposite directions exist so the
// shapes can be round-trip tested and so test clients can speak JSON in terms of the same messages.
// Key order in every toJson* result follows the examples of the REST specification.

import { create, fromJson, toJson } from "@bufbuild/protobuf";
import type { JsonValue } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { Value } from "@bufbuild/protobuf/wkt";
import {
  AddApplicationRolesRequestSchema,
  ApnsConfigSchema,
  ApnsEnvironment,
  ApplicationConfigSchema,
  CallbackAuthenticationSchema,
  CallbackAuthentication_HttpBasicSchema,
  CallbackAuthentication_OAuth2Schema,
  CallbackAuthenticationUpdateSchema,
  CallbackAuthenticationUpdate_HttpBasicSchema,
  CallbackAuthenticationUpdate_OAuth2Schema,
  CallbackSchema,
  CallbackType,
  CreateApplicationConfigRequestSchema,
  CreateApplicationConfigResponseSchema,
  CreateApplicationRequestSchema,
  CreateApplicationResponseSchema,
  CreateCallbackRequestSchema,
  CreateCallbackResponseSchema,
  DeletePushApnsConfigRequestSchema,
  DeletePushFcmConfigRequestSchema,
  DeletePushHmsConfigRequestSchema,
  FcmConfigSchema,
  GetApplicationConfigRequestSchema,
  GetApplicationConfigResponseSchema,
  GetApplicationDetailRequestSchema,
  GetApplicationDetailResponseSchema,
  GetPushConfigRequestSchema,
  GetPushConfigResponseSchema,
  GetUniqueActiveUsersRequestSchema,
  GetUniqueActiveUsersResponseSchema,
  HmsConfigSchema,
  ListApplicationsResponseSchema,
  ListApplicationsResponse_ApplicationSchema,
  ListCallbacksRequestSchema,
  ListCallbacksResponseSchema,
  OperationCallbackRequestSchema,
  RemoveApplicationConfigRequestSchema,
  RemoveApplicationRolesRequestSchema,
  RemoveCallbackRequestSchema,
  UpdateCallbackRequestSchema,
  UpdateCallbackResponseSchema,
  UpdatePushApnsConfigRequestSchema,
  UpdatePushApnsConfigResponseSchema,
  UpdatePushFcmConfigRequestSchema,
  UpdatePushFcmConfigResponseSchema,
  UpdatePushHmsConfigRequestSchema,
  UpdatePushHmsConfigResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  AddApplicationRolesRequest,
  ApnsConfig,
  Callback,
  CallbackAuthentication,
  CallbackAuthenticationUpdate,
  CreateApplicationConfigRequest,
  CreateApplicationConfigResponse,
  CreateApplicationRequest,
  CreateApplicationResponse,
  CreateCallbackRequest,
  CreateCallbackResponse,
  DeletePushApnsConfigRequest,
  DeletePushFcmConfigRequest,
  DeletePushHmsConfigRequest,
  FcmConfig,
  GetApplicationConfigRequest,
  GetApplicationConfigResponse,
  GetApplicationDetailRequest,
  GetApplicationDetailResponse,
  GetPushConfigRequest,
  GetPushConfigResponse,
  GetUniqueActiveUsersRequest,
  GetUniqueActiveUsersResponse,
  HmsConfig,
  ListApplicationsResponse,
  ListCallbacksRequest,
  ListCallbacksResponse,
  OperationCallbackRequest,
  RemoveApplicationConfigRequest,
  RemoveApplicationRolesRequest,
  RemoveCallbackRequest,
  UpdateCallbackRequest,
  UpdateCallbackResponse,
  UpdatePushApnsConfigRequest,
  UpdatePushApnsConfigResponse,
  UpdatePushFcmConfigRequest,
  UpdatePushFcmConfigResponse,
  UpdatePushHmsConfigRequest,
  UpdatePushHmsConfigResponse,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { JsonReader } from "./validation.ts";
import type { JsonObject } from "./validation.ts";

// ---------------------------------------------------------------------------------------------------------
// REST shapes

export type StatusOkJson = { status: "OK" };

export type ApplicationJson = {
  id: string;
  serviceBaseUrl: string;
  mobileSdkConfig: string;
  roles: string[];
  appKey: string;
  appSecret: string;
  masterServerPublicKey: string;
};

export type ApplicationListJson = { applications: { id: string }[] };

export type ApplicationRolesJson = { id?: string; roles: string[] };

export type ApplicationConfigJson = { key: string; values: JsonValue[] };

export type ApplicationConfigListJson = { appId: string; applicationConfigs: ApplicationConfigJson[] };

export type ApplicationConfigResultJson = { appId: string; key: string; values: JsonValue[] };

export type CallbackTypeJson = "REGISTRATION_STATUS_CHANGE" | "OPERATION_STATUS_CHANGE";

export type CallbackAuthenticationRequestJson = {
  httpBasic?: { enabled?: boolean; username?: string; password?: string };
  oauth2?: { enabled?: boolean; clientId?: string; clientSecret?: string; tokenUri?: string; scope?: string };
};

export type CallbackRequestJson = {
  name: string;
  type: CallbackTypeJson;
  callbackUrl: string;
  attributes?: string[];
  authentication?: CallbackAuthenticationRequestJson;
  retentionPeriod?: string;
  initialBackoff?: string;
  maxAttempts?: number;
};

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

export type OperationCallbackJson = { operationId: string };

export type ApnsEnvironmentJson = "DEVELOPMENT" | "PRODUCTION";

export type PushConfigJson = {
  id: string;
  apns?: { topic: string; keyId: string; teamId: string; environment?: ApnsEnvironmentJson };
  fcm?: { projectId: string };
  hms?: { projectId: string };
};

export type ApnsUpdateJson = {
  topic: string;
  keyId: string;
  teamId: string;
  environment: ApnsEnvironmentJson;
  privateKeyBase64: string;
};

export type FcmUpdateJson = { projectId?: string; privateKeyBase64: string };

export type HmsUpdateJson = { projectId: string; appId: string; clientId: string; clientSecret: string };

export type UniqueActiveUsersJson = { applicationId: string; days: number; users: number };

export const STATUS_OK: StatusOkJson = { status: "OK" };

const CALLBACK_TYPES: readonly CallbackTypeJson[] = ["REGISTRATION_STATUS_CHANGE", "OPERATION_STATUS_CHANGE"];
const APNS_ENVIRONMENTS: readonly ApnsEnvironmentJson[] = ["DEVELOPMENT", "PRODUCTION"];

// ---------------------------------------------------------------------------------------------------------
// Applications

export function fromJsonCreateApplicationRequest(body: unknown): CreateApplicationRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(CreateApplicationRequestSchema, {
    id: r.requiredString(o, "id"),
    roles: r.optionalStringArray(o, "roles", true),
  });
  r.finish();
  return req;
}

export function toJsonCreateApplicationRequest(req: CreateApplicationRequest): ApplicationRolesJson {
  return { id: req.id, roles: [...req.roles] };
}

export function fromPathGetApplicationDetailRequest(id: string): GetApplicationDetailRequest {
  const r = new JsonReader();
  const req = create(GetApplicationDetailRequestSchema, { id: r.pathParam("id", id) });
  r.finish();
  return req;
}

/** Create and detail answer the same body. */
export function toJsonApplication(res: CreateApplicationResponse | GetApplicationDetailResponse): ApplicationJson {
  return {
    id: res.id,
    serviceBaseUrl: res.serviceBaseUrl,
    mobileSdkConfig: res.mobileSdkConfig,
    roles: [...res.roles],
    appKey: res.appKey,
    appSecret: res.appSecret,
    masterServerPublicKey: res.masterServerPublicKey,
  };
}

export function fromJsonCreateApplicationResponse(json: unknown): CreateApplicationResponse {
  return readApplication(json, (fields) => create(CreateApplicationResponseSchema, fields));
}

export function fromJsonGetApplicationDetailResponse(json: unknown): GetApplicationDetailResponse {
  return readApplication(json, (fields) => create(GetApplicationDetailResponseSchema, fields));
}

export function toJsonApplicationList(res: ListApplicationsResponse): ApplicationListJson {
  return { applications: res.applications.map((a) => ({ id: a.id })) };
}

export function fromJsonApplicationList(json: unknown): ListApplicationsResponse {
  const r = new JsonReader();
  const o = r.body(json);
  const res = create(ListApplicationsResponseSchema, {
    applications: r
      .objectArray(o, "applications")
      .map((a) => create(ListApplicationsResponse_ApplicationSchema, { id: r.requiredString(a, "id") })),
  });
  r.finish();
  return res;
}

export function fromJsonAddApplicationRolesRequest(body: unknown): AddApplicationRolesRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(AddApplicationRolesRequestSchema, {
    id: r.requiredString(o, "id"),
    roles: r.requiredStringArray(o, "roles"),
  });
  r.finish();
  return req;
}

export function toJsonAddApplicationRolesRequest(req: AddApplicationRolesRequest): ApplicationRolesJson {
  return { id: req.id, roles: [...req.roles] };
}

export function fromJsonRemoveApplicationRolesRequest(id: string, body: unknown): RemoveApplicationRolesRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(RemoveApplicationRolesRequestSchema, {
    id: r.pathParam("id", id),
    roles: r.requiredStringArray(o, "roles"),
  });
  r.finish();
  return req;
}

export function toJsonRemoveApplicationRolesRequest(req: RemoveApplicationRolesRequest): ApplicationRolesJson {
  return { roles: [...req.roles] };
}

// ---------------------------------------------------------------------------------------------------------
// Application configuration

export function fromPathGetApplicationConfigRequest(id: string): GetApplicationConfigRequest {
  const r = new JsonReader();
  const req = create(GetApplicationConfigRequestSchema, { id: r.pathParam("id", id) });
  r.finish();
  return req;
}

export function toJsonApplicationConfigList(res: GetApplicationConfigResponse): ApplicationConfigListJson {
  return {
    appId: res.appId,
    applicationConfigs: res.applicationConfigs.map((c) => ({ key: c.key, values: c.values.map(toJsonValue) })),
  };
}

export function fromJsonApplicationConfigList(json: unknown): GetApplicationConfigResponse {
  const r = new JsonReader();
  const o = r.body(json);
  const res = create(GetApplicationConfigResponseSchema, {
    appId: r.requiredString(o, "appId"),
    applicationConfigs: r.objectArray(o, "applicationConfigs").map((c) =>
      create(ApplicationConfigSchema, {
        key: r.requiredString(c, "key"),
        values: r.optionalJsonArray(c, "values").map(fromJsonValue),
      }),
    ),
  });
  r.finish();
  return res;
}

export function fromJsonCreateApplicationConfigRequest(id: string, body: unknown): CreateApplicationConfigRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(CreateApplicationConfigRequestSchema, {
    id: r.pathParam("id", id),
    key: r.requiredString(o, "key"),
    values: r.optionalJsonArray(o, "values").map(fromJsonValue),
  });
  r.finish();
  return req;
}

export function toJsonCreateApplicationConfigRequest(req: CreateApplicationConfigRequest): ApplicationConfigJson {
  return { key: req.key, values: req.values.map(toJsonValue) };
}

export function toJsonApplicationConfig(res: CreateApplicationConfigResponse): ApplicationConfigResultJson {
  return { appId: res.appId, key: res.key, values: res.values.map(toJsonValue) };
}

export function fromJsonApplicationConfig(json: unknown): CreateApplicationConfigResponse {
  const r = new JsonReader();
  const o = r.body(json);
  const res = create(CreateApplicationConfigResponseSchema, {
    appId: r.requiredString(o, "appId"),
    key: r.requiredString(o, "key"),
    values: r.optionalJsonArray(o, "values").map(fromJsonValue),
  });
  r.finish();
  return res;
}

export function fromJsonRemoveApplicationConfigRequest(id: string, body: unknown): RemoveApplicationConfigRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(RemoveApplicationConfigRequestSchema, {
    id: r.pathParam("id", id),
    key: r.requiredString(o, "key"),
  });
  r.finish();
  return req;
}

export function toJsonRemoveApplicationConfigRequest(req: RemoveApplicationConfigRequest): { key: string } {
  return { key: req.key };
}

// ---------------------------------------------------------------------------------------------------------
// Callbacks

export function fromJsonCreateCallbackRequest(appId: string, body: unknown): CreateCallbackRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(CreateCallbackRequestSchema, { appId: r.pathParam("appId", appId), ...readCallbackSettings(r, o) });
  r.finish();
  return req;
}

export function toJsonCreateCallbackRequest(req: CreateCallbackRequest): CallbackRequestJson {
  return writeCallbackSettings(req);
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

export function toJsonUpdateCallbackRequest(req: UpdateCallbackRequest): CallbackRequestJson {
  return writeCallbackSettings(req);
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
  const type = callbackTypeToJson(res.type);
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

export function fromJsonCreateCallbackResponse(json: unknown): CreateCallbackResponse {
  const r = new JsonReader();
  const res = create(CreateCallbackResponseSchema, readCallback(r, r.body(json)));
  r.finish();
  return res;
}

export function fromJsonUpdateCallbackResponse(json: unknown): UpdateCallbackResponse {
  const r = new JsonReader();
  const res = create(UpdateCallbackResponseSchema, readCallback(r, r.body(json)));
  r.finish();
  return res;
}

export function toJsonCallbackList(res: ListCallbacksResponse): CallbackListJson {
  return { callbacks: res.callbacks.map(toJsonCallback) };
}

export function fromJsonCallbackList(json: unknown): ListCallbacksResponse {
  const r = new JsonReader();
  const o = r.body(json);
  const res = create(ListCallbacksResponseSchema, {
    callbacks: r.objectArray(o, "callbacks").map((c) => create(CallbackSchema, readCallback(r, c))),
  });
  r.finish();
  return res;
}

// ---------------------------------------------------------------------------------------------------------
// Internal

export function fromJsonOperationCallbackRequest(body: unknown): OperationCallbackRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(OperationCallbackRequestSchema, { operationId: r.requiredUuid(o, "operationId") });
  r.finish();
  return req;
}

export function toJsonOperationCallbackRequest(req: OperationCallbackRequest): OperationCallbackJson {
  return { operationId: req.operationId };
}

// ---------------------------------------------------------------------------------------------------------
// Push notification credentials

export function fromPathGetPushConfigRequest(id: string): GetPushConfigRequest {
  const r = new JsonReader();
  const req = create(GetPushConfigRequestSchema, { id: r.pathParam("id", id) });
  r.finish();
  return req;
}

/** Reading the configuration and each of the three updates answer the same body. */
export function toJsonPushConfig(
  res: GetPushConfigResponse | UpdatePushApnsConfigResponse | UpdatePushFcmConfigResponse | UpdatePushHmsConfigResponse,
): PushConfigJson {
  const out: PushConfigJson = { id: res.id };
  if (res.apns) {
    const environment = apnsEnvironmentToJson(res.apns.environment);
    out.apns = {
      topic: res.apns.topic,
      keyId: res.apns.keyId,
      teamId: res.apns.teamId,
      ...(environment !== undefined && { environment }),
    };
  }
  if (res.fcm) out.fcm = { projectId: res.fcm.projectId };
  if (res.hms) out.hms = { projectId: res.hms.projectId };
  return out;
}

export function fromJsonGetPushConfigResponse(json: unknown): GetPushConfigResponse {
  const r = new JsonReader();
  const res = create(GetPushConfigResponseSchema, readPushConfig(r, r.body(json)));
  r.finish();
  return res;
}

export function fromJsonUpdatePushApnsConfigResponse(json: unknown): UpdatePushApnsConfigResponse {
  const r = new JsonReader();
  const res = create(UpdatePushApnsConfigResponseSchema, readPushConfig(r, r.body(json)));
  r.finish();
  return res;
}

export function fromJsonUpdatePushFcmConfigResponse(json: unknown): UpdatePushFcmConfigResponse {
  const r = new JsonReader();
  const res = create(UpdatePushFcmConfigResponseSchema, readPushConfig(r, r.body(json)));
  r.finish();
  return res;
}

export function fromJsonUpdatePushHmsConfigResponse(json: unknown): UpdatePushHmsConfigResponse {
  const r = new JsonReader();
  const res = create(UpdatePushHmsConfigResponseSchema, readPushConfig(r, r.body(json)));
  r.finish();
  return res;
}

export function fromJsonUpdatePushApnsConfigRequest(id: string, body: unknown): UpdatePushApnsConfigRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(UpdatePushApnsConfigRequestSchema, {
    id: r.pathParam("id", id),
    topic: r.requiredString(o, "topic"),
    keyId: r.requiredString(o, "keyId"),
    teamId: r.requiredString(o, "teamId"),
    // Case-insensitive, as the push server behind the original API accepts "development" too.
    environment: apnsEnvironmentFromJson(r.requiredEnum(o, "environment", APNS_ENVIRONMENTS, true)),
    privateKeyBase64: r.requiredString(o, "privateKeyBase64"),
  });
  r.finish();
  return req;
}

export function toJsonUpdatePushApnsConfigRequest(req: UpdatePushApnsConfigRequest): ApnsUpdateJson {
  return {
    topic: req.topic,
    keyId: req.keyId,
    teamId: req.teamId,
    environment: apnsEnvironmentToJson(req.environment) ?? "DEVELOPMENT",
    privateKeyBase64: req.privateKeyBase64,
  };
}

export function fromPathDeletePushApnsConfigRequest(id: string): DeletePushApnsConfigRequest {
  const r = new JsonReader();
  const req = create(DeletePushApnsConfigRequestSchema, { id: r.pathParam("id", id) });
  r.finish();
  return req;
}

export function fromJsonUpdatePushFcmConfigRequest(id: string, body: unknown): UpdatePushFcmConfigRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(UpdatePushFcmConfigRequestSchema, {
    id: r.pathParam("id", id),
    projectId: r.optionalString(o, "projectId"),
    privateKeyBase64: r.requiredString(o, "privateKeyBase64"),
  });
  r.finish();
  return req;
}

export function toJsonUpdatePushFcmConfigRequest(req: UpdatePushFcmConfigRequest): FcmUpdateJson {
  return {
    ...(req.projectId !== undefined && { projectId: req.projectId }),
    privateKeyBase64: req.privateKeyBase64,
  };
}

export function fromPathDeletePushFcmConfigRequest(id: string): DeletePushFcmConfigRequest {
  const r = new JsonReader();
  const req = create(DeletePushFcmConfigRequestSchema, { id: r.pathParam("id", id) });
  r.finish();
  return req;
}

export function fromJsonUpdatePushHmsConfigRequest(id: string, body: unknown): UpdatePushHmsConfigRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(UpdatePushHmsConfigRequestSchema, {
    id: r.pathParam("id", id),
    projectId: r.requiredString(o, "projectId"),
    appId: r.requiredString(o, "appId"),
    clientId: r.requiredString(o, "clientId"),
    clientSecret: r.requiredString(o, "clientSecret"),
  });
  r.finish();
  return req;
}

export function toJsonUpdatePushHmsConfigRequest(req: UpdatePushHmsConfigRequest): HmsUpdateJson {
  return { projectId: req.projectId, appId: req.appId, clientId: req.clientId, clientSecret: req.clientSecret };
}

export function fromPathDeletePushHmsConfigRequest(id: string): DeletePushHmsConfigRequest {
  const r = new JsonReader();
  const req = create(DeletePushHmsConfigRequestSchema, { id: r.pathParam("id", id) });
  r.finish();
  return req;
}

// ---------------------------------------------------------------------------------------------------------
// Telemetry

/** `days` is the raw query parameter (null when absent); the core applies its default. */
export function fromPathGetUniqueActiveUsersRequest(id: string, days: string | null): GetUniqueActiveUsersRequest {
  const r = new JsonReader();
  const req = create(GetUniqueActiveUsersRequestSchema, {
    id: r.pathParam("id", id),
    days: r.optionalIntegerParam("days", days),
  });
  r.finish();
  return req;
}

export function toJsonUniqueActiveUsers(res: GetUniqueActiveUsersResponse): UniqueActiveUsersJson {
  // Counts of users stay far below 2^53, so a JSON number is exact.
  return { applicationId: res.applicationId, days: res.days, users: Number(res.users) };
}

export function fromJsonUniqueActiveUsers(json: unknown): GetUniqueActiveUsersResponse {
  const r = new JsonReader();
  const o = r.body(json);
  const res = create(GetUniqueActiveUsersResponseSchema, {
    applicationId: r.requiredString(o, "applicationId"),
    days: r.requiredInteger(o, "days"),
    users: BigInt(r.requiredInteger(o, "users")),
  });
  r.finish();
  return res;
}

// ---------------------------------------------------------------------------------------------------------
// Shared pieces

function readApplication<T>(json: unknown, build: (fields: ApplicationJson) => T): T {
  const r = new JsonReader();
  const o = r.body(json);
  const res = build({
    id: r.requiredString(o, "id"),
    serviceBaseUrl: r.requiredString(o, "serviceBaseUrl"),
    mobileSdkConfig: r.requiredString(o, "mobileSdkConfig"),
    roles: r.optionalStringArray(o, "roles"),
    appKey: r.requiredString(o, "appKey"),
    appSecret: r.requiredString(o, "appSecret"),
    masterServerPublicKey: r.requiredString(o, "masterServerPublicKey"),
  });
  r.finish();
  return res;
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
    type: callbackTypeFromJson(r.requiredEnum(o, "type", CALLBACK_TYPES)),
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

function writeCallbackSettings(req: CreateCallbackRequest | UpdateCallbackRequest): CallbackRequestJson {
  const { httpBasic: basic, oauth2 } = req.authentication ?? {};
  const authentication: CallbackAuthenticationRequestJson | undefined = req.authentication && {
    ...(basic && {
      httpBasic: {
        ...(basic.enabled !== undefined && { enabled: basic.enabled }),
        ...(basic.username !== undefined && { username: basic.username }),
        ...(basic.password !== undefined && { password: basic.password }),
      },
    }),
    ...(oauth2 && {
      oauth2: {
        ...(oauth2.enabled !== undefined && { enabled: oauth2.enabled }),
        ...(oauth2.clientId !== undefined && { clientId: oauth2.clientId }),
        ...(oauth2.clientSecret !== undefined && { clientSecret: oauth2.clientSecret }),
        ...(oauth2.tokenUri !== undefined && { tokenUri: oauth2.tokenUri }),
        ...(oauth2.scope !== undefined && { scope: oauth2.scope }),
      },
    }),
  };
  return {
    name: req.name,
    type: callbackTypeToJson(req.type) ?? "REGISTRATION_STATUS_CHANGE",
    callbackUrl: req.callbackUrl,
    attributes: [...req.attributes],
    ...(authentication !== undefined && { authentication }),
    ...(req.retentionPeriod !== undefined && { retentionPeriod: req.retentionPeriod }),
    ...(req.initialBackoff !== undefined && { initialBackoff: req.initialBackoff }),
    ...(req.maxAttempts !== undefined && { maxAttempts: req.maxAttempts }),
  };
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

type CallbackFields = {
  applicationId: string;
  callbackId: string;
  name: string;
  type: CallbackType;
  callbackUrl: string;
  attributes: string[];
  authentication?: CallbackAuthentication;
  retentionPeriod?: string;
  initialBackoff?: string;
  maxAttempts?: number;
};

function readCallback(r: JsonReader, o: JsonObject): CallbackFields {
  const auth = r.optionalObject(o, "authentication");
  const basic = auth && r.optionalObject(auth, "httpBasic");
  const oauth2 = auth && r.optionalObject(auth, "oauth2");
  return {
    applicationId: r.requiredString(o, "applicationId"),
    callbackId: r.requiredString(o, "callbackId"),
    name: r.requiredString(o, "name"),
    type: callbackTypeFromJson(r.requiredEnum(o, "type", CALLBACK_TYPES)),
    callbackUrl: r.requiredString(o, "callbackUrl"),
    attributes: r.optionalStringArray(o, "attributes"),
    authentication:
      auth &&
      create(CallbackAuthenticationSchema, {
        httpBasic:
          basic &&
          create(CallbackAuthentication_HttpBasicSchema, {
            enabled: r.requiredBoolean(basic, "enabled"),
            username: r.optionalString(basic, "username"),
            passwordSet: r.requiredBoolean(basic, "passwordSet"),
          }),
        oauth2:
          oauth2 &&
          create(CallbackAuthentication_OAuth2Schema, {
            enabled: r.requiredBoolean(oauth2, "enabled"),
            clientId: r.optionalString(oauth2, "clientId"),
            clientSecretSet: r.requiredBoolean(oauth2, "clientSecretSet"),
            tokenUri: r.optionalString(oauth2, "tokenUri"),
            scope: r.optionalString(oauth2, "scope"),
          }),
      }),
    retentionPeriod: r.optionalDuration(o, "retentionPeriod"),
    initialBackoff: r.optionalDuration(o, "initialBackoff"),
    maxAttempts: r.optionalInt32(o, "maxAttempts"),
  };
}

type PushConfigFields = { id: string; apns?: ApnsConfig; fcm?: FcmConfig; hms?: HmsConfig };

function readPushConfig(r: JsonReader, o: JsonObject): PushConfigFields {
  const apns = r.optionalObject(o, "apns");
  const fcm = r.optionalObject(o, "fcm");
  const hms = r.optionalObject(o, "hms");
  return {
    id: r.requiredString(o, "id"),
    apns:
      apns &&
      create(ApnsConfigSchema, {
        topic: r.requiredString(apns, "topic"),
        keyId: r.requiredString(apns, "keyId"),
        teamId: r.requiredString(apns, "teamId"),
        environment: apnsEnvironmentFromJson(r.requiredEnum(apns, "environment", APNS_ENVIRONMENTS)),
      }),
    fcm: fcm && create(FcmConfigSchema, { projectId: r.requiredString(fcm, "projectId") }),
    hms: hms && create(HmsConfigSchema, { projectId: r.requiredString(hms, "projectId") }),
  };
}

function callbackTypeFromJson(type: CallbackTypeJson | undefined): CallbackType {
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
function callbackTypeToJson(type: CallbackType): CallbackTypeJson | undefined {
  switch (type) {
    case CallbackType.REGISTRATION_STATUS_CHANGE:
      return "REGISTRATION_STATUS_CHANGE";
    case CallbackType.OPERATION_STATUS_CHANGE:
      return "OPERATION_STATUS_CHANGE";
    default:
      return undefined;
  }
}

function apnsEnvironmentFromJson(environment: ApnsEnvironmentJson | undefined): ApnsEnvironment {
  switch (environment) {
    case "DEVELOPMENT":
      return ApnsEnvironment.DEVELOPMENT;
    case "PRODUCTION":
      return ApnsEnvironment.PRODUCTION;
    default:
      return ApnsEnvironment.UNSPECIFIED;
  }
}

/** Undefined for UNSPECIFIED, which has no REST spelling. */
function apnsEnvironmentToJson(environment: ApnsEnvironment): ApnsEnvironmentJson | undefined {
  switch (environment) {
    case ApnsEnvironment.DEVELOPMENT:
      return "DEVELOPMENT";
    case ApnsEnvironment.PRODUCTION:
      return "PRODUCTION";
    default:
      return undefined;
  }
}

function fromJsonValue(value: unknown): Value {
  // JSON.parse only produces JSON values, so the cast restates what the parser guarantees.
  return fromJson(ValueSchema, value as JsonValue);
}

function toJsonValue(value: Value): JsonValue {
  // A Value with no kind set has no JSON form; null is the closest honest rendering.
  return value.kind.case === undefined ? null : toJson(ValueSchema, value);
}
