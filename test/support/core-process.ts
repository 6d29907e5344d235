import { readFileSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { PowerAuthService } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { LISTENING, startProcess } from "../../scripts/processes.ts";
import type { RunningProcess } from "../../scripts/processes.ts";

/** The core as its own process (`node core/src/main.ts`), so a test can SIGKILL it or watch its memory. */
export interface CoreProcess {
  process: RunningProcess;
  url: string;
  port: number;
  v3: Client<typeof PowerAuthService>;
  /** Resident memory of the process now, in bytes (Linux). */
  residentBytes(): number;
  /** SIGKILL, as the kernel's OOM killer or a pulled plug would end it, and wait until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** A fixed key for secrets at rest, so a restarted core reads what the one before it wrote (test data only). */
const TEST_DB_ENCRYPTION_KEY = Buffer.alloc(16, 0x13).toString("base64");

/**
 * Starts a core on a free port with `env` on top of quiet defaults (no access log, jobs that tests do not need
 * off, the test key for secrets at rest).
 */
export async function startCoreProcess(env: Record<string, string>): Promise<CoreProcess> {
  const process = await startProcess({
    name: "core",
    script: "core/src/main.ts",
    env: {
      CORE_PORT: "0",
      POWERAUTH_ACCESS_LOG: "false",
      POWERAUTH_ACTIVATION_EXPIRY_JOB_INTERVAL_MS: "0",
      POWERAUTH_MASTER_DB_ENCRYPTION_KEY: TEST_DB_ENCRYPTION_KEY,
      ...env,
    },
    urlPattern: LISTENING.core,
  });
  const url = process.url;
  return {
    process,
    url,
    port: Number(new URL(url).port),
    v3: createClient(PowerAuthService, createGrpcTransport({ baseUrl: url })),
    residentBytes() {
      const status = readFileSync(`/proc/${process.process.pid}/status`, "utf8");
      const kilobytes = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      if (kilobytes === undefined) throw new Error("no VmRSS in /proc status");
      return Number(kilobytes) * 1024;
    },
    async kill() {
      if (process.process.exitCode !== null || process.process.signalCode !== null) return;
      const exited = new Promise((resolve) => process.process.once("exit", resolve));
      process.process.kill("SIGKILL");
      await exited;
    },
    async stop() {
      await process.stop();
    },
  };
}
