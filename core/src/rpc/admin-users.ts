import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import {
  changeAdminPassword,
  createAdminUser,
  listAdminUserSummaries,
  removeAdminUser,
} from "../domain/access/admin-users.ts";
import {
  fromProtoAdminUsername,
  fromProtoNewAdminUser,
  toProtoAdminUserList,
  toProtoChangeAdminPassword,
  toProtoCheckAdminCredentials,
  toProtoCreatedAdminUser,
  toProtoRemoveAdminUser,
} from "./admin-users.mapping.ts";
import type { Deps } from "./deps.ts";

/** Admin users and the credentials check; the access-control interceptor has authenticated the caller already. */
export function adminUserHandlers(deps: Deps): Partial<ServiceImpl<typeof AdminService>> {
  const { db, argon2, adminLogin } = deps;
  return {
    checkAdminCredentials() {
      return toProtoCheckAdminCredentials();
    },
    async createAdminUser(request) {
      const { username, password } = fromProtoNewAdminUser(request);
      return toProtoCreatedAdminUser(await createAdminUser(db, argon2, username, password));
    },
    async listAdminUsers() {
      return toProtoAdminUserList(await listAdminUserSummaries(db));
    },
    async removeAdminUser(request) {
      await removeAdminUser(db, adminLogin, fromProtoAdminUsername(request));
      return toProtoRemoveAdminUser();
    },
    async changeAdminPassword(request) {
      const { username, password } = fromProtoNewAdminUser(request);
      await changeAdminPassword(db, argon2, adminLogin, username, password);
      return toProtoChangeAdminPassword();
    },
  };
}
