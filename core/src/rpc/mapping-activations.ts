import { create } from "@bufbuild/protobuf";
import {
  ActivationHistoryResponseSchema,
  ActivationStatus as ProtoActivationStatus,
  BlockActivationResponseSchema,
  GetActivationListForUserResponseSchema,
  GetActivationStatusResponseSchema,
  UnblockActivationResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import type { ActivationStateResult } from "../domain/activations/activation-lifecycle.ts";
import type { ActivationHistoryItem, ActivationListItem } from "../domain/activations/activation-queries.ts";
import type { ActivationStatusReport } from "../domain/activations/activation-status-report.ts";
import type { ActivationStatusName } from "../domain/activations/activation-status.ts";
import { toProtoTimestamp } from "./mapping.ts";

/** The proto ⇄ domain mapping of the activation RPCs. Optional proto fields stay unset for null values. */

export function toProtoActivationStatus(status: ActivationStatusName): ProtoActivationStatus {
  return ProtoActivationStatus[status];
}

export function toProtoActivationStatusReport(report: ActivationStatusReport) {
  return create(GetActivationStatusResponseSchema, {
    activationId: report.activationId,
    activationStatus: toProtoActivationStatus(report.activationStatus),
    blockedReason: report.blockedReason ?? undefined,
    activationName: report.activationName ?? undefined,
    userId: report.userId,
    extras: report.extras ?? undefined,
    applicationId: BigInt(report.applicationId),
    timestampCreated: toProtoTimestamp(report.timestampCreated),
    timestampLastUsed: toProtoTimestamp(report.timestampLastUsed),
    timestampLastChange: report.timestampLastChange ? toProtoTimestamp(report.timestampLastChange) : undefined,
    encryptedStatusBlob: encodeBase64(report.encryptedStatusBlob),
    activationCode: report.activationCode ?? undefined,
    activationSignature: report.activationSignature ?? undefined,
    devicePublicKeyFingerprint: report.devicePublicKeyFingerprint ?? undefined,
    version: BigInt(report.version),
    encryptedStatusBlobNonce: report.encryptedStatusBlobNonce ? encodeBase64(report.encryptedStatusBlobNonce) : undefined,
  });
}

export function toProtoActivationList(userId: string, items: ActivationListItem[]) {
  return create(GetActivationListForUserResponseSchema, {
    userId,
    activations: items.map((item) => ({
      activationId: item.activationId,
      activationStatus: toProtoActivationStatus(item.activationStatus),
      blockedReason: item.blockedReason ?? undefined,
      activationName: item.activationName ?? undefined,
      extras: item.extras ?? undefined,
      timestampCreated: toProtoTimestamp(item.timestampCreated),
      timestampLastUsed: toProtoTimestamp(item.timestampLastUsed),
      timestampLastChange: item.timestampLastChange ? toProtoTimestamp(item.timestampLastChange) : undefined,
      userId: item.userId,
      applicationId: BigInt(item.applicationId),
      applicationName: item.applicationName,
      version: BigInt(item.version),
    })),
  });
}

export function toProtoActivationHistory(items: ActivationHistoryItem[]) {
  return create(ActivationHistoryResponseSchema, {
    items: items.map((item) => ({
      id: BigInt(item.id),
      activationId: item.activationId,
      activationStatus: toProtoActivationStatus(item.activationStatus),
      blockedReason: item.eventReason ?? undefined,
      externalUserId: item.externalUserId ?? undefined,
      timestampCreated: toProtoTimestamp(item.timestampCreated),
    })),
  });
}

export function toProtoBlockResult(result: ActivationStateResult) {
  return create(BlockActivationResponseSchema, {
    activationId: result.activationId,
    activationStatus: toProtoActivationStatus(result.activationStatus),
    blockedReason: result.blockedReason ?? undefined,
  });
}

export function toProtoUnblockResult(result: ActivationStateResult) {
  return create(UnblockActivationResponseSchema, {
    activationId: result.activationId,
    activationStatus: toProtoActivationStatus(result.activationStatus),
  });
}
