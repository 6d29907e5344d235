import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { getErrorCodeList, getSystemStatus } from "../domain/system/system-status.ts";
import type { Deps } from "./deps.ts";
import { toProtoErrorCodeList, toProtoSystemStatus } from "./system.mapping.ts";

/** GetSystemStatus and GetErrorCodeList. */
export function systemHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  return {
    getSystemStatus() {
      return toProtoSystemStatus(getSystemStatus(deps.config, deps.build));
    },
    getErrorCodeList(request) {
      return toProtoErrorCodeList(getErrorCodeList(request.language));
    },
  };
}
