import { AdminUser } from "./admin-user.entity.ts";
import type { Tx } from "./tx.ts";

/** The admin user with its password hash (a lookup by the unique username index). */
export function findAdminUserByUsername(tx: Tx, username: string) {
  return tx.findOne(AdminUser, { username }, { populate: ["passwordHash"] });
}

export function listAdminUsers(tx: Tx) {
  return tx.find(AdminUser, {}, { orderBy: { username: "asc" } });
}

export function countEnabledAdmins(tx: Tx) {
  return tx.count(AdminUser, { enabled: true, authority: "ROLE_ADMIN" });
}
