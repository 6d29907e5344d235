import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { recoveryCodeActivation } from "../domain/recovery/recovery-activation.ts";
import { confirmRecoveryCode, createRecoveryCode, lookupRecoveryCodes, revokeRecoveryCodes } from "../domain/recovery/recovery-codes.ts";
import { getRecoveryConfig, updateRecoveryConfig } from "../domain/recovery/recovery-config.ts";
import type { Deps } from "./deps.ts";
import {
  fromProtoConfirmRecoveryCode,
  fromProtoCreateRecoveryCode,
  fromProtoGetRecoveryConfig,
  fromProtoLookupRecoveryCodes,
  fromProtoRecoveryCodeActivation,
  fromProtoRevokeRecoveryCodes,
  fromProtoUpdateRecoveryConfig,
  toProtoConfirmRecoveryCode,
  toProtoCreateRecoveryCode,
  toProtoGetRecoveryConfig,
  toProtoLookupRecoveryCodes,
  toProtoRecoveryCodeActivation,
  toProtoRevokeRecoveryCodes,
  toProtoUpdateRecoveryConfig,
} from "./recovery.mapping.ts";

/** Activation recovery of the v3 service: configuration, postcards, confirmation, lookup, revocation, recovery activation. */
export function recoveryHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config, activationKeys, argon2 } = deps;
  return {
    async createRecoveryCode(request) {
      return toProtoCreateRecoveryCode(await createRecoveryCode(db, config, argon2, fromProtoCreateRecoveryCode(request)));
    },
    async confirmRecoveryCode(request) {
      return toProtoConfirmRecoveryCode(await confirmRecoveryCode(db, activationKeys, fromProtoConfirmRecoveryCode(request)));
    },
    async lookupRecoveryCodes(request) {
      return toProtoLookupRecoveryCodes(await lookupRecoveryCodes(db, fromProtoLookupRecoveryCodes(request)));
    },
    async revokeRecoveryCodes(request) {
      return toProtoRevokeRecoveryCodes(await revokeRecoveryCodes(db, fromProtoRevokeRecoveryCodes(request)));
    },
    async recoveryCodeActivation(request) {
      return toProtoRecoveryCodeActivation(await recoveryCodeActivation(db, config, argon2, fromProtoRecoveryCodeActivation(request)));
    },
    async getRecoveryConfig(request) {
      return toProtoGetRecoveryConfig(await getRecoveryConfig(db, fromProtoGetRecoveryConfig(request)));
    },
    async updateRecoveryConfig(request) {
      return toProtoUpdateRecoveryConfig(await updateRecoveryConfig(db, config, fromProtoUpdateRecoveryConfig(request)));
    },
  };
}
