import { ConfigError, loadConfig } from "./config.ts";
import { withEmbeddedDatabaseKey } from "./domain/secrets/embedded-key-file.ts";
import { createLogger } from "./logger.ts";
import { startServer } from "./server.ts";

/** After the shutdown deadline, how long the rest of the stop (jobs, database) may take before the process exits. */
const FORCED_EXIT_GRACE_MS = 5_000;

/** Process entry point: configuration from the environment, graceful stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const log = createLogger("core");
  // The embedded database brings its own master DB key (a file beside its directory), so it is encrypted too.
  const { settings: config, source: masterDbKey, keyFile } = await withEmbeddedDatabaseKey(loadConfig());
  log.info("master DB key", { source: masterDbKey, ...(keyFile ? { keyFile } : {}) });
  const core = await startServer({ config, log, accessLog: process.env.POWERAUTH_ACCESS_LOG !== "false" });
  const stop = async (signal: string) => {
    log.info("stopping", { signal });
    // The last resort: close() cuts connections at the deadline, but a job stuck after that must not keep the
    // process alive either.
    setTimeout(() => {
      log.error("stop did not finish in time; exiting anyway", undefined, { shutdownTimeoutMs: config.shutdownTimeoutMs });
      process.exit(1);
    }, config.shutdownTimeoutMs + FORCED_EXIT_GRACE_MS).unref();
    await core.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  // Announced only once the signal handlers are in place: launchers stop us as soon as they read this line.
  log.info("core listening", { url: core.url, database: core.db.engine, restrictAccess: config.restrictAccess });
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`core failed to start: ${message}\n`);
  process.exit(1);
});
