import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import {
  createApplication,
  createApplicationVersion,
  findApplicationDetailByName,
  getApplicationDetail,
  listApplications,
  lookupApplicationByAppKey,
  setApplicationVersionSupported,
} from "../domain/applications/applications.ts";
import { ServiceError, ServiceErrors } from "../domain/errors.ts";
import type { Deps } from "./deps.ts";
import { toProtoApplicationDetail, toProtoApplicationVersion } from "./mapping.ts";
import { invalidRequest } from "./errors.ts";
import { requireId, requireText } from "./validation.ts";

/** Application management of the v3 service. */
export function applicationHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db } = deps;
  return {
    async getApplicationList() {
      const applications = await listApplications(db);
      return { applications: applications.map((app) => ({ id: BigInt(app.id), applicationName: app.name })) };
    },
    async getApplicationDetail(request) {
      if (request.applicationId !== undefined) {
        return toProtoApplicationDetail(await getApplicationDetail(db, requireId(request.applicationId, "applicationId")));
      }
      if (request.applicationName === undefined) throw invalidRequest("applicationId or applicationName is required");
      const detail = await findApplicationDetailByName(db, requireText(request.applicationName, "applicationName"));
      if (!detail) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
      return toProtoApplicationDetail(detail);
    },
    async lookupApplicationByAppKey(request) {
      const { applicationId } = await lookupApplicationByAppKey(db, requireText(request.applicationKey, "applicationKey"));
      return { applicationId: BigInt(applicationId) };
    },
    async createApplication(request) {
      const application = await createApplication(db, { name: requireText(request.applicationName, "applicationName") });
      return { applicationId: BigInt(application.id), applicationName: application.name };
    },
    async createApplicationVersion(request) {
      const version = await createApplicationVersion(db, {
        applicationId: requireId(request.applicationId, "applicationId"),
        versionName: requireText(request.applicationVersionName, "applicationVersionName"),
      });
      return toProtoApplicationVersion(version);
    },
    async supportApplicationVersion(request) {
      const result = await setApplicationVersionSupported(db, {
        versionId: requireId(request.applicationVersionId, "applicationVersionId"),
        supported: true,
      });
      return { applicationVersionId: BigInt(result.versionId), supported: result.supported };
    },
    async unsupportApplicationVersion(request) {
      const result = await setApplicationVersionSupported(db, {
        versionId: requireId(request.applicationVersionId, "applicationVersionId"),
        supported: false,
      });
      return { applicationVersionId: BigInt(result.versionId), supported: result.supported };
    },
  };
}
