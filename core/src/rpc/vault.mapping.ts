import { create } from "@bufbuild/protobuf";
import { VaultUnlockResponseSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { VaultUnlockRequest } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import type { VaultUnlockResult } from "../domain/vault/vault-unlock.ts";
import {
  MAX_SIGNATURE_LENGTH,
  MAX_SIGNED_DATA_LENGTH,
  requireActivationId,
  requireEciesRequest,
  requireSignatureType,
  requireSignatureVersion,
  requireText,
} from "./validation.ts";

/** The proto ⇄ domain mapping of VaultUnlock. */

export function fromProtoVaultUnlock(request: VaultUnlockRequest) {
  return {
    activationId: requireActivationId(request.activationId),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    signedData: requireText(request.signedData, "signedData", MAX_SIGNED_DATA_LENGTH),
    signature: requireText(request.signature, "signature", MAX_SIGNATURE_LENGTH),
    signatureType: requireSignatureType(request.signatureType),
    signatureVersion: requireSignatureVersion(request.signatureVersion),
    request: requireEciesRequest(request),
  };
}

/** The encrypted payload is absent when the request never got as far as decryption. */
export function toProtoVaultUnlock(result: VaultUnlockResult) {
  return create(VaultUnlockResponseSchema, {
    signatureValid: result.signatureValid,
    encryptedData: result.encryptedData ? encodeBase64(result.encryptedData) : undefined,
    mac: result.mac ? encodeBase64(result.mac) : undefined,
  });
}
