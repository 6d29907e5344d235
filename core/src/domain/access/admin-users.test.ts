import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import type { Argon2Runner } from "../../crypto/argon2.ts";
import { findAdminUserByUsername } from "../../persistence/admin-user.repository.ts";
import { createArgon2Pool } from "../../workers/argon2-pool.ts";
import { AdminLoginThrottledError, Argon2QueueFullError } from "../errors.ts";
import type { Argon2Pool } from "../../workers/argon2-pool.ts";
import { AdminError, AuthenticationError } from "../errors.ts";
import { AdminLoginGuard } from "./admin-login-guard.ts";
import type { AdminLoginSettings } from "./admin-login-guard.ts";
import {
  authenticateAdmin,
  changeAdminPassword,
  createAdminUser,
  ensureInitialAdmin,
  listAdminUserSummaries,
  removeAdminUser,
} from "./admin-users.ts";

let database: TestDatabase;
let pool: Argon2Pool;
let hashes = 0;
/** The pool, counting the hashes the domain hands it. */
let argon2: Argon2Runner;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createArgon2Pool({ threads: 1, maxQueue: 0 });
  argon2 = {
    run: (job) => (hashes++, pool.run(job)),
    reserve: () => {
      const place = pool.reserve();
      return { run: (job) => (hashes++, place.run(job)), release: () => place.release() };
    },
  };
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

const OPEN: AdminLoginSettings = {
  adminAuthCacheTtlMs: 0,
  adminAuthCacheMaxEntries: 10,
  adminLoginMaxFailures: 1000,
  adminLoginMaxFailuresPerAddress: 1000,
  adminLoginFailureWindowMs: 60_000,
  adminLoginMaxInFlight: 1000,
};
const login = (username: string, password: string, clientAddress = "10.0.0.1") => ({ username, password, clientAddress });

describe("authenticateAdmin", () => {
  it("accepts the right password and refuses a wrong one and an unknown user alike, each after one hash", async () => {
    const guard = new AdminLoginGuard(OPEN);
    const before = hashes;
    await authenticateAdmin(database.db, argon2, guard, login("ops", "ops-password"));
    await expect(authenticateAdmin(database.db, argon2, guard, login("ops", "ops-passwort"))).rejects.toThrow(new AuthenticationError("Invalid admin credentials"));
    await expect(authenticateAdmin(database.db, argon2, guard, login("nobody", "ops-password"))).rejects.toThrow(new AuthenticationError("Invalid admin credentials"));
    expect(hashes - before).toBe(3);
  });

  it("fails fast with Argon2QueueFullError, not an authentication error, when the pool is saturated", async () => {
    const guard = new AdminLoginGuard(OPEN);
    let reads = 0;
    const countingDb = new Proxy(database.db, {
      get: (target, property, receiver) =>
        property === "read" ? (work: Parameters<typeof target.read>[0]) => (reads++, target.read(work)) : Reflect.get(target, property, receiver),
    });
    const attempts = Array.from({ length: 4 }, (_, i) => authenticateAdmin(countingDb, argon2, guard, login("ops", "ops-password", `10.0.1.${i}`)));
    const outcomes = await Promise.allSettled(attempts);
    const refused = outcomes.filter((outcome) => outcome.status === "rejected");
    // One thread, no queue: the first login holds the only place before it reads, the others are turned away
    // without reading the user.
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "rejected", "rejected"]);
    for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(Argon2QueueFullError);
    expect(reads).toBe(1);
    // The places are given back: the next login is checked.
    await authenticateAdmin(database.db, argon2, guard, login("ops", "ops-password", "10.0.1.9"));
  });

  it("remembers verified credentials without another hash, and forgets them when the password changes or the user goes", async () => {
    await createAdminUser(database.db, argon2, "cached", "first-password");
    const guard = new AdminLoginGuard({ ...OPEN, adminAuthCacheTtlMs: 60_000 });
    // Another core on the same database: it changes the password without touching `guard`.
    const otherCore = new AdminLoginGuard({ ...OPEN, adminAuthCacheTtlMs: 60_000 });
    const before = hashes;
    await authenticateAdmin(database.db, argon2, guard, login("cached", "first-password"));
    await authenticateAdmin(database.db, argon2, guard, login("cached", "first-password"));
    await authenticateAdmin(database.db, argon2, guard, login("cached", "first-password"));
    expect(hashes - before).toBe(1);

    await changeAdminPassword(database.db, argon2, otherCore, "cached", "second-password");
    await expect(authenticateAdmin(database.db, argon2, guard, login("cached", "first-password"))).rejects.toThrow(AuthenticationError);
    await authenticateAdmin(database.db, argon2, guard, login("cached", "second-password"));
    await authenticateAdmin(database.db, argon2, guard, login("cached", "second-password"));

    await removeAdminUser(database.db, otherCore, "cached");
    await expect(authenticateAdmin(database.db, argon2, guard, login("cached", "second-password"))).rejects.toThrow(AuthenticationError);
    expect((await listAdminUserSummaries(database.db)).map((user) => user.username)).not.toContain("cached");
  });

  it("throttles a username after its failures, whatever the address, until the window ends", async () => {
    let now = 1_000_000;
    const guard = new AdminLoginGuard({ ...OPEN, adminLoginMaxFailures: 2, adminLoginFailureWindowMs: 30_000 }, () => now);
    for (const address of ["10.0.2.1", "10.0.2.2"]) {
      await expect(authenticateAdmin(database.db, argon2, guard, login("ops", "wrong", address))).rejects.toThrow(AuthenticationError);
    }
    const before = hashes;
    const refused = authenticateAdmin(database.db, argon2, guard, login("ops", "ops-password", "10.0.2.3"));
    await expect(refused).rejects.toBeInstanceOf(AdminLoginThrottledError);
    await expect(refused).rejects.toMatchObject({ retryAfterMs: 30_000 });
    expect(hashes).toBe(before);
    now += 30_000;
    await authenticateAdmin(database.db, argon2, guard, login("ops", "ops-password", "10.0.2.3"));
  });

  it("throttles an address after its failures over any usernames, and leaves other addresses alone", async () => {
    const guard = new AdminLoginGuard({ ...OPEN, adminLoginMaxFailuresPerAddress: 2 });
    for (const username of ["guess1", "guess2"]) {
      await expect(authenticateAdmin(database.db, argon2, guard, login(username, "x", "10.0.3.1"))).rejects.toThrow(AuthenticationError);
    }
    await expect(authenticateAdmin(database.db, argon2, guard, login("ops", "ops-password", "10.0.3.1"))).rejects.toBeInstanceOf(AdminLoginThrottledError);
    await authenticateAdmin(database.db, argon2, guard, login("ops", "ops-password", "10.0.3.2"));
  });

  it("refuses more password checks in flight than allowed for one username, and lets the next one run after", async () => {
    const guard = new AdminLoginGuard({ ...OPEN, adminLoginMaxInFlight: 1 });
    const first = authenticateAdmin(database.db, argon2, guard, login("ops", "ops-password", "10.0.4.1"));
    await expect(authenticateAdmin(database.db, argon2, guard, login("ops", "ops-password", "10.0.4.2"))).rejects.toMatchObject({
      kind: "admin-login-throttled",
      retryAfterMs: 1000,
    });
    await first;
    await authenticateAdmin(database.db, argon2, guard, login("ops", "ops-password", "10.0.4.2"));
  });
});

describe("admin user management", () => {
  it("creates, lists and refuses a duplicate and the removal of the last admin", async () => {
    await expect(createAdminUser(database.db, argon2, "ops", "whatever-password")).rejects.toThrow(new AdminError("ERROR_ADMIN", "Admin user already exists"));
    const users = await listAdminUserSummaries(database.db);
    expect(users).toContainEqual({ username: "ops", enabled: true, authority: "ROLE_ADMIN" });
    expect(JSON.stringify(users)).not.toContain("argon2");
    await expect(removeAdminUser(database.db, new AdminLoginGuard(OPEN), "ops")).rejects.toThrow(
      new AdminError("ERROR_ADMIN", "The last admin user cannot be removed"),
    );
    await expect(removeAdminUser(database.db, new AdminLoginGuard(OPEN), "nobody")).rejects.toThrow(new AdminError("ERROR_ADMIN", "Admin user not found"));
  });
});
