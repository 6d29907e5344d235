import { argon2, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../../persistence/db.ts";
import { AdminUser } from "../../persistence/admin-user.entity.ts";
import { findAdminUserByUsername } from "../../persistence/integration.repository.ts";
import { AuthenticationError } from "../errors.ts";

/** OWASP's minimum Argon2id profile: 19 MiB, 2 passes, 1 lane. */
const ARGON2_MEMORY_KIB = 19456;
const ARGON2_PASSES = 2;
const ARGON2_PARALLELISM = 1;
const ARGON2_TAG_LENGTH = 32;

/**
 * Creates the first admin user from the environment when no user of that name exists yet. An existing user
 * keeps its stored password: the environment only seeds an empty installation.
 */
export async function ensureInitialAdmin(db: Db, username: string, password: string): Promise<"created" | "exists"> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    if (await findAdminUserByUsername(tx, username)) return "exists";
    tx.create(AdminUser, { username, passwordHash, enabled: true, authority: "ROLE_ADMIN" });
    await tx.flush();
    return "created";
  });
}

/**
 * Verifies admin credentials (HTTP Basic of the Cloud Admin API). An unknown user costs the same hash as a
 * wrong password, and both give the same error.
 */
export async function authenticateAdmin(db: Db, username: string, password: string): Promise<void> {
  const user = await db.read((tx) => findAdminUserByUsername(tx, username));
  const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !user.enabled || user.authority !== "ROLE_ADMIN" || !valid) {
    throw new AuthenticationError("Invalid admin credentials");
  }
}

/** Argon2id hash in the PHC string format `$argon2id$v=19$m=…,t=…,p=…$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const tag = await runArgon2(password, salt, ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_PARALLELISM, ARGON2_TAG_LENGTH);
  return `$argon2id$v=19$m=${ARGON2_MEMORY_KIB},t=${ARGON2_PASSES},p=${ARGON2_PARALLELISM}$${b64(salt)}$${b64(tag)}`;
}

/** Verifies a password against a PHC Argon2id string; malformed hashes never match. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(encoded);
  if (!match) return false;
  const [, memory, passes, parallelism, salt, hash] = match;
  const expected = Buffer.from(hash, "base64");
  const actual = await runArgon2(password, Buffer.from(salt, "base64"), Number(memory), Number(passes), Number(parallelism), expected.length);
  return timingSafeEqual(expected, actual);
}

function runArgon2(password: string, salt: Buffer, memory: number, passes: number, parallelism: number, tagLength: number) {
  return new Promise<Buffer>((resolve, reject) => {
    argon2(
      "argon2id",
      { message: Buffer.from(password, "utf8"), nonce: salt, memory, passes, parallelism, tagLength },
      (error, tag) => (error ? reject(error) : resolve(Buffer.from(tag))),
    );
  });
}

function b64(bytes: Buffer): string {
  return bytes.toString("base64").replace(/=+$/, "");
}

/** A syntactically valid hash nobody knows the password of, so unknown users cost a real verification. */
const DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
