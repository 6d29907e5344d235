import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { verifyEcdsaSignature } from "../domain/signatures/ecdsa-signature.ts";
import {
  createNonPersonalizedOfflineSignaturePayload,
  createPersonalizedOfflineSignaturePayload,
  verifyOfflineSignature,
} from "../domain/signatures/offline-signature.ts";
import { verifyOnlineSignature } from "../domain/signatures/online-signature.ts";
import { getSignatureAudit } from "../domain/signatures/signature-audit-log.ts";
import type { Deps } from "./deps.ts";
import {
  fromProtoNonPersonalizedOfflinePayload,
  fromProtoPersonalizedOfflinePayload,
  fromProtoSignatureAudit,
  fromProtoVerifyEcdsaSignature,
  fromProtoVerifyOfflineSignature,
  fromProtoVerifySignature,
  toProtoNonPersonalizedOfflinePayload,
  toProtoPersonalizedOfflinePayload,
  toProtoSignatureAudit,
  toProtoVerifyEcdsaSignature,
  toProtoVerifyOfflineSignature,
  toProtoVerifySignature,
} from "./signatures.mapping.ts";

/** Online, offline and ECDSA signatures, and the signature audit of the v3 service. */
export function signatureHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config, activationKeys, metrics } = deps;
  return {
    async verifySignature(request) {
      const verdict = await verifyOnlineSignature(db, config, activationKeys, fromProtoVerifySignature(request));
      // After the commit: a verification that failed to commit answers an error and is not counted.
      metrics.countSignatureVerification(verdict);
      return toProtoVerifySignature(verdict);
    },
    async verifyOfflineSignature(request) {
      const verdict = await verifyOfflineSignature(db, config, activationKeys, fromProtoVerifyOfflineSignature(request));
      metrics.countSignatureVerification(verdict);
      return toProtoVerifyOfflineSignature(verdict);
    },
    async createPersonalizedOfflineSignaturePayload(request) {
      return toProtoPersonalizedOfflinePayload(
        await createPersonalizedOfflineSignaturePayload(db, config, fromProtoPersonalizedOfflinePayload(request)),
      );
    },
    async createNonPersonalizedOfflineSignaturePayload(request) {
      return toProtoNonPersonalizedOfflinePayload(await createNonPersonalizedOfflineSignaturePayload(db, config, fromProtoNonPersonalizedOfflinePayload(request)));
    },
    async verifyECDSASignature(request) {
      return toProtoVerifyEcdsaSignature(await verifyEcdsaSignature(db, fromProtoVerifyEcdsaSignature(request)));
    },
    async signatureAudit(request) {
      return toProtoSignatureAudit(await getSignatureAudit(db, fromProtoSignatureAudit(request)));
    },
  };
}
