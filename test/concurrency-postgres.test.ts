import { describe, expect, it } from "vitest";
import { testDatabaseServerUrl } from "./support/database.ts";
import type { CoreUnderTest } from "./support/core-in-process.ts";
import { activateDevice, corruptSignature, useCoreWithApplication, verifySignatureRequest } from "./support/powerauth-flows.ts";
import type { TestApplication } from "./support/powerauth-flows.ts";

// Many VerifySignature calls on ONE activation at once. On PostgreSQL they really run in parallel (one pooled
// connection each) and only the row lock (SELECT … FOR UPDATE) keeps counter and failure count right. PGlite
// runs transactions one at a time, so there the same scenario proves the bookkeeping, not the locking.

const onPostgres = testDatabaseServerUrl() !== undefined;
const engine = onPostgres ? "PostgreSQL: concurrent transactions serialised by the row lock" : "PGlite: transactions run one at a time, so this proves correctness but not locking";

const VALID = 25;
const INVALID = 35;
const ANSWER_WITHIN_MS = 30_000;

let t: CoreUnderTest;
let app: TestApplication;
useCoreWithApplication({}, (core, application) => {
  t = core;
  app = application;
});

describe(`concurrent VerifySignature on one activation (${engine})`, () => {
  it(`${VALID + INVALID} simultaneous calls lose no counter step, no failed attempt and no audit row, and none deadlocks`, async () => {
    const { device, activationId } = await activateDevice(t.v3, app, { maxFailureCount: 255n });
    // Valid possession signatures for counter steps 0…VALID-1 (a valid possession signature does not reset the
    // failure count, and a failed one is not counted), then wrong-PIN knowledge signatures, invalid at any step.
    type Call = { step: number | null; request: ReturnType<typeof verifySignatureRequest> };
    const valid: Call[] = [];
    const invalid: Call[] = [];
    for (let step = 0; step < VALID; step++) {
      const signed = device.signRequest("POST", "/pa/signature/validate", `{"step":${step}}`, "POSSESSION");
      valid.push({ step, request: verifySignatureRequest(signed) });
    }
    for (let i = 0; i < INVALID; i++) {
      const signed = device.signRequest("POST", "/pa/signature/validate", `{"bad":${i}}`, "POSSESSION_KNOWLEDGE");
      invalid.push({ step: null, request: verifySignatureRequest(corruptSignature(signed)) });
    }
    // Alternate valid and invalid calls so both kinds contend for the lock from the start.
    const interleaved: Call[] = [];
    for (let i = 0; i < Math.max(VALID, INVALID); i++) {
      if (i < VALID) interleaved.push(valid[i]);
      if (i < INVALID) interleaved.push(invalid[i]);
    }

    const started = performance.now();
    const responses = await withDeadline(Promise.all(interleaved.map((call) => t.v3.verifySignature(call.request))), ANSWER_WITHIN_MS);
    const elapsedMs = Math.round(performance.now() - started);

    const outcomes = interleaved.map((call, i) => ({ step: call.step, valid: responses[i].signatureValid }));
    const successes = outcomes.filter((o) => o.valid);
    const failures = outcomes.filter((o) => !o.valid);
    expect(outcomes.filter((o) => o.step === null && o.valid)).toEqual([]);
    expect(successes.length).toBeGreaterThan(0);

    const [row] = await t.core.db.read((tx) =>
      tx.getConnection().execute<{ counter: string; failed_attempts: string; activation_status: number }[]>(
        "select counter, failed_attempts, activation_status from pa_activation where activation_id = ?",
        [activationId],
      ),
    );
    const audit = await t.core.db.read((tx) =>
      tx.getConnection().execute<{ id: string; valid: boolean; activation_counter: string }[]>(
        "select id, valid, activation_counter from pa_signature_audit where activation_id = ? order by id",
        [activationId],
      ),
    );
    const counter = Number(row.counter);
    // A valid signature computed for a step ahead of the counter still verifies inside the lookahead and
    // moves the counter past it; the valid signatures it overtook are then behind the counter and fail.
    // So: counter = last successful step + 1 = successes + valid signatures overtaken.
    const lastSuccessfulStep = Math.max(...successes.map((o) => o.step ?? -1));
    const overtaken = outcomes.filter((o) => o.step !== null && !o.valid && o.step < counter).length;
    console.info(
      `[concurrency ${onPostgres ? "postgresql" : "pglite"}] calls=${interleaved.length} answeredIn=${elapsedMs}ms ` +
        `successes=${successes.length} failures=${failures.length} overtakenValid=${overtaken} counter=${counter} failedAttempts=${row.failed_attempts} auditRows=${audit.length}`,
    );

    expect(counter).toBe(lastSuccessfulStep + 1);
    expect(counter).toBe(successes.length + overtaken);
    if (overtaken === 0) expect(counter).toBe(successes.length);
    // Every wrong-PIN call counted exactly once: no increment was lost to a concurrent transaction.
    expect(Number(row.failed_attempts)).toBe(INVALID);
    expect(row.activation_status).toBe(3);
    expect(audit).toHaveLength(interleaved.length);
    expect(audit.filter((a) => a.valid)).toHaveLength(successes.length);
    // In commit order, every success moved the counter forward and every failure left it where it was.
    const countersInCommitOrder = audit.map((a) => Number(a.activation_counter));
    for (let i = 1; i < countersInCommitOrder.length; i++) expect(countersInCommitOrder[i]).toBeGreaterThanOrEqual(countersInCommitOrder[i - 1]);
    expect(countersInCommitOrder.at(-1)).toBe(counter);
  });
});

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not every call was answered within ${ms} ms (deadlock?)`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
