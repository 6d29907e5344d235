import type { Argon2Job, Argon2Runner } from "./argon2.ts";
import { constantTimeEqual, randomBytes, utf8 } from "./bytes.ts";
import { sha256 } from "./hash.ts";

/** Cloud Admin API passwords: Argon2id v1.3 at OWASP's minimum profile (19 MiB, 2 passes, 1 lane). */
export const ADMIN_PASSWORD_HASH_PARAMETERS = {
  algorithm: "argon2id",
  version: 0x13,
  memoryKiB: 19456,
  passes: 2,
  parallelism: 1,
  tagLength: 32,
  saltLength: 16,
} as const;

/** A well-formed admin password hash nobody knows the password of, so an unknown user costs a real verification. */
export const UNKNOWN_ADMIN_PASSWORD_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** Argon2id hash in the PHC string format `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>` (unpadded Base64). */
export async function hashAdminPassword(password: string, argon2: Argon2Runner): Promise<string> {
  const p = ADMIN_PASSWORD_HASH_PARAMETERS;
  const salt = randomBytes(p.saltLength);
  const tag = await argon2.run(adminJob(password, salt, p.memoryKiB, p.passes, p.parallelism, p.tagLength));
  return `$argon2id$v=19$m=${p.memoryKiB},t=${p.passes},p=${p.parallelism}$${unpadded(salt)}$${unpadded(tag)}`;
}

/** Verifies a password against a PHC Argon2id string in constant time; a malformed hash never matches. */
export async function verifyAdminPassword(password: string, encoded: string, argon2: Pick<Argon2Runner, "run">): Promise<boolean> {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(encoded);
  if (!match) return false;
  const [, memory, passes, parallelism, salt, hash] = match;
  const expected = Buffer.from(hash, "base64");
  const job = adminJob(password, Buffer.from(salt, "base64"), Number(memory), Number(passes), Number(parallelism), expected.length);
  return constantTimeEqual(await argon2.run(job), expected);
}

/**
 * Integration client secrets are random UUIDs (122 bits), so a plain SHA-256 is enough to make a leaked
 * table useless; stored as lowercase hex.
 */
export function hashClientSecret(secret: string): string {
  return sha256(utf8(secret)).toString("hex");
}

/**
 * Compares a presented client secret with the stored digest in constant time. Without a stored digest (an
 * unknown client token) the digest is still computed, so both failures cost the same.
 */
export function clientSecretMatches(secret: string, storedHash: string | undefined): boolean {
  const actual = sha256(utf8(secret));
  const expected = storedHash === undefined ? Buffer.alloc(actual.length) : Buffer.from(storedHash, "hex");
  return constantTimeEqual(actual, expected) && storedHash !== undefined;
}

function adminJob(password: string, salt: Uint8Array, memoryKiB: number, passes: number, parallelism: number, tagLength: number): Argon2Job {
  return { algorithm: "argon2id", version: 0x13, message: utf8(password), nonce: salt, memoryKiB, passes, parallelism, tagLength };
}

function unpadded(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64").replace(/=+$/, "");
}
