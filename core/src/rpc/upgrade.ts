import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { commitUpgrade, startUpgrade } from "../domain/activations/activation-upgrade.ts";
import type { Deps } from "./deps.ts";
import { fromProtoCommitUpgrade, fromProtoStartUpgrade, toProtoCommitUpgrade, toProtoStartUpgrade } from "./upgrade.mapping.ts";

/** The upgrade of 2.x activations to protocol 3.0, on the v3 service. */
export function upgradeHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, activationKeys } = deps;
  return {
    async startUpgrade(request) {
      return toProtoStartUpgrade(await startUpgrade(db, activationKeys, fromProtoStartUpgrade(request)));
    },
    async commitUpgrade(request) {
      return toProtoCommitUpgrade(await commitUpgrade(db, fromProtoCommitUpgrade(request)));
    },
  };
}
