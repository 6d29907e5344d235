import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";
import type { CoreConfig } from "./config.ts";

/** One environment variable: where it lands, its default, values it reads and values it refuses (with the message). */
interface Setting {
  variable: string;
  key: keyof CoreConfig;
  fallback: unknown;
  valid: [raw: string, read: unknown][];
  invalid: [raw: string, message: string][];
  /** Other variables every case sets too, for a setting whose valid range depends on another one. */
  alongside?: Record<string, string>;
}

// Builders per kind of setting, so that a new setting is one line of the table below.
const text = (variable: string, key: keyof CoreConfig, fallback: string | undefined, example: string): Setting => ({
  variable,
  key,
  fallback,
  valid: [[example, example]],
  invalid: [], // free text: the process it configures reports a bad value when it uses it
});
const port = (variable: string, key: keyof CoreConfig, fallback: number): Setting => ({
  variable,
  key,
  fallback,
  valid: [["0", 0], ["8080", 8080], ["65535", 65535]],
  invalid: ["-1", "65536", "80.5", "http"].map((raw) => [raw, `${variable} must be a port number 0-65535, got "${raw}"`]),
});
const integer = (variable: string, key: keyof CoreConfig, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): Setting => ({
  variable,
  key,
  fallback,
  valid: [[String(min), min], [String(max), max]],
  invalid: [String(min - 1), String(max + 1), "2.5", "1e3", " 7", "many"].map((raw) => [
    raw,
    `${variable} must be an integer ${min}-${max}, got "${raw}"`,
  ]),
});
const boolean = (variable: string, key: keyof CoreConfig, fallback: boolean): Setting => ({
  variable,
  key,
  fallback,
  valid: [["true", true], ["TRUE", true], ["1", true], ["yes", true], ["false", false], ["False", false], ["0", false], ["no", false]],
  invalid: ["on", "maybe"].map((raw) => [raw, `${variable} must be true or false, got "${raw}"`]),
});

const duration = (variable: string, key: keyof CoreConfig, fallback: string): Setting => ({
  variable,
  key,
  fallback,
  valid: [["PT0S", "PT0S"], ["PT1.5S", "PT1.5S"], ["P1DT2H", "P1DT2H"]],
  invalid: ["2s", "P1M", "-PT1S", "PT"].map((raw) => [raw, `${variable} must be an ISO-8601 duration such as PT2S or P30D, got "${raw}"`]),
});

const MASTER_KEY = Buffer.alloc(16, 7);
const PREVIOUS_KEYS = [Buffer.alloc(16, 8), Buffer.alloc(16, 9)];

/** Every setting of config.ts. The first test fails until a new setting has its row here. */
const settings: Setting[] = [
  text("CORE_HOST", "host", "127.0.0.1", "::1"),
  port("CORE_PORT", "port", 50051),
  {
    ...text("DATABASE_URL", "databaseUrl", undefined, "postgres://user:pass@db.example:5432/powerauth"),
    // PostgreSQL without a master DB key is refused (see below).
    alongside: { POWERAUTH_MASTER_DB_ENCRYPTION_KEY: MASTER_KEY.toString("base64") },
  },
  integer("DATABASE_POOL_SIZE", "databasePoolSize", 20, 1, 10_000),
  integer("DATABASE_CONNECT_TIMEOUT_MS", "databaseConnectTimeoutMs", 5000, 1, 600_000),
  integer("DATABASE_STATEMENT_TIMEOUT_MS", "databaseStatementTimeoutMs", 30_000, 0, 86_400_000),
  integer("DATABASE_LOCK_TIMEOUT_MS", "databaseLockTimeoutMs", 10_000, 0, 86_400_000),
  boolean("DATABASE_TCP_KEEPALIVE", "databaseTcpKeepalive", true),
  text("PGLITE_DIR", "pgliteDir", undefined, "/var/lib/powerauth/pglite"),
  {
    variable: "POWERAUTH_MASTER_DB_ENCRYPTION_KEY",
    key: "masterDbEncryptionKey",
    fallback: undefined,
    valid: [[MASTER_KEY.toString("base64"), MASTER_KEY]],
    // The message never repeats the value: it is a secret.
    invalid: [Buffer.alloc(15).toString("base64"), Buffer.alloc(32).toString("base64"), "not base64!", MASTER_KEY.toString("base64url")].map(
      (raw) => [raw, "POWERAUTH_MASTER_DB_ENCRYPTION_KEY must be the Base64 of exactly 16 bytes"],
    ),
  },
  {
    variable: "POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS",
    key: "masterDbEncryptionPreviousKeys",
    fallback: [],
    valid: [
      [PREVIOUS_KEYS[0].toString("base64"), [PREVIOUS_KEYS[0]]],
      [PREVIOUS_KEYS.map((key) => key.toString("base64")).join(", "), PREVIOUS_KEYS],
    ],
    invalid: [Buffer.alloc(15).toString("base64"), `${PREVIOUS_KEYS[0].toString("base64")},not base64!`].map((raw) => [
      raw,
      "POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS must be comma-separated Base64 of exactly 16 bytes each",
    ]),
    alongside: { POWERAUTH_MASTER_DB_ENCRYPTION_KEY: MASTER_KEY.toString("base64") },
  },
  boolean("POWERAUTH_ALLOW_PLAINTEXT_SECRETS", "allowPlaintextSecrets", false),
  boolean("POWERAUTH_RESTRICT_ACCESS", "restrictAccess", false),
  boolean("POWERAUTH_ALLOW_UNAUTHENTICATED", "allowUnauthenticated", false),
  integer("POWERAUTH_SHUTDOWN_TIMEOUT_MS", "shutdownTimeoutMs", 10_000, 0, 600_000),
  text("POWERAUTH_ADMIN_USERNAME", "adminUsername", undefined, "ops"),
  text("POWERAUTH_ADMIN_PASSWORD", "adminPassword", undefined, "ops-password"),
  text("POWERAUTH_SERVICE_BASE_URL", "serviceBaseUrl", "http://localhost:8080/enrollment-server/", "https://api.example/enrollment/"),
  text("POWERAUTH_APPLICATION_NAME", "applicationName", "powerauth-server", "pa-prod"),
  text("POWERAUTH_APPLICATION_DISPLAY_NAME", "applicationDisplayName", "PowerAuth Server", "PowerAuth (production)"),
  text("POWERAUTH_APPLICATION_ENVIRONMENT", "applicationEnvironment", "", "production"),
  integer("POWERAUTH_ACTIVATION_VALIDITY_MS", "activationValidityMs", 120_000, 1),
  integer("POWERAUTH_SIGNATURE_MAX_FAILED_ATTEMPTS", "signatureMaxFailedAttempts", 5, 1),
  integer("POWERAUTH_RECOVERY_MAX_FAILED_ATTEMPTS", "recoveryMaxFailedAttempts", 5, 1, 1_000_000),
  integer("POWERAUTH_SIGNATURE_VALIDATION_LOOKAHEAD", "signatureValidationLookahead", 20, 1, 64),
  integer("POWERAUTH_TOKEN_TIMESTAMP_VALIDITY_MS", "tokenTimestampValidityMs", 7_200_000, 1),
  integer("POWERAUTH_TOKEN_TIMESTAMP_FORWARD_VALIDITY_MS", "tokenTimestampForwardValidityMs", 1_800_000, 0),
  boolean("POWERAUTH_SECURE_VAULT_ENABLE_BIOMETRIC_AUTHENTICATION", "secureVaultBiometricAuthentication", false),
  {
    variable: "POWERAUTH_ECIES_DECRYPTOR_VERSION",
    key: "eciesDecryptorVersion",
    fallback: "3.0",
    valid: [["3.0", "3.0"], ["3.1", "3.1"]],
    invalid: ["3.2", "3", "v3.1"].map((raw) => [raw, `POWERAUTH_ECIES_DECRYPTOR_VERSION must be 3.0 or 3.1, got "${raw}"`]),
  },
  integer("POWERAUTH_ACTIVATION_EXPIRY_JOB_INTERVAL_MS", "activationExpiryJobIntervalMs", 5_000, 0),
  integer("POWERAUTH_OPERATION_EXPIRY_JOB_INTERVAL_MS", "operationExpiryJobIntervalMs", 5_000, 0),
  integer("POWERAUTH_UNIQUE_VALUE_CLEANUP_INTERVAL_MS", "uniqueValueCleanupIntervalMs", 60_000, 0, 2 ** 31 - 1),
  integer("POWERAUTH_SIGNATURE_AUDIT_RETENTION_DAYS", "signatureAuditRetentionDays", 365, 0, 36_500),
  integer("POWERAUTH_ACTIVATION_HISTORY_RETENTION_DAYS", "activationHistoryRetentionDays", 365, 0, 36_500),
  integer("POWERAUTH_AUDIT_RETENTION_JOB_INTERVAL_MS", "auditRetentionJobIntervalMs", 600_000, 0, 2 ** 31 - 1),
  integer("POWERAUTH_AUDIT_RETENTION_BATCH_SIZE", "auditRetentionBatchSize", 1000, 1, 100_000),
  integer("POWERAUTH_AUDIT_RETENTION_BATCH_PAUSE_MS", "auditRetentionBatchPauseMs", 200, 0, 600_000),
  integer("CORE_MAX_CONNECTIONS", "maxConnections", 1000, 1),
  integer("CORE_HTTP2_MAX_CONCURRENT_STREAMS", "http2MaxConcurrentStreams", 100, 1, 2 ** 31 - 1),
  integer("CORE_MAX_OPEN_STREAMS", "maxOpenStreams", 10_000, 1),
  integer("CORE_MAX_HEADER_BYTES", "maxHeaderBytes", 16_384, 1024, 2 ** 31 - 1),
  integer("CORE_STREAM_IDLE_TIMEOUT_MS", "streamIdleTimeoutMs", 30_000, 1, 2 ** 31 - 1),
  integer("CORE_IDLE_TIMEOUT_MS", "idleTimeoutMs", 60_000, 1, 2 ** 31 - 1),
  { ...integer("CORE_HEADERS_TIMEOUT_MS", "headersTimeoutMs", 10_000, 1, 2 ** 31 - 1), alongside: { CORE_REQUEST_TIMEOUT_MS: String(2 ** 31 - 1) } },
  { ...integer("CORE_REQUEST_TIMEOUT_MS", "requestTimeoutMs", 30_000, 1, 2 ** 31 - 1), alongside: { CORE_HEADERS_TIMEOUT_MS: "1" } },
  integer("POWERAUTH_CALLBACK_DEFAULT_MAX_ATTEMPTS", "callbackDefaultMaxAttempts", 1, 1, 1000),
  duration("POWERAUTH_CALLBACK_DEFAULT_INITIAL_BACKOFF", "callbackDefaultInitialBackoff", "PT2S"),
  duration("POWERAUTH_CALLBACK_DEFAULT_RETENTION_PERIOD", "callbackDefaultRetentionPeriod", "P30D"),
  boolean("POWERAUTH_CALLBACK_DELIVERY_ENABLED", "callbackDeliveryEnabled", true),
  duration("POWERAUTH_CALLBACK_FAILED_RETENTION_PERIOD", "callbackFailedRetentionPeriod", "P90D"),
  duration("POWERAUTH_CALLBACK_MAX_BACKOFF", "callbackMaxBackoff", "PT32S"),
  {
    variable: "POWERAUTH_CALLBACK_BACKOFF_MULTIPLIER",
    key: "callbackBackoffMultiplier",
    fallback: 1.5,
    valid: [["1", 1], ["2.25", 2.25], ["10", 10]],
    invalid: ["0.5", "10.5", "-2", "1e1", "x"].map((raw) => [raw, `POWERAUTH_CALLBACK_BACKOFF_MULTIPLIER must be a number 1-10, got "${raw}"`]),
  },
  integer("POWERAUTH_CALLBACK_BACKOFF_JITTER_PERCENT", "callbackBackoffJitterPercent", 20, 0, 100),
  // The rerun time defaults to the two timeouts + 10 s; pinned here so each row changes one key.
  { ...integer("POWERAUTH_CALLBACK_CONNECT_TIMEOUT_MS", "callbackConnectTimeoutMs", 5_000, 1, 2 ** 31 - 1), alongside: { POWERAUTH_CALLBACK_RERUN_AFTER_MS: "45000" } },
  { ...integer("POWERAUTH_CALLBACK_RESPONSE_TIMEOUT_MS", "callbackResponseTimeoutMs", 30_000, 1, 2 ** 31 - 1), alongside: { POWERAUTH_CALLBACK_RERUN_AFTER_MS: "45000" } },
  integer("POWERAUTH_CALLBACK_RERUN_AFTER_MS", "callbackRerunAfterMs", 45_000, 1, 2 ** 31 - 1),
  integer("POWERAUTH_CALLBACK_CONCURRENCY", "callbackConcurrency", 64, 1, 10_000),
  integer("POWERAUTH_CALLBACK_BATCH_SIZE", "callbackBatchSize", 100, 1, 10_000),
  integer("POWERAUTH_CALLBACK_POLL_INTERVAL_MS", "callbackPollIntervalMs", 1_000, 10, 2 ** 31 - 1),
  integer("POWERAUTH_CALLBACK_CIRCUIT_BREAKER_THRESHOLD", "callbackCircuitBreakerThreshold", 200, 0, 1_000_000),
  integer("POWERAUTH_CALLBACK_CIRCUIT_BREAKER_RESET_MS", "callbackCircuitBreakerResetMs", 60_000, 1, 2 ** 31 - 1),
  integer("POWERAUTH_CALLBACK_CLEANUP_INTERVAL_MS", "callbackCleanupIntervalMs", 60_000, 0, 2 ** 31 - 1),
  integer("POWERAUTH_ARGON2_THREADS", "argon2Threads", Math.max(1, availableParallelism() - 1), 1, 256),
  integer("POWERAUTH_ARGON2_MAX_QUEUE", "argon2MaxQueue", 64, 0, 100_000),
  integer("POWERAUTH_ADMIN_AUTH_CACHE_TTL_MS", "adminAuthCacheTtlMs", 60_000, 0, 86_400_000),
  integer("POWERAUTH_ADMIN_AUTH_CACHE_MAX_ENTRIES", "adminAuthCacheMaxEntries", 1000, 1, 1_000_000),
  integer("POWERAUTH_ADMIN_LOGIN_MAX_FAILURES", "adminLoginMaxFailures", 5, 1, 1_000_000),
  integer("POWERAUTH_ADMIN_LOGIN_MAX_FAILURES_PER_ADDRESS", "adminLoginMaxFailuresPerAddress", 20, 1, 1_000_000),
  integer("POWERAUTH_ADMIN_LOGIN_FAILURE_WINDOW_MS", "adminLoginFailureWindowMs", 60_000, 1, 86_400_000),
  integer("POWERAUTH_ADMIN_LOGIN_MAX_IN_FLIGHT", "adminLoginMaxInFlight", 2, 1, 10_000),
  {
    variable: "POWERAUTH_TRUSTED_GATEWAY_ADDRESSES",
    key: "trustedGatewayAddresses",
    fallback: ["127.0.0.1", "::1", "::ffff:127.0.0.1"],
    valid: [["10.0.0.7", ["10.0.0.7"]], ["10.0.0.7, fd00::2", ["10.0.0.7", "fd00::2"]]],
    invalid: ["gateway.local", "10.0.0.7,10.0.0"].map((raw) => [
      raw,
      `POWERAUTH_TRUSTED_GATEWAY_ADDRESSES must be comma-separated IP addresses, got "${raw.split(",").pop()}"`,
    ]),
  },
];

const readCases = settings.flatMap(({ variable, key, valid, alongside = {} }) =>
  valid.map(([raw, read]) => ({ variable, key, raw, read, alongside })),
);
const refusedCases = settings.flatMap(({ variable, invalid, alongside = {} }) =>
  invalid.map(([raw, message]) => ({ variable, raw, message, alongside })),
);

describe("loadConfig()", () => {
  it("has a row in the table for every setting", () => {
    expect(settings.map((setting) => setting.key).sort()).toEqual(Object.keys(loadConfig({})).sort());
    expect(new Set(settings.map((setting) => setting.variable)).size).toBe(settings.length);
  });

  it.each(settings)("uses the default of $variable when it is unset or empty", ({ variable, key, fallback, alongside = {} }) => {
    expect(loadConfig(alongside)[key]).toEqual(fallback);
    expect(loadConfig({ ...alongside, [variable]: "" })[key]).toEqual(fallback);
  });

  it.each(readCases)("reads $variable=\"$raw\" into $key and changes nothing else", ({ variable, key, raw, read, alongside }) => {
    expect(loadConfig({ ...alongside, [variable]: raw })).toEqual({ ...loadConfig(alongside), [key]: read });
  });

  it.each(refusedCases)("refuses $variable=\"$raw\" with a ConfigError that names it", ({ variable, raw, message, alongside }) => {
    const refuse = () => loadConfig({ ...alongside, [variable]: raw });
    expect(refuse).toThrow(ConfigError);
    expect(refuse).toThrow(message);
  });

  it("refuses a CORE_HEADERS_TIMEOUT_MS above CORE_REQUEST_TIMEOUT_MS, which Node's HTTP server would reject", () => {
    expect(() => loadConfig({ CORE_HEADERS_TIMEOUT_MS: "40000" })).toThrow(
      new ConfigError("CORE_HEADERS_TIMEOUT_MS (40000) must not exceed CORE_REQUEST_TIMEOUT_MS (30000)"),
    );
    expect(loadConfig({ CORE_HEADERS_TIMEOUT_MS: "5000", CORE_REQUEST_TIMEOUT_MS: "5000" }).requestTimeoutMs).toBe(5000);
  });
});

describe("CORE_HOST without restricted access", () => {
  it("listens on loopback addresses without credentials", () => {
    for (const host of ["127.0.0.1", "127.10.0.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) {
      expect(loadConfig({ CORE_HOST: host }).host).toBe(host);
    }
  });

  it("refuses any other address unless access is restricted or the opt-out is set", () => {
    for (const host of ["0.0.0.0", "::", "10.1.2.3", "core.bank.example", "128.0.0.1"]) {
      expect(() => loadConfig({ CORE_HOST: host })).toThrow(
        new ConfigError(
          `CORE_HOST "${host}" is not a loopback address and POWERAUTH_RESTRICT_ACCESS is off: anyone who can reach the core could call it. ` +
            "Set POWERAUTH_RESTRICT_ACCESS=true (integration credentials), or POWERAUTH_ALLOW_UNAUTHENTICATED=true if a network boundary protects it.",
        ),
      );
      expect(loadConfig({ CORE_HOST: host, POWERAUTH_RESTRICT_ACCESS: "true" }).host).toBe(host);
      expect(loadConfig({ CORE_HOST: host, POWERAUTH_ALLOW_UNAUTHENTICATED: "true" }).host).toBe(host);
    }
  });
});

describe("secrets at rest on PostgreSQL", () => {
  const DATABASE_URL = "postgres://user:pass@db.example:5432/powerauth";

  it("refuses to start without a master DB key unless plaintext secrets are explicitly allowed", () => {
    expect(() => loadConfig({ DATABASE_URL })).toThrow(
      new ConfigError(
        "DATABASE_URL is set but POWERAUTH_MASTER_DB_ENCRYPTION_KEY is not: private keys, token secrets and credentials would be stored in the clear. " +
          "Set POWERAUTH_MASTER_DB_ENCRYPTION_KEY to the Base64 of 16 random bytes (openssl rand -base64 16), " +
          "or POWERAUTH_ALLOW_PLAINTEXT_SECRETS=true to store them unencrypted.",
      ),
    );
    expect(loadConfig({ DATABASE_URL, POWERAUTH_ALLOW_PLAINTEXT_SECRETS: "true" }).masterDbEncryptionKey).toBeUndefined();
    expect(loadConfig({ DATABASE_URL, POWERAUTH_MASTER_DB_ENCRYPTION_KEY: MASTER_KEY.toString("base64") }).masterDbEncryptionKey).toEqual(MASTER_KEY);
  });

  it("refuses previous keys without a current key to seal with", () => {
    expect(() => loadConfig({ POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS: PREVIOUS_KEYS[0].toString("base64") })).toThrow(
      "POWERAUTH_MASTER_DB_ENCRYPTION_PREVIOUS_KEYS needs POWERAUTH_MASTER_DB_ENCRYPTION_KEY",
    );
  });
});

describe("POWERAUTH_CALLBACK_RERUN_AFTER_MS", () => {
  it("defaults to just over the longest attempt: connect + response timeout + 10 s", () => {
    const config = loadConfig({ POWERAUTH_CALLBACK_CONNECT_TIMEOUT_MS: "2000", POWERAUTH_CALLBACK_RESPONSE_TIMEOUT_MS: "3000" });
    expect(config.callbackRerunAfterMs).toBe(15_000);
  });
});
