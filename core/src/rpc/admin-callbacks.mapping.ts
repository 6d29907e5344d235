import { create } from "@bufbuild/protobuf";
import {
  CallbackSchema,
  CallbackType as ProtoCallbackType,
  CreateCallbackResponseSchema,
  ListCallbacksResponseSchema,
  RemoveCallbackResponseSchema,
  UpdateCallbackResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  CallbackAuthenticationUpdate,
  CreateCallbackRequest,
  ListCallbacksRequest,
  RemoveCallbackRequest,
  UpdateCallbackRequest,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type { CallbackType } from "../domain/callbacks/callback-rules.ts";
import type { CallbackAuthenticationInput, CloudCallbackInput, CloudCallbackView } from "../domain/callbacks/cloud-callbacks.ts";
import { invalidAdminField, requireAdminField, withoutAdminControlCharacters } from "./validation.ts";

/** The proto ⇄ domain mapping of the Cloud Admin API's callbacks (AdminService Create/List/Update/RemoveCallback). */

/**
 * The one place the API's callback type names meet the stored ones: the Cloud API says REGISTRATION_STATUS_CHANGE
 * where the table (and the reference) says ACTIVATION_STATUS_CHANGE.
 */
export function fromProtoCallbackType(type: ProtoCallbackType): CallbackType {
  switch (type) {
    case ProtoCallbackType.REGISTRATION_STATUS_CHANGE:
      return "ACTIVATION_STATUS_CHANGE";
    case ProtoCallbackType.OPERATION_STATUS_CHANGE:
      return "OPERATION_STATUS_CHANGE";
    default:
      throw invalidAdminField("type", "must be REGISTRATION_STATUS_CHANGE or OPERATION_STATUS_CHANGE");
  }
}

export function toProtoCallbackType(type: CallbackType): ProtoCallbackType {
  return type === "OPERATION_STATUS_CHANGE" ? ProtoCallbackType.OPERATION_STATUS_CHANGE : ProtoCallbackType.REGISTRATION_STATUS_CHANGE;
}

export function fromProtoCreateCallback(request: CreateCallbackRequest): CloudCallbackInput {
  return fromProtoCallbackSettings(request);
}

export function fromProtoUpdateCallback(request: UpdateCallbackRequest): CloudCallbackInput & { callbackId: string } {
  return { ...fromProtoCallbackSettings(request), callbackId: requireAdminField(request.callbackId, "callbackId") };
}

export function fromProtoListCallbacks(request: ListCallbacksRequest): string {
  return requireAdminField(request.appId, "appId");
}

export function fromProtoRemoveCallback(request: RemoveCallbackRequest): { applicationName: string; callbackId: string } {
  return { applicationName: requireAdminField(request.appId, "appId"), callbackId: requireAdminField(request.callbackId, "callbackId") };
}

export function toProtoCreatedCallback(callback: CloudCallbackView) {
  return create(CreateCallbackResponseSchema, toProtoCallbackFields(callback));
}

export function toProtoUpdatedCallback(callback: CloudCallbackView) {
  return create(UpdateCallbackResponseSchema, toProtoCallbackFields(callback));
}

export function toProtoCallbackList(callbacks: CloudCallbackView[]) {
  return create(ListCallbacksResponseSchema, { callbacks: callbacks.map((callback) => create(CallbackSchema, toProtoCallbackFields(callback))) });
}

export function toProtoRemovedCallback() {
  return create(RemoveCallbackResponseSchema, {});
}

/** Create and update carry the same settings; the domain checks them (ERROR_REQUEST / ERROR_ADMIN). */
function fromProtoCallbackSettings(request: CreateCallbackRequest | UpdateCallbackRequest): CloudCallbackInput {
  return {
    applicationName: requireAdminField(request.appId, "appId"),
    name: withoutAdminControlCharacters(request.name, "name"),
    type: fromProtoCallbackType(request.type),
    callbackUrl: withoutAdminControlCharacters(request.callbackUrl, "callbackUrl"),
    attributes: request.attributes.map((attribute, i) => withoutAdminControlCharacters(attribute, `attributes[${i}]`)),
    authentication: request.authentication && fromProtoCallbackAuthentication(request.authentication),
    retentionPeriod: request.retentionPeriod ?? null,
    initialBackoff: request.initialBackoff ?? null,
    maxAttempts: request.maxAttempts ?? null,
  };
}

function fromProtoCallbackAuthentication(auth: CallbackAuthenticationUpdate): CallbackAuthenticationInput {
  const { httpBasic, oauth2 } = auth;
  return {
    ...(httpBasic && {
      httpBasic: {
        enabled: httpBasic.enabled ?? false,
        username: cleanOrNull(httpBasic.username, "authentication.httpBasic.username"),
        password: cleanOrNull(httpBasic.password, "authentication.httpBasic.password"),
      },
    }),
    ...(oauth2 && {
      oauth2: {
        enabled: oauth2.enabled ?? false,
        clientId: cleanOrNull(oauth2.clientId, "authentication.oauth2.clientId"),
        clientSecret: cleanOrNull(oauth2.clientSecret, "authentication.oauth2.clientSecret"),
        tokenUri: cleanOrNull(oauth2.tokenUri, "authentication.oauth2.tokenUri"),
        scope: cleanOrNull(oauth2.scope, "authentication.oauth2.scope"),
      },
    }),
  };
}

/** An optional credential or setting: absent stays null, present must be free of control characters. */
function cleanOrNull(value: string | undefined, fieldName: string): string | null {
  return value === undefined ? null : withoutAdminControlCharacters(value, fieldName);
}

/** Secrets never leave: the view only says whether each is set. */
function toProtoCallbackFields(callback: CloudCallbackView) {
  const { httpBasic, oauth2 } = callback.authentication;
  return {
    applicationId: callback.applicationId,
    callbackId: callback.callbackId,
    name: callback.name,
    type: toProtoCallbackType(callback.type),
    callbackUrl: callback.callbackUrl,
    attributes: callback.attributes,
    authentication: {
      httpBasic: { enabled: httpBasic.enabled, username: httpBasic.username ?? undefined, passwordSet: httpBasic.passwordSet },
      oauth2: {
        enabled: oauth2.enabled,
        clientId: oauth2.clientId ?? undefined,
        clientSecretSet: oauth2.clientSecretSet,
        tokenUri: oauth2.tokenUri ?? undefined,
        scope: oauth2.scope ?? undefined,
      },
    },
    retentionPeriod: callback.retentionPeriod,
    initialBackoff: callback.initialBackoff,
    maxAttempts: callback.maxAttempts,
  };
}
