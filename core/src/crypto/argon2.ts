import { argon2Sync } from "node:crypto";
import { argon2i, argon2id } from "@noble/hashes/argon2.js";
import { CryptoError } from "./errors.ts";

/** One Argon2 computation as plain data, so that it can be handed to a worker thread. */
export interface Argon2Job {
  algorithm: "argon2i" | "argon2id";
  /** 0x13 (v1.3) runs on OpenSSL; 0x10 (v1.0, old stored hashes) on @noble/hashes, as OpenSSL lacks it. */
  version: 0x10 | 0x13;
  message: Uint8Array;
  nonce: Uint8Array;
  memoryKiB: number;
  passes: number;
  parallelism: number;
  tagLength: number;
}

/**
 * Where Argon2 runs. One hash takes 50–170 ms of CPU, so the core passes its bounded worker pool
 * (workers/argon2-pool.ts); {@link inlineArgon2} is for tests and tools.
 */
export interface Argon2Runner {
  run(job: Argon2Job): Promise<Buffer>;
  /**
   * Holds a place for one job before it is known, or throws Argon2QueueFullError at once when none is free. A
   * caller that must read before it can hash (an admin login reads the stored hash for its salt) learns that it
   * would be refused before it spends the read: a refused login flood then costs no database round trip.
   */
  reserve(): Argon2Reservation;
}

/** A held place in the runner: `run` uses it (once), `release` gives it back unused; both may be called. */
export interface Argon2Reservation {
  run(job: Argon2Job): Promise<Buffer>;
  release(): void;
}

/** Computes the tag on the calling thread; invalid parameters throw INVALID_INPUT. */
export function computeArgon2(job: Argon2Job): Buffer {
  try {
    if (job.version === 0x13) {
      return argon2Sync(job.algorithm, {
        message: job.message,
        nonce: job.nonce,
        memory: job.memoryKiB,
        passes: job.passes,
        parallelism: job.parallelism,
        tagLength: job.tagLength,
      });
    }
    const argon2 = job.algorithm === "argon2i" ? argon2i : argon2id;
    const options = { t: job.passes, m: job.memoryKiB, p: job.parallelism, dkLen: job.tagLength, version: job.version };
    return Buffer.from(argon2(job.message, job.nonce, options));
  } catch {
    throw new CryptoError("INVALID_INPUT", "password hashing failed");
  }
}

/** Runs Argon2 on the calling thread, blocking it for the whole hash: tests and tools only, never the server. */
export const inlineArgon2: Argon2Runner = {
  run: async (job) => computeArgon2(job),
  reserve: () => ({ run: async (job) => computeArgon2(job), release() {} }),
};
