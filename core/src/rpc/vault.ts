import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { vaultUnlock } from "../domain/vault/vault-unlock.ts";
import type { Deps } from "./deps.ts";
import { fromProtoVaultUnlock, toProtoVaultUnlock } from "./vault.mapping.ts";

/** Secure vault unlock of the v3 service. */
export function vaultHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config, activationKeys, metrics } = deps;
  return {
    async vaultUnlock(request) {
      const result = await vaultUnlock(db, config, activationKeys, fromProtoVaultUnlock(request));
      // As VerifySignature, after the commit; an unlock refused before its signature was checked is no verification.
      if (result.verdict) metrics.countSignatureVerification(result.verdict);
      return toProtoVaultUnlock(result);
    },
  };
}
