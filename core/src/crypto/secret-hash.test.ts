import { argon2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeArgon2, inlineArgon2 } from "./argon2.ts";
import type { Argon2Job, Argon2Runner } from "./argon2.ts";
import {
  clientSecretMatches,
  hashAdminPassword,
  hashClientSecret,
  UNKNOWN_ADMIN_PASSWORD_HASH,
  verifyAdminPassword,
} from "./secret-hash.ts";

function recordingRunner(): Argon2Runner & { jobs: Argon2Job[] } {
  const jobs: Argon2Job[] = [];
  const run = async (job: Argon2Job) => {
    jobs.push(job);
    return computeArgon2(job);
  };
  return { jobs, run, reserve: () => ({ run, release() {} }) };
}

describe("admin password hash", () => {
  it("emits Argon2id v1.3 in the PHC format with 19 MiB, 2 passes, 1 lane, 16-byte salt, 32-byte tag", async () => {
    const runner = recordingRunner();
    const encoded = await hashAdminPassword("s3cret", runner);
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(runner.jobs).toMatchObject([{ algorithm: "argon2id", version: 0x13, memoryKiB: 19456, passes: 2, parallelism: 1, tagLength: 32 }]);
    expect(await verifyAdminPassword("s3cret", encoded, runner)).toBe(true);
    expect(await verifyAdminPassword("s3cret!", encoded, runner)).toBe(false);
  });

  it("verifies hashes stored before (the same PHC string, computed by node:crypto directly)", async () => {
    const salt = Buffer.from("0123456789abcdef");
    const tag = argon2Sync("argon2id", { message: Buffer.from("stored"), nonce: salt, memory: 19456, passes: 2, parallelism: 1, tagLength: 32 });
    const unpadded = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "");
    const stored = `$argon2id$v=19$m=19456,t=2,p=1$${unpadded(salt)}$${unpadded(tag)}`;
    expect(await verifyAdminPassword("stored", stored, inlineArgon2)).toBe(true);
  });

  it("never matches a malformed hash, without computing anything", async () => {
    const runner = recordingRunner();
    for (const bad of ["", "plain", "$argon2i$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA", "$argon2id$v=16$m=19456,t=2,p=1$AAAA$AAAA"]) {
      expect(await verifyAdminPassword("x", bad, runner)).toBe(false);
    }
    expect(runner.jobs).toEqual([]);
  });

  it("costs an unknown user a full verification that never matches", async () => {
    const runner = recordingRunner();
    expect(await verifyAdminPassword("", UNKNOWN_ADMIN_PASSWORD_HASH, runner)).toBe(false);
    expect(runner.jobs).toMatchObject([{ algorithm: "argon2id", memoryKiB: 19456, passes: 2, parallelism: 1, tagLength: 32 }]);
  });
});

describe("integration client secret hash", () => {
  it("is the lowercase hex SHA-256 of the UTF-8 secret", () => {
    expect(hashClientSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("matches only the secret it was made from, and nothing without a stored digest", () => {
    const stored = hashClientSecret("0f8fad5b-d9cb-469f-a165-70867728950e");
    expect(clientSecretMatches("0f8fad5b-d9cb-469f-a165-70867728950e", stored)).toBe(true);
    expect(clientSecretMatches("0f8fad5b-d9cb-469f-a165-70867728950f", stored)).toBe(false);
    expect(clientSecretMatches("0f8fad5b-d9cb-469f-a165-70867728950e", undefined)).toBe(false);
    expect(clientSecretMatches("", hashClientSecret("")) && !clientSecretMatches("", "00")).toBe(true);
  });
});
