import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { countUniqueActiveUsers } from "../domain/telemetry/active-users.ts";
import { fromProtoGetUniqueActiveUsers, toProtoGetUniqueActiveUsers } from "./admin-telemetry.mapping.ts";
import type { Deps } from "./deps.ts";

/** The Cloud Admin API's telemetry. */
export function adminTelemetryHandlers(deps: Deps): Partial<ServiceImpl<typeof AdminService>> {
  const { db } = deps;
  return {
    async getUniqueActiveUsers(request) {
      return toProtoGetUniqueActiveUsers(await countUniqueActiveUsers(db, fromProtoGetUniqueActiveUsers(request)));
    },
  };
}
