import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { blockActivation, commitActivation, removeActivation, unblockActivation } from "../domain/activations/activation-lifecycle.ts";
import { getActivationHistory, listActivationsForUser } from "../domain/activations/activation-queries.ts";
import { getActivationStatus } from "../domain/activations/activation-status-report.ts";
import { initActivation } from "../domain/activations/init-activation.ts";
import { createActivation, prepareActivation } from "../domain/activations/key-exchange.ts";
import {
  fromProtoActivationHistory,
  fromProtoActivationListForUser,
  fromProtoBlockActivation,
  fromProtoCommitActivation,
  fromProtoCreateActivation,
  fromProtoGetActivationStatus,
  fromProtoInitActivation,
  fromProtoPrepareActivation,
  fromProtoRemoveActivation,
  fromProtoUnblockActivation,
  toProtoActivationHistory,
  toProtoActivationList,
  toProtoActivationStatusReport,
  toProtoBlockResult,
  toProtoCommitActivation,
  toProtoCreateActivation,
  toProtoInitActivation,
  toProtoPrepareActivation,
  toProtoRemoveActivation,
  toProtoUnblockResult,
} from "./activations.mapping.ts";
import type { Deps } from "./deps.ts";

/** The activation lifecycle of the v3 service: init, key exchange, commit, status, lists, block/unblock/remove, history. */
export function activationHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config, activationKeys, argon2 } = deps;
  return {
    async initActivation(request) {
      return toProtoInitActivation(await initActivation(db, config, fromProtoInitActivation(request)));
    },
    async prepareActivation(request) {
      return toProtoPrepareActivation(await prepareActivation(db, config, argon2, fromProtoPrepareActivation(request)));
    },
    async createActivation(request) {
      return toProtoCreateActivation(await createActivation(db, config, argon2, fromProtoCreateActivation(request)));
    },
    async commitActivation(request) {
      return toProtoCommitActivation(await commitActivation(db, fromProtoCommitActivation(request)));
    },
    async getActivationStatus(request) {
      return toProtoActivationStatusReport(await getActivationStatus(db, config, activationKeys, fromProtoGetActivationStatus(request)));
    },
    async removeActivation(request) {
      return toProtoRemoveActivation(await removeActivation(db, fromProtoRemoveActivation(request)));
    },
    async getActivationListForUser(request) {
      const input = fromProtoActivationListForUser(request);
      return toProtoActivationList(input.userId, await listActivationsForUser(db, input));
    },
    async blockActivation(request) {
      return toProtoBlockResult(await blockActivation(db, fromProtoBlockActivation(request)));
    },
    async unblockActivation(request) {
      return toProtoUnblockResult(await unblockActivation(db, fromProtoUnblockActivation(request)));
    },
    async activationHistory(request) {
      return toProtoActivationHistory(await getActivationHistory(db, fromProtoActivationHistory(request)));
    },
  };
}
