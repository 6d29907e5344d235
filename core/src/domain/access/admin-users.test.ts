import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import type { Argon2Runner } from "../../crypto/argon2.ts";
import { findAdminUserByUsername } from "../../persistence/integration.repository.ts";
import { Argon2QueueFullError, createArgon2Pool } from "../../workers/argon2-pool.ts";
import type { Argon2Pool } from "../../workers/argon2-pool.ts";
import { AuthenticationError } from "../errors.ts";
import { authenticateAdmin, ensureInitialAdmin } from "./admin-users.ts";

let database: TestDatabase;
let pool: Argon2Pool;
let hashes = 0;
/** The pool, counting the hashes the domain hands it. */
let argon2: Argon2Runner;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createArgon2Pool({ threads: 1, maxQueue: 0 });
  argon2 = { run: (job) => (hashes++, pool.run(job)) };
  expect(await ensureInitialAdmin(database.db, argon2, "ops", "ops-password")).toBe("created");
});

afterAll(async () => {
  await pool?.close();
  await database?.dispose();
});

describe("ensureInitialAdmin", () => {
  it("keeps the stored password of an existing user", async () => {
    const before = await database.db.read((tx) => findAdminUserByUsername(tx, "ops"));
    expect(await ensureInitialAdmin(database.db, argon2, "ops", "another-password")).toBe("exists");
    const after = await database.db.read((tx) => findAdminUserByUsername(tx, "ops"));
    expect(after?.passwordHash).toBe(before?.passwordHash);
    expect(after?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe("authenticateAdmin", () => {
  it("accepts the right password and refuses a wrong one and an unknown user alike, each after one hash", async () => {
    const before = hashes;
    await authenticateAdmin(database.db, argon2, "ops", "ops-password");
    await expect(authenticateAdmin(database.db, argon2, "ops", "ops-passwort")).rejects.toThrow(new AuthenticationError("Invalid admin credentials"));
    await expect(authenticateAdmin(database.db, argon2, "nobody", "ops-password")).rejects.toThrow(new AuthenticationError("Invalid admin credentials"));
    expect(hashes - before).toBe(3);
  });

  it("fails fast with Argon2QueueFullError, not an authentication error, when the pool is saturated", async () => {
    const attempts = Array.from({ length: 4 }, () => authenticateAdmin(database.db, argon2, "ops", "ops-password"));
    const outcomes = await Promise.allSettled(attempts);
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    // One thread, no queue: whichever reaches the pool first is checked, the others are turned away.
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(Argon2QueueFullError);
  });
});
