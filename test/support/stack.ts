import { LISTENING, startProcess } from "../../scripts/processes.ts";
import type { RunningProcess } from "../../scripts/processes.ts";
import { createScratchDatabase } from "./database.ts";
import { TEST_MASTER_DB_KEY_ENV } from "./master-db-key.ts";

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
export async function startStack(env: Record<string, string> = {}, options: { embeddedDatabase?: boolean } = {}): Promise<Stack> {
  const database = options.embeddedDatabase ? { url: undefined, drop: async () => {} } : await createScratchDatabase();
  const coreEnv = { CORE_PORT: "0", POWERAUTH_ACCESS_LOG: "false", ...TEST_MASTER_DB_KEY_ENV, ...(database.url ? { DATABASE_URL: database.url } : {}), ...env };
  const core = await startProcess({ name: "core", script: "core/src/main.ts", env: coreEnv, urlPattern: LISTENING.core });
  const gatewayEnv = { CORE_URL: core.url, SOAP_PORT: "0", REST_PORT: "0" };
  const [soap, rest] = await Promise.all([
    startProcess({ name: "soap", script: "gateway-soap/src/main.ts", env: gatewayEnv, urlPattern: LISTENING.soap }),
    startProcess({ name: "rest", script: "gateway-rest/src/main.ts", env: gatewayEnv, urlPattern: LISTENING.rest }),
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
