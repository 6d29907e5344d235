import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { createCallbackUrl, getCallbackUrlList, removeCallbackUrl } from "../domain/callbacks/callback-urls.ts";
import {
  fromProtoCreateCallbackUrl,
  fromProtoGetCallbackUrlList,
  fromProtoRemoveCallbackUrl,
  toProtoCallbackUrlList,
  toProtoCreatedCallbackUrl,
  toProtoRemoveCallbackUrl,
} from "./callbacks.mapping.ts";
import type { Deps } from "./deps.ts";

/** Callback registration the 0.22 way (SOAP v3): callbacks created here are sent `{"activationId":…}` only. */
export function callbackHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db } = deps;
  return {
    async createCallbackUrl(request) {
      return toProtoCreatedCallbackUrl(await createCallbackUrl(db, fromProtoCreateCallbackUrl(request)));
    },
    async getCallbackUrlList(request) {
      return toProtoCallbackUrlList(await getCallbackUrlList(db, fromProtoGetCallbackUrlList(request)));
    },
    async removeCallbackUrl(request) {
      const id = fromProtoRemoveCallbackUrl(request);
      return toProtoRemoveCallbackUrl(id, await removeCallbackUrl(db, id));
    },
  };
}
