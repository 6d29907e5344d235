import { create } from "@bufbuild/protobuf";
import { GetEciesDecryptorResponseSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { GetEciesDecryptorRequest } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import { optionalActivationId, requireBase64, requireText } from "./validation.ts";

/** The proto ⇄ domain mapping of GetEciesDecryptor. */

/** Without an activation id the decryptor is for the application scope. */
export function fromProtoGetEciesDecryptor(request: GetEciesDecryptorRequest) {
  return {
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    ephemeralPublicKey: requireBase64(request.ephemeralPublicKey, "ephemeralPublicKey"),
    activationId: optionalActivationId(request.activationId),
  };
}

export function toProtoGetEciesDecryptor(result: { secretKey: Buffer; sharedInfo2: Buffer }) {
  return create(GetEciesDecryptorResponseSchema, { secretKey: encodeBase64(result.secretKey), sharedInfo2: encodeBase64(result.sharedInfo2) });
}
