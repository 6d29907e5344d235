import type { Argon2Reservation, Argon2Runner } from "../../crypto/argon2.ts";
import { hashAdminPassword, UNKNOWN_ADMIN_PASSWORD_HASH, verifyAdminPassword } from "../../crypto/secret-hash.ts";
import type { Db } from "../../persistence/db.ts";
import { AdminUser } from "../../persistence/admin-user.entity.ts";
import { countEnabledAdmins, findAdminUserByUsername, listAdminUsers } from "../../persistence/admin-user.repository.ts";
import { AdminError, AuthenticationError } from "../errors.ts";
import type { AdminLoginGuard } from "./admin-login-guard.ts";

/** An admin user as the management API shows it: never the password nor its hash. */
export interface AdminUserSummary {
  username: string;
  enabled: boolean;
  authority: string;
}

/** Who is logging in, and from where (the client address the throttling counts against). */
export interface AdminLogin {
  username: string;
  password: string;
  clientAddress: string;
}

/**
 * Creates the first admin user from the environment when no user of that name exists yet. An existing user
 * keeps its stored password: the environment only seeds an empty installation.
 */
export async function ensureInitialAdmin(db: Db, argon2: Argon2Runner, username: string, password: string): Promise<"created" | "exists"> {
  const passwordHash = await hashAdminPassword(password, argon2);
  return db.transaction(async (tx) => {
    if (await findAdminUserByUsername(tx, username)) return "exists";
    tx.create(AdminUser, { username, passwordHash, enabled: true, authority: "ROLE_ADMIN" });
    await tx.flush();
    return "created";
  });
}

/**
 * Verifies admin credentials (HTTP Basic of the Cloud Admin API). Credentials verified lately are
 * recognised by their HMAC in `guard` and cost one indexed read instead of an Argon2id hash; that read also
 * compares the stored hash with the one they were verified against, so a changed password, a removed or
 * disabled user is refused at once, by every core sharing the database. Otherwise the throttling of `guard`
 * decides whether a hash may run at all (AdminLoginThrottledError), an unknown user costs the same hash as a
 * wrong password, and both give the same error. The hash runs on `argon2` (the core's worker pool), which
 * may refuse at once when it is saturated.
 */
export async function authenticateAdmin(db: Db, argon2: Argon2Runner, guard: AdminLoginGuard, login: AdminLogin): Promise<void> {
  const { username, password, clientAddress } = login;
  const key = guard.credentialKey(username, password);
  const remembered = guard.recall(key);
  if (remembered) {
    const user = await db.read((tx) => findAdminUserByUsername(tx, username));
    if (user && isActiveAdmin(user) && user.id === remembered.userId && user.passwordHash === remembered.passwordHash) return;
    guard.forget(key);
  }
  const end = guard.begin(username, clientAddress);
  let hashPlace: Argon2Reservation | undefined;
  try {
    // Refused before the read when every hashing place is taken: a login flood then costs no database work.
    hashPlace = argon2.reserve();
    const user = await db.read((tx) => findAdminUserByUsername(tx, username));
    const valid = await verifyAdminPassword(password, user?.passwordHash ?? UNKNOWN_ADMIN_PASSWORD_HASH, hashPlace);
    if (!user || !isActiveAdmin(user) || !valid) {
      guard.recordFailure(username, clientAddress);
      throw new AuthenticationError("Invalid admin credentials");
    }
    guard.recordSuccess(username);
    guard.remember(key, { userId: user.id, passwordHash: user.passwordHash });
  } finally {
    hashPlace?.release();
    end();
  }
}

/** Adds an admin user (`npm run admin -- create`, CreateAdminUser). A taken username is ERROR_ADMIN. */
export async function createAdminUser(db: Db, argon2: Argon2Runner, username: string, password: string): Promise<AdminUserSummary> {
  const passwordHash = await hashAdminPassword(password, argon2);
  return db.transaction(async (tx) => {
    if (await findAdminUserByUsername(tx, username)) throw new AdminError("ERROR_ADMIN", "Admin user already exists");
    const user = tx.create(AdminUser, { username, passwordHash, enabled: true, authority: "ROLE_ADMIN" });
    await tx.flush();
    return summary(user);
  });
}

/** Every admin user, by username, so an operator can see who may call the admin API. */
export async function listAdminUserSummaries(db: Db): Promise<AdminUserSummary[]> {
  return db.read(async (tx) => (await listAdminUsers(tx)).map(summary));
}

/**
 * Removes an admin user. The last enabled admin cannot be removed: nobody could manage users afterwards
 * without a restart with bootstrap variables. Logins of the user remembered by this core end at once.
 */
export async function removeAdminUser(db: Db, guard: AdminLoginGuard, username: string): Promise<void> {
  const removedId = await db.transaction(async (tx) => {
    const user = await findAdminUserByUsername(tx, username);
    if (!user) throw new AdminError("ERROR_ADMIN", "Admin user not found");
    if (isActiveAdmin(user) && (await countEnabledAdmins(tx)) <= 1) {
      throw new AdminError("ERROR_ADMIN", "The last admin user cannot be removed");
    }
    const id = user.id;
    tx.remove(user);
    await tx.flush();
    return id;
  });
  guard.forgetUser(removedId);
}

/**
 * Sets a new password (a new salt, so the stored hash always changes): logins remembered with the old one
 * stop working here at once and in other cores on their next call, which compares the stored hash.
 */
export async function changeAdminPassword(db: Db, argon2: Argon2Runner, guard: AdminLoginGuard, username: string, password: string): Promise<void> {
  const passwordHash = await hashAdminPassword(password, argon2);
  const userId = await db.transaction(async (tx) => {
    const user = await findAdminUserByUsername(tx, username);
    if (!user) throw new AdminError("ERROR_ADMIN", "Admin user not found");
    user.passwordHash = passwordHash;
    await tx.flush();
    return user.id;
  });
  guard.forgetUser(userId);
}

function isActiveAdmin(user: { enabled: boolean; authority: string }): boolean {
  return user.enabled && user.authority === "ROLE_ADMIN";
}

function summary(user: AdminUser): AdminUserSummary {
  return { username: user.username, enabled: user.enabled, authority: user.authority };
}
