// Process entry point: `npx node gateway-soap/src/main.ts`. Configuration comes from the environment only.

import { soapLimitsFromEnv } from "./config.ts";
import { startSoapGateway } from "./server.ts";

async function main(): Promise<void> {
  const gateway = await startSoapGateway({
    port: portFrom(process.env.SOAP_PORT, 8080),
    host: process.env.SOAP_HOST || "127.0.0.1",
    coreUrl: process.env.CORE_URL || "http://127.0.0.1:50051",
    ...soapLimitsFromEnv(process.env),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`SOAP gateway stopping (${signal})\n`);
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  // Announced only once the signal handlers are in place: launchers stop us as soon as they read this line.
  process.stdout.write(`SOAP gateway listening on ${gateway.url} (WSDL: ${gateway.url}/serviceV3.wsdl, ${gateway.url}/serviceV2.wsdl)\n`);
}

function portFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`SOAP_PORT must be a port number, not "${value}"`);
  return port;
}

main().catch((err: unknown) => {
  process.stderr.write(`SOAP gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
