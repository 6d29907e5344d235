import { describe, expect, it } from "vitest";
import { testDatabaseServerUrl } from "./support/database.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { activateDevice, useCoreWithApplication } from "./support/powerauth-flows.ts";
import type { TestApplication } from "./support/powerauth-flows.ts";
import { codeStates, enableRecovery, recoveryActivationRequest, recoveryErrorOf, wrongPuk } from "./support/recovery-flows.ts";

// Many wrong PUKs for ONE recovery code at once. On PostgreSQL the calls really run in parallel (a pooled
// connection each) and only the code's row lock (SELECT … FOR UPDATE) keeps the failure count right; PGlite runs
// transactions one at a time, so there the scenario proves the bookkeeping, not the locking. The Argon2 checks
// run on the core's worker pool, so other calls are answered while they queue.

const onPostgres = testDatabaseServerUrl() !== undefined;
const engine = onPostgres ? "PostgreSQL: concurrent transactions serialised by the code's row lock" : "PGlite: one transaction at a time";

const PARALLEL = 20;
const LIMIT = PARALLEL + 1;

let t: CoreUnderTest;
let app: TestApplication;
useCoreWithApplication({ recoveryMaxFailedAttempts: LIMIT }, (core, application) => {
  t = core;
  app = application;
});

describe(`concurrent RecoveryCodeActivation on one code (${engine})`, () => {
  it(`${PARALLEL} simultaneous wrong PUKs all count (none lost), other calls are answered meanwhile, and the next one blocks the code`, async () => {
    await enableRecovery(t.v3, app);
    const { device, activationId } = await activateDevice(t.v3, app);
    const { recoveryCode, puk } = device.activationRecovery as { recoveryCode: string; puk: string };

    const finished: string[] = [];
    const attempts = Array.from({ length: PARALLEL }, () =>
      recoveryErrorOf(t.v3.recoveryCodeActivation(recoveryActivationRequest(app, recoveryCode, wrongPuk(puk)).request)).finally(() =>
        finished.push("puk"),
      ),
    );
    // While the PUK checks queue for the Argon2 threads, the event loop still serves other calls.
    const status = await t.v3.getSystemStatus({});
    expect(status.status).toBe("OK");
    const pukChecksDoneWhenStatusAnswered = finished.length;
    const outcomes = await Promise.all(attempts);
    console.info(`[recovery concurrency ${onPostgres ? "postgresql" : "pglite"}] PUK checks finished before GetSystemStatus answered: ${pukChecksDoneWhenStatusAnswered}/${PARALLEL}`);
    expect(pukChecksDoneWhenStatusAnswered).toBeLessThan(PARALLEL);

    expect(outcomes).toEqual(Array.from({ length: PARALLEL }, () => ({ code: "ERR0028", currentRecoveryPukIndex: 1n })));
    const [row] = await t.core.db.read((tx) =>
      tx.getConnection().execute<{ failed_attempts: string; status: number }[]>(
        "select failed_attempts, status from pa_recovery_code where activation_id = ?",
        [activationId],
      ),
    );
    expect({ failedAttempts: Number(row.failed_attempts), status: row.status }).toEqual({ failedAttempts: PARALLEL, status: 2 });

    const last = recoveryActivationRequest(app, recoveryCode, wrongPuk(puk));
    expect(await recoveryErrorOf(t.v3.recoveryCodeActivation(last.request))).toEqual({ code: "ERR0028", currentRecoveryPukIndex: undefined });
    expect(await codeStates(t.v3, { activationId })).toMatchObject([{ status: "BLOCKED", puks: ["1:INVALID"] }]);
  });
});
