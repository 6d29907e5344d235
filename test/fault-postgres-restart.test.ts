import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCoreProcess } from "./support/core-process.ts";
import type { CoreProcess } from "./support/core-process.ts";
import { testDatabaseServerUrl, withAdminClient } from "./support/database.ts";
import { startPostgresInstance } from "./support/postgres-instance.ts";
import type { PostgresInstance } from "./support/postgres-instance.ts";
import { activateDevice, createTestApplication, verifySignatureRequest } from "./support/powerauth-flows.ts";
import type { SimulatedDevice } from "./simulator/index.ts";

// PostgreSQL restarted (`pg_ctl restart -m fast`) under a steady load of signatures and writes, on a server of
// this test's own. The core is not restarted. Every call must answer within a bound (no hang), a call the
// outage breaks must say UNAVAILABLE (never INTERNAL or UNKNOWN), the core must serve again within seconds of
// the database coming back, and nothing a caller saw succeed may be missing afterwards.

const SIGNERS = 4;
const WRITERS = 2;
/** No call may take longer than this, outage or not (the core's connect timeout is 1 s). */
const ANSWER_WITHIN_MS = 8_000;
/** After pg_ctl reports the server up again, calls must succeed within this. */
const RECOVERED_WITHIN_MS = 5_000;

interface Outcome {
  started: number;
  ms: number;
  code: Code | "ok";
}

let postgres: PostgresInstance;
let core: CoreProcess;

describe.runIf(testDatabaseServerUrl())("the core while its PostgreSQL restarts under load", () => {
  beforeAll(async () => {
    postgres = await startPostgresInstance();
    core = await startCoreProcess({
      DATABASE_URL: postgres.url,
      DATABASE_CONNECT_TIMEOUT_MS: "1000",
      DATABASE_POOL_SIZE: "10",
      POWERAUTH_SIGNATURE_VALIDATION_LOOKAHEAD: "64",
    });
  });

  afterAll(async () => {
    await core?.stop();
    await postgres?.destroy();
  });

  it("answers every call in time, UNAVAILABLE during the outage, recovers without a restart and loses no acknowledged write", async () => {
    const app = await createTestApplication(core.v3, "restart-app");
    const devices: { device: SimulatedDevice; activationId: string; acknowledged: string[] }[] = [];
    for (let i = 0; i < SIGNERS; i++) {
      const { device, activationId } = await activateDevice(core.v3, app, { maxFailureCount: 255n });
      devices.push({ device, activationId, acknowledged: [] });
    }
    const createdApplications: string[] = [];
    const outcomes: Outcome[] = [];
    let loadRunning = true;

    /** Runs `call` until the load stops, recording how each attempt ended and how long it took. */
    const worker = async (call: () => Promise<boolean>) => {
      while (loadRunning) {
        const started = performance.now();
        let code: Outcome["code"] = "ok";
        try {
          if (!(await call())) throw new Error("a valid signature was refused");
        } catch (error) {
          if (!(error instanceof ConnectError)) throw error;
          code = error.code;
          // Back off as a client would. Each failed signature still cost the device a counter step, so this also
          // keeps the steps burnt during the outage well inside the lookahead.
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        outcomes.push({ started, ms: performance.now() - started, code });
      }
    };
    const signers = devices.map((state) =>
      worker(async () => {
        const signed = state.device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
        const valid = (await core.v3.verifySignature(verifySignatureRequest(signed), { timeoutMs: ANSWER_WITHIN_MS * 2 })).signatureValid;
        if (valid) state.acknowledged.push(signed.signature);
        return valid;
      }),
    );
    let written = 0;
    const writers = Array.from({ length: WRITERS }, (_, w) =>
      worker(async () => {
        const name = `restart-${w}-${written++}`;
        await core.v3.createApplication({ applicationName: name }, { timeoutMs: ANSWER_WITHIN_MS * 2 });
        createdApplications.push(name);
        return true;
      }),
    );

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const restartStarted = performance.now();
    await postgres.restart();
    const restartDone = performance.now();
    await new Promise((resolve) => setTimeout(resolve, RECOVERED_WITHIN_MS + 1_000));
    loadRunning = false;
    await Promise.all([...signers, ...writers]);

    const failed = outcomes.filter((o) => o.code !== "ok");
    const firstSuccessAfter = outcomes.filter((o) => o.code === "ok" && o.started >= restartDone).sort((a, b) => a.started - b.started)[0];
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    console.info(
      `[fault pg-restart] calls=${outcomes.length} failed=${failed.length} (${[...new Set(failed.map((o) => Code[o.code as Code]))].join(",")}) ` +
        `restart=${Math.round(restartDone - restartStarted)}ms firstSuccessAfter=${firstSuccessAfter ? Math.round(firstSuccessAfter.started - restartDone) : "none"}ms slowest=${Math.round(slowest)}ms`,
    );

    expect(slowest).toBeLessThan(ANSWER_WITHIN_MS);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.filter((o) => o.code !== Code.Unavailable).map((o) => Code[o.code as Code])).toEqual([]);
    expect(firstSuccessAfter).toBeDefined();
    expect((firstSuccessAfter?.started ?? Infinity) - restartDone).toBeLessThan(RECOVERED_WITHIN_MS);
    // Once recovered, it stays so: the last second of load had no failure.
    const end = Math.max(...outcomes.map((o) => o.started));
    expect(outcomes.filter((o) => o.started > end - 1_000 && o.code !== "ok")).toEqual([]);

    // Nothing acknowledged is missing: every created application, every valid signature's audit row.
    const names = new Set((await core.v3.getApplicationList({})).applications.map((a) => a.applicationName));
    expect(createdApplications.filter((name) => !names.has(name))).toEqual([]);
    for (const state of devices) {
      const audited = await withAdminClient(postgres.url, async (client) =>
        (await client.query<{ signature: string }>("select signature from pa_signature_audit where activation_id = $1 and valid", [state.activationId])).rows.map((row) => row.signature),
      );
      expect(state.acknowledged.filter((signature) => !audited.includes(signature))).toEqual([]);
    }
    expect(core.process.process.exitCode).toBeNull();
  });
});
