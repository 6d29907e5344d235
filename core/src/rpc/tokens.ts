import type { ServiceImpl } from "@connectrpc/connect";
import type { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { createToken, removeToken, validateToken } from "../domain/tokens/tokens.ts";
import type { Deps } from "./deps.ts";
import {
  fromProtoCreateToken,
  fromProtoRemoveToken,
  fromProtoValidateToken,
  toProtoCreateToken,
  toProtoRemoveToken,
  toProtoValidateToken,
} from "./tokens.mapping.ts";

/** Token issuing, validation and removal of the v3 service. */
export function tokenHandlers(deps: Deps): Partial<ServiceImpl<typeof PowerAuthService>> {
  const { db, config, activationKeys } = deps;
  return {
    async createToken(request) {
      return toProtoCreateToken(await createToken(db, config, activationKeys, fromProtoCreateToken(request)));
    },
    async validateToken(request) {
      return toProtoValidateToken(await validateToken(db, config, fromProtoValidateToken(request)));
    },
    async removeToken(request) {
      return toProtoRemoveToken(await removeToken(db, fromProtoRemoveToken(request)));
    },
  };
}
