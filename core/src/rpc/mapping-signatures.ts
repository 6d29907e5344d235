import { create } from "@bufbuild/protobuf";
import { SignatureAuditResponseSchema, SignatureType as ProtoSignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { SignatureType } from "../crypto/multi-factor-signature.ts";
import type { SignatureAuditItem } from "../domain/signatures/signature-audit-log.ts";
import type { SignatureVerdict } from "../domain/signatures/signature-verification.ts";
import { toProtoActivationStatus } from "./mapping-activations.ts";
import { toProtoTimestamp } from "./mapping.ts";

/** The proto ⇄ domain mapping of the signature RPCs. */

export function toProtoSignatureType(type: SignatureType): ProtoSignatureType {
  return ProtoSignatureType[type];
}

/** VerifySignature and VerifyOfflineSignature answer with the same fields; unset ones stay absent. */
export function toProtoSignatureVerdict(verdict: SignatureVerdict) {
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
      signatureType: ProtoSignatureType[item.signatureType as SignatureType] ?? ProtoSignatureType.UNSPECIFIED,
      signature: item.signature,
      note: item.note,
      valid: item.valid,
      version: BigInt(item.version),
      timestampCreated: toProtoTimestamp(item.timestampCreated),
      signatureVersion: item.signatureVersion ?? undefined,
    })),
  });
}
