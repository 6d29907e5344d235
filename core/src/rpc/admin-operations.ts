import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { announceOperationStatus } from "../domain/operations/operations.ts";
import { fromProtoOperationCallback, toProtoOperationCallback } from "./admin-operations.mapping.ts";
import type { Deps } from "./deps.ts";

/** The Cloud Admin API's internal operation callback (`POST /internal/callback/operation`). */
export function adminOperationHandlers(deps: Deps): Partial<ServiceImpl<typeof AdminService>> {
  const { db } = deps;
  return {
    async operationCallback(request) {
      await announceOperationStatus(db, fromProtoOperationCallback(request));
      return toProtoOperationCallback();
    },
  };
}
