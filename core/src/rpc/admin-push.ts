import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { deletePushConfig, getPushConfig, updatePushConfig } from "../domain/push/push-config.ts";
import type { PushCredentialsInput } from "../domain/push/push-credentials.ts";
import {
  fromProtoPushConfigId,
  fromProtoUpdatePushApnsConfig,
  fromProtoUpdatePushFcmConfig,
  fromProtoUpdatePushHmsConfig,
  toProtoDeletePushApnsConfig,
  toProtoDeletePushFcmConfig,
  toProtoDeletePushHmsConfig,
  toProtoGetPushConfig,
  toProtoUpdatePushApnsConfig,
  toProtoUpdatePushFcmConfig,
  toProtoUpdatePushHmsConfig,
} from "./admin-push.mapping.ts";
import type { Deps } from "./deps.ts";

/** The Cloud Admin API's push credentials (APNs, FCM, HMS) of an application. */
export function adminPushHandlers(deps: Deps): Partial<ServiceImpl<typeof AdminService>> {
  const { db, config } = deps;
  const update = (input: { applicationName: string; credentials: PushCredentialsInput }) =>
    updatePushConfig(db, config, input.applicationName, input.credentials);
  return {
    async getPushConfig(request) {
      return toProtoGetPushConfig(await getPushConfig(db, fromProtoPushConfigId(request)));
    },
    async updatePushApnsConfig(request) {
      return toProtoUpdatePushApnsConfig(await update(fromProtoUpdatePushApnsConfig(request)));
    },
    async deletePushApnsConfig(request) {
      await deletePushConfig(db, fromProtoPushConfigId(request), "APNS");
      return toProtoDeletePushApnsConfig();
    },
    async updatePushFcmConfig(request) {
      return toProtoUpdatePushFcmConfig(await update(fromProtoUpdatePushFcmConfig(request)));
    },
    async deletePushFcmConfig(request) {
      await deletePushConfig(db, fromProtoPushConfigId(request), "FCM");
      return toProtoDeletePushFcmConfig();
    },
    async updatePushHmsConfig(request) {
      return toProtoUpdatePushHmsConfig(await update(fromProtoUpdatePushHmsConfig(request)));
    },
    async deletePushHmsConfig(request) {
      await deletePushConfig(db, fromProtoPushConfigId(request), "HMS");
      return toProtoDeletePushHmsConfig();
    },
  };
}
