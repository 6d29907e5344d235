import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { masterDbKeyId } from "./crypto/record-encryption.ts";
import { isoDurationToMs } from "./domain/callbacks/iso-duration.ts";

/**
 * Configuration of the core, read from the environment once at start. Every variable is documented in the
 * README; invalid values stop the process with a clear message instead of being guessed.
 */
export interface CoreConfig {
  host: string;
  port: number;
  databaseUrl?: string;
  /**
   * DATABASE_POOL_SIZE: most PostgreSQL connections the core opens (default 20; ignored on the embedded PGlite,
   * which has one). A verification holds its connection for its whole transaction, row lock included, so this
   * caps the transactions in flight; calls beyond it wait for a free connection. More connections only help
   * while PostgreSQL has idle CPU: on a small machine the database, not the pool, is the limit, and a pool of
   * about the database's cores × 2–4 serves as well as a larger one. Keep the sum over all core instances
   * below the server's `max_connections`.
   */
  databasePoolSize: number;
  /**
   * DATABASE_CONNECT_TIMEOUT_MS: longest wait for a PostgreSQL connection, opening one or taking one from a full
   * pool (default 5000). During an outage calls fail after this with UNAVAILABLE instead of hanging.
   */
  databaseConnectTimeoutMs: number;
  /** DATABASE_STATEMENT_TIMEOUT_MS: PostgreSQL cancels a statement running longer (default 30000; 0 = none). */
  databaseStatementTimeoutMs: number;
  /** DATABASE_LOCK_TIMEOUT_MS: PostgreSQL gives up waiting for a row or table lock after this (default 10000; 0 = none). */
  databaseLockTimeoutMs: number;
  /** DATABASE_TCP_KEEPALIVE: TCP keepalive on PostgreSQL connections, so a silently dropped peer is noticed (default true). */
  databaseTcpKeepalive: boolean;
  pgliteDir?: string;
  /**
   * 16-byte key sealing every secret at rest (server-behaviour.md §2.3); absent = stored unencrypted, which the
   * core allows on PostgreSQL only with POWERAUTH_ALLOW_PLAINTEXT_SECRETS (the embedded database generates one).
   */
  masterDbEncryptionKey?: Buffer;
  /**
   * POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS: earlier master DB keys (comma-separated Base64), which still
   * open what they sealed; the core re-seals such records under the current key when it starts (key rotation).
   */
  masterDbEncryptionPreviousKeys: Buffer[];
  /** POWERAUTH_ALLOW_PLAINTEXT_SECRETS: lets the core use PostgreSQL without a master DB key (secrets then in the clear). */
  allowPlaintextSecrets: boolean;
  /** When true every PowerAuth service call must carry integration credentials (HTTP Basic). */
  restrictAccess: boolean;
  /**
   * POWERAUTH_ALLOW_UNAUTHENTICATED: lets the core listen on a non-loopback address without restricted access
   * (default false: such a core would hand out activations and verify signatures for anyone who can reach it).
   */
  allowUnauthenticated: boolean;
  /**
   * POWERAUTH_SHUTDOWN_TIMEOUT_MS: on SIGTERM/SIGINT, how long calls in flight may take to finish before their
   * connections are cut; the process exits by then even if something hangs (default 10000).
   */
  shutdownTimeoutMs: number;
  /** First Cloud Admin API user, created on start when no user of that name exists. */
  adminUsername?: string;
  adminPassword?: string;
  /** Base URL of the enrollment (standard RESTful) API, reported by the admin API as `serviceBaseUrl`. */
  serviceBaseUrl: string;
  applicationName: string;
  applicationDisplayName: string;
  applicationEnvironment: string;
  /** How long a CREATED/OTP_USED activation waits for its key exchange and commit (reference 0.22: 2 minutes). */
  activationValidityMs: number;
  /** Failed non-possession signatures an activation tolerates before it is BLOCKED, when InitActivation sets none. */
  signatureMaxFailedAttempts: number;
  /** Wrong PUKs a recovery code tolerates before it is BLOCKED (POWERAUTH_RECOVERY_MAX_FAILED_ATTEMPTS, reference: 5). */
  recoveryMaxFailedAttempts: number;
  /** How many counter steps ahead of the stored counter a signature may be computed (reference: 20). */
  signatureValidationLookahead: number;
  /** How old a token digest timestamp may be before ValidateToken refuses it (reference: 2 hours). */
  tokenTimestampValidityMs: number;
  /** How far in the future a token digest may be dated before ValidateToken answers ERR0044 (reference: 30 minutes). */
  tokenTimestampForwardValidityMs: number;
  /** Whether VaultUnlock also accepts POSSESSION_BIOMETRY signatures (reference default: only POSSESSION_KNOWLEDGE). */
  secureVaultBiometricAuthentication: boolean;
  /**
   * ECIES envelope of GetEciesDecryptor (POWERAUTH_ECIES_DECRYPTOR_VERSION): the intermediate server's crypto
   * library checks the exact key length, so this must match the integration in front of the core.
   * "3.0" (default, a 0.22 integration library): 32-byte secretKey, the intermediate uses a zero IV.
   * "3.1" (a 0.23+ library): 48-byte secretKey, the last 16 bytes derive the IV from the request nonce.
   */
  eciesDecryptorVersion: "3.0" | "3.1";
  /** Period of the job that removes abandoned CREATED/OTP_USED activations past their expiry; 0 turns it off. */
  activationExpiryJobIntervalMs: number;
  /** Period of the job that expires PENDING operations past their expiry (all of them, in batches); 0 turns it off. */
  operationExpiryJobIntervalMs: number;
  /** Period of the job that deletes replay-protection values past their expiry (`pa_unique_value`); 0 turns it off. */
  uniqueValueCleanupIntervalMs: number;
  /**
   * POWERAUTH_SIGNATURE_AUDIT_RETENTION_DAYS: days a signature audit row (one per verification) is kept before the
   * retention job deletes it (default 365; 0 = forever, the table then grows with every call).
   */
  signatureAuditRetentionDays: number;
  /** POWERAUTH_ACTIVATION_HISTORY_RETENTION_DAYS: days an activation history row is kept (default 365; 0 = forever). */
  activationHistoryRetentionDays: number;
  /** POWERAUTH_AUDIT_RETENTION_JOB_INTERVAL_MS: period of the retention job (default 10 minutes; 0 turns it off). */
  auditRetentionJobIntervalMs: number;
  /** POWERAUTH_AUDIT_RETENTION_BATCH_SIZE: rows the retention job deletes per statement (default 1000). */
  auditRetentionBatchSize: number;
  /** POWERAUTH_AUDIT_RETENTION_BATCH_PAUSE_MS: the retention job's pause between batches, left to the calls (default 200). */
  auditRetentionBatchPauseMs: number;
  /**
   * Transport limits of the core's one port (h2c and HTTP/1.1), so that no client can hold memory or
   * connections without bound. CORE_MAX_CONNECTIONS: open connections (default 1000; more are closed at once).
   */
  maxConnections: number;
  /** CORE_HTTP2_MAX_CONCURRENT_STREAMS: streams one HTTP/2 connection may have open at once (default 100). */
  http2MaxConcurrentStreams: number;
  /**
   * CORE_MAX_OPEN_STREAMS: HTTP/2 streams open at once over all connections (default 10,000); more are refused
   * (REFUSED_STREAM, safe to retry). A stream waiting for its request holds about 45 KB of heap, so this, not
   * connections × streams per connection, bounds that memory (about 450 MB by default).
   */
  maxOpenStreams: number;
  /** CORE_MAX_HEADER_BYTES: largest request header block, HTTP/2 header list and HTTP/1.1 head alike (default 16 KiB). */
  maxHeaderBytes: number;
  /** CORE_STREAM_IDLE_TIMEOUT_MS: an HTTP/2 stream whose request has not fully arrived by then is reset (default 30 s). */
  streamIdleTimeoutMs: number;
  /**
   * CORE_IDLE_TIMEOUT_MS: an HTTP/2 connection without open streams, or an HTTP/1.1 keep-alive connection
   * between requests, is closed after this long (default 60 s). A stream left open (health Watch) keeps its
   * HTTP/2 connection alive.
   */
  idleTimeoutMs: number;
  /**
   * CORE_HEADERS_TIMEOUT_MS: a new connection must send its first bytes, and an HTTP/1.1 request its whole
   * head, within this (default 10 s).
   */
  headersTimeoutMs: number;
  /** CORE_REQUEST_TIMEOUT_MS: an HTTP/1.1 request, body included, must have fully arrived within this (default 30 s). */
  requestTimeoutMs: number;
  /**
   * POWERAUTH_CALLBACK_DEFAULT_MAX_ATTEMPTS: attempts to deliver one callback event when the callback sets none
   * (default 1, as the reference: no retry unless a callback asks for it).
   */
  callbackDefaultMaxAttempts: number;
  /** POWERAUTH_CALLBACK_DEFAULT_INITIAL_BACKOFF: ISO-8601 wait before the first retry when the callback sets none (default PT2S). */
  callbackDefaultInitialBackoff: string;
  /** POWERAUTH_CALLBACK_DEFAULT_RETENTION_PERIOD: ISO-8601 time a delivered event is kept when the callback sets none (default P30D). */
  callbackDefaultRetentionPeriod: string;
  /** POWERAUTH_CALLBACK_DELIVERY_ENABLED: whether this core delivers callback events (default true; events wait in the outbox otherwise). */
  callbackDeliveryEnabled: boolean;
  /** POWERAUTH_CALLBACK_FAILED_RETENTION_PERIOD: ISO-8601 time a FAILED event is kept for inspection and retry (default P90D). */
  callbackFailedRetentionPeriod: string;
  /** POWERAUTH_CALLBACK_MAX_BACKOFF: ISO-8601 cap of the wait between two attempts (default PT32S). */
  callbackMaxBackoff: string;
  /** POWERAUTH_CALLBACK_BACKOFF_MULTIPLIER: each retry waits this many times longer than the previous one (default 1.5). */
  callbackBackoffMultiplier: number;
  /** POWERAUTH_CALLBACK_BACKOFF_JITTER_PERCENT: a wait is shortened by a random part of up to this (default 20), so retries spread. */
  callbackBackoffJitterPercent: number;
  /** POWERAUTH_CALLBACK_CONNECT_TIMEOUT_MS: connecting to a receiver (or token endpoint) must succeed within this (default 5 s). */
  callbackConnectTimeoutMs: number;
  /** POWERAUTH_CALLBACK_RESPONSE_TIMEOUT_MS: one attempt, token fetch and response included, must end within this (default 30 s). */
  callbackResponseTimeoutMs: number;
  /**
   * POWERAUTH_CALLBACK_RERUN_AFTER_MS: an event a core claimed but never settled (it crashed) is delivered again
   * after this (default connect + response timeout + 10 s); must exceed one attempt's longest duration.
   */
  callbackRerunAfterMs: number;
  /** POWERAUTH_CALLBACK_CONCURRENCY: deliveries in flight per core (default 64). */
  callbackConcurrency: number;
  /** POWERAUTH_CALLBACK_BATCH_SIZE: most events one claim query takes (default 100). */
  callbackBatchSize: number;
  /** POWERAUTH_CALLBACK_POLL_INTERVAL_MS: safety-net poll for due events (default 1 s; commits wake the workers at once). */
  callbackPollIntervalMs: number;
  /** POWERAUTH_CALLBACK_CIRCUIT_BREAKER_THRESHOLD: consecutive failures that pause a callback (default 200; 0 = never). */
  callbackCircuitBreakerThreshold: number;
  /** POWERAUTH_CALLBACK_CIRCUIT_BREAKER_RESET_MS: how long a paused callback waits before one probe attempt (default 60 s). */
  callbackCircuitBreakerResetMs: number;
  /** POWERAUTH_CALLBACK_CLEANUP_INTERVAL_MS: period of deleting events past their retention (default 60 s; 0 = never). */
  callbackCleanupIntervalMs: number;
  /**
   * POWERAUTH_ARGON2_THREADS: worker threads computing Argon2 (admin passwords, PUKs, OTPs), default one less
   * than the CPUs (at least 1), so that hashing never takes the event loop nor every core.
   */
  argon2Threads: number;
  /**
   * POWERAUTH_ARGON2_MAX_QUEUE: hashes waiting for a thread (default 64, about 3 s of admin logins per thread);
   * one more fails at once, an admin login with UNAVAILABLE.
   */
  argon2MaxQueue: number;
  /**
   * POWERAUTH_ADMIN_AUTH_CACHE_TTL_MS: how long verified admin credentials are remembered in memory (default 60 s;
   * 0 turns it off), keyed by an HMAC under a per-process random key. Each remembered login still reads the
   * user's row, so a changed password or a removed user is refused at once by every core.
   */
  adminAuthCacheTtlMs: number;
  /** POWERAUTH_ADMIN_AUTH_CACHE_MAX_ENTRIES: most remembered admin logins (default 1000); the oldest goes first. */
  adminAuthCacheMaxEntries: number;
  /** POWERAUTH_ADMIN_LOGIN_MAX_FAILURES: failed logins of one username per window before 429 (default 5). */
  adminLoginMaxFailures: number;
  /** POWERAUTH_ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS: failed logins from one client address per window before 429 (default 20). */
  adminLoginMaxFailuresPerAddress: number;
  /** POWERAUTH_ADMIN_LOGIN_FAILURE_WINDOW_MS: the failure window, from its first failure (default 60 s); also the longest Retry-After. */
  adminLoginFailureWindowMs: number;
  /**
   * POWERAUTH_ADMIN_LOGIN_MAX_IN_FLIGHT: Argon2 password checks one username, and one client address, may have
   * running at once (default 2), so one source cannot fill the Argon2 pool with wrong passwords.
   */
  adminLoginMaxInFlight: number;
  /**
   * POWERAUTH_TRUSTED_GATEWAY_ADDRESSES: peers (comma-separated IPs, default the loopback addresses) whose
   * `x-powerauth-client-address` metadata is believed; for any other peer the peer's own address is the client.
   */
  trustedGatewayAddresses: string[];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  return refuseUnauthenticatedExposure({
    host: env.CORE_HOST || "127.0.0.1",
    port: parsePort(env.CORE_PORT, 50051, "CORE_PORT"),
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: parseInteger(env.DATABASE_POOL_SIZE, 20, "DATABASE_POOL_SIZE", 1, 10_000),
    databaseConnectTimeoutMs: parseInteger(env.DATABASE_CONNECT_TIMEOUT_MS, 5000, "DATABASE_CONNECT_TIMEOUT_MS", 1, 600_000),
    databaseStatementTimeoutMs: parseInteger(env.DATABASE_STATEMENT_TIMEOUT_MS, 30_000, "DATABASE_STATEMENT_TIMEOUT_MS", 0, 86_400_000),
    databaseLockTimeoutMs: parseInteger(env.DATABASE_LOCK_TIMEOUT_MS, 10_000, "DATABASE_LOCK_TIMEOUT_MS", 0, 86_400_000),
    databaseTcpKeepalive: parseBoolean(env.DATABASE_TCP_KEEPALIVE, true, "DATABASE_TCP_KEEPALIVE"),
    pgliteDir: env.PGLITE_DIR || undefined,
    ...parseMasterDbKeys(env),
    restrictAccess: parseBoolean(env.POWERAUTH_RESTRICT_ACCESS, false, "POWERAUTH_RESTRICT_ACCESS"),
    allowUnauthenticated: parseBoolean(env.POWERAUTH_ALLOW_UNAUTHENTICATED, false, "POWERAUTH_ALLOW_UNAUTHENTICATED"),
    shutdownTimeoutMs: parseInteger(env.POWERAUTH_SHUTDOWN_TIMEOUT_MS, 10_000, "POWERAUTH_SHUTDOWN_TIMEOUT_MS", 0, 600_000),
    adminUsername: env.POWERAUTH_ADMIN_USERNAME || undefined,
    adminPassword: env.POWERAUTH_ADMIN_PASSWORD || undefined,
    serviceBaseUrl: env.POWERAUTH_SERVICE_BASE_URL || "http://localhost:8080/enrollment-server/",
    applicationName: env.POWERAUTH_APPLICATION_NAME || "powerauth-server",
    applicationDisplayName: env.POWERAUTH_APPLICATION_DISPLAY_NAME || "PowerAuth Server",
    applicationEnvironment: env.POWERAUTH_APPLICATION_ENVIRONMENT || "",
    activationValidityMs: parseInteger(env.POWERAUTH_ACTIVATION_VALIDITY_MS, 120_000, "POWERAUTH_ACTIVATION_VALIDITY_MS", 1),
    signatureMaxFailedAttempts: parseInteger(env.POWERAUTH_SIGNATURE_MAX_FAILED_ATTEMPTS, 5, "POWERAUTH_SIGNATURE_MAX_FAILED_ATTEMPTS", 1),
    recoveryMaxFailedAttempts: parseInteger(env.POWERAUTH_RECOVERY_MAX_FAILED_ATTEMPTS, 5, "POWERAUTH_RECOVERY_MAX_FAILED_ATTEMPTS", 1, 1_000_000),
    signatureValidationLookahead: parseInteger(
      env.POWERAUTH_SIGNATURE_VALIDATION_LOOKAHEAD,
      20,
      "POWERAUTH_SIGNATURE_VALIDATION_LOOKAHEAD",
      1,
      64,
    ),
    tokenTimestampValidityMs: parseInteger(env.POWERAUTH_TOKEN_TIMESTAMP_VALIDITY_MS, 7_200_000, "POWERAUTH_TOKEN_TIMESTAMP_VALIDITY_MS", 1),
    tokenTimestampForwardValidityMs: parseInteger(
      env.POWERAUTH_TOKEN_TIMESTAMP_FORWARD_VALIDITY_MS,
      1_800_000,
      "POWERAUTH_TOKEN_TIMESTAMP_FORWARD_VALIDITY_MS",
      0,
    ),
    secureVaultBiometricAuthentication: parseBoolean(
      env.POWERAUTH_SECURE_VAULT_ENABLE_BIOMETRIC_AUTHENTICATION,
      false,
      "POWERAUTH_SECURE_VAULT_ENABLE_BIOMETRIC_AUTHENTICATION",
    ),
    eciesDecryptorVersion: parseEciesVersion(env.POWERAUTH_ECIES_DECRYPTOR_VERSION),
    activationExpiryJobIntervalMs: parseInteger(
      env.POWERAUTH_ACTIVATION_EXPIRY_JOB_INTERVAL_MS,
      5_000,
      "POWERAUTH_ACTIVATION_EXPIRY_JOB_INTERVAL_MS",
      0,
    ),
    operationExpiryJobIntervalMs: parseInteger(env.POWERAUTH_OPERATION_EXPIRY_JOB_INTERVAL_MS, 5_000, "POWERAUTH_OPERATION_EXPIRY_JOB_INTERVAL_MS", 0),
    uniqueValueCleanupIntervalMs: parseInteger(
      env.POWERAUTH_UNIQUE_VALUE_CLEANUP_INTERVAL_MS,
      60_000,
      "POWERAUTH_UNIQUE_VALUE_CLEANUP_INTERVAL_MS",
      0,
      2 ** 31 - 1,
    ),
    signatureAuditRetentionDays: parseInteger(env.POWERAUTH_SIGNATURE_AUDIT_RETENTION_DAYS, 365, "POWERAUTH_SIGNATURE_AUDIT_RETENTION_DAYS", 0, 36_500),
    activationHistoryRetentionDays: parseInteger(env.POWERAUTH_ACTIVATION_HISTORY_RETENTION_DAYS, 365, "POWERAUTH_ACTIVATION_HISTORY_RETENTION_DAYS", 0, 36_500),
    auditRetentionJobIntervalMs: parseInteger(env.POWERAUTH_AUDIT_RETENTION_JOB_INTERVAL_MS, 600_000, "POWERAUTH_AUDIT_RETENTION_JOB_INTERVAL_MS", 0, 2 ** 31 - 1),
    auditRetentionBatchSize: parseInteger(env.POWERAUTH_AUDIT_RETENTION_BATCH_SIZE, 1000, "POWERAUTH_AUDIT_RETENTION_BATCH_SIZE", 1, 100_000),
    auditRetentionBatchPauseMs: parseInteger(env.POWERAUTH_AUDIT_RETENTION_BATCH_PAUSE_MS, 200, "POWERAUTH_AUDIT_RETENTION_BATCH_PAUSE_MS", 0, 600_000),
    maxConnections: parseInteger(env.CORE_MAX_CONNECTIONS, 1000, "CORE_MAX_CONNECTIONS", 1),
    http2MaxConcurrentStreams: parseInteger(env.CORE_HTTP2_MAX_CONCURRENT_STREAMS, 100, "CORE_HTTP2_MAX_CONCURRENT_STREAMS", 1, 2 ** 31 - 1),
    maxOpenStreams: parseInteger(env.CORE_MAX_OPEN_STREAMS, 10_000, "CORE_MAX_OPEN_STREAMS", 1),
    maxHeaderBytes: parseInteger(env.CORE_MAX_HEADER_BYTES, 16_384, "CORE_MAX_HEADER_BYTES", 1024, 2 ** 31 - 1),
    streamIdleTimeoutMs: parseInteger(env.CORE_STREAM_IDLE_TIMEOUT_MS, 30_000, "CORE_STREAM_IDLE_TIMEOUT_MS", 1, 2 ** 31 - 1),
    idleTimeoutMs: parseInteger(env.CORE_IDLE_TIMEOUT_MS, 60_000, "CORE_IDLE_TIMEOUT_MS", 1, 2 ** 31 - 1),
    ...parseRequestTimeouts(env),
    callbackDefaultMaxAttempts: parseInteger(env.POWERAUTH_CALLBACK_DEFAULT_MAX_ATTEMPTS, 1, "POWERAUTH_CALLBACK_DEFAULT_MAX_ATTEMPTS", 1, 1000),
    callbackDefaultInitialBackoff: parseDuration(env.POWERAUTH_CALLBACK_DEFAULT_INITIAL_BACKOFF, "PT2S", "POWERAUTH_CALLBACK_DEFAULT_INITIAL_BACKOFF"),
    callbackDefaultRetentionPeriod: parseDuration(env.POWERAUTH_CALLBACK_DEFAULT_RETENTION_PERIOD, "P30D", "POWERAUTH_CALLBACK_DEFAULT_RETENTION_PERIOD"),
    ...parseCallbackDelivery(env),
    argon2Threads: parseInteger(env.POWERAUTH_ARGON2_THREADS, Math.max(1, availableParallelism() - 1), "POWERAUTH_ARGON2_THREADS", 1, 256),
    argon2MaxQueue: parseInteger(env.POWERAUTH_ARGON2_MAX_QUEUE, 64, "POWERAUTH_ARGON2_MAX_QUEUE", 0, 100_000),
    adminAuthCacheTtlMs: parseInteger(env.POWERAUTH_ADMIN_AUTH_CACHE_TTL_MS, 60_000, "POWERAUTH_ADMIN_AUTH_CACHE_TTL_MS", 0, 86_400_000),
    adminAuthCacheMaxEntries: parseInteger(env.POWERAUTH_ADMIN_AUTH_CACHE_MAX_ENTRIES, 1000, "POWERAUTH_ADMIN_AUTH_CACHE_MAX_ENTRIES", 1, 1_000_000),
    adminLoginMaxFailures: parseInteger(env.POWERAUTH_ADMIN_LOGIN_MAX_FAILURES, 5, "POWERAUTH_ADMIN_LOGIN_MAX_FAILURES", 1, 1_000_000),
    adminLoginMaxFailuresPerAddress: parseInteger(
      env.POWERAUTH_ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS,
      20,
      "POWERAUTH_ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS",
      1,
      1_000_000,
    ),
    adminLoginFailureWindowMs: parseInteger(env.POWERAUTH_ADMIN_LOGIN_FAILURE_WINDOW_MS, 60_000, "POWERAUTH_ADMIN_LOGIN_FAILURE_WINDOW_MS", 1, 86_400_000),
    adminLoginMaxInFlight: parseInteger(env.POWERAUTH_ADMIN_LOGIN_MAX_IN_FLIGHT, 2, "POWERAUTH_ADMIN_LOGIN_MAX_IN_FLIGHT", 1, 10_000),
    trustedGatewayAddresses: parseAddressList(env.POWERAUTH_TRUSTED_GATEWAY_ADDRESSES, ["127.0.0.1", "::1", "::ffff:127.0.0.1"], "POWERAUTH_TRUSTED_GATEWAY_ADDRESSES"),
  });
}

/** The delivery worker's settings; the rerun time defaults to just over the longest attempt. */
function parseCallbackDelivery(env: NodeJS.ProcessEnv) {
  const callbackConnectTimeoutMs = parseInteger(env.POWERAUTH_CALLBACK_CONNECT_TIMEOUT_MS, 5_000, "POWERAUTH_CALLBACK_CONNECT_TIMEOUT_MS", 1, 2 ** 31 - 1);
  const callbackResponseTimeoutMs = parseInteger(env.POWERAUTH_CALLBACK_RESPONSE_TIMEOUT_MS, 30_000, "POWERAUTH_CALLBACK_RESPONSE_TIMEOUT_MS", 1, 2 ** 31 - 1);
  return {
    callbackDeliveryEnabled: parseBoolean(env.POWERAUTH_CALLBACK_DELIVERY_ENABLED, true, "POWERAUTH_CALLBACK_DELIVERY_ENABLED"),
    callbackFailedRetentionPeriod: parseDuration(env.POWERAUTH_CALLBACK_FAILED_RETENTION_PERIOD, "P90D", "POWERAUTH_CALLBACK_FAILED_RETENTION_PERIOD"),
    callbackMaxBackoff: parseDuration(env.POWERAUTH_CALLBACK_MAX_BACKOFF, "PT32S", "POWERAUTH_CALLBACK_MAX_BACKOFF"),
    callbackBackoffMultiplier: parseDecimal(env.POWERAUTH_CALLBACK_BACKOFF_MULTIPLIER, 1.5, "POWERAUTH_CALLBACK_BACKOFF_MULTIPLIER", 1, 10),
    callbackBackoffJitterPercent: parseInteger(env.POWERAUTH_CALLBACK_BACKOFF_JITTER_PERCENT, 20, "POWERAUTH_CALLBACK_BACKOFF_JITTER_PERCENT", 0, 100),
    callbackConnectTimeoutMs,
    callbackResponseTimeoutMs,
    callbackRerunAfterMs: parseInteger(
      env.POWERAUTH_CALLBACK_RERUN_AFTER_MS,
      callbackConnectTimeoutMs + callbackResponseTimeoutMs + 10_000,
      "POWERAUTH_CALLBACK_RERUN_AFTER_MS",
      1,
      2 ** 31 - 1,
    ),
    callbackConcurrency: parseInteger(env.POWERAUTH_CALLBACK_CONCURRENCY, 64, "POWERAUTH_CALLBACK_CONCURRENCY", 1, 10_000),
    callbackBatchSize: parseInteger(env.POWERAUTH_CALLBACK_BATCH_SIZE, 100, "POWERAUTH_CALLBACK_BATCH_SIZE", 1, 10_000),
    callbackPollIntervalMs: parseInteger(env.POWERAUTH_CALLBACK_POLL_INTERVAL_MS, 1_000, "POWERAUTH_CALLBACK_POLL_INTERVAL_MS", 10, 2 ** 31 - 1),
    callbackCircuitBreakerThreshold: parseInteger(env.POWERAUTH_CALLBACK_CIRCUIT_BREAKER_THRESHOLD, 200, "POWERAUTH_CALLBACK_CIRCUIT_BREAKER_THRESHOLD", 0, 1_000_000),
    callbackCircuitBreakerResetMs: parseInteger(env.POWERAUTH_CALLBACK_CIRCUIT_BREAKER_RESET_MS, 60_000, "POWERAUTH_CALLBACK_CIRCUIT_BREAKER_RESET_MS", 1, 2 ** 31 - 1),
    callbackCleanupIntervalMs: parseInteger(env.POWERAUTH_CALLBACK_CLEANUP_INTERVAL_MS, 60_000, "POWERAUTH_CALLBACK_CLEANUP_INTERVAL_MS", 0, 2 ** 31 - 1),
  };
}

/**
 * Restricted access is off by default, as in the reference, which is safe only while the core is reachable from
 * this machine alone: listening on any other address needs restricted access or an explicit opt-out.
 */
function refuseUnauthenticatedExposure(config: CoreConfig): CoreConfig {
  if (!config.restrictAccess && !config.allowUnauthenticated && !isLoopbackHost(config.host)) {
    throw new ConfigError(
      `CORE_HOST "${config.host}" is not a loopback address and POWERAUTH_RESTRICT_ACCESS is off: anyone who can reach the core could call it. ` +
        "Set POWERAUTH_RESTRICT_ACCESS=true (integration credentials), or POWERAUTH_ALLOW_UNAUTHENTICATED=true if a network boundary protects it.",
    );
  }
  return config;
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare) || /^::ffff:127(\.\d{1,3}){3}$/.test(bare);
}

/** Node refuses an HTTP/1.1 server whose head timeout exceeds its request timeout; say so at start instead. */
function parseRequestTimeouts(env: NodeJS.ProcessEnv): { headersTimeoutMs: number; requestTimeoutMs: number } {
  const headersTimeoutMs = parseInteger(env.CORE_HEADERS_TIMEOUT_MS, 10_000, "CORE_HEADERS_TIMEOUT_MS", 1, 2 ** 31 - 1);
  const requestTimeoutMs = parseInteger(env.CORE_REQUEST_TIMEOUT_MS, 30_000, "CORE_REQUEST_TIMEOUT_MS", 1, 2 ** 31 - 1);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`CORE_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed CORE_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  }
  return { headersTimeoutMs, requestTimeoutMs };
}

export function parsePort(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name} must be a port number 0-65535, got "${value}"`);
  }
  return port;
}

function parseInteger(value: string | undefined, fallback: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer ${min}-${max}, got "${value}"`);
  }
  return n;
}

/** An ISO-8601 duration as the Cloud Admin API takes it (see iso-duration.ts), kept as written. */
function parseDecimal(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < min || n > max) throw new ConfigError(`${name} must be a number ${min}-${max}, got "${value}"`);
  return n;
}

function parseDuration(value: string | undefined, fallback: string, name: string): string {
  if (value === undefined || value === "") return fallback;
  if (isoDurationToMs(value) === null) throw new ConfigError(`${name} must be an ISO-8601 duration such as PT2S or P30D, got "${value}"`);
  return value;
}

/** A comma-separated list of IP addresses; blanks around commas are ignored, anything not an IP is refused. */
function parseAddressList(value: string | undefined, fallback: string[], name: string): string[] {
  if (value === undefined || value === "") return fallback;
  const addresses = value.split(",").map((part) => part.trim()).filter((part) => part !== "");
  const invalid = addresses.find((address) => isIP(address) === 0);
  if (invalid !== undefined) throw new ConfigError(`${name} must be comma-separated IP addresses, got "${invalid}"`);
  return addresses;
}

function parseEciesVersion(value: string | undefined): "3.0" | "3.1" {
  if (value === undefined || value === "" || value === "3.0") return "3.0";
  if (value === "3.1") return "3.1";
  throw new ConfigError(`POWERAUTH_ECIES_DECRYPTOR_VERSION must be 3.0 or 3.1, got "${value}"`);
}

function parseBoolean(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === "") return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

function parseMasterKey(value: string | undefined): Buffer | undefined {
  if (value === undefined || value === "") return undefined;
  const key = decodeMasterKey(value);
  if (!key) throw new ConfigError("POWERAUTH_MASTER_DB_ENCRYPTION_KEY must be the Base64 of exactly 16 bytes");
  return key;
}

/** A key as Base64 of exactly 16 bytes (canonical, so a typo is not silently another key), else null. */
function decodeMasterKey(value: string): Buffer | null {
  const key = Buffer.from(value, "base64");
  return key.length === 16 && key.toString("base64") === value ? key : null;
}

/**
 * The master DB key ring and whether plaintext secrets are allowed. On PostgreSQL a missing key is refused
 * unless explicitly allowed: a bank's database (and its backups and replicas) must not hold private keys in
 * the clear by accident. The embedded database is not refused here: the core generates its key (main.ts).
 * Error messages never repeat a key.
 */
function parseMasterDbKeys(env: NodeJS.ProcessEnv): Pick<CoreConfig, "masterDbEncryptionKey" | "masterDbEncryptionPreviousKeys" | "allowPlaintextSecrets"> {
  const masterDbEncryptionKey = parseMasterKey(env.POWERAUTH_MASTER_DB_ENCRYPTION_KEY);
  const masterDbEncryptionPreviousKeys = (env.POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const key = decodeMasterKey(part);
      if (!key) throw new ConfigError("POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS must be comma-separated Base64 of exactly 16 bytes each");
      return key;
    });
  const allowPlaintextSecrets = parseBoolean(env.POWERAUTH_ALLOW_PLAINTEXT_SECRETS, false, "POWERAUTH_ALLOW_PLAINTEXT_SECRETS");
  if (masterDbEncryptionPreviousKeys.length > 0 && !masterDbEncryptionKey) {
    throw new ConfigError("POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS needs POWERAUTH_MASTER_DB_ENCRYPTION_KEY, the key new secrets are sealed with");
  }
  // Records name their key by id: two different keys with one id (a 1 in 2^32 chance) could not be told apart.
  const keys = [...(masterDbEncryptionKey ? [masterDbEncryptionKey] : []), ...masterDbEncryptionPreviousKeys];
  if (new Set(keys.map(masterDbKeyId)).size !== new Set(keys.map((key) => key.toString("hex"))).size) {
    throw new ConfigError("two of the master DB keys have the same key id; replace one of them");
  }
  if (env.DATABASE_URL && !masterDbEncryptionKey && !allowPlaintextSecrets) {
    throw new ConfigError(
      "DATABASE_URL is set but POWERAUTH_MASTER_DB_ENCRYPTION_KEY is not: private keys, token secrets and credentials would be stored in the clear. " +
        "Set POWERAUTH_MASTER_DB_ENCRYPTION_KEY to the Base64 of 16 random bytes (openssl rand -base64 16), " +
        "or POWERAUTH_ALLOW_PLAINTEXT_SECRETS=true to store them unencrypted.",
    );
  }
  return { masterDbEncryptionKey, masterDbEncryptionPreviousKeys, allowPlaintextSecrets };
}
