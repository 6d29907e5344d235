import { describe, expect, it } from "vitest";
import { startCoreProcess } from "./support/core-process.ts";
import type { CoreProcess } from "./support/core-process.ts";
import { createScratchDatabase, testDatabaseServerUrl, withAdminClient } from "./support/database.ts";
import { activateDevice, createTestApplication, verifySignatureRequest } from "./support/powerauth-flows.ts";
import type { SimulatedDevice } from "./simulator/index.ts";

// SIGKILL of a real core process while devices sign concurrently, three times, on PostgreSQL. A signature the
// client saw as valid must survive the kill: the counter is past it, its audit row exists, and replaying it is
// refused. A call cut off by the kill may or may not have committed, but never half: every valid audit row is
// a signature some client sent, once, and the counter agrees with the audit.

const DEVICES = 8;
const KILLS = 3;
/** How long the devices sign before each kill. */
const LOAD_MS = 1_500;

interface SentSignature {
  request: ReturnType<typeof verifySignatureRequest>;
  step: number;
}

interface DeviceUnderLoad {
  device: SimulatedDevice;
  activationId: string;
  /** Steps signed so far (the simulator advances its counter on every signature). */
  steps: number;
  acknowledged: SentSignature[];
  /** Calls that got no answer because the core died under them: committed or not, nobody knows. */
  unanswered: SentSignature[];
}

describe.runIf(testDatabaseServerUrl())("the core killed with SIGKILL during concurrent signing (PostgreSQL)", () => {
  it(`loses no acknowledged counter step across ${KILLS} kills and keeps the audit in step with what clients saw`, async () => {
    const database = await createScratchDatabase();
    const env = { DATABASE_URL: database.url ?? "" };
    let core: CoreProcess = await startCoreProcess(env);
    try {
      const app = await createTestApplication(core.v3, "kill-app");
      const devices: DeviceUnderLoad[] = [];
      for (let i = 0; i < DEVICES; i++) {
        const { device, activationId } = await activateDevice(core.v3, app, { maxFailureCount: 255n });
        devices.push({ device, activationId, steps: 0, acknowledged: [], unanswered: [] });
      }

      for (let kill = 0; kill < KILLS; kill++) {
        const running = core;
        const load = Promise.all(devices.map((state) => signUntilTheCoreDies(running, state)));
        await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
        await running.kill();
        await load;
        core = await startCoreProcess(env);
      }

      const acknowledged = devices.reduce((sum, d) => sum + d.acknowledged.length, 0);
      const unanswered = devices.reduce((sum, d) => sum + d.unanswered.length, 0);
      console.info(`[fault core-kill] kills=${KILLS} acknowledged=${acknowledged} unanswered=${unanswered}`);
      expect(acknowledged).toBeGreaterThan(DEVICES * KILLS);

      for (const state of devices) await expectNothingAcknowledgedLost(database.url ?? "", core, state);
    } finally {
      await core.stop();
      await database.drop();
    }
  });
});

/** One device signing valid requests one after another until a call fails because the core is gone. */
async function signUntilTheCoreDies(core: CoreProcess, state: DeviceUnderLoad): Promise<void> {
  for (;;) {
    const signed = state.device.signRequest("POST", "/pa/signature/validate", `{"step":${state.steps}}`, "POSSESSION_KNOWLEDGE");
    const sent = { request: verifySignatureRequest(signed), step: state.steps++ };
    let valid: boolean;
    try {
      valid = (await core.v3.verifySignature(sent.request, { timeoutMs: 10_000 })).signatureValid;
    } catch {
      state.unanswered.push(sent);
      return;
    }
    // Each device waits for its answer before signing the next step, so a valid signature is never overtaken.
    expect(valid).toBe(true);
    state.acknowledged.push(sent);
  }
}

async function expectNothingAcknowledgedLost(databaseUrl: string, core: CoreProcess, state: DeviceUnderLoad): Promise<void> {
  const { counter, audit } = await withAdminClient(databaseUrl, async (client) => ({
    counter: Number((await client.query<{ counter: string }>("select counter from pa_activation where activation_id = $1", [state.activationId])).rows[0].counter),
    audit: (
      await client.query<{ signature: string; valid: boolean; activation_counter: string }>(
        "select signature, valid, activation_counter from pa_signature_audit where activation_id = $1 order by id",
        [state.activationId],
      )
    ).rows,
  }));
  const validSignatures = audit.filter((row) => row.valid).map((row) => row.signature);
  const lastAcknowledged = Math.max(-1, ...state.acknowledged.map((sent) => sent.step));
  const lastSent = Math.max(-1, ...state.acknowledged.map((sent) => sent.step), ...state.unanswered.map((sent) => sent.step));

  // The counter is past every acknowledged step, and past nothing that was never sent.
  expect(counter).toBeGreaterThanOrEqual(lastAcknowledged + 1);
  expect(counter).toBeLessThanOrEqual(lastSent + 1);
  // Every acknowledged signature has its valid audit row; every valid row is a signature that was sent, once.
  const sentSignatures = new Set([...state.acknowledged, ...state.unanswered].map((sent) => sent.request.signature));
  for (const sent of state.acknowledged) expect(validSignatures).toContain(sent.request.signature);
  expect(validSignatures.filter((signature) => !sentSignatures.has(signature))).toEqual([]);
  expect(new Set(validSignatures).size).toBe(validSignatures.length);
  expect(audit.every((row) => row.valid)).toBe(true);
  // The latest audit row carries the counter the activation has: no step was written without its audit row.
  expect(Number(audit.at(-1)?.activation_counter)).toBe(counter);

  // A replay of the last acknowledged signature is refused.
  const last = state.acknowledged.at(-1);
  if (last) expect((await core.v3.verifySignature(last.request)).signatureValid).toBe(false);
}
