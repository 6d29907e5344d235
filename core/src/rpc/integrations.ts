import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { createIntegration, getIntegrationList, removeIntegration } from "../domain/access/integrations.ts";
import type { Deps } from "./deps.ts";
import {
  fromProtoCreateIntegration,
  fromProtoRemoveIntegration,
  toProtoCreatedIntegration,
  toProtoIntegrationList,
  toProtoRemoveIntegration,
} from "./integrations.mapping.ts";

/** Integration management (the credentials internal services call the core with when access is restricted). */
export function integrationHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db } = deps;
  return {
    async createIntegration(request) {
      return toProtoCreatedIntegration(await createIntegration(db, fromProtoCreateIntegration(request)));
    },
    async getIntegrationList() {
      return toProtoIntegrationList(await getIntegrationList(db), deps.config.restrictAccess);
    },
    async removeIntegration(request) {
      const id = fromProtoRemoveIntegration(request);
      return toProtoRemoveIntegration(id, await removeIntegration(db, id));
    },
  };
}
