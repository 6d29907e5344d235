import { computeArgon2, inlineArgon2 } from "./argon2.ts";
import type { Argon2Job, Argon2Runner } from "./argon2.ts";
import { constantTimeEqual, randomBytes, utf8 } from "./bytes.ts";
import { CryptoError } from "./errors.ts";

/**
 * PUK (and activation OTP) storage hash: Argon2i v1.3, t=3, m=32768 KiB, p=16,
 * 32-byte tag, 8-byte salt — the reference's parameters.
 */
export const PASSWORD_HASH_PARAMETERS = {
  algorithm: "argon2i",
  version: 0x13,
  iterations: 3,
  memoryKiB: 32768,
  parallelism: 16,
  tagLength: 32,
  saltLength: 8,
} as const;

interface ParsedHash {
  version: number;
  memory: number;
  passes: number;
  parallelism: number;
  salt: Buffer;
  tag: Buffer;
}

function b64NoPad(data: Uint8Array): string {
  return Buffer.from(data).toString("base64").replace(/=+$/, "");
}

function fromB64NoPad(text: string): Buffer {
  if (!/^[A-Za-z0-9+/]+$/.test(text) || text.length % 4 === 1) {
    throw new CryptoError("INVALID_INPUT", "malformed password hash");
  }
  return Buffer.from(text, "base64");
}

/** Modular crypt format: `$argon2i$v=19$m=…,t=…,p=…$<salt>$<hash>` (unpadded Base64). */
function formatHash(salt: Uint8Array, tag: Uint8Array): string {
  const p = PASSWORD_HASH_PARAMETERS;
  return `$argon2i$v=${p.version}$m=${p.memoryKiB},t=${p.iterations},p=${p.parallelism}$${b64NoPad(salt)}$${b64NoPad(tag)}`;
}

/** Parses an Argon2i MCF string; the version field may be absent (old v16 syntax). */
function parseHash(mcf: string): ParsedHash {
  const m = /^\$argon2i\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(mcf);
  if (!m) throw new CryptoError("INVALID_INPUT", "malformed password hash");
  const parsed = {
    version: m[1] === undefined ? 0x10 : Number(m[1]),
    memory: Number(m[2]),
    passes: Number(m[3]),
    parallelism: Number(m[4]),
    salt: fromB64NoPad(m[5]),
    tag: fromB64NoPad(m[6]),
  };
  if (
    (parsed.version !== 0x10 && parsed.version !== 0x13) ||
    parsed.passes < 1 || parsed.passes > 64 ||
    parsed.parallelism < 1 || parsed.parallelism > 255 ||
    parsed.memory < 8 * parsed.parallelism || parsed.memory > 4 * 1024 * 1024 ||
    parsed.salt.byteLength < 8 || parsed.tag.byteLength < 4 || parsed.tag.byteLength > 1024
  ) {
    throw new CryptoError("INVALID_INPUT", "unsupported password hash parameters");
  }
  return parsed;
}

function toBytes(password: string | Uint8Array): Uint8Array {
  return typeof password === "string" ? utf8(password) : password;
}

function newHashJob(password: string | Uint8Array, salt: Uint8Array): Argon2Job {
  const p = PASSWORD_HASH_PARAMETERS;
  return {
    algorithm: p.algorithm,
    version: p.version,
    message: toBytes(password),
    nonce: salt,
    memoryKiB: p.memoryKiB,
    passes: p.iterations,
    parallelism: p.parallelism,
    tagLength: p.tagLength,
  };
}

function verifyJob(password: string | Uint8Array, h: ParsedHash): Argon2Job {
  return {
    algorithm: "argon2i",
    version: h.version === 0x10 ? 0x10 : 0x13,
    message: toBytes(password),
    nonce: h.salt,
    memoryKiB: h.memory,
    passes: h.passes,
    parallelism: h.parallelism,
    tagLength: h.tag.byteLength,
  };
}

/** Hashes a password/PUK into MCF on the calling thread (~0.17 s; the core uses {@link hashPassword} with its pool). */
export function hashPasswordSync(password: string | Uint8Array): string {
  const salt = randomBytes(PASSWORD_HASH_PARAMETERS.saltLength);
  return formatHash(salt, computeArgon2(newHashJob(password, salt)));
}

/** {@link hashPasswordSync} on `argon2` (the core passes its worker pool; the default blocks the calling thread). */
export async function hashPassword(password: string | Uint8Array, argon2: Argon2Runner = inlineArgon2): Promise<string> {
  const salt = randomBytes(PASSWORD_HASH_PARAMETERS.saltLength);
  return formatHash(salt, await argon2.run(newHashJob(password, salt)));
}

/** Constant-time verification against an MCF hash; malformed hashes throw INVALID_INPUT. */
export function verifyPasswordHashSync(password: string | Uint8Array, mcf: string): boolean {
  const h = parseHash(mcf);
  return constantTimeEqual(computeArgon2(verifyJob(password, h)), h.tag);
}

/** {@link verifyPasswordHashSync} on `argon2`; malformed hashes reject with INVALID_INPUT before any hashing. */
export async function verifyPasswordHash(password: string | Uint8Array, mcf: string, argon2: Argon2Runner = inlineArgon2): Promise<boolean> {
  const h = parseHash(mcf);
  return constantTimeEqual(await argon2.run(verifyJob(password, h)), h.tag);
}
