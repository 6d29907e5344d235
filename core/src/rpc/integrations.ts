import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { createIntegration, getIntegrationList, removeIntegration } from "../domain/access/integrations.ts";
import type { Deps } from "./deps.ts";
import { optionalText, requireText } from "./validation.ts";

/**
 * Integration management. The secret is returned by CreateIntegration only; the list answers the required
 * `clientSecret` element with an empty string because the database keeps only a hash of it.
 */
export function integrationHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db } = deps;
  return {
    async createIntegration(request) {
      return createIntegration(db, { name: optionalText(request.name, "name") });
    },
    async getIntegrationList() {
      const items = await getIntegrationList(db);
      return {
        restrictedAccess: deps.config.restrictAccess,
        items: items.map((item) => ({ ...item, clientSecret: "" })),
      };
    },
    async removeIntegration(request) {
      const id = requireText(request.id, "id", 37);
      return { id, removed: await removeIntegration(db, id) };
    },
  };
}
