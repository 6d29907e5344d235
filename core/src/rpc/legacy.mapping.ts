import { create } from "@bufbuild/protobuf";
import {
  ActivationStatus as ProtoActivationStatusV2,
  CreateActivationResponseSchema,
  CreateTokenResponseSchema,
  GetNonPersonalizedEncryptionKeyResponseSchema,
  GetPersonalizedEncryptionKeyResponseSchema,
  PrepareActivationResponseSchema,
  VaultUnlockResponseSchema,
} from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import type {
  CreateActivationRequest,
  CreateTokenRequest,
  GetNonPersonalizedEncryptionKeyRequest,
  GetPersonalizedEncryptionKeyRequest,
  PrepareActivationRequest,
  VaultUnlockRequest,
} from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import type { LegacyKeyExchangeRequest, LegacyKeyExchangeResult } from "../domain/activations/legacy-key-exchange.ts";
import type { LegacyEncryptionKey } from "../domain/e2ee/legacy-encryption-keys.ts";
import type { LegacyVaultUnlockResult } from "../domain/vault/legacy-vault-unlock.ts";
import {
  MAX_SIGNATURE_LENGTH,
  MAX_SIGNED_DATA_LENGTH,
  optionalActivationFailureCount,
  optionalBase64,
  optionalText,
  optionalTimestamp,
  requireActivationId,
  requireBase64,
  requireId,
  requireSignatureTypeV2,
  requireText,
  withoutControlCharacters,
} from "./validation.ts";

/** The proto ⇄ domain mapping of the legacy v2 service (protocol 2.x). */

/** The reference stores activation names and extras in 255-character columns. */
const MAX_EXTRAS_LENGTH = 255;

function fromProtoKeyExchange(request: PrepareActivationRequest | CreateActivationRequest): LegacyKeyExchangeRequest {
  return {
    activationName: optionalText(request.activationName, "activationName") ?? null,
    extras: optionalText(request.extras, "extras", MAX_EXTRAS_LENGTH) ?? null,
    activationNonce: requireBase64(request.activationNonce, "activationNonce", { length: 16 }),
    ephemeralPublicKey: optionalBase64(request.ephemeralPublicKey, "ephemeralPublicKey") ?? null,
    encryptedDevicePublicKey: requireBase64(request.encryptedDevicePublicKey, "encryptedDevicePublicKey"),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    applicationSignature: requireBase64(request.applicationSignature, "applicationSignature"),
  };
}

/** The five Base64 fields both v2 key exchange responses carry. */
function keyExchangeFields(result: LegacyKeyExchangeResult) {
  return {
    activationId: result.activationId,
    activationNonce: encodeBase64(result.activationNonce),
    ephemeralPublicKey: encodeBase64(result.ephemeralPublicKey),
    encryptedServerPublicKey: encodeBase64(result.encryptedServerPublicKey),
    encryptedServerPublicKeySignature: encodeBase64(result.encryptedServerPublicKeySignature),
  };
}

export function fromProtoPrepareActivationV2(request: PrepareActivationRequest) {
  return { ...fromProtoKeyExchange(request), activationIdShort: requireText(request.activationIdShort, "activationIdShort") };
}

export function toProtoPrepareActivationV2(result: LegacyKeyExchangeResult) {
  return create(PrepareActivationResponseSchema, keyExchangeFields(result));
}

export function fromProtoCreateActivationV2(request: CreateActivationRequest) {
  return {
    ...fromProtoKeyExchange(request),
    userId: withoutControlCharacters(request.userId, "userId"),
    applicationId: requireId(request.applicationId, "applicationId"),
    timestampActivationExpire: optionalTimestamp(request.timestampActivationExpire),
    maxFailureCount: optionalActivationFailureCount(request.maxFailureCount),
    identity: requireText(request.identity, "identity"),
    activationOtp: requireText(request.activationOtp, "activationOtp"),
  };
}

export function toProtoCreateActivationV2(result: LegacyKeyExchangeResult) {
  return create(CreateActivationResponseSchema, keyExchangeFields(result));
}

/** The reason's length is a domain rule (ERR0011), so it is only bounded generously here. */
export function fromProtoVaultUnlockV2(request: VaultUnlockRequest) {
  return {
    activationId: requireActivationId(request.activationId),
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    data: requireText(request.data, "data", MAX_SIGNED_DATA_LENGTH),
    signature: requireText(request.signature, "signature", MAX_SIGNATURE_LENGTH),
    signatureType: requireSignatureTypeV2(request.signatureType),
    reason: optionalText(request.reason, "reason", MAX_SIGNED_DATA_LENGTH) ?? null,
  };
}

export function toProtoVaultUnlockV2(result: LegacyVaultUnlockResult) {
  return create(VaultUnlockResponseSchema, {
    activationId: result.activationId,
    userId: result.userId,
    activationStatus: ProtoActivationStatusV2[result.activationStatus],
    blockedReason: result.blockedReason ?? undefined,
    remainingAttempts: BigInt(result.remainingAttempts),
    signatureValid: result.signatureValid,
    encryptedVaultEncryptionKey: result.encryptedVaultEncryptionKey ? encodeBase64(result.encryptedVaultEncryptionKey) : undefined,
  });
}

/** The reference derives with a random index unless the caller's decodes to 16 bytes; malformed Base64 is ERR0024. */
export function fromProtoGetPersonalizedEncryptionKey(request: GetPersonalizedEncryptionKeyRequest) {
  return { activationId: requireActivationId(request.activationId), sessionIndex: optionalBase64(request.sessionIndex, "sessionIndex") ?? null };
}

export function toProtoGetPersonalizedEncryptionKey(result: LegacyEncryptionKey & { activationId: string }) {
  return create(GetPersonalizedEncryptionKeyResponseSchema, {
    activationId: result.activationId,
    encryptionKey: encodeBase64(result.encryptionKey),
    encryptionKeyIndex: encodeBase64(result.encryptionKeyIndex),
  });
}

export function fromProtoGetNonPersonalizedEncryptionKey(request: GetNonPersonalizedEncryptionKeyRequest) {
  return {
    applicationKey: requireText(request.applicationKey, "applicationKey"),
    sessionIndex: optionalBase64(request.sessionIndex, "sessionIndex") ?? null,
    ephemeralPublicKey: requireBase64(request.ephemeralPublicKey, "ephemeralPublicKey"),
  };
}

/** Echoes the application key and the ephemeral key as the caller sent them. */
export function toProtoGetNonPersonalizedEncryptionKey(
  request: { applicationKey: string; ephemeralPublicKey: string },
  result: LegacyEncryptionKey & { applicationId: number },
) {
  return create(GetNonPersonalizedEncryptionKeyResponseSchema, {
    applicationKey: request.applicationKey,
    applicationId: BigInt(result.applicationId),
    encryptionKey: encodeBase64(result.encryptionKey),
    encryptionKeyIndex: encodeBase64(result.encryptionKeyIndex),
    ephemeralPublicKey: request.ephemeralPublicKey,
  });
}

export function fromProtoCreateTokenV2(request: CreateTokenRequest) {
  return {
    activationId: requireActivationId(request.activationId),
    signatureType: requireSignatureTypeV2(request.signatureType),
    ephemeralPublicKey: requireBase64(request.ephemeralPublicKey, "ephemeralPublicKey"),
  };
}

export function toProtoCreateTokenV2(response: { encryptedData: Buffer; mac: Buffer }) {
  return create(CreateTokenResponseSchema, { encryptedData: encodeBase64(response.encryptedData), mac: encodeBase64(response.mac) });
}
