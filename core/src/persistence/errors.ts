import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { ServiceUnavailableError } from "../domain/errors.ts";

/** True when the database refused a write because of a unique index (e.g. a duplicate name). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof UniqueConstraintViolationException;
}

/** Socket-level codes (Node's `err.code`) of a connection that could not be opened or was lost. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * SQLSTATEs meaning "not now, try again": admin/crash shutdown and "cannot connect now" (57P01–57P03),
 * statement cancelled by `statement_timeout` (57014), lock not obtained within `lock_timeout` (55P03),
 * a database not accepting connections (55000 during connect, e.g. `ALLOW_CONNECTIONS false`), too many
 * connections (53300). Class 08 (connection exception) is matched by prefix.
 */
const TRANSIENT_SQLSTATES = new Set(["57P01", "57P02", "57P03", "57014", "55P03", "53300"]);

/** Messages pg and pg-pool give without a code when a connection drops or cannot be had in time. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /not currently accepting connections/i,
  /client has encountered a connection error and is not queryable/i,
  /cannot use a pool after calling end/i,
];

/**
 * The one place that decides whether a database error means "unavailable for now" rather than a bug: both
 * the raw `pg`/PGlite errors (a `code` of SQLSTATE or socket code) and MikroORM's wrappers (which copy
 * `code` and keep the message), looking through `cause` chains. Why: an outage must reach callers as
 * UNAVAILABLE, and only errors the caller can fix by retrying belong in this class.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (NETWORK_CODES.has(code) || TRANSIENT_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
      if (code === "55000" && /accepting connections/i.test(current.message)) return true;
    }
    const message = current.message;
    if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) return true;
    // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1) carries its reasons in `errors`.
    if (current instanceof AggregateError && current.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/**
 * Rethrows a database error the caller may retry as {@link ServiceUnavailableError}, anything else as is.
 * Why: the domain and RPC layers then see one domain-level error instead of driver shapes.
 */
export function translateDatabaseError(error: unknown): never {
  if (isDatabaseUnavailable(error) && !(error instanceof ServiceUnavailableError)) throw new ServiceUnavailableError({ cause: error });
  throw error;
}
