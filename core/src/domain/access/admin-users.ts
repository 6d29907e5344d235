import type { Argon2Runner } from "../../crypto/argon2.ts";
import { hashAdminPassword, UNKNOWN_ADMIN_PASSWORD_HASH, verifyAdminPassword } from "../../crypto/secret-hash.ts";
import type { Db } from "../../persistence/db.ts";
import { AdminUser } from "../../persistence/admin-user.entity.ts";
import { findAdminUserByUsername } from "../../persistence/integration.repository.ts";
import { AuthenticationError } from "../errors.ts";

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
 * Verifies admin credentials (HTTP Basic of the Cloud Admin API). An unknown user costs the same hash as a
 * wrong password, and both give the same error. The hash runs on `argon2` (the core's worker pool), which
 * may refuse at once when it is saturated.
 */
export async function authenticateAdmin(db: Db, argon2: Argon2Runner, username: string, password: string): Promise<void> {
  const user = await db.read((tx) => findAdminUserByUsername(tx, username));
  const valid = await verifyAdminPassword(password, user?.passwordHash ?? UNKNOWN_ADMIN_PASSWORD_HASH, argon2);
  if (!user || !user.enabled || user.authority !== "ROLE_ADMIN" || !valid) {
    throw new AuthenticationError("Invalid admin credentials");
  }
}
