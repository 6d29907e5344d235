import { create } from "@bufbuild/protobuf";
import {
  ActivationHistoryResponseSchema,
  BlockActivationResponseSchema,
  CommitActivationResponseSchema,
  CreateActivationResponseSchema,
  GetActivationListForUserResponseSchema,
  GetActivationStatusResponseSchema,
  InitActivationResponseSchema,
  PrepareActivationResponseSchema,
  RemoveActivationResponseSchema,
  UnblockActivationResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type {
  ActivationHistoryRequest,
  BlockActivationRequest,
  CommitActivationRequest,
  CreateActivationRequest,
  GetActivationListForUserRequest,
  GetActivationStatusRequest,
  InitActivationRequest,
  PrepareActivationRequest,
  RemoveActivationRequest,
  UnblockActivationRequest,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import type { EciesRequest } from "../crypto/ecies.ts";
import type { ActivationStateResult } from "../domain/activations/activation-lifecycle.ts";
import type { ActivationHistoryItem, ActivationListItem } from "../domain/activations/activation-queries.ts";
import type { ActivationStatusReport } from "../domain/activations/activation-status-report.ts";
import type { InitActivationInput, InitActivationResult } from "../domain/activations/init-activation.ts";
import type { KeyExchangeResult } from "../domain/activations/key-exchange.ts";
import { toProtoActivationStatus, toProtoOptionalTimestamp, toProtoTimestamp } from "./common.mapping.ts";
import {
  applicationIdOrZero,
  optionalActivationFailureCount,
  optionalBase64,
  optionalPositive,
  optionalText,
  optionalTimestamp,
  requireActivationId,
  requireEciesRequest,
  requireText,
  requireTimestamp,
  withoutControlCharacters,
} from "./validation.ts";

/** The proto ⇄ domain mapping of the activation RPCs. Optional proto fields stay unset for null values. */

/** What the lifecycle RPCs that name one activation take. */
export interface ActivationChangeInput {
  activationId: string;
  externalUserId?: string;
}

/** The user id is checked by the domain (ERR0001), as the reference does. */
export function fromProtoInitActivation(request: InitActivationRequest): InitActivationInput {
  return {
    userId: withoutControlCharacters(request.userId, "userId"),
    applicationId: applicationIdOrZero(request.applicationId),
    timestampActivationExpire: optionalTimestamp(request.timestampActivationExpire),
    maxFailureCount: optionalActivationFailureCount(request.maxFailureCount),
  };
}

export function toProtoInitActivation(result: InitActivationResult) {
  return create(InitActivationResponseSchema, {
    activationId: result.activationId,
    activationCode: result.activationCode,
    activationSignature: result.activationSignature,
    userId: result.userId,
    applicationId: BigInt(result.applicationId),
  });
}

export function fromProtoPrepareActivation(request: PrepareActivationRequest): { activationCode: string; applicationKey: string; request: EciesRequest } {
  return {
    activationCode: requireText(request.activationCode, "activationCode"),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    request: requireEciesRequest(request),
  };
}

export function toProtoPrepareActivation(result: KeyExchangeResult) {
  return create(PrepareActivationResponseSchema, {
    activationId: result.activationId,
    userId: result.userId,
    encryptedData: encodeBase64(result.encryptedData),
    mac: encodeBase64(result.mac),
  });
}

export function fromProtoCreateActivation(
  request: CreateActivationRequest,
): Omit<InitActivationInput, "applicationId"> & { applicationKey: string; request: EciesRequest } {
  return {
    userId: withoutControlCharacters(request.userId, "userId"),
    timestampActivationExpire: optionalTimestamp(request.timestampActivationExpire),
    maxFailureCount: optionalActivationFailureCount(request.maxFailureCount),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    request: requireEciesRequest(request),
  };
}

export function toProtoCreateActivation(result: KeyExchangeResult) {
  return create(CreateActivationResponseSchema, {
    activationId: result.activationId,
    encryptedData: encodeBase64(result.encryptedData),
    mac: encodeBase64(result.mac),
  });
}

export function fromProtoCommitActivation(request: CommitActivationRequest): ActivationChangeInput {
  return fromProtoActivationChange(request);
}

export function toProtoCommitActivation(result: { activationId: string }) {
  return create(CommitActivationResponseSchema, { activationId: result.activationId, activated: true });
}

export function fromProtoGetActivationStatus(request: GetActivationStatusRequest): { activationId: string; challenge?: Buffer } {
  return {
    activationId: requireActivationId(request.activationId),
    challenge: optionalBase64(request.challenge, "challenge", { length: 16 }),
  };
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
    timestampLastChange: toProtoOptionalTimestamp(report.timestampLastChange),
    encryptedStatusBlob: encodeBase64(report.encryptedStatusBlob),
    activationCode: report.activationCode ?? undefined,
    activationSignature: report.activationSignature ?? undefined,
    devicePublicKeyFingerprint: report.devicePublicKeyFingerprint ?? undefined,
    version: BigInt(report.version),
    encryptedStatusBlobNonce: report.encryptedStatusBlobNonce ? encodeBase64(report.encryptedStatusBlobNonce) : undefined,
  });
}

export function fromProtoRemoveActivation(request: RemoveActivationRequest): ActivationChangeInput & { revokeRecoveryCodes: boolean } {
  return { ...fromProtoActivationChange(request), revokeRecoveryCodes: request.revokeRecoveryCodes ?? false };
}

export function toProtoRemoveActivation(result: { activationId: string }) {
  return create(RemoveActivationResponseSchema, { activationId: result.activationId, removed: true });
}

export function fromProtoActivationListForUser(request: GetActivationListForUserRequest): { userId: string; applicationId?: number } {
  return { userId: requireText(request.userId, "userId"), applicationId: optionalPositive(request.applicationId, "applicationId") };
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
      timestampLastChange: toProtoOptionalTimestamp(item.timestampLastChange),
      userId: item.userId,
      applicationId: BigInt(item.applicationId),
      applicationName: item.applicationName,
      version: BigInt(item.version),
    })),
  });
}

export function fromProtoBlockActivation(request: BlockActivationRequest): ActivationChangeInput & { reason?: string } {
  return { ...fromProtoActivationChange(request), reason: optionalText(request.reason, "reason") };
}

export function toProtoBlockResult(result: ActivationStateResult) {
  return create(BlockActivationResponseSchema, {
    activationId: result.activationId,
    activationStatus: toProtoActivationStatus(result.activationStatus),
    blockedReason: result.blockedReason ?? undefined,
  });
}

export function fromProtoUnblockActivation(request: UnblockActivationRequest): ActivationChangeInput {
  return fromProtoActivationChange(request);
}

export function toProtoUnblockResult(result: ActivationStateResult) {
  return create(UnblockActivationResponseSchema, {
    activationId: result.activationId,
    activationStatus: toProtoActivationStatus(result.activationStatus),
  });
}

export function fromProtoActivationHistory(request: ActivationHistoryRequest): { activationId: string; from: Date; to: Date } {
  return {
    activationId: requireActivationId(request.activationId),
    from: requireTimestamp(request.timestampFrom, "timestampFrom"),
    to: requireTimestamp(request.timestampTo, "timestampTo"),
  };
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

function fromProtoActivationChange(request: { activationId: string; externalUserId?: string }): ActivationChangeInput {
  return {
    activationId: requireActivationId(request.activationId),
    externalUserId: optionalText(request.externalUserId, "externalUserId"),
  };
}
