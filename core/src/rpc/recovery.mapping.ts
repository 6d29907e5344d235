import { create } from "@bufbuild/protobuf";
import {
  ConfirmRecoveryCodeResponseSchema,
  CreateRecoveryCodeResponseSchema,
  GetRecoveryConfigResponseSchema,
  LookupRecoveryCodesResponseSchema,
  RecoveryCodeActivationResponseSchema,
  RecoveryCodeStatus as ProtoRecoveryCodeStatus,
  RecoveryPukStatus as ProtoRecoveryPukStatus,
  RevokeRecoveryCodesResponseSchema,
  UpdateRecoveryConfigResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type {
  ConfirmRecoveryCodeRequest,
  CreateRecoveryCodeRequest,
  GetRecoveryConfigRequest,
  LookupRecoveryCodesRequest,
  RecoveryCodeActivationRequest,
  RevokeRecoveryCodesRequest,
  UpdateRecoveryConfigRequest,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import type { KeyExchangeResult } from "../domain/activations/key-exchange.ts";
import type { RecoveryCodeActivationInput } from "../domain/recovery/recovery-activation.ts";
import type { CreatedRecoveryCode, RecoveryCodeItem, RecoveryCodeLookup } from "../domain/recovery/recovery-codes.ts";
import type { RecoveryConfigUpdate, RecoveryConfigView } from "../domain/recovery/recovery-config.ts";
import type { RecoveryCodeStatusName, RecoveryPukStatusName } from "../domain/recovery/recovery-status.ts";
import { invalidRequest } from "./errors.ts";
import {
  optionalActivationFailureCount,
  optionalActivationId,
  optionalEnumName,
  optionalPositive,
  optionalText,
  requireActivationId,
  requireEciesRequest,
  requireId,
  requirePuk,
  requireRecoveryCode,
  requireSafeInteger,
  requireText,
} from "./validation.ts";

/** The proto ⇄ domain mapping of the recovery RPCs. */

export function fromProtoCreateRecoveryCode(request: CreateRecoveryCodeRequest) {
  return {
    applicationId: requireId(request.applicationId, "applicationId"),
    userId: requireText(request.userId, "userId"),
    pukCount: requireSafeInteger(request.pukCount, "pukCount"),
  };
}

export function toProtoCreateRecoveryCode(result: CreatedRecoveryCode) {
  return create(CreateRecoveryCodeResponseSchema, {
    nonce: result.nonce,
    userId: result.userId,
    recoveryCodeId: BigInt(result.recoveryCodeId),
    recoveryCodeMasked: result.recoveryCodeMasked,
    status: ProtoRecoveryCodeStatus[result.status],
    puks: result.puks.map((puk) => ({
      pukIndex: BigInt(puk.pukIndex),
      pukDerivationIndex: puk.pukDerivationIndex,
      status: ProtoRecoveryPukStatus[puk.status],
    })),
  });
}

export function fromProtoConfirmRecoveryCode(request: ConfirmRecoveryCodeRequest) {
  return {
    activationId: requireActivationId(request.activationId),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    request: requireEciesRequest(request),
  };
}

export function toProtoConfirmRecoveryCode(result: { activationId: string; userId: string; encryptedData: Buffer; mac: Buffer }) {
  return create(ConfirmRecoveryCodeResponseSchema, {
    activationId: result.activationId,
    userId: result.userId,
    encryptedData: encodeBase64(result.encryptedData),
    mac: encodeBase64(result.mac),
  });
}

export function fromProtoLookupRecoveryCodes(request: LookupRecoveryCodesRequest): RecoveryCodeLookup {
  return {
    userId: optionalText(request.userId, "userId"),
    activationId: optionalActivationId(request.activationId),
    applicationId: optionalPositive(request.applicationId, "applicationId"),
    recoveryCodeStatus: optionalEnumName<RecoveryCodeStatusName>(request.recoveryCodeStatus, ProtoRecoveryCodeStatus, "recoveryCodeStatus"),
    recoveryPukStatus: optionalEnumName<RecoveryPukStatusName>(request.recoveryPukStatus, ProtoRecoveryPukStatus, "recoveryPukStatus"),
  };
}

export function toProtoLookupRecoveryCodes(items: RecoveryCodeItem[]) {
  return create(LookupRecoveryCodesResponseSchema, {
    recoveryCodes: items.map((item) => ({
      recoveryCodeId: BigInt(item.recoveryCodeId),
      recoveryCodeMasked: item.recoveryCodeMasked,
      userId: item.userId,
      applicationId: BigInt(item.applicationId),
      activationId: item.activationId ?? undefined,
      status: ProtoRecoveryCodeStatus[item.status],
      puks: item.puks.map((puk) => ({ pukIndex: BigInt(puk.pukIndex), status: ProtoRecoveryPukStatus[puk.status] })),
    })),
  });
}

/** At least one id, as the XSD requires; ids stay as given (negative ones included): the domain answers them as the reference does. */
export function fromProtoRevokeRecoveryCodes(request: RevokeRecoveryCodesRequest) {
  if (request.recoveryCodeIds.length === 0) throw invalidRequest("recoveryCodeIds must name at least one code");
  return { recoveryCodeIds: request.recoveryCodeIds.map((id) => requireSafeInteger(id, "recoveryCodeIds")) };
}

export function toProtoRevokeRecoveryCodes(result: { revoked: boolean }) {
  return create(RevokeRecoveryCodesResponseSchema, { revoked: result.revoked });
}

export function fromProtoRecoveryCodeActivation(request: RecoveryCodeActivationRequest): RecoveryCodeActivationInput {
  return {
    recoveryCode: requireRecoveryCode(request.recoveryCode),
    puk: requirePuk(request.puk),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    maxFailureCount: optionalActivationFailureCount(request.maxFailureCount),
    request: requireEciesRequest(request),
  };
}

export function toProtoRecoveryCodeActivation(result: KeyExchangeResult) {
  return create(RecoveryCodeActivationResponseSchema, {
    activationId: result.activationId,
    userId: result.userId,
    encryptedData: encodeBase64(result.encryptedData),
    mac: encodeBase64(result.mac),
  });
}

export function fromProtoGetRecoveryConfig(request: GetRecoveryConfigRequest) {
  return { applicationId: requireId(request.applicationId, "applicationId") };
}

export function toProtoGetRecoveryConfig(view: RecoveryConfigView) {
  return create(GetRecoveryConfigResponseSchema, {
    applicationId: BigInt(view.applicationId),
    activationRecoveryEnabled: view.activationRecoveryEnabled,
    recoveryPostcardEnabled: view.recoveryPostcardEnabled,
    allowMultipleRecoveryCodes: view.allowMultipleRecoveryCodes,
    postcardPublicKey: view.postcardPublicKey ?? undefined,
    remotePostcardPublicKey: view.remotePostcardPublicKey ?? undefined,
  });
}

/** `remotePostcardPublicKey` keeps "" (it clears the key); its format is the domain's check (ERR0010). */
export function fromProtoUpdateRecoveryConfig(request: UpdateRecoveryConfigRequest): RecoveryConfigUpdate {
  const remote = request.remotePostcardPublicKey;
  return {
    applicationId: requireId(request.applicationId, "applicationId"),
    activationRecoveryEnabled: request.activationRecoveryEnabled,
    recoveryPostcardEnabled: request.recoveryPostcardEnabled,
    allowMultipleRecoveryCodes: request.allowMultipleRecoveryCodes,
    remotePostcardPublicKey: remote === undefined ? undefined : optionalText(remote, "remotePostcardPublicKey") ?? "",
  };
}

export function toProtoUpdateRecoveryConfig(result: { updated: boolean }) {
  return create(UpdateRecoveryConfigResponseSchema, { updated: result.updated });
}
