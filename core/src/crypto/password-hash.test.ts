import { argon2i } from "@noble/hashes/argon2.js";
import { describe, expect, it } from "vitest";
import { computeArgon2 } from "./argon2.ts";
import type { Argon2Job, Argon2Runner } from "./argon2.ts";
import { hashPassword, hashPasswordSync, verifyPasswordHash, verifyPasswordHashSync } from "./password-hash.ts";

describe("Argon2i PUK hash", () => {
  it("emits the reference MCF with t=3, m=32768, p=16, 8-byte salt, 32-byte tag", async () => {
    const mcf = await hashPassword("1234567890");
    const m = /^\$argon2i\$v=19\$m=32768,t=3,p=16\$([A-Za-z0-9+/]{11})\$([A-Za-z0-9+/]{43})$/.exec(mcf);
    expect(m).not.toBeNull();
    expect(await verifyPasswordHash("1234567890", mcf)).toBe(true);
    expect(await verifyPasswordHash("1234567891", mcf)).toBe(false);
    expect(verifyPasswordHashSync("1234567890", hashPasswordSync("1234567890"))).toBe(true);
  });

  it("accepts the old v16 syntax (no version field) via @noble/hashes", () => {
    const salt = Buffer.from("saltsalt");
    const tag = Buffer.from(argon2i("0123456789", salt, { t: 1, m: 64, p: 1, dkLen: 32, version: 0x10 }));
    const b64 = (b: Buffer): string => b.toString("base64").replace(/=+$/, "");
    const mcf = `$argon2i$m=64,t=1,p=1$${b64(salt)}$${b64(tag)}`;
    expect(verifyPasswordHashSync("0123456789", mcf)).toBe(true);
    expect(verifyPasswordHashSync("0123456788", mcf)).toBe(false);
  });

  it("rejects malformed hashes with INVALID_INPUT", async () => {
    for (const bad of ["", "$argon2id$v=19$m=32768,t=3,p=16$c2FsdHNhbHQ$AAAA", "$argon2i$v=19$m=32768,t=3,p=16$$", "$argon2i$v=99$m=32768,t=3,p=16$c2FsdHNhbHQ$AAAAAAAA"]) {
      expect(() => verifyPasswordHashSync("x", bad)).toThrow(expect.objectContaining({ kind: "INVALID_INPUT" }));
    }
    await expect(verifyPasswordHash("x", "nope")).rejects.toMatchObject({
      name: "CryptoError",
      kind: "INVALID_INPUT",
      message: "malformed password hash",
    });
    await expect(verifyPasswordHash("x", "$argon2i$v=19$m=8,t=3,p=16$c2FsdHNhbHQ$AAAAAAAA")).rejects.toMatchObject({
      name: "CryptoError",
      kind: "INVALID_INPUT",
      message: "unsupported password hash parameters",
    });
  });

  it("hands every computation to the given runner (the core's worker pool) with the reference parameters", async () => {
    const jobs: Argon2Job[] = [];
    const run = async (job: Argon2Job) => {
      jobs.push(job);
      return computeArgon2(job);
    };
    const recording: Argon2Runner = { run, reserve: () => ({ run, release() {} }) };
    const mcf = await hashPassword("1234567890", recording);
    expect(await verifyPasswordHash("1234567890", mcf, recording)).toBe(true);
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      expect(job).toMatchObject({ algorithm: "argon2i", version: 0x13, memoryKiB: 32768, passes: 3, parallelism: 16, tagLength: 32 });
      expect(Buffer.from(job.message).toString()).toBe("1234567890");
      expect(job.nonce).toHaveLength(8);
    }
    expect(jobs[1].nonce).toEqual(jobs[0].nonce);
  });

  it("passes a runner's refusal through unchanged", async () => {
    const busy = new Error("queue full");
    const refusing: Argon2Runner = {
      run: () => Promise.reject(busy),
      reserve: () => {
        throw busy;
      },
    };
    await expect(hashPassword("1234567890", refusing)).rejects.toBe(busy);
    await expect(verifyPasswordHash("1234567890", hashPasswordSync("1"), refusing)).rejects.toBe(busy);
  });
});
