import { spawn } from "node:child_process";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repositoryRoot } from "../scripts/processes.ts";
import { startCoreProcess } from "./support/core-process.ts";
import type { CoreProcess } from "./support/core-process.ts";
import { createScratchDatabase, testDatabaseServerUrl } from "./support/database.ts";
import { activateDevice, createTestApplication, verifySignatureRequest } from "./support/powerauth-flows.ts";
import type { SimulatedDevice } from "./simulator/index.ts";

// VerifySignature's p99 while 200 wrong-password admin logins are in flight at once, against its p99 without
// them, in the same run on a real core process (issue 13: before Argon2 left the event loop, 200 such logins took
// the p99 from 31 ms to 5,217 ms). The login throttles are set out of the way, as a flood from many addresses
// and usernames would get past them, so every login the pool accepts runs a full hash. The flood comes from a
// process of its own, as an attacker would, so the measuring client's event loop is not busy with it. Quiet
// and flooded phases alternate, so a change in the machine's load during the run falls on both. The ratio is
// printed (the README reports it: within 2× on one development machine, 1.7–2.8× on another, where most likely Linux's
// autogroup scheduling lets the Argon2 thread compete with PostgreSQL's processes whatever its thread priority);
// the assertion guards against what the issue found, a stalled event loop (170×), with a bound that does not
// depend on the machine's scheduling noise: flooded p99 ≤ 5 × quiet p99.

const CONCURRENT_LOGINS = 200;
const ROUNDS = 3;
const SAMPLES_PER_PHASE = 200;
const WARM_UP = 100;
/** A refused login (pool full) waits this long before trying again, as its Retry-After says; a checked one does not wait. */
const RETRY_AFTER_MS = 1_000;
const ADMIN = { username: "flood-admin", password: "flood-admin-password" };
/** Flooded p99 over quiet p99 that counts as a stalled signature path. */
const STALL_BOUND = 5;

let database: { url?: string; drop(): Promise<void> };
let core: CoreProcess;

describe.runIf(testDatabaseServerUrl())("VerifySignature during a wrong-password flood on the admin API", () => {
  beforeAll(async () => {
    database = await createScratchDatabase();
    core = await startCoreProcess({
      DATABASE_URL: database.url ?? "",
      POWERAUTH_ADMIN_USERNAME: ADMIN.username,
      POWERAUTH_ADMIN_PASSWORD: ADMIN.password,
      POWERAUTH_ADMIN_LOGIN_MAX_FAILURES: "1000000",
      POWERAUTH_ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS: "1000000",
      POWERAUTH_ADMIN_LOGIN_MAX_IN_FLIGHT: "10000",
    });
  });

  afterAll(async () => {
    await core?.stop();
    await database?.drop();
  });

  // Stopping a flood waits for the logins the pool queued (up to POWERAUTH_ARGON2_MAX_QUEUE hashes), so that the
  // next quiet phase is quiet.
  it(`keeps its p99 within 5× of the quiet p99 while ${CONCURRENT_LOGINS} wrong-password logins are in flight`, { timeout: 120_000 }, async () => {
    const app = await createTestApplication(core.v3, "flood-app");
    const { device } = await activateDevice(core.v3, app, { maxFailureCount: 255n });
    await sampleVerifySignature(device, WARM_UP);

    const quiet: number[] = [];
    const flooded: number[] = [];
    const loginCodes = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      quiet.push(...(await sampleVerifySignature(device, SAMPLES_PER_PHASE)));
      const flood = await startLoginFlood(loginCodes);
      // Let the flood fill the hashing pool and its queue before measuring.
      await new Promise((resolve) => setTimeout(resolve, 300));
      flooded.push(...(await sampleVerifySignature(device, SAMPLES_PER_PHASE)));
      await flood.stop();
    }

    const quietP99 = percentile(quiet, 0.99);
    const floodedP99 = percentile(flooded, 0.99);
    console.info(
      `[fault login-flood] flooded/quiet p99=${(floodedP99 / quietP99).toFixed(2)} samples=${quiet.length}+${flooded.length} quiet p50=${percentile(quiet, 0.5).toFixed(1)}ms p99=${quietP99.toFixed(1)}ms ` +
        `flooded p50=${percentile(flooded, 0.5).toFixed(1)}ms p99=${floodedP99.toFixed(1)}ms logins=${JSON.stringify(Object.fromEntries(loginCodes))}`,
    );
    // The flood really hashed: some logins were checked and refused as wrong passwords.
    expect(loginCodes.get(Code[Code.Unauthenticated]) ?? 0).toBeGreaterThan(0);
    expect([...loginCodes.keys()].filter((code) => code !== Code[Code.Unauthenticated] && code !== Code[Code.Unavailable])).toEqual([]);
    expect(floodedP99).toBeLessThanOrEqual(STALL_BOUND * quietP99);
  });
});

/** `count` VerifySignature calls one after another on one connection; their durations in ms. */
async function sampleVerifySignature(device: SimulatedDevice, count: number): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < count; i++) {
    const signed = device.signRequest("POST", "/pa/signature/validate", `{"i":${i}}`, "POSSESSION");
    const started = performance.now();
    const answer = await core.v3.verifySignature(verifySignatureRequest(signed));
    durations.push(performance.now() - started);
    expect(answer.signatureValid).toBe(true);
  }
  return durations;
}

/**
 * CONCURRENT_LOGINS callers, each sending a wrong password again as soon as it has its answer, from a process of
 * their own (test/support/login-flood.ts). `stop` waits for the logins in flight and adds their outcomes to `codes`.
 */
async function startLoginFlood(codes: Map<string, number>): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["test/support/login-flood.ts", core.url, ADMIN.username, String(CONCURRENT_LOGINS), String(RETRY_AFTER_MS)], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", () => output.includes("flooding\n") && resolve());
    child.once("exit", (code) => reject(new Error(`login flood exited with ${code}: ${output}`)));
  });
  return {
    async stop() {
      child.kill("SIGTERM");
      await exited;
      const outcomes = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as Record<string, number>;
      for (const [outcome, count] of Object.entries(outcomes)) codes.set(outcome, (codes.get(outcome) ?? 0) + count);
    },
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
