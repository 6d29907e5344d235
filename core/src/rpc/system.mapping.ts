import { create } from "@bufbuild/protobuf";
import { GetErrorCodeListResponseSchema, GetSystemStatusResponseSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { SystemStatus } from "../domain/system/system-status.ts";
import { toProtoTimestamp } from "./common.mapping.ts";

/** The proto ⇄ domain mapping of GetSystemStatus and GetErrorCodeList. */

export function toProtoSystemStatus(status: SystemStatus) {
  return create(GetSystemStatusResponseSchema, {
    status: status.status,
    applicationName: status.applicationName,
    applicationDisplayName: status.applicationDisplayName,
    applicationEnvironment: status.applicationEnvironment,
    version: status.version,
    buildTime: toProtoTimestamp(status.buildTime),
    timestamp: toProtoTimestamp(status.timestamp),
  });
}

export function toProtoErrorCodeList(errors: { code: string; value: string }[]) {
  return create(GetErrorCodeListResponseSchema, { errors });
}
