import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import {
  CreateApplicationVersionResponseSchema,
  GetApplicationDetailResponseSchema,
  GetSystemStatusResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { ApplicationDetail, ApplicationVersionView } from "../domain/applications/applications.ts";
import type { SystemStatus } from "../domain/system/system-status.ts";

/** The proto ⇄ domain mapping of the core's v3 surface, in one place. */

export function toProtoTimestamp(date: Date): Timestamp {
  return timestampFromDate(date);
}

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

export function toProtoApplicationDetail(detail: ApplicationDetail) {
  return create(GetApplicationDetailResponseSchema, {
    applicationId: BigInt(detail.id),
    applicationName: detail.name,
    masterPublicKey: detail.masterPublicKey,
    versions: detail.versions.map((version) => ({
      applicationVersionId: BigInt(version.id),
      applicationVersionName: version.name,
      applicationKey: version.applicationKey,
      applicationSecret: version.applicationSecret,
      supported: version.supported,
    })),
  });
}

export function toProtoApplicationVersion(version: ApplicationVersionView) {
  return create(CreateApplicationVersionResponseSchema, {
    applicationVersionId: BigInt(version.id),
    applicationVersionName: version.name,
    applicationKey: version.applicationKey,
    applicationSecret: version.applicationSecret,
    supported: version.supported,
  });
}
