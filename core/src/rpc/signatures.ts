import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { signatureFormatForVersion } from "../crypto/multi-factor-signature.ts";
import { verifyEcdsaSignature } from "../domain/signatures/ecdsa-signature.ts";
import {
  createNonPersonalizedOfflineSignaturePayload,
  createPersonalizedOfflineSignaturePayload,
  verifyOfflineSignature,
} from "../domain/signatures/offline-signature.ts";
import { verifyOnlineSignature } from "../domain/signatures/online-signature.ts";
import { getSignatureAudit } from "../domain/signatures/signature-audit-log.ts";
import { requireActivationId } from "./activations.ts";
import type { Deps } from "./deps.ts";
import { invalidRequest } from "./errors.ts";
import { toProtoSignatureAudit, toProtoSignatureVerdict } from "./mapping-signatures.ts";
import {
  optionalPositive,
  optionalText,
  requireBase64,
  requireId,
  requireSafeInteger,
  requireSignatureType,
  requireText,
  requireTimestamp,
} from "./validation.ts";

/** Signed request data and offline payload data can be long (they carry the Base64 request body). */
export const MAX_SIGNED_DATA_LENGTH = 512 * 1024;
/** The longest signature any format produces is 64 characters (3 factors, Base64). */
const MAX_SIGNATURE_LENGTH = 255;

/** Online, offline and ECDSA signatures, and the signature audit of the v3 service. */
export function signatureHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config } = deps;
  return {
    async verifySignature(request) {
      const verdict = await verifyOnlineSignature(db, config, deps.activationKeys, {
        activationId: requireActivationId(request.activationId),
        applicationKey: requireText(request.applicationKey, "applicationKey"),
        data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH),
        signature: requireText(request.signature, "signature", MAX_SIGNATURE_LENGTH),
        signatureType: requireSignatureType(request.signatureType),
        signatureVersion: requireSignatureVersion(request.signatureVersion),
        forcedSignatureVersion:
          request.forcedSignatureVersion === undefined ? undefined : requireSafeInteger(request.forcedSignatureVersion, "forcedSignatureVersion"),
      });
      return toProtoSignatureVerdict(verdict);
    },
    async verifyOfflineSignature(request) {
      const verdict = await verifyOfflineSignature(db, config, deps.activationKeys, {
        activationId: requireActivationId(request.activationId),
        data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH),
        signature: requireText(request.signature, "signature", MAX_SIGNATURE_LENGTH),
        allowBiometry: request.allowBiometry,
      });
      return toProtoSignatureVerdict(verdict);
    },
    async createPersonalizedOfflineSignaturePayload(request) {
      return createPersonalizedOfflineSignaturePayload(db, config, {
        activationId: requireActivationId(request.activationId),
        data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH),
      });
    },
    async createNonPersonalizedOfflineSignaturePayload(request) {
      return createNonPersonalizedOfflineSignaturePayload(db, {
        applicationId: requireId(request.applicationId, "applicationId"),
        data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH),
      });
    },
    async verifyECDSASignature(request) {
      const signatureValid = await verifyEcdsaSignature(db, {
        activationId: requireActivationId(request.activationId),
        data: requireBase64(request.data, "data"),
        signature: requireBase64(request.signature, "signature"),
      });
      return { signatureValid };
    },
    async signatureAudit(request) {
      const items = await getSignatureAudit(db, {
        userId: requireText(request.userId, "userId"),
        applicationId: optionalPositive(request.applicationId, "applicationId"),
        from: requireTimestamp(request.timestampFrom, "timestampFrom"),
        to: requireTimestamp(request.timestampTo, "timestampTo"),
      });
      return toProtoSignatureAudit(items);
    },
  };
}

/** Absent means a 3.0 client (decimal signatures); anything else must be a version the formats know. */
export function requireSignatureVersion(value: string | undefined): string | undefined {
  const version = optionalText(value, "signatureVersion", 16);
  try {
    signatureFormatForVersion(version);
  } catch {
    throw invalidRequest("signatureVersion is not a known protocol version");
  }
  return version;
}
