import { create } from "@bufbuild/protobuf";
import {
  ChangeAdminPasswordResponseSchema,
  CheckAdminCredentialsResponseSchema,
  CreateAdminUserResponseSchema,
  ListAdminUsersResponseSchema,
  RemoveAdminUserResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type { ChangeAdminPasswordRequest, CreateAdminUserRequest, RemoveAdminUserRequest } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type { AdminUserSummary } from "../domain/access/admin-users.ts";
import { requireAdminUsername, requireNewAdminPassword } from "./validation.ts";

/** The proto ⇄ domain mapping of admin user management (never a password or hash on the way out). */

export function fromProtoNewAdminUser(request: CreateAdminUserRequest | ChangeAdminPasswordRequest): { username: string; password: string } {
  return { username: requireAdminUsername(request.username), password: requireNewAdminPassword(request.password) };
}

export function fromProtoAdminUsername(request: RemoveAdminUserRequest): string {
  return requireAdminUsername(request.username);
}

export function toProtoCheckAdminCredentials() {
  return create(CheckAdminCredentialsResponseSchema, {});
}

export function toProtoCreatedAdminUser(user: AdminUserSummary) {
  return create(CreateAdminUserResponseSchema, { user });
}

export function toProtoAdminUserList(users: AdminUserSummary[]) {
  return create(ListAdminUsersResponseSchema, { users });
}

export function toProtoRemoveAdminUser() {
  return create(RemoveAdminUserResponseSchema, {});
}

export function toProtoChangeAdminPassword() {
  return create(ChangeAdminPasswordResponseSchema, {});
}
