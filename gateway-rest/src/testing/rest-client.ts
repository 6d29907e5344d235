// The client's half of the REST JSON mapping, for tests only: it writes request bodies from AdminService
// request messages and reads answers into response messages, the opposite directions of ../mapping/. Paired
// with the gateway's mappers it round-trips every body shape, and it lets a test speak the REST surface in
// terms of the same messages. The gateway never imports it. Sections follow the files of ../mapping/.

import { create } from "@bufbuild/protobuf";
import {
  ApnsConfigSchema,
  ApplicationConfigSchema,
  CallbackAuthenticationSchema,
  CallbackAuthentication_HttpBasicSchema,
  CallbackAuthentication_OAuth2Schema,
  CallbackSchema,
  CreateApplicationConfigResponseSchema,
  CreateApplicationResponseSchema,
  CreateCallbackResponseSchema,
  FcmConfigSchema,
  GetApplicationConfigResponseSchema,
  GetApplicationDetailResponseSchema,
  GetPushConfigResponseSchema,
  GetUniqueActiveUsersResponseSchema,
  HmsConfigSchema,
  ListApplicationsResponseSchema,
  ListApplicationsResponse_ApplicationSchema,
  ListCallbacksResponseSchema,
  UpdateCallbackResponseSchema,
  UpdatePushApnsConfigResponseSchema,
  UpdatePushFcmConfigResponseSchema,
  UpdatePushHmsConfigResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  AddApplicationRolesRequest,
  ApnsConfig,
  CallbackAuthentication,
  CallbackType,
  CreateApplicationConfigRequest,
  CreateApplicationConfigResponse,
  CreateApplicationRequest,
  CreateApplicationResponse,
  CreateCallbackRequest,
  CreateCallbackResponse,
  FcmConfig,
  GetApplicationConfigResponse,
  GetApplicationDetailResponse,
  GetPushConfigResponse,
  GetUniqueActiveUsersResponse,
  HmsConfig,
  ListApplicationsResponse,
  ListCallbacksResponse,
  OperationCallbackRequest,
  RemoveApplicationConfigRequest,
  RemoveApplicationRolesRequest,
  UpdateCallbackRequest,
  UpdateCallbackResponse,
  UpdatePushApnsConfigRequest,
  UpdatePushApnsConfigResponse,
  UpdatePushFcmConfigRequest,
  UpdatePushFcmConfigResponse,
  UpdatePushHmsConfigRequest,
  UpdatePushHmsConfigResponse,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type { ApplicationJson } from "../mapping/applications.ts";
import { CALLBACK_TYPES, fromJsonCallbackType, toJsonCallbackType } from "../mapping/callbacks.ts";
import type { CallbackTypeJson } from "../mapping/callbacks.ts";
import { fromJsonValue, toJsonValue } from "../mapping/common.ts";
import type { ApplicationConfigJson } from "../mapping/config.ts";
import { APNS_ENVIRONMENTS, fromJsonApnsEnvironment, toJsonApnsEnvironment } from "../mapping/push.ts";
import type { ApnsEnvironmentJson } from "../mapping/push.ts";
import { JsonReader } from "../validation.ts";
import type { JsonObject } from "../validation.ts";

// ---------------------------------------------------------------------------------------------------------
// Applications

export function toJsonCreateApplicationRequest(req: CreateApplicationRequest): ApplicationRolesJson {
  return { id: req.id, roles: [...req.roles] };
}

export function fromJsonCreateApplicationResponse(json: unknown): CreateApplicationResponse {
  return readApplication(json, (fields) => create(CreateApplicationResponseSchema, fields));
}

export function fromJsonGetApplicationDetailResponse(json: unknown): GetApplicationDetailResponse {
  return readApplication(json, (fields) => create(GetApplicationDetailResponseSchema, fields));
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

// ---------------------------------------------------------------------------------------------------------
// Roles

export type ApplicationRolesJson = { id?: string; roles: string[] };

export function toJsonAddApplicationRolesRequest(req: AddApplicationRolesRequest): ApplicationRolesJson {
  return { id: req.id, roles: [...req.roles] };
}

export function toJsonRemoveApplicationRolesRequest(req: RemoveApplicationRolesRequest): ApplicationRolesJson {
  return { roles: [...req.roles] };
}

// ---------------------------------------------------------------------------------------------------------
// Configuration

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

export function toJsonCreateApplicationConfigRequest(req: CreateApplicationConfigRequest): ApplicationConfigJson {
  return { key: req.key, values: req.values.map(toJsonValue) };
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

export function toJsonRemoveApplicationConfigRequest(req: RemoveApplicationConfigRequest): { key: string } {
  return { key: req.key };
}

// ---------------------------------------------------------------------------------------------------------
// Callbacks

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

export type OperationCallbackJson = { operationId: string };

export function toJsonCreateCallbackRequest(req: CreateCallbackRequest): CallbackRequestJson {
  return writeCallbackSettings(req);
}

export function toJsonUpdateCallbackRequest(req: UpdateCallbackRequest): CallbackRequestJson {
  return writeCallbackSettings(req);
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

export function fromJsonCallbackList(json: unknown): ListCallbacksResponse {
  const r = new JsonReader();
  const o = r.body(json);
  const res = create(ListCallbacksResponseSchema, {
    callbacks: r.objectArray(o, "callbacks").map((c) => create(CallbackSchema, readCallback(r, c))),
  });
  r.finish();
  return res;
}

export function toJsonOperationCallbackRequest(req: OperationCallbackRequest): OperationCallbackJson {
  return { operationId: req.operationId };
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
    type: toJsonCallbackType(req.type) ?? "REGISTRATION_STATUS_CHANGE",
    callbackUrl: req.callbackUrl,
    attributes: [...req.attributes],
    ...(authentication !== undefined && { authentication }),
    ...(req.retentionPeriod !== undefined && { retentionPeriod: req.retentionPeriod }),
    ...(req.initialBackoff !== undefined && { initialBackoff: req.initialBackoff }),
    ...(req.maxAttempts !== undefined && { maxAttempts: req.maxAttempts }),
  };
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
    type: fromJsonCallbackType(r.requiredEnum(o, "type", CALLBACK_TYPES)),
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

// ---------------------------------------------------------------------------------------------------------
// Push

export type ApnsUpdateJson = {
  topic: string;
  keyId: string;
  teamId: string;
  environment: ApnsEnvironmentJson;
  privateKeyBase64: string;
};

export type FcmUpdateJson = { projectId?: string; privateKeyBase64: string };

export type HmsUpdateJson = { projectId: string; appId: string; clientId: string; clientSecret: string };

export function fromJsonGetPushConfigResponse(json: unknown): GetPushConfigResponse {
  return readPushConfig(json, (fields) => create(GetPushConfigResponseSchema, fields));
}

export function fromJsonUpdatePushApnsConfigResponse(json: unknown): UpdatePushApnsConfigResponse {
  return readPushConfig(json, (fields) => create(UpdatePushApnsConfigResponseSchema, fields));
}

export function fromJsonUpdatePushFcmConfigResponse(json: unknown): UpdatePushFcmConfigResponse {
  return readPushConfig(json, (fields) => create(UpdatePushFcmConfigResponseSchema, fields));
}

export function fromJsonUpdatePushHmsConfigResponse(json: unknown): UpdatePushHmsConfigResponse {
  return readPushConfig(json, (fields) => create(UpdatePushHmsConfigResponseSchema, fields));
}

export function toJsonUpdatePushApnsConfigRequest(req: UpdatePushApnsConfigRequest): ApnsUpdateJson {
  return {
    topic: req.topic,
    keyId: req.keyId,
    teamId: req.teamId,
    environment: toJsonApnsEnvironment(req.environment) ?? "DEVELOPMENT",
    privateKeyBase64: req.privateKeyBase64,
  };
}

export function toJsonUpdatePushFcmConfigRequest(req: UpdatePushFcmConfigRequest): FcmUpdateJson {
  return {
    ...(req.projectId !== undefined && { projectId: req.projectId }),
    privateKeyBase64: req.privateKeyBase64,
  };
}

export function toJsonUpdatePushHmsConfigRequest(req: UpdatePushHmsConfigRequest): HmsUpdateJson {
  return { projectId: req.projectId, appId: req.appId, clientId: req.clientId, clientSecret: req.clientSecret };
}

type PushConfigFields = { id: string; apns?: ApnsConfig; fcm?: FcmConfig; hms?: HmsConfig };

/** Reading the configuration and each of the three updates answer the same body. */
function readPushConfig<T>(json: unknown, build: (fields: PushConfigFields) => T): T {
  const r = new JsonReader();
  const o = r.body(json);
  const apns = r.optionalObject(o, "apns");
  const fcm = r.optionalObject(o, "fcm");
  const hms = r.optionalObject(o, "hms");
  const res = build({
    id: r.requiredString(o, "id"),
    apns:
      apns &&
      create(ApnsConfigSchema, {
        topic: r.requiredString(apns, "topic"),
        keyId: r.requiredString(apns, "keyId"),
        teamId: r.requiredString(apns, "teamId"),
        environment: fromJsonApnsEnvironment(r.requiredEnum(apns, "environment", APNS_ENVIRONMENTS)),
      }),
    fcm: fcm && create(FcmConfigSchema, { projectId: r.requiredString(fcm, "projectId") }),
    hms: hms && create(HmsConfigSchema, { projectId: r.requiredString(hms, "projectId") }),
  });
  r.finish();
  return res;
}

// ---------------------------------------------------------------------------------------------------------
// Telemetry

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
