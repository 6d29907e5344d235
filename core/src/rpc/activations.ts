import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { encodeBase64 } from "../crypto/bytes.ts";
import { blockActivation, commitActivation, removeActivation, unblockActivation } from "../domain/activations/activation-lifecycle.ts";
import { getActivationHistory, listActivationsForUser } from "../domain/activations/activation-queries.ts";
import { getActivationStatus } from "../domain/activations/activation-status-report.ts";
import { initActivation } from "../domain/activations/init-activation.ts";
import { createActivation, prepareActivation } from "../domain/activations/key-exchange.ts";
import type { Deps } from "./deps.ts";
import { invalidRequest } from "./errors.ts";
import {
  toProtoActivationHistory,
  toProtoActivationList,
  toProtoActivationStatusReport,
  toProtoBlockResult,
  toProtoUnblockResult,
} from "./mapping-activations.ts";
import {
  optionalBase64,
  optionalPositive,
  optionalText,
  optionalTimestamp,
  requireEciesRequest,
  requireText,
  requireTimestamp,
} from "./validation.ts";

/** Activation IDs are UUIDs; anything longer than the column cannot exist. */
const ACTIVATION_ID_LENGTH = 37;

/** The activation lifecycle of the v3 service: init, key exchange, commit, status, lists, block/unblock/remove, history. */
export function activationHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config } = deps;
  return {
    async initActivation(request) {
      const result = await initActivation(db, config, {
        userId: request.userId,
        applicationId: applicationIdOrZero(request.applicationId),
        timestampActivationExpire: optionalTimestamp(request.timestampActivationExpire),
        maxFailureCount: optionalPositive(request.maxFailureCount, "maxFailureCount"),
      });
      return { ...result, applicationId: BigInt(result.applicationId) };
    },
    async prepareActivation(request) {
      const result = await prepareActivation(db, config, {
        activationCode: requireText(request.activationCode, "activationCode"),
        applicationKey: requireText(request.applicationKey, "applicationKey"),
        request: requireEciesRequest(request),
      });
      return { activationId: result.activationId, userId: result.userId, encryptedData: encodeBase64(result.encryptedData), mac: encodeBase64(result.mac) };
    },
    async createActivation(request) {
      const result = await createActivation(db, config, {
        userId: request.userId,
        timestampActivationExpire: optionalTimestamp(request.timestampActivationExpire),
        maxFailureCount: optionalPositive(request.maxFailureCount, "maxFailureCount"),
        applicationKey: requireText(request.applicationKey, "applicationKey"),
        request: requireEciesRequest(request),
      });
      return { activationId: result.activationId, encryptedData: encodeBase64(result.encryptedData), mac: encodeBase64(result.mac) };
    },
    async commitActivation(request) {
      const result = await commitActivation(db, {
        activationId: requireActivationId(request.activationId),
        externalUserId: optionalText(request.externalUserId, "externalUserId"),
      });
      return { activationId: result.activationId, activated: true };
    },
    async getActivationStatus(request) {
      const report = await getActivationStatus(db, config, deps.activationKeys, {
        activationId: requireActivationId(request.activationId),
        challenge: optionalBase64(request.challenge, "challenge", { length: 16 }),
      });
      return toProtoActivationStatusReport(report);
    },
    async removeActivation(request) {
      const result = await removeActivation(db, {
        activationId: requireActivationId(request.activationId),
        externalUserId: optionalText(request.externalUserId, "externalUserId"),
      });
      return { activationId: result.activationId, removed: true };
    },
    async getActivationListForUser(request) {
      const userId = requireText(request.userId, "userId");
      const items = await listActivationsForUser(db, { userId, applicationId: optionalPositive(request.applicationId, "applicationId") });
      return toProtoActivationList(userId, items);
    },
    async blockActivation(request) {
      return toProtoBlockResult(
        await blockActivation(db, {
          activationId: requireActivationId(request.activationId),
          reason: optionalText(request.reason, "reason"),
          externalUserId: optionalText(request.externalUserId, "externalUserId"),
        }),
      );
    },
    async unblockActivation(request) {
      return toProtoUnblockResult(
        await unblockActivation(db, {
          activationId: requireActivationId(request.activationId),
          externalUserId: optionalText(request.externalUserId, "externalUserId"),
        }),
      );
    },
    async activationHistory(request) {
      const items = await getActivationHistory(db, {
        activationId: requireActivationId(request.activationId),
        from: requireTimestamp(request.timestampFrom, "timestampFrom"),
        to: requireTimestamp(request.timestampTo, "timestampTo"),
      });
      return toProtoActivationHistory(items);
    },
  };
}

export function requireActivationId(value: string | undefined): string {
  return requireText(value, "activationId", ACTIVATION_ID_LENGTH);
}

/** 0 is "not set" and answered by the domain with the reference's ERR0002; negatives are malformed. */
function applicationIdOrZero(value: bigint): number {
  if (value === 0n) return 0;
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidRequest("applicationId must be a positive id");
  return Number(value);
}
