import { create, fromJson, toJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { Value } from "@bufbuild/protobuf/wkt";
import {
  AddApplicationRolesResponseSchema,
  CreateApplicationConfigResponseSchema,
  CreateApplicationResponseSchema,
  GetApplicationConfigResponseSchema,
  GetApplicationDetailResponseSchema,
  ListApplicationsResponseSchema,
  RemoveApplicationConfigResponseSchema,
  RemoveApplicationRolesResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  AddApplicationRolesRequest,
  CreateApplicationConfigRequest,
  CreateApplicationRequest,
  GetApplicationConfigRequest,
  GetApplicationDetailRequest,
  RemoveApplicationConfigRequest,
  RemoveApplicationRolesRequest,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type { ApplicationConfigEntry, JsonValue } from "../domain/applications/application-config.ts";
import type { CloudApplication } from "../domain/applications/cloud-applications.ts";
import { requireAdminField, requireAdminId, requireAdminJsonValue, requireAdminRoles } from "./validation.ts";

/** The proto ⇄ domain mapping of the Cloud Admin API's applications, roles and configuration. */

export function fromProtoCreateCloudApplication(request: CreateApplicationRequest): { id: string; roles: string[] } {
  return { id: requireAdminId(request.id), roles: requireAdminRoles(request.roles, false) };
}

/** `serviceBaseUrl` is the core's setting, reported with every application. */
export function toProtoCreateCloudApplication(application: CloudApplication, serviceBaseUrl: string) {
  return create(CreateApplicationResponseSchema, { ...application, serviceBaseUrl });
}

export function toProtoCloudApplicationList(ids: string[]) {
  return create(ListApplicationsResponseSchema, { applications: ids.map((id) => ({ id })) });
}

export function fromProtoCloudApplicationId(request: GetApplicationDetailRequest | GetApplicationConfigRequest): string {
  return requireAdminId(request.id);
}

export function toProtoCloudApplicationDetail(application: CloudApplication, serviceBaseUrl: string) {
  return create(GetApplicationDetailResponseSchema, { ...application, serviceBaseUrl });
}

export function fromProtoApplicationRoles(request: AddApplicationRolesRequest | RemoveApplicationRolesRequest): { id: string; roles: string[] } {
  return { id: requireAdminId(request.id), roles: requireAdminRoles(request.roles, true) };
}

export function toProtoAddApplicationRoles() {
  return create(AddApplicationRolesResponseSchema, {});
}

export function toProtoRemoveApplicationRoles() {
  return create(RemoveApplicationRolesResponseSchema, {});
}

export function toProtoApplicationConfig(appId: string, entries: ApplicationConfigEntry[]) {
  return create(GetApplicationConfigResponseSchema, {
    appId,
    applicationConfigs: entries.map((entry) => ({ key: entry.key, values: entry.values.map(toProtoValue) })),
  });
}

export function fromProtoCreateApplicationConfig(request: CreateApplicationConfigRequest): { applicationName: string; key: string; values: JsonValue[] } {
  return { applicationName: requireAdminId(request.id), key: requireAdminField(request.key, "key"), values: request.values.map((value, i) => fromProtoValue(requireAdminJsonValue(value, `values[${i}]`))) };
}

export function toProtoCreatedApplicationConfig(appId: string, entry: ApplicationConfigEntry) {
  return create(CreateApplicationConfigResponseSchema, { appId, key: entry.key, values: entry.values.map(toProtoValue) });
}

export function fromProtoRemoveApplicationConfig(request: RemoveApplicationConfigRequest): { applicationName: string; key: string } {
  return { applicationName: requireAdminId(request.id), key: requireAdminField(request.key, "key") };
}

export function toProtoRemoveApplicationConfig() {
  return create(RemoveApplicationConfigResponseSchema, {});
}

/** Configuration values are arbitrary JSON, carried as `google.protobuf.Value`. */
export function toProtoValue(value: JsonValue): Value {
  return fromJson(ValueSchema, value);
}

export function fromProtoValue(value: Value): JsonValue {
  return toJson(ValueSchema, value) as JsonValue;
}
