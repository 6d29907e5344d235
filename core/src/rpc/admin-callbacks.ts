import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { createCloudCallback, listCloudCallbacks, removeCloudCallback, updateCloudCallback } from "../domain/callbacks/cloud-callbacks.ts";
import {
  fromProtoCreateCallback,
  fromProtoListCallbacks,
  fromProtoRemoveCallback,
  fromProtoUpdateCallback,
  toProtoCallbackList,
  toProtoCreatedCallback,
  toProtoRemovedCallback,
  toProtoUpdatedCallback,
} from "./admin-callbacks.mapping.ts";
import type { Deps } from "./deps.ts";

/** The Cloud Admin API's callbacks of an application (REST /v2/admin/applications/{appId}/callbacks…). */
export function adminCallbackHandlers(deps: Deps): Partial<ServiceImpl<typeof AdminService>> {
  const { db, config } = deps;
  return {
    async createCallback(request) {
      return toProtoCreatedCallback(await createCloudCallback(db, config, fromProtoCreateCallback(request)));
    },
    async listCallbacks(request) {
      return toProtoCallbackList(await listCloudCallbacks(db, config, fromProtoListCallbacks(request)));
    },
    async updateCallback(request) {
      return toProtoUpdatedCallback(await updateCloudCallback(db, config, fromProtoUpdateCallback(request)));
    },
    async removeCallback(request) {
      await removeCloudCallback(db, fromProtoRemoveCallback(request));
      return toProtoRemovedCallback();
    },
  };
}
