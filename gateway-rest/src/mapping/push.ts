// Push notification credentials of an application (/admin/applications/{id}/push…): APNs, FCM and HMS.
// Private keys and client secrets go in but never come out.

import { create } from "@bufbuild/protobuf";
import {
  ApnsEnvironment,
  DeletePushApnsConfigRequestSchema,
  DeletePushFcmConfigRequestSchema,
  DeletePushHmsConfigRequestSchema,
  GetPushConfigRequestSchema,
  UpdatePushApnsConfigRequestSchema,
  UpdatePushFcmConfigRequestSchema,
  UpdatePushHmsConfigRequestSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  DeletePushApnsConfigRequest,
  DeletePushFcmConfigRequest,
  DeletePushHmsConfigRequest,
  GetPushConfigRequest,
  GetPushConfigResponse,
  UpdatePushApnsConfigRequest,
  UpdatePushApnsConfigResponse,
  UpdatePushFcmConfigRequest,
  UpdatePushFcmConfigResponse,
  UpdatePushHmsConfigRequest,
  UpdatePushHmsConfigResponse,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { JsonReader } from "../validation.ts";

export type ApnsEnvironmentJson = "DEVELOPMENT" | "PRODUCTION";

export const APNS_ENVIRONMENTS: readonly ApnsEnvironmentJson[] = ["DEVELOPMENT", "PRODUCTION"];

export type PushConfigJson = {
  id: string;
  apns?: { topic: string; keyId: string; teamId: string; environment?: ApnsEnvironmentJson };
  fcm?: { projectId: string };
  hms?: { projectId: string };
};

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
    const environment = toJsonApnsEnvironment(res.apns.environment);
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

export function fromJsonUpdatePushApnsConfigRequest(id: string, body: unknown): UpdatePushApnsConfigRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(UpdatePushApnsConfigRequestSchema, {
    id: r.pathParam("id", id),
    topic: r.requiredString(o, "topic"),
    keyId: r.requiredString(o, "keyId"),
    teamId: r.requiredString(o, "teamId"),
    // Case-insensitive, as the push server behind the original API accepts "development" too.
    environment: fromJsonApnsEnvironment(r.requiredEnum(o, "environment", APNS_ENVIRONMENTS, true)),
    privateKeyBase64: r.requiredString(o, "privateKeyBase64"),
  });
  r.finish();
  return req;
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

export function fromPathDeletePushHmsConfigRequest(id: string): DeletePushHmsConfigRequest {
  const r = new JsonReader();
  const req = create(DeletePushHmsConfigRequestSchema, { id: r.pathParam("id", id) });
  r.finish();
  return req;
}

export function fromJsonApnsEnvironment(environment: ApnsEnvironmentJson | undefined): ApnsEnvironment {
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
export function toJsonApnsEnvironment(environment: ApnsEnvironment): ApnsEnvironmentJson | undefined {
  switch (environment) {
    case ApnsEnvironment.DEVELOPMENT:
      return "DEVELOPMENT";
    case ApnsEnvironment.PRODUCTION:
      return "PRODUCTION";
    default:
      return undefined;
  }
}
