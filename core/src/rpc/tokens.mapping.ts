import { create } from "@bufbuild/protobuf";
import { CreateTokenResponseSchema, RemoveTokenResponseSchema, ValidateTokenResponseSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { CreateTokenRequest, RemoveTokenRequest, ValidateTokenRequest } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import type { TokenValidation } from "../domain/tokens/tokens.ts";
import { toProtoSignatureType } from "./common.mapping.ts";
import { requireActivationId, requireBase64, requireEciesRequest, requireSignatureType, requireText, requireTokenId } from "./validation.ts";

/** The proto ⇄ domain mapping of the token RPCs. */

export function fromProtoCreateToken(request: CreateTokenRequest) {
  return {
    activationId: requireActivationId(request.activationId),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    signatureType: requireSignatureType(request.signatureType),
    request: requireEciesRequest(request),
  };
}

export function toProtoCreateToken(response: { encryptedData: Buffer; mac: Buffer }) {
  return create(CreateTokenResponseSchema, { encryptedData: encodeBase64(response.encryptedData), mac: encodeBase64(response.mac) });
}

/** The timestamp stays a bigint: the domain compares it with the clock without losing precision. */
export function fromProtoValidateToken(request: ValidateTokenRequest) {
  return {
    tokenId: requireTokenId(request.tokenId),
    tokenDigest: requireBase64(request.tokenDigest, "tokenDigest"),
    nonce: requireBase64(request.nonce, "nonce"),
    timestamp: request.timestamp,
  };
}

export function toProtoValidateToken(result: TokenValidation) {
  return create(ValidateTokenResponseSchema, {
    tokenValid: result.tokenValid,
    activationId: result.activationId,
    userId: result.userId,
    applicationId: result.applicationId === undefined ? undefined : BigInt(result.applicationId),
    signatureType: result.signatureType === undefined ? undefined : toProtoSignatureType(result.signatureType),
  });
}

export function fromProtoRemoveToken(request: RemoveTokenRequest) {
  return { tokenId: requireTokenId(request.tokenId), activationId: requireActivationId(request.activationId) };
}

export function toProtoRemoveToken(result: { removed: boolean }) {
  return create(RemoveTokenResponseSchema, { removed: result.removed });
}
