import type { ServiceImpl } from "@connectrpc/connect";
import { fromJson, toJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { Value } from "@bufbuild/protobuf/wkt";
import type { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { getApplicationConfig, putApplicationConfig, removeApplicationConfig } from "../domain/applications/application-config.ts";
import type { JsonValue } from "../domain/applications/application-config.ts";
import {
  addCloudApplicationRoles,
  createCloudApplication,
  getCloudApplication,
  listCloudApplicationIds,
  removeCloudApplicationRoles,
} from "../domain/applications/cloud-applications.ts";
import type { CloudApplication } from "../domain/applications/cloud-applications.ts";
import { AdminError } from "../domain/errors.ts";
import type { Violation } from "../domain/errors.ts";
import type { Deps } from "./deps.ts";

/** The Cloud Admin API (applications, roles, configuration). Callbacks, push and telemetry come later. */
export function adminHandlers(deps: Deps): Partial<ServiceImpl<typeof AdminService>> {
  const { db } = deps;
  const withBaseUrl = (application: CloudApplication) => ({ ...application, serviceBaseUrl: deps.config.serviceBaseUrl });
  return {
    async createApplication(request) {
      const input = { id: requireAdminId(request.id), roles: requireRoles(request.roles, false) };
      return withBaseUrl(await createCloudApplication(db, input));
    },
    async listApplications() {
      return { applications: (await listCloudApplicationIds(db)).map((id) => ({ id })) };
    },
    async getApplicationDetail(request) {
      return withBaseUrl(await getCloudApplication(db, requireAdminId(request.id)));
    },
    async addApplicationRoles(request) {
      await addCloudApplicationRoles(db, { id: requireAdminId(request.id), roles: requireRoles(request.roles, true) });
      return {};
    },
    async removeApplicationRoles(request) {
      await removeCloudApplicationRoles(db, { id: requireAdminId(request.id), roles: requireRoles(request.roles, true) });
      return {};
    },
    async getApplicationConfig(request) {
      const appId = requireAdminId(request.id);
      const entries = await getApplicationConfig(db, appId);
      return {
        appId,
        applicationConfigs: entries.map((entry) => ({ key: entry.key, values: entry.values.map(toProtoValue) })),
      };
    },
    async createApplicationConfig(request) {
      const appId = requireAdminId(request.id);
      const key = requireField(request.key, "key");
      const entry = await putApplicationConfig(db, { applicationName: appId, key, values: request.values.map(fromProtoValue) });
      return { appId, key: entry.key, values: entry.values.map(toProtoValue) };
    },
    async removeApplicationConfig(request) {
      await removeApplicationConfig(db, { applicationName: requireAdminId(request.id), key: requireField(request.key, "key") });
      return {};
    },
  };
}

const MAX_ID_LENGTH = 255;

function requireAdminId(id: string): string {
  return requireField(id, "id");
}

function requireField(value: string, fieldName: string): string {
  const violations: Violation[] = [];
  if (value.trim() === "") violations.push({ fieldName, hint: "must not be empty" });
  else if (value.length > MAX_ID_LENGTH) violations.push({ fieldName, hint: `size must be between 1 and ${MAX_ID_LENGTH}` });
  if (violations.length > 0) throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", violations);
  return value;
}

function requireRoles(roles: string[], nonEmpty: boolean): string[] {
  if (nonEmpty && roles.length === 0) {
    throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [{ fieldName: "roles", hint: "must not be empty" }]);
  }
  const invalid = roles.findIndex((role) => role.trim() === "" || role.length > MAX_ID_LENGTH);
  if (invalid >= 0) {
    throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [
      { fieldName: `roles[${invalid}]`, hint: "must be a non-empty string of at most 255 characters" },
    ]);
  }
  return roles;
}

function toProtoValue(value: JsonValue): Value {
  return fromJson(ValueSchema, value);
}

function fromProtoValue(value: Value): JsonValue {
  return toJson(ValueSchema, value) as JsonValue;
}
