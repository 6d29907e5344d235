/**
 * The error model of the core, defined once. Service errors carry the reference server's ERRxxxx codes and
 * English messages (clients match on both); admin errors carry the Cloud Admin API codes.
 */

/** Every ERRxxxx code the core raises, with the reference server's English message, in order. */
export const serviceErrorMessages = {
  ERR0000: "Unknown error occurred.",
  ERR0001: "No user ID was set.",
  ERR0002: "No application ID was set.",
  ERR0003: "No master server key pair configured in database.",
  ERR0004: "Master server key pair contains private key in incorrect format.",
  ERR0005: "Too many failed attempts to generate activation ID.",
  ERR0006: "Too many failed attempts to generate activation code.",
  ERR0007: "This activation is already expired.",
  ERR0008: "Incorrect activation state.",
  ERR0009: "Activation with given activation ID was not found.",
  ERR0010: "Key with invalid format was provided.",
  ERR0011: "Invalid input parameter format.",
  ERR0012: "Invalid Signature Provided.",
  ERR0013: "Unable to compute signature.",
  ERR0014: "Invalid URL format.",
  ERR0015: "Application or application version does not exist.",
  ERR0016: "Token with given token ID does not exist.",
  ERR0017: "Data encryption failed.",
  ERR0018: "Data decryption failed.",
  ERR0019: "Token was not successfully generated.",
  ERR0020: "Master DB encryption key is not configured.",
  ERR0021: "Unsupported encryption mode.",
  ERR0022: "Generic cryptography error occurred.",
  ERR0023: "Cryptography provider is initialized incorrectly.",
  ERR0024: "Invalid request received.",
  ERR0025: "Recovery code already exists.",
  ERR0026: "Too many failed attempts to generate recovery code.",
  ERR0027: "Recovery code was not found.",
  ERR0028: "Invalid recovery code.",
  ERR0029: "Recovery code configuration is missing or incomplete.",
  ERR0033: "Operation template was not found.",
  ERR0034: "Operation with given ID was not found.",
  ERR0036: "Operation is in invalid state.",
  ERR0039: "Operation template already exists.",
  ERR0043: "Duplicate application or application version.",
  ERR0044: "Token timestamp is too much in the future.",
} as const;

export type ServiceErrorCode = keyof typeof serviceErrorMessages;

/** Readable names for the codes used in domain code (the reference's ServiceError constants). */
export const ServiceErrors = {
  UNKNOWN_ERROR: "ERR0000",
  NO_USER_ID: "ERR0001",
  NO_APPLICATION_ID: "ERR0002",
  NO_MASTER_SERVER_KEYPAIR: "ERR0003",
  INCORRECT_MASTER_SERVER_KEYPAIR_PRIVATE: "ERR0004",
  UNABLE_TO_GENERATE_ACTIVATION_ID: "ERR0005",
  UNABLE_TO_GENERATE_ACTIVATION_CODE: "ERR0006",
  ACTIVATION_EXPIRED: "ERR0007",
  ACTIVATION_INCORRECT_STATE: "ERR0008",
  ACTIVATION_NOT_FOUND: "ERR0009",
  INVALID_KEY_FORMAT: "ERR0010",
  INVALID_INPUT_FORMAT: "ERR0011",
  INVALID_SIGNATURE: "ERR0012",
  UNABLE_TO_COMPUTE_SIGNATURE: "ERR0013",
  INVALID_URL_FORMAT: "ERR0014",
  INVALID_APPLICATION: "ERR0015",
  INVALID_TOKEN: "ERR0016",
  ENCRYPTION_FAILED: "ERR0017",
  DECRYPTION_FAILED: "ERR0018",
  UNABLE_TO_GENERATE_TOKEN: "ERR0019",
  MISSING_MASTER_DB_ENCRYPTION_KEY: "ERR0020",
  UNSUPPORTED_ENCRYPTION_MODE: "ERR0021",
  GENERIC_CRYPTOGRAPHY_ERROR: "ERR0022",
  INVALID_CRYPTO_PROVIDER: "ERR0023",
  INVALID_REQUEST: "ERR0024",
  RECOVERY_CODE_ALREADY_EXISTS: "ERR0025",
  UNABLE_TO_GENERATE_RECOVERY_CODE: "ERR0026",
  RECOVERY_CODE_NOT_FOUND: "ERR0027",
  INVALID_RECOVERY_CODE: "ERR0028",
  INVALID_RECOVERY_CONFIGURATION: "ERR0029",
  OPERATION_TEMPLATE_NOT_FOUND: "ERR0033",
  OPERATION_NOT_FOUND: "ERR0034",
  OPERATION_INVALID_STATE: "ERR0036",
  OPERATION_TEMPLATE_ALREADY_EXISTS: "ERR0039",
  DUPLICATE_APPLICATION: "ERR0043",
  TOKEN_TIMESTAMP_TOO_IN_FUTURE: "ERR0044",
} as const satisfies Record<string, ServiceErrorCode>;

/** A business error of the PowerAuth service API (v3/v2): becomes a SOAP fault / Connect error with ERRxxxx. */
export class ServiceError extends Error {
  readonly kind = "service";
  readonly code: ServiceErrorCode;
  /** Only for ERR0028: the PUK index the client must use next. */
  readonly currentRecoveryPukIndex?: number;

  constructor(code: ServiceErrorCode, options?: { currentRecoveryPukIndex?: number; cause?: unknown }) {
    super(serviceErrorMessages[code], { cause: options?.cause });
    this.name = "ServiceError";
    this.code = code;
    this.currentRecoveryPukIndex = options?.currentRecoveryPukIndex;
  }
}

/** One failed constraint of a request, as the Cloud Admin API reports it. */
export interface Violation {
  fieldName: string;
  hint: string;
}

/** Codes of the Cloud Admin API error envelope. */
export type AdminErrorCode = "ERROR_REQUEST" | "ERROR_ADMIN" | "ERROR_NOT_FOUND" | "ERROR_GENERIC" | "ERROR_OPERATION_NOT_FOUND";

/** A business error of the Cloud Admin API. */
export class AdminError extends Error {
  readonly kind = "admin";
  readonly code: AdminErrorCode;
  readonly violations: Violation[];

  constructor(code: AdminErrorCode, message: string, violations: Violation[] = []) {
    super(message);
    this.name = "AdminError";
    this.code = code;
    this.violations = violations;
  }
}

/** Missing or wrong credentials (integration or admin user). The message never says which part was wrong. */
export class AuthenticationError extends Error {
  readonly kind = "authentication";

  constructor(message = "Authentication failed") {
    super(message);
    this.name = "AuthenticationError";
  }
}

/** Raised when an application of that name already exists. */
export class DuplicateApplicationError extends Error {
  readonly kind = "duplicate-application";

  constructor(name: string) {
    super(`Application already exists: ${name}`);
    this.name = "DuplicateApplicationError";
  }
}

/**
 * The database cannot be reached or gave up waiting (outage, restart, connect/statement/lock timeout): the
 * request may succeed if retried, so callers are told "temporarily unavailable" rather than "unknown error".
 */
export class ServiceUnavailableError extends Error {
  readonly kind = "service-unavailable";

  constructor(options?: { cause?: unknown }) {
    super("PowerAuth service is temporarily unavailable, try again later.", options);
    this.name = "ServiceUnavailableError";
  }
}

/**
 * Too many failed logins (or checks in flight) for this username or client address. Raised before any hash
 * is computed, so it says nothing about the password; `retryAfterMs` tells the caller when to try again.
 */
export class AdminLoginThrottledError extends Error {
  readonly kind = "admin-login-throttled";
  override name = "AdminLoginThrottledError";
  readonly retryAfterMs: number;

  constructor(reason: string, retryAfterMs: number) {
    super(`Too many admin login attempts (${reason}), try again later`);
    this.retryAfterMs = Math.max(1, Math.ceil(retryAfterMs));
  }
}

/**
 * Every thread is busy and the queue is full. Raised before any work is done, so it says nothing about the
 * password: callers answer "unavailable, try later" at once instead of queueing without bound.
 */
export class Argon2QueueFullError extends Error {
  readonly kind = "ARGON2_QUEUE_FULL";
  override name = "Argon2QueueFullError";
}
