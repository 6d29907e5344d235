import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeArgon2, inlineArgon2 } from "../crypto/argon2.ts";
import type { Argon2Job } from "../crypto/argon2.ts";
import { hashPassword, hashPasswordSync, verifyPasswordHash, verifyPasswordHashSync } from "../crypto/password-hash.ts";
import { hashAdminPassword, verifyAdminPassword } from "../crypto/secret-hash.ts";
import { Argon2QueueFullError } from "../domain/errors.ts";
import { createArgon2Pool } from "./argon2-pool.ts";
import type { Argon2Pool } from "./argon2-pool.ts";

const job = (overrides: Partial<Argon2Job> = {}): Argon2Job => ({
  algorithm: "argon2id",
  version: 0x13,
  message: Buffer.from("correct horse"),
  nonce: Buffer.from("saltsaltsaltsalt"),
  memoryKiB: 64,
  passes: 1,
  parallelism: 1,
  tagLength: 32,
  ...overrides,
});

/** Reference Argon2i MCF hashes of "password\n" (test/vectors/argon2i-password-hashes.json). */
const vectors = (
  JSON.parse(readFileSync(new URL("../../../test/vectors/argon2i-password-hashes.json", import.meta.url), "utf8")) as {
    data: { input: { password: string; hashedMessage: string }; output: { hash: string } }[];
  }
).data;

let pool: Argon2Pool;

beforeAll(() => {
  pool = createArgon2Pool({ threads: 1, maxQueue: 16 });
});

afterAll(async () => {
  await pool?.close();
});

describe("createArgon2Pool", () => {
  it("computes exactly the tags of the direct computation, Argon2i and Argon2id, v1.3 and v1.0", async () => {
    for (const variant of [
      job(),
      job({ algorithm: "argon2i" }),
      job({ algorithm: "argon2i", version: 0x10, parallelism: 2, passes: 2 }),
      job({ message: Buffer.alloc(0), tagLength: 64 }),
    ]) {
      expect(await pool.run(variant)).toEqual(computeArgon2(variant));
    }
  });

  it("serves the PUK and admin password hashes, both ways round with the inline computation", async () => {
    expect(verifyPasswordHashSync("1234567890", await hashPassword("1234567890", pool))).toBe(true);
    expect(await verifyPasswordHash("1234567890", hashPasswordSync("1234567890"), pool)).toBe(true);
    expect(await verifyPasswordHash("1234567891", hashPasswordSync("1234567890"), pool)).toBe(false);
    const admin = await hashAdminPassword("admin-password", pool);
    expect(await verifyAdminPassword("admin-password", admin, inlineArgon2)).toBe(true);
    expect(await verifyAdminPassword("admin-passwort", admin, pool)).toBe(false);
  });

  it("verifies every reference Argon2i vector", async () => {
    expect(vectors.length).toBe(9);
    const results = await Promise.all(vectors.map((vector) => verifyPasswordHash(vector.input.hashedMessage, vector.output.hash, pool)));
    expect(results).toEqual(vectors.map(() => true));
    expect(await verifyPasswordHash(vectors[0].input.password, vectors[0].output.hash, pool)).toBe(false);
  });

  it("rejects parameters OpenSSL refuses with INVALID_INPUT, as the direct computation does, and stays usable", async () => {
    const invalid = job({ memoryKiB: 1 });
    expect(() => computeArgon2(invalid)).toThrow(expect.objectContaining({ name: "CryptoError", kind: "INVALID_INPUT" }));
    await expect(pool.run(invalid)).rejects.toMatchObject({ name: "CryptoError", kind: "INVALID_INPUT", message: "password hashing failed" });
    expect(await pool.run(job())).toEqual(computeArgon2(job()));
  });

  it("refuses a job at once when every thread is busy and the queue is full, and still runs the accepted ones", async () => {
    const small = createArgon2Pool({ threads: 1, maxQueue: 2 });
    try {
      const slow = job({ memoryKiB: 32768, passes: 3 });
      const accepted = [small.run(slow), small.run(slow), small.run(slow)];
      expect(small.stats()).toMatchObject({ threads: 1, running: 1, queued: 2 });
      await expect(small.run(slow)).rejects.toBeInstanceOf(Argon2QueueFullError);
      await expect(small.run(slow)).rejects.toThrow("2 password hashes already waiting");
      const tags = await Promise.all(accepted);
      expect(tags.every((tag) => tag.equals(computeArgon2(slow)))).toBe(true);
      expect(await small.run(job())).toEqual(computeArgon2(job()));
    } finally {
      await small.close();
    }
  });

  it("counts reserved places as taken: refuses a reservation or a job when they fill the pool, and frees a released one", async () => {
    const small = createArgon2Pool({ threads: 1, maxQueue: 1 });
    try {
      const first = small.reserve();
      const second = small.reserve();
      expect(() => small.reserve()).toThrow(Argon2QueueFullError);
      await expect(small.run(job())).rejects.toBeInstanceOf(Argon2QueueFullError);
      second.release();
      second.release();
      const third = small.reserve();
      expect(await first.run(job())).toEqual(computeArgon2(job()));
      await expect(first.run(job())).rejects.toThrow("already used");
      first.release();
      // first's place was given back by its run, third's is still held: one more place is free, not two.
      const fourth = small.reserve();
      expect(() => small.reserve()).toThrow(Argon2QueueFullError);
      third.release();
      fourth.release();
      expect(await small.run(job())).toEqual(computeArgon2(job()));
    } finally {
      await small.close();
    }
  });

  it("finishes queued jobs on close, then refuses new ones and ends its threads", async () => {
    const closing = createArgon2Pool({ threads: 2, maxQueue: 4 });
    const pending = [1, 2, 3, 4].map((n) => closing.run(job({ passes: n })));
    await closing.close();
    expect((await Promise.all(pending)).map((tag) => tag.length)).toEqual([32, 32, 32, 32]);
    expect(closing.stats()).toEqual({ threads: 0, running: 0, queued: 0, completed: 4 });
    await expect(closing.run(job())).rejects.toThrow("Argon2 pool is closed");
    await closing.close();
  });

  it("hashes on its worker thread while the event loop keeps turning", async () => {
    const puk = "1234567890";
    const before = pool.stats().completed;
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => hashAdminPassword(`admin-${i}`, pool)),
      hashPassword(puk, pool),
      hashPassword(puk, pool),
    ]);
    delay.disable();
    // Every one of the ten was answered by a worker thread (the pool counts only their replies) …
    expect(pool.stats().completed - before).toBe(10);
    // … and the event loop never stalled for anything near one hash (admin ~50 ms, PUK ~170 ms here).
    const pooledMaxMs = delay.max / 1e6;
    expect(pooledMaxMs).toBeLessThan(100);

    // The same measure notices a single PUK hash on this thread, so the bound above means something.
    const inline = monitorEventLoopDelay({ resolution: 5 });
    inline.enable();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await hashPassword(puk, inlineArgon2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inline.disable();
    console.log(`event loop max delay: ${pooledMaxMs.toFixed(1)} ms pooled, ${(inline.max / 1e6).toFixed(1)} ms inline`);
    expect(inline.max / 1e6).toBeGreaterThan(pooledMaxMs);
  });
});
