import { create } from "@bufbuild/protobuf";
import {
  ApnsEnvironment as ProtoApnsEnvironment,
  DeletePushApnsConfigResponseSchema,
  DeletePushFcmConfigResponseSchema,
  DeletePushHmsConfigResponseSchema,
  GetPushConfigResponseSchema,
  UpdatePushApnsConfigResponseSchema,
  UpdatePushFcmConfigResponseSchema,
  UpdatePushHmsConfigResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  DeletePushApnsConfigRequest,
  DeletePushFcmConfigRequest,
  DeletePushHmsConfigRequest,
  GetPushConfigRequest,
  UpdatePushApnsConfigRequest,
  UpdatePushFcmConfigRequest,
  UpdatePushHmsConfigRequest,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type { PushConfig } from "../domain/push/push-config.ts";
import type { ApnsEnvironment, PushCredentialsInput } from "../domain/push/push-credentials.ts";
import { requireAdminId, requirePushKeyFile, requirePushParameter } from "./validation.ts";

/** The proto ⇄ domain mapping of the Cloud Admin API's push credentials; secrets only ever travel inwards. */

export function fromProtoPushConfigId(
  request: GetPushConfigRequest | DeletePushApnsConfigRequest | DeletePushFcmConfigRequest | DeletePushHmsConfigRequest,
): string {
  return requireAdminId(request.id);
}

export function fromProtoUpdatePushApnsConfig(request: UpdatePushApnsConfigRequest): { applicationName: string; credentials: PushCredentialsInput } {
  return {
    applicationName: requireAdminId(request.id),
    credentials: {
      platform: "APNS",
      topic: requirePushParameter(request.topic, "topic"),
      keyId: requirePushParameter(request.keyId, "keyId"),
      teamId: requirePushParameter(request.teamId, "teamId"),
      environment: fromProtoApnsEnvironment(request.environment),
      privateKeyBase64: requirePushKeyFile(request.privateKeyBase64),
    },
  };
}

export function fromProtoUpdatePushFcmConfig(request: UpdatePushFcmConfigRequest): { applicationName: string; credentials: PushCredentialsInput } {
  return {
    applicationName: requireAdminId(request.id),
    credentials: {
      platform: "FCM",
      // Optional: empty means "take it from the service account file".
      projectId: request.projectId === undefined || request.projectId === "" ? undefined : requirePushParameter(request.projectId, "projectId"),
      privateKeyBase64: requirePushKeyFile(request.privateKeyBase64),
    },
  };
}

export function fromProtoUpdatePushHmsConfig(request: UpdatePushHmsConfigRequest): { applicationName: string; credentials: PushCredentialsInput } {
  return {
    applicationName: requireAdminId(request.id),
    credentials: {
      platform: "HMS",
      projectId: requirePushParameter(request.projectId, "projectId"),
      appId: requirePushParameter(request.appId, "appId"),
      clientId: requirePushParameter(request.clientId, "clientId"),
      clientSecret: requirePushParameter(request.clientSecret, "clientSecret"),
    },
  };
}

/** UNSPECIFIED is the proto's "absent", answered like a missing REST field. */
function fromProtoApnsEnvironment(environment: ProtoApnsEnvironment): ApnsEnvironment {
  switch (environment) {
    case ProtoApnsEnvironment.DEVELOPMENT:
      return "DEVELOPMENT";
    case ProtoApnsEnvironment.PRODUCTION:
      return "PRODUCTION";
    default:
      return requirePushParameter(undefined, "environment") as never;
  }
}

/** The same body answers the read and each of the three updates. */
function toProtoPushConfigFields(config: PushConfig) {
  return {
    id: config.id,
    apns: config.apns && { ...config.apns, environment: ProtoApnsEnvironment[config.apns.environment] },
    fcm: config.fcm,
    hms: config.hms,
  };
}

export function toProtoGetPushConfig(config: PushConfig) {
  return create(GetPushConfigResponseSchema, toProtoPushConfigFields(config));
}

export function toProtoUpdatePushApnsConfig(config: PushConfig) {
  return create(UpdatePushApnsConfigResponseSchema, toProtoPushConfigFields(config));
}

export function toProtoUpdatePushFcmConfig(config: PushConfig) {
  return create(UpdatePushFcmConfigResponseSchema, toProtoPushConfigFields(config));
}

export function toProtoUpdatePushHmsConfig(config: PushConfig) {
  return create(UpdatePushHmsConfigResponseSchema, toProtoPushConfigFields(config));
}

export function toProtoDeletePushApnsConfig() {
  return create(DeletePushApnsConfigResponseSchema, {});
}

export function toProtoDeletePushFcmConfig() {
  return create(DeletePushFcmConfigResponseSchema, {});
}

export function toProtoDeletePushHmsConfig() {
  return create(DeletePushHmsConfigResponseSchema, {});
}
