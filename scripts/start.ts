import { mkdirSync } from "node:fs";
import path from "node:path";
import { LISTENING, repositoryRoot, startProcess } from "./processes.ts";
import type { RunningProcess } from "./processes.ts";

/**
 * `npm start`: the whole product on one machine. The core first (on the embedded database kept in .data/
 * unless DATABASE_URL is set), then both gateways pointed at it. Ctrl-C stops all three cleanly.
 */
async function main(): Promise<void> {
  const env: Record<string, string> = {};
  if (!process.env.DATABASE_URL && !process.env.PGLITE_DIR) {
    const dataDir = path.join(repositoryRoot, ".data", "pglite");
    mkdirSync(dataDir, { recursive: true });
    env.PGLITE_DIR = dataDir;
  }
  const echo = (name: string) => (text: string) => {
    for (const line of text.split("\n")) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
  };
  const running: RunningProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const gateways = running.filter((child) => child.name !== "core");
    await Promise.all(gateways.map((child) => child.stop()));
    await Promise.all(running.filter((child) => child.name === "core").map((child) => child.stop()));
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  try {
    const core = await startProcess({ name: "core", script: "core/src/main.ts", env, urlPattern: LISTENING.core, onOutput: echo("core") });
    running.push(core);
    const gatewayEnv = { CORE_URL: process.env.CORE_URL || core.url };
    const [soap, rest] = await Promise.all([
      startProcess({ name: "soap", script: "gateway-soap/src/main.ts", env: gatewayEnv, urlPattern: LISTENING.soap, onOutput: echo("soap") }),
      startProcess({ name: "rest", script: "gateway-rest/src/main.ts", env: gatewayEnv, urlPattern: LISTENING.rest, onOutput: echo("rest") }),
    ]);
    running.push(soap, rest);
    for (const child of running) child.process.once("exit", (code) => !stopping && void stopAll(code ?? 1));
    process.stdout.write(
      [
        "",
        "PowerAuth Server is running:",
        `  core (gRPC, gRPC-Web, Connect)  ${core.url}`,
        `  SOAP gateway                    ${soap.url}  (WSDL: ${soap.url}/serviceV3.wsdl, ${soap.url}/serviceV2.wsdl)`,
        `  REST gateway (Cloud Admin API)  ${rest.url}/admin/applications`,
        `  database                        ${process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${env.PGLITE_DIR ?? process.env.PGLITE_DIR}`}`,
        "Press Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
  } catch (error) {
    process.stderr.write(`start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAll(1);
  }
}

void main();
