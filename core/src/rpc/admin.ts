import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { getApplicationConfig, putApplicationConfig, removeApplicationConfig } from "../domain/applications/application-config.ts";
import {
  addCloudApplicationRoles,
  createCloudApplication,
  getCloudApplication,
  listCloudApplicationIds,
  removeCloudApplicationRoles,
} from "../domain/applications/cloud-applications.ts";
import {
  fromProtoApplicationRoles,
  fromProtoCloudApplicationId,
  fromProtoCreateApplicationConfig,
  fromProtoCreateCloudApplication,
  fromProtoRemoveApplicationConfig,
  toProtoAddApplicationRoles,
  toProtoApplicationConfig,
  toProtoCloudApplicationDetail,
  toProtoCloudApplicationList,
  toProtoCreateCloudApplication,
  toProtoCreatedApplicationConfig,
  toProtoRemoveApplicationConfig,
  toProtoRemoveApplicationRoles,
} from "./admin.mapping.ts";
import type { Deps } from "./deps.ts";

/** The Cloud Admin API's applications, roles and configuration. */
export function adminHandlers(deps: Deps): Partial<ServiceImpl<typeof AdminService>> {
  const { db } = deps;
  const { serviceBaseUrl } = deps.config;
  return {
    async createApplication(request) {
      return toProtoCreateCloudApplication(await createCloudApplication(db, deps.config, fromProtoCreateCloudApplication(request)), serviceBaseUrl);
    },
    async listApplications() {
      return toProtoCloudApplicationList(await listCloudApplicationIds(db));
    },
    async getApplicationDetail(request) {
      return toProtoCloudApplicationDetail(await getCloudApplication(db, fromProtoCloudApplicationId(request)), serviceBaseUrl);
    },
    async addApplicationRoles(request) {
      await addCloudApplicationRoles(db, fromProtoApplicationRoles(request));
      return toProtoAddApplicationRoles();
    },
    async removeApplicationRoles(request) {
      await removeCloudApplicationRoles(db, fromProtoApplicationRoles(request));
      return toProtoRemoveApplicationRoles();
    },
    async getApplicationConfig(request) {
      const appId = fromProtoCloudApplicationId(request);
      return toProtoApplicationConfig(appId, await getApplicationConfig(db, deps.config, appId));
    },
    async createApplicationConfig(request) {
      const input = fromProtoCreateApplicationConfig(request);
      return toProtoCreatedApplicationConfig(input.applicationName, await putApplicationConfig(db, deps.config, input));
    },
    async removeApplicationConfig(request) {
      await removeApplicationConfig(db, fromProtoRemoveApplicationConfig(request));
      return toProtoRemoveApplicationConfig();
    },
  };
}
