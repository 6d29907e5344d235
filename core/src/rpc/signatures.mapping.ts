import { create } from "@bufbuild/protobuf";
import {
  CreateNonPersonalizedOfflineSignaturePayloadResponseSchema,
  CreatePersonalizedOfflineSignaturePayloadResponseSchema,
  SignatureAuditResponseSchema,
  VerifyECDSASignatureResponseSchema,
  VerifyOfflineSignatureResponseSchema,
  VerifySignatureResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type {
  CreateNonPersonalizedOfflineSignaturePayloadRequest,
  CreatePersonalizedOfflineSignaturePayloadRequest,
  SignatureAuditRequest,
  VerifyECDSASignatureRequest,
  VerifyOfflineSignatureRequest,
  VerifySignatureRequest,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { OfflinePayload } from "../domain/signatures/offline-signature.ts";
import type { OnlineSignatureRequest } from "../domain/signatures/online-signature.ts";
import type { SignatureAuditItem } from "../domain/signatures/signature-audit-log.ts";
import type { SignatureVerdict } from "../domain/signatures/signature-verification.ts";
import { toProtoActivationStatus, toProtoSignatureType, toProtoStoredSignatureType, toProtoTimestamp } from "./common.mapping.ts";
import {
  MAX_SIGNATURE_LENGTH,
  MAX_SIGNED_DATA_LENGTH,
  optionalPositive,
  requireActivationId,
  requireBase64,
  requireId,
  requireSafeInteger,
  requireSignatureType,
  requireSignatureVersion,
  requireText,
  requireTimestamp,
} from "./validation.ts";

/** The proto ⇄ domain mapping of the signature RPCs. */

export function fromProtoVerifySignature(request: VerifySignatureRequest): OnlineSignatureRequest {
  return {
    activationId: requireActivationId(request.activationId),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH),
    signature: requireText(request.signature, "signature", MAX_SIGNATURE_LENGTH),
    signatureType: requireSignatureType(request.signatureType),
    signatureVersion: requireSignatureVersion(request.signatureVersion),
    forcedSignatureVersion:
      request.forcedSignatureVersion === undefined ? undefined : requireSafeInteger(request.forcedSignatureVersion, "forcedSignatureVersion"),
  };
}

export function toProtoVerifySignature(verdict: SignatureVerdict) {
  return create(VerifySignatureResponseSchema, toProtoVerdictFields(verdict));
}

export function fromProtoVerifyOfflineSignature(request: VerifyOfflineSignatureRequest) {
  return {
    activationId: requireActivationId(request.activationId),
    data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH),
    signature: requireText(request.signature, "signature", MAX_SIGNATURE_LENGTH),
    allowBiometry: request.allowBiometry,
  };
}

export function toProtoVerifyOfflineSignature(verdict: SignatureVerdict) {
  return create(VerifyOfflineSignatureResponseSchema, toProtoVerdictFields(verdict));
}

export function fromProtoPersonalizedOfflinePayload(request: CreatePersonalizedOfflineSignaturePayloadRequest) {
  return { activationId: requireActivationId(request.activationId), data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH) };
}

export function toProtoPersonalizedOfflinePayload(payload: OfflinePayload) {
  return create(CreatePersonalizedOfflineSignaturePayloadResponseSchema, payload);
}

export function fromProtoNonPersonalizedOfflinePayload(request: CreateNonPersonalizedOfflineSignaturePayloadRequest) {
  return { applicationId: requireId(request.applicationId, "applicationId"), data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH) };
}

export function toProtoNonPersonalizedOfflinePayload(payload: OfflinePayload) {
  return create(CreateNonPersonalizedOfflineSignaturePayloadResponseSchema, payload);
}

export function fromProtoVerifyEcdsaSignature(request: VerifyECDSASignatureRequest) {
  return {
    activationId: requireActivationId(request.activationId),
    data: requireBase64(request.data, "data"),
    signature: requireBase64(request.signature, "signature"),
  };
}

export function toProtoVerifyEcdsaSignature(signatureValid: boolean) {
  return create(VerifyECDSASignatureResponseSchema, { signatureValid });
}

export function fromProtoSignatureAudit(request: SignatureAuditRequest) {
  return {
    userId: requireText(request.userId, "userId"),
    applicationId: optionalPositive(request.applicationId, "applicationId"),
    from: requireTimestamp(request.timestampFrom, "timestampFrom"),
    to: requireTimestamp(request.timestampTo, "timestampTo"),
  };
}

export function toProtoSignatureAudit(items: SignatureAuditItem[]) {
  return create(SignatureAuditResponseSchema, {
    items: items.map((item) => ({
      id: BigInt(item.id),
      userId: item.userId,
      applicationId: BigInt(item.applicationId),
      activationId: item.activationId,
      activationCounter: BigInt(item.activationCounter),
      activationCtrData: item.activationCtrData ?? undefined,
      activationStatus: toProtoActivationStatus(item.activationStatus),
      additionalInfo: { entry: item.additionalInfo },
      dataBase64: item.dataBase64 ?? undefined,
      signatureType: toProtoStoredSignatureType(item.signatureType),
      signature: item.signature,
      note: item.note,
      valid: item.valid,
      version: BigInt(item.version),
      timestampCreated: toProtoTimestamp(item.timestampCreated),
      signatureVersion: item.signatureVersion ?? undefined,
    })),
  });
}

/** VerifySignature and VerifyOfflineSignature answer with the same fields; unset ones stay absent. */
function toProtoVerdictFields(verdict: SignatureVerdict) {
  return {
    signatureValid: verdict.signatureValid,
    activationStatus: toProtoActivationStatus(verdict.activationStatus),
    blockedReason: verdict.blockedReason ?? undefined,
    activationId: verdict.activationId,
    userId: verdict.userId,
    applicationId: verdict.applicationId === undefined ? undefined : BigInt(verdict.applicationId),
    signatureType: verdict.signatureType === undefined ? undefined : toProtoSignatureType(verdict.signatureType),
    remainingAttempts: verdict.remainingAttempts === undefined ? undefined : BigInt(verdict.remainingAttempts),
  };
}
