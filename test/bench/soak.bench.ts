/**
 * `npm run bench:soak`: memory under steady load. The core and both gateways run as their own processes on a
 * fresh PostgreSQL database; for BENCH_SOAK_SECONDS (default 600) this client sends BENCH_SOAK_RATE calls per
 * second (default 200) at a steady pace, spread over the three surfaces:
 *
 * - half gRPC VerifySignature of a few activated devices (each request signed just before it is sent),
 * - a quarter SOAP GetActivationStatus through the SOAP gateway,
 * - a quarter REST `GET /admin/applications` with HTTP Basic through the REST gateway (the core's admin login
 *   cache answers after the first Argon2id check).
 *
 * The resident set size (RSS, Linux `/proc/<pid>/status`) of each process is sampled every 10 s after a warm-up
 * (a fifth of the run, at most 120 s: connection pools, JIT, caches and V8's heap sizing settle in the first
 * minutes, the gateways' heaps grow for about 90 s at this rate). Printed: the curve, then each process's first
 * and last sample and their ratio, and its peak in each half of the run (RSS saw-tooths as V8 hands memory back;
 * a leak shows as a second-half peak above the first's). Failed calls are counted by reason. Target: the last
 * sample within 10 % of the first.
 *
 * Environment: BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgres://postgres:postgres@127.0.0.1:5432/postgres),
 * BENCH_SOAK_SECONDS, BENCH_SOAK_RATE.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { LISTENING, startProcess } from "../../scripts/processes.ts";
import { TEST_MASTER_DB_KEY_ENV } from "../support/master-db-key.ts";
import { log, redact, runBench } from "./bench-output.ts";
import type { RunningProcess } from "../../scripts/processes.ts";
import { activateDevice, createTestApplication, verifySignatureRequest } from "../support/powerauth-flows.ts";
import type { V3Client } from "../support/powerauth-flows.ts";
import type { SimulatedDevice } from "../simulator/index.ts";

const serverUrl =
  process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const soakSeconds = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const rate = Number(process.env.BENCH_SOAK_RATE ?? 200);
const warmupSeconds = Math.min(120, Math.max(5, Math.round(soakSeconds / 5)));
const SAMPLE_EVERY_MS = 10_000;
/** Calls are started on this tick, in the number the rate asks for, so the load stays steady. */
const TICK_MS = 20;
/** More calls than this in flight means the machine cannot keep up with the rate; the tick waits. */
const MAX_IN_FLIGHT = 256;
const DEVICES = 32;
const ADMIN = { username: "soak-admin", password: randomUUID() };

interface Sample {
  seconds: number;
  rssMb: Record<string, number>;
}

/** A failed call throws, with what went wrong as its message (counted by reason). */
type Outcome = "ok" | "throttled";

interface Load {
  calls: Record<string, number>;
  throttled: Record<string, number>;
  /** Failed calls by surface and reason. */
  failures: Record<string, Record<string, number>>;
}

function expect(ok: boolean, reason: string): Outcome {
  if (!ok) throw new Error(reason);
  return "ok";
}

async function main(): Promise<void> {
  process.env.TEST_DATABASE_URL = serverUrl;
  const { createScratchDatabase } = await import("../support/database.ts");
  const database = await createScratchDatabase();
  if (!database.url) throw new Error("a PostgreSQL server is required");
  const processes: RunningProcess[] = [];
  try {
    const core = await startProcess({
      name: "core",
      script: "core/src/main.ts",
      env: {
        CORE_PORT: "0",
        DATABASE_URL: database.url,
        POWERAUTH_ACCESS_LOG: "false",
        // Secrets at rest encrypted, as in production.
        ...TEST_MASTER_DB_KEY_ENV,
        POWERAUTH_ADMIN_USERNAME: ADMIN.username,
        POWERAUTH_ADMIN_PASSWORD: ADMIN.password,
      },
      urlPattern: LISTENING.core,
    });
    processes.push(core);
    const soap = await startProcess({ name: "soap", script: "gateway-soap/src/main.ts", env: { CORE_URL: core.url, SOAP_PORT: "0" }, urlPattern: LISTENING.soap });
    processes.push(soap);
    const rest = await startProcess({ name: "rest", script: "gateway-rest/src/main.ts", env: { CORE_URL: core.url, REST_PORT: "0" }, urlPattern: LISTENING.rest });
    processes.push(rest);

    const v3 = createClient(PowerAuthService, createGrpcTransport({ baseUrl: core.url }));
    const app = await createTestApplication(v3, `soak-${randomUUID()}`);
    const devices = new DevicePool();
    for (let i = 0; i < DEVICES; i++) devices.add((await activateDevice(v3, app)).device);
    const calls = surfaceCalls(v3, devices, soap.url, rest.url);
    log(`soak: ${soakSeconds} s at ${rate} calls/s after ${warmupSeconds} s of warm-up (core, SOAP and REST gateways on ${redact(serverUrl)})`);

    const load: Load = { calls: {}, throttled: {}, failures: {} };
    const stopAt = performance.now() + (warmupSeconds + soakSeconds) * 1000;
    const loadDone = steadyLoad(calls, stopAt, load);
    await sleep(warmupSeconds * 1000);
    const samples = await sampleUntil(processes, stopAt);
    await loadDone;

    printCurve(processes, samples);
    printSummary(processes, samples, load);
  } finally {
    for (const running of processes.reverse()) await running.stop();
    await database.drop();
  }
}

/** One call per surface, each resolving true when the answer was the expected one. */
function surfaceCalls(v3: V3Client, devices: DevicePool, soapUrl: string, restUrl: string): Record<string, () => Promise<Outcome>> {
  const authorization = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;
  return {
    // A device signs its next request only once the previous one was verified: a later counter overtaking an
    // earlier one would fail the earlier as a replay, which is the protocol, not a fault under test.
    "gRPC VerifySignature": () =>
      devices.use(async (device) => {
        const signed = device.signRequest("POST", "/pa/signature/validate", `{"n":"${randomUUID()}"}`, "POSSESSION_KNOWLEDGE");
        return expect((await v3.verifySignature(verifySignatureRequest(signed))).signatureValid, "signature not valid");
      }),
    "SOAP GetActivationStatus": async () => {
      const response = await fetch(soapUrl, {
        method: "POST",
        headers: { "content-type": "text/xml; charset=utf-8" },
        body: activationStatusEnvelope(devices.any().activationId ?? ""),
      });
      const body = await response.text();
      return expect(response.status === 200 && body.includes("ACTIVE</"), `HTTP ${response.status}: ${body.slice(0, 120)}`);
    },
    "REST GET /admin/applications": async () => {
      const response = await fetch(`${restUrl}/admin/applications`, { headers: { authorization } });
      await response.arrayBuffer();
      // When its remembered login expires (POWERAUTH_ADMIN_AUTH_CACHE_TTL_MS), the calls that arrive before the
      // next Argon2id check finished are throttled by the per-user in-flight bound: the design, counted apart.
      return response.status === 429 ? "throttled" : expect(response.status === 200, `HTTP ${response.status}`);
    },
  };
}

/** Activated devices; each signs one request at a time, callers wait for a free one. */
class DevicePool {
  private readonly all: SimulatedDevice[] = [];
  private readonly free: SimulatedDevice[] = [];
  private readonly waiting: ((device: SimulatedDevice) => void)[] = [];

  add(device: SimulatedDevice): void {
    this.all.push(device);
    this.free.push(device);
  }

  /** Any device, busy or not (for calls that do not sign). */
  any(): SimulatedDevice {
    return this.all[Math.floor(Math.random() * this.all.length)];
  }

  async use<T>(work: (device: SimulatedDevice) => Promise<T>): Promise<T> {
    const device = this.free.pop() ?? (await new Promise<SimulatedDevice>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(device);
    } finally {
      const next = this.waiting.shift();
      if (next) next(device);
      else this.free.push(device);
    }
  }
}

/** The surfaces in the proportion of the load: half gRPC, a quarter each gateway. */
const MIX = ["gRPC VerifySignature", "SOAP GetActivationStatus", "gRPC VerifySignature", "REST GET /admin/applications"];

/**
 * Starts calls on every tick so that `rate` per second are started on average, until `stopAt`. A failing
 * call is counted, never retried, so a fault cannot turn into a flood.
 */
async function steadyLoad(calls: Record<string, () => Promise<Outcome>>, stopAt: number, load: Load): Promise<void> {
  const started = performance.now();
  let issued = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  while (performance.now() < stopAt) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (issued < due && inFlight < MAX_IN_FLIGHT) {
      const name = MIX[issued++ % MIX.length];
      inFlight++;
      const call = calls[name]()
        .then(
          (result) => {
            if (result === "throttled") load.throttled[name] = (load.throttled[name] ?? 0) + 1;
          },
          (error: unknown) => {
            const reason = error instanceof Error ? error.message.slice(0, 160) : String(error);
            const reasons = (load.failures[name] ??= {});
            reasons[reason] = (reasons[reason] ?? 0) + 1;
          },
        )
        .finally(() => {
          load.calls[name] = (load.calls[name] ?? 0) + 1;
        })
        .finally(() => {
          inFlight--;
          pending.delete(call);
        });
      pending.add(call);
    }
    await sleep(TICK_MS);
  }
  await Promise.all(pending);
}

/** RSS of every process now, every 10 s, and once more when the load stops at `stopAt`. */
async function sampleUntil(processes: RunningProcess[], stopAt: number): Promise<Sample[]> {
  const first = performance.now();
  const samples: Sample[] = [];
  const sample = () =>
    samples.push({
      seconds: Math.round((performance.now() - first) / 1000),
      rssMb: Object.fromEntries(processes.map((running) => [running.name, rssMb(running.process.pid)])),
    });
  sample();
  for (;;) {
    const next = first + samples.length * SAMPLE_EVERY_MS;
    await sleep(Math.min(next, stopAt) - performance.now());
    sample();
    if (next >= stopAt) return samples;
  }
}

/** Resident set size in MB (VmRSS of `/proc/<pid>/status`); NaN where it cannot be read. */
function rssMb(pid: number | undefined): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((entry) => entry.startsWith("VmRSS:"));
    return Number(/(\d+)/.exec(line ?? "")?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

function printCurve(processes: RunningProcess[], samples: Sample[]): void {
  const names = processes.map((p) => p.name);
  const rows = samples.map((sample) => `| ${sample.seconds} | ${names.map((name) => sample.rssMb[name].toFixed(1)).join(" | ")} |`);
  log(`\n| s | ${names.map((name) => `${name} RSS MB`).join(" | ")} |\n|---:|${names.map(() => "---:").join("|")}|\n${rows.join("\n")}`);
}

function printSummary(processes: RunningProcess[], samples: Sample[], load: Load): void {
  const first = samples[0];
  const last = samples[samples.length - 1];
  const lines = processes.map((p) => {
    const start = first.rssMb[p.name];
    const end = last.rssMb[p.name];
    // V8 hands memory back in steps, so RSS saw-tooths; a leak shows as the second half's peak above the first's.
    const half = Math.floor(samples.length / 2);
    const peakOf = (part: Sample[]) => Math.max(...part.map((sample) => sample.rssMb[p.name]));
    const [firstPeak, secondPeak] = [peakOf(samples.slice(0, half)), peakOf(samples.slice(half))];
    return `| ${p.name} | ${start.toFixed(1)} | ${end.toFixed(1)} | ${(end / start).toFixed(3)} | ${firstPeak.toFixed(1)} | ${secondPeak.toFixed(1)} |`;
  });
  log(
    `\n| process | start MB (${first.seconds} s) | end MB (${last.seconds} s) | end/start | peak, first half | peak, second half |\n` +
      `|---|---:|---:|---:|---:|---:|\n${lines.join("\n")}`,
  );
  const failed = (name: string) => Object.values(load.failures[name] ?? {}).reduce((sum, count) => sum + count, 0);
  const surfaces = Object.keys(load.calls).map(
    (name) => `${name} ${load.calls[name]} (${failed(name)} failed${load.throttled[name] ? `, ${load.throttled[name]} throttled` : ""})`,
  );
  log(`\ncalls: ${surfaces.join(", ")}`);
  for (const [name, reasons] of Object.entries(load.failures)) {
    for (const [reason, count] of Object.entries(reasons)) log(`  ${name} failed ${count}×: ${reason}`);
  }
  const worst = Math.max(...processes.map((p) => last.rssMb[p.name] / first.rssMb[p.name]));
  log(`worst end/start RSS ratio: ${worst.toFixed(3)} (target ≤ 1.10)`);
}

function activationStatusEnvelope(activationId: string): string {
  return (
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v3="http://getlime.io/security/powerauth/v3">` +
    `<soapenv:Body><v3:GetActivationStatusRequest><v3:activationId>${activationId}</v3:activationId>` +
    `</v3:GetActivationStatusRequest></soapenv:Body></soapenv:Envelope>`
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

runBench("bench:soak", main);
