import type { CoreConfig } from "../config.ts";
import type { Argon2Runner } from "../crypto/argon2.ts";
import type { AdminLoginGuard } from "../domain/access/admin-login-guard.ts";
import type { ActivationKeyCache } from "../domain/activations/activation-keys.ts";
import type { BuildInfo } from "../domain/system/system-status.ts";
import type { Logger } from "../logger.ts";
import type { CoreMetrics } from "../observability/core-metrics.ts";
import type { Db } from "../persistence/db.ts";

/** What every RPC group needs, passed explicitly (no globals), so tests can build it with their own database. */
export interface Deps {
  /** Aborted when the core begins to stop: long-lived streams (health Watch) end on it. */
  stopping: AbortSignal;
  db: Db;
  config: CoreConfig;
  log: Logger;
  build: BuildInfo;
  /** Where every Argon2 hash runs: the server's worker pool, so hashing never takes the event loop. */
  argon2: Argon2Runner;
  /** Derived activation keys, bounded; one per core (and per master DB key). */
  activationKeys: ActivationKeyCache;
  /** Remembered admin logins and failed-login throttling, one per core process. */
  adminLogin: AdminLoginGuard;
  /** This core's metrics registry and the counters the RPC groups record into. */
  metrics: CoreMetrics;
}
