import { argon2, argon2Sync } from "node:crypto";
import { argon2i } from "@noble/hashes/argon2.js";
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

/** Hashes a password/PUK into MCF (blocks the thread ~0.1–0.2 s; prefer {@link hashPassword}). */
export function hashPasswordSync(password: string | Uint8Array): string {
  const p = PASSWORD_HASH_PARAMETERS;
  const salt = randomBytes(p.saltLength);
  const tag = argon2Sync("argon2i", {
    message: toBytes(password),
    nonce: salt,
    parallelism: p.parallelism,
    tagLength: p.tagLength,
    memory: p.memoryKiB,
    passes: p.iterations,
  });
  return formatHash(salt, tag);
}

/** Async {@link hashPasswordSync} on the libuv thread pool. */
export function hashPassword(password: string | Uint8Array): Promise<string> {
  const p = PASSWORD_HASH_PARAMETERS;
  const salt = randomBytes(p.saltLength);
  return new Promise((resolve, reject) => {
    argon2(
      "argon2i",
      { message: toBytes(password), nonce: salt, parallelism: p.parallelism, tagLength: p.tagLength, memory: p.memoryKiB, passes: p.iterations },
      (err, tag) => (err ? reject(new CryptoError("INVALID_INPUT", "password hashing failed")) : resolve(formatHash(salt, tag))),
    );
  });
}

function computeTagSync(password: Uint8Array, h: ParsedHash): Uint8Array {
  if (h.version === 0x13) {
    return argon2Sync("argon2i", {
      message: password,
      nonce: h.salt,
      parallelism: h.parallelism,
      tagLength: h.tag.byteLength,
      memory: h.memory,
      passes: h.passes,
    });
  }
  // OpenSSL only implements Argon2 v1.3; old v1.0 hashes go through @noble/hashes.
  return argon2i(password, h.salt, { t: h.passes, m: h.memory, p: h.parallelism, dkLen: h.tag.byteLength, version: 0x10 });
}

/** Constant-time verification against an MCF hash; malformed hashes throw INVALID_INPUT. */
export function verifyPasswordHashSync(password: string | Uint8Array, mcf: string): boolean {
  const h = parseHash(mcf);
  return constantTimeEqual(computeTagSync(toBytes(password), h), h.tag);
}

/** Async {@link verifyPasswordHashSync}; malformed hashes reject with INVALID_INPUT. */
export async function verifyPasswordHash(password: string | Uint8Array, mcf: string): Promise<boolean> {
  const h = parseHash(mcf);
  if (h.version !== 0x13) return verifyPasswordHashSync(password, mcf);
  return new Promise((resolve, reject) => {
    argon2(
      "argon2i",
      { message: toBytes(password), nonce: h.salt, parallelism: h.parallelism, tagLength: h.tag.byteLength, memory: h.memory, passes: h.passes },
      (err, tag) => (err ? reject(new CryptoError("INVALID_INPUT", "password hashing failed")) : resolve(constantTimeEqual(tag, h.tag))),
    );
  });
}
