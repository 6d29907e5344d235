import { create } from "@bufbuild/protobuf";
import {
  CreateApplicationResponseSchema,
  CreateApplicationVersionResponseSchema,
  GetApplicationDetailResponseSchema,
  GetApplicationListResponseSchema,
  LookupApplicationByAppKeyResponseSchema,
  SupportApplicationVersionResponseSchema,
  UnsupportApplicationVersionResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type {
  CreateApplicationRequest,
  CreateApplicationVersionRequest,
  GetApplicationDetailRequest,
  LookupApplicationByAppKeyRequest,
  SupportApplicationVersionRequest,
  UnsupportApplicationVersionRequest,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { ApplicationDetail, ApplicationReference, ApplicationSummary, ApplicationVersionView } from "../domain/applications/applications.ts";
import { invalidRequest } from "./errors.ts";
import { requireId, requireText } from "./validation.ts";

/** The proto ⇄ domain mapping of the v3 application RPCs. */

export function toProtoApplicationList(applications: ApplicationSummary[]) {
  return create(GetApplicationListResponseSchema, {
    applications: applications.map((application) => ({ id: BigInt(application.id), applicationName: application.name })),
  });
}

/** The numeric id wins when both are given, as in the reference; one of the two is required. */
export function fromProtoGetApplicationDetail(request: GetApplicationDetailRequest): ApplicationReference {
  if (request.applicationId !== undefined) return { id: requireId(request.applicationId, "applicationId") };
  if (request.applicationName === undefined) throw invalidRequest("applicationId or applicationName is required");
  return { name: requireText(request.applicationName, "applicationName") };
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

export function fromProtoLookupApplicationByAppKey(request: LookupApplicationByAppKeyRequest): string {
  return requireText(request.applicationKey, "applicationKey");
}

export function toProtoLookupApplicationByAppKey(result: { applicationId: number }) {
  return create(LookupApplicationByAppKeyResponseSchema, { applicationId: BigInt(result.applicationId) });
}

export function fromProtoCreateApplication(request: CreateApplicationRequest): { name: string } {
  return { name: requireText(request.applicationName, "applicationName") };
}

export function toProtoCreateApplication(application: ApplicationSummary) {
  return create(CreateApplicationResponseSchema, { applicationId: BigInt(application.id), applicationName: application.name });
}

export function fromProtoCreateApplicationVersion(request: CreateApplicationVersionRequest): { applicationId: number; versionName: string } {
  return {
    applicationId: requireId(request.applicationId, "applicationId"),
    versionName: requireText(request.applicationVersionName, "applicationVersionName"),
  };
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

export function fromProtoSupportApplicationVersion(request: SupportApplicationVersionRequest | UnsupportApplicationVersionRequest, supported: boolean) {
  return { versionId: requireId(request.applicationVersionId, "applicationVersionId"), supported };
}

export function toProtoSupportApplicationVersion(result: { versionId: number; supported: boolean }) {
  return create(SupportApplicationVersionResponseSchema, { applicationVersionId: BigInt(result.versionId), supported: result.supported });
}

export function toProtoUnsupportApplicationVersion(result: { versionId: number; supported: boolean }) {
  return create(UnsupportApplicationVersionResponseSchema, { applicationVersionId: BigInt(result.versionId), supported: result.supported });
}
