// Entry point of the REST gateway process: `node gateway-rest/src/main.ts`.
//
//   REST_PORT  port to listen on (default 8081)
//   REST_HOST  interface to listen on (default 127.0.0.1)
//   CORE_URL   gRPC endpoint of the core (default http://127.0.0.1:50051)

import { restLimitsFromEnv } from "./config.ts";
import { startRestGateway } from "./server.ts";

async function main(): Promise<void> {
  const port = parsePort(process.env.REST_PORT ?? "8081");
  const host = process.env.REST_HOST ?? "127.0.0.1";
  const coreUrl = parseUrl(process.env.CORE_URL ?? "http://127.0.0.1:50051");

  const gateway = await startRestGateway({ port, host, coreUrl, ...restLimitsFromEnv(process.env) });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`REST gateway stopping (${signal})\n`);
    // Should a connection refuse to finish, do not hang forever.
    setTimeout(() => process.exit(1), 10_000).unref();
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`REST gateway: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  // Announced only once the signal handlers are in place: launchers stop us as soon as they read this line.
  process.stdout.write(`REST gateway listening on ${gateway.url} (core: ${coreUrl})\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`REST gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new Error(`REST_PORT must be a port number, got "${value}"`);
  return port;
}

function parseUrl(value: string): string {
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`CORE_URL must be an http:// or https:// URL, got "${value}"`);
  }
  return value;
}
