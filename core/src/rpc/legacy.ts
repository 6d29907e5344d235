import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { createActivationV2, prepareActivationV2 } from "../domain/activations/legacy-key-exchange.ts";
import { getNonPersonalizedEncryptionKey, getPersonalizedEncryptionKey } from "../domain/e2ee/legacy-encryption-keys.ts";
import { createTokenV2 } from "../domain/tokens/legacy-tokens.ts";
import { vaultUnlockV2 } from "../domain/vault/legacy-vault-unlock.ts";
import type { Deps } from "./deps.ts";
import {
  fromProtoCreateActivationV2,
  fromProtoCreateTokenV2,
  fromProtoGetNonPersonalizedEncryptionKey,
  fromProtoGetPersonalizedEncryptionKey,
  fromProtoPrepareActivationV2,
  fromProtoVaultUnlockV2,
  toProtoCreateActivationV2,
  toProtoCreateTokenV2,
  toProtoGetNonPersonalizedEncryptionKey,
  toProtoGetPersonalizedEncryptionKey,
  toProtoPrepareActivationV2,
  toProtoVaultUnlockV2,
} from "./legacy.mapping.ts";

/** The legacy v2 service (protocol 2.x): key exchange, vault unlock, tokens and E2E keys of 2.x devices. */
export function legacyHandlers(deps: Deps): ServiceImpl<typeof PowerAuthService> {
  const { db, config, activationKeys, metrics } = deps;
  return {
    async prepareActivation(request) {
      return toProtoPrepareActivationV2(await prepareActivationV2(db, config, fromProtoPrepareActivationV2(request)));
    },
    async createActivation(request) {
      return toProtoCreateActivationV2(await createActivationV2(db, config, fromProtoCreateActivationV2(request)));
    },
    async vaultUnlock(request) {
      const result = await vaultUnlockV2(db, config, activationKeys, fromProtoVaultUnlockV2(request));
      if (result.verdict) metrics.countSignatureVerification(result.verdict);
      return toProtoVaultUnlockV2(result);
    },
    async getPersonalizedEncryptionKey(request) {
      return toProtoGetPersonalizedEncryptionKey(await getPersonalizedEncryptionKey(db, activationKeys, fromProtoGetPersonalizedEncryptionKey(request)));
    },
    async getNonPersonalizedEncryptionKey(request) {
      return toProtoGetNonPersonalizedEncryptionKey(request, await getNonPersonalizedEncryptionKey(db, config, fromProtoGetNonPersonalizedEncryptionKey(request)));
    },
    async createToken(request) {
      return toProtoCreateTokenV2(await createTokenV2(db, config, fromProtoCreateTokenV2(request)));
    },
  };
}
