import { create } from "@bufbuild/protobuf";
import { CommitUpgradeResponseSchema, StartUpgradeResponseSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { CommitUpgradeRequest, StartUpgradeRequest } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import type { EciesResponse } from "../crypto/ecies.ts";
import { requireActivationId, requireEciesRequest, requireText } from "./validation.ts";

/** The proto ⇄ domain mapping of the activation upgrade (2.x → 3.0). */

export function fromProtoStartUpgrade(request: StartUpgradeRequest) {
  return {
    activationId: requireActivationId(request.activationId),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    request: requireEciesRequest(request),
  };
}

export function toProtoStartUpgrade(response: EciesResponse) {
  return create(StartUpgradeResponseSchema, { encryptedData: encodeBase64(response.encryptedData), mac: encodeBase64(response.mac) });
}

export function fromProtoCommitUpgrade(request: CommitUpgradeRequest) {
  return { activationId: requireActivationId(request.activationId), applicationKey: requireText(request.applicationKey, "applicationKey") };
}

export function toProtoCommitUpgrade(result: { committed: boolean }) {
  return create(CommitUpgradeResponseSchema, { committed: result.committed });
}
