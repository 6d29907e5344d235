import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { getEciesDecryptor } from "../domain/e2ee/ecies-decryptor.ts";
import type { Deps } from "./deps.ts";
import { fromProtoGetEciesDecryptor, toProtoGetEciesDecryptor } from "./ecies.mapping.ts";

/** End-to-end encryption support of the v3 service: the decryptor parameters for an intermediate server. */
export function eciesHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config, activationKeys } = deps;
  return {
    async getEciesDecryptor(request) {
      return toProtoGetEciesDecryptor(await getEciesDecryptor(db, config, activationKeys, fromProtoGetEciesDecryptor(request)));
    },
  };
}
