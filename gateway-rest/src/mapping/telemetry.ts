// Telemetry (/admin/telemetry/applications/{id}/users).

import { create } from "@bufbuild/protobuf";
import { GetUniqueActiveUsersRequestSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  GetUniqueActiveUsersRequest,
  GetUniqueActiveUsersResponse,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { JsonReader } from "../validation.ts";

export type UniqueActiveUsersJson = { applicationId: string; days: number; users: number };

/** `days` is the raw query parameter (null when absent); the core applies its default. */
export function fromPathGetUniqueActiveUsersRequest(id: string, days: string | null): GetUniqueActiveUsersRequest {
  const r = new JsonReader();
  const req = create(GetUniqueActiveUsersRequestSchema, {
    id: r.pathParam("id", id),
    days: r.optionalIntegerParam("days", days),
  });
  r.finish();
  return req;
}

export function toJsonUniqueActiveUsers(res: GetUniqueActiveUsersResponse): UniqueActiveUsersJson {
  // Counts of users stay far below 2^53, so a JSON number is exact.
  return { applicationId: res.applicationId, days: res.days, users: Number(res.users) };
}
