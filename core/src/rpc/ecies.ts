import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import { getEciesDecryptor } from "../domain/e2ee/ecies-decryptor.ts";
import { requireActivationId } from "./activations.ts";
import type { Deps } from "./deps.ts";
import { requireBase64, requireText } from "./validation.ts";

/** End-to-end encryption support of the v3 service: the decryptor parameters for an intermediate server. */
export function eciesHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config } = deps;
  return {
    async getEciesDecryptor(request) {
      const result = await getEciesDecryptor(db, config, deps.activationKeys, {
        applicationKey: requireText(request.applicationKey, "applicationKey"),
        ephemeralPublicKey: requireBase64(request.ephemeralPublicKey, "ephemeralPublicKey"),
        activationId: request.activationId === undefined || request.activationId === "" ? undefined : requireActivationId(request.activationId),
      });
      return { secretKey: encodeBase64(result.secretKey), sharedInfo2: encodeBase64(result.sharedInfo2) };
    },
  };
}
