import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import {
  createApplication,
  createApplicationVersion,
  getApplicationDetail,
  listApplications,
  lookupApplicationByAppKey,
  setApplicationVersionSupported,
} from "../domain/applications/applications.ts";
import {
  fromProtoCreateApplication,
  fromProtoCreateApplicationVersion,
  fromProtoGetApplicationDetail,
  fromProtoLookupApplicationByAppKey,
  fromProtoSupportApplicationVersion,
  toProtoApplicationDetail,
  toProtoApplicationList,
  toProtoApplicationVersion,
  toProtoCreateApplication,
  toProtoLookupApplicationByAppKey,
  toProtoSupportApplicationVersion,
  toProtoUnsupportApplicationVersion,
} from "./applications.mapping.ts";
import type { Deps } from "./deps.ts";

/** Application management of the v3 service. */
export function applicationHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db } = deps;
  return {
    async getApplicationList() {
      return toProtoApplicationList(await listApplications(db));
    },
    async getApplicationDetail(request) {
      return toProtoApplicationDetail(await getApplicationDetail(db, fromProtoGetApplicationDetail(request)));
    },
    async lookupApplicationByAppKey(request) {
      return toProtoLookupApplicationByAppKey(await lookupApplicationByAppKey(db, fromProtoLookupApplicationByAppKey(request)));
    },
    async createApplication(request) {
      return toProtoCreateApplication(await createApplication(db, deps.config, fromProtoCreateApplication(request)));
    },
    async createApplicationVersion(request) {
      return toProtoApplicationVersion(await createApplicationVersion(db, fromProtoCreateApplicationVersion(request)));
    },
    async supportApplicationVersion(request) {
      return toProtoSupportApplicationVersion(await setApplicationVersionSupported(db, fromProtoSupportApplicationVersion(request, true)));
    },
    async unsupportApplicationVersion(request) {
      return toProtoUnsupportApplicationVersion(await setApplicationVersionSupported(db, fromProtoSupportApplicationVersion(request, false)));
    },
  };
}
