import { create } from "@bufbuild/protobuf";
import { GetUniqueActiveUsersResponseSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type { GetUniqueActiveUsersRequest } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { requireAdminId } from "./validation.ts";

/** The proto ⇄ domain mapping of the Cloud Admin API's telemetry. */

/** `days` stays optional: the window's default and bounds are the domain's. */
export function fromProtoGetUniqueActiveUsers(request: GetUniqueActiveUsersRequest): { applicationName: string; days?: number } {
  return { applicationName: requireAdminId(request.id), days: request.days };
}

export function toProtoGetUniqueActiveUsers(result: { applicationId: string; days: number; users: number }) {
  return create(GetUniqueActiveUsersResponseSchema, { applicationId: result.applicationId, days: result.days, users: BigInt(result.users) });
}
