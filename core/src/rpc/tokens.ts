import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import { createToken, removeToken, validateToken } from "../domain/tokens/tokens.ts";
import { requireActivationId } from "./activations.ts";
import type { Deps } from "./deps.ts";
import { toProtoSignatureType } from "./mapping-signatures.ts";
import { requireBase64, requireEciesRequest, requireSignatureType, requireText } from "./validation.ts";

/** Token IDs are UUIDs. */
const TOKEN_ID_LENGTH = 37;

/** Token issuing, validation and removal of the v3 service. */
export function tokenHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config } = deps;
  return {
    async createToken(request) {
      const response = await createToken(db, deps.activationKeys, {
        activationId: requireActivationId(request.activationId),
        applicationKey: requireText(request.applicationKey, "applicationKey"),
        signatureType: requireSignatureType(request.signatureType),
        request: requireEciesRequest(request),
      });
      return { encryptedData: encodeBase64(response.encryptedData), mac: encodeBase64(response.mac) };
    },
    async validateToken(request) {
      const result = await validateToken(db, config, {
        tokenId: requireText(request.tokenId, "tokenId", TOKEN_ID_LENGTH),
        tokenDigest: requireBase64(request.tokenDigest, "tokenDigest"),
        nonce: requireBase64(request.nonce, "nonce"),
        timestamp: request.timestamp,
      });
      return {
        tokenValid: result.tokenValid,
        activationId: result.activationId,
        userId: result.userId,
        applicationId: result.applicationId === undefined ? undefined : BigInt(result.applicationId),
        signatureType: result.signatureType === undefined ? undefined : toProtoSignatureType(result.signatureType),
      };
    },
    async removeToken(request) {
      return removeToken(db, {
        tokenId: requireText(request.tokenId, "tokenId", TOKEN_ID_LENGTH),
        activationId: requireActivationId(request.activationId),
      });
    },
  };
}
