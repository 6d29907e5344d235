import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import { vaultUnlock } from "../domain/vault/vault-unlock.ts";
import { requireActivationId } from "./activations.ts";
import type { Deps } from "./deps.ts";
import { MAX_SIGNED_DATA_LENGTH, requireSignatureVersion } from "./signatures.ts";
import { requireEciesRequest, requireSignatureType, requireText } from "./validation.ts";

/** Secure vault unlock of the v3 service. */
export function vaultHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config } = deps;
  return {
    async vaultUnlock(request) {
      const result = await vaultUnlock(db, config, deps.activationKeys, {
        activationId: requireActivationId(request.activationId),
        applicationKey: requireText(request.applicationKey, "applicationKey"),
        signedData: requireText(request.signedData, "signedData", MAX_SIGNED_DATA_LENGTH),
        signature: requireText(request.signature, "signature"),
        signatureType: requireSignatureType(request.signatureType),
        signatureVersion: requireSignatureVersion(request.signatureVersion),
        request: requireEciesRequest(request),
      });
      return {
        signatureValid: result.signatureValid,
        encryptedData: result.encryptedData ? encodeBase64(result.encryptedData) : undefined,
        mac: result.mac ? encodeBase64(result.mac) : undefined,
      };
    },
  };
}
