import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createScratchDatabase } from "./database.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface RunningProcess {
  url: string;
  process: ChildProcess;
  /** Everything the process printed so far (for assertions on logs and for failure reports). */
  output(): string;
  stop(): Promise<number | null>;
}

export interface Stack {
  core: RunningProcess;
  soap: RunningProcess;
  rest: RunningProcess;
  /** The SOAP endpoint, e.g. http://127.0.0.1:PORT/powerauth-java-server/soap */
  soapUrl: string;
  restUrl: string;
  coreUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the product as a user does: three processes (core, SOAP gateway, REST gateway) on free ports, the
 * gateways reaching the core over gRPC. The database is in-memory PGlite, or a fresh PostgreSQL database
 * when TEST_DATABASE_URL is set.
 */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const database = await createScratchDatabase();
  const core = await startProcess("core/src/main.ts", { CORE_PORT: "0", ...(database.url ? { DATABASE_URL: database.url } : {}), ...env }, /"url":"(http:\/\/[^"]+)"/);
  const gatewayEnv = { CORE_URL: core.url, SOAP_PORT: "0", REST_PORT: "0" };
  const [soap, rest] = await Promise.all([
    startProcess("gateway-soap/src/main.ts", gatewayEnv, /listening on (http:\/\/\S+)/),
    startProcess("gateway-rest/src/main.ts", gatewayEnv, /listening on (http:\/\/\S+)/),
  ]);
  return {
    core,
    soap,
    rest,
    coreUrl: core.url,
    soapUrl: soap.url,
    restUrl: rest.url,
    async stop() {
      await Promise.all([soap.stop(), rest.stop()]);
      await core.stop();
      await database.drop();
    },
  };
}

/** Spawns `node <script>` and resolves once its output shows the URL it listens on. */
export function startProcess(script: string, env: Record<string, string>, urlPattern: RegExp): Promise<RunningProcess> {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, POWERAUTH_ACCESS_LOG: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = urlPattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          process: child,
          output: () => output,
          stop: async () => {
            if (child.exitCode === null) child.kill("SIGTERM");
            return exited;
          },
        });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening:\n${output}`));
    });
  });
}
