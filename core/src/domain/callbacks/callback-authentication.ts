import { utf8 } from "../../crypto/bytes.ts";
import { CryptoError } from "../../crypto/errors.ts";
import { decryptRecord, encryptRecord } from "../../crypto/record-encryption.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { ServiceSettings } from "../service-settings.ts";

/**
 * How the core authenticates itself to a callback receiver, with the secrets in clear (only ever in memory:
 * stored sealed, never returned by an API, never logged).
 */
export type CallbackAuthentication = {
  httpBasic?: { enabled: boolean; username: string; password: string | null };
  oauth2?: { enabled: boolean; clientId: string; clientSecret: string | null; tokenUri: string; scope: string | null };
};

/** `encryption_mode` values of `pa_application_callback` (the reference's names). */
export type CallbackEncryptionMode = "NO_ENCRYPTION" | "AES_HMAC";

/**
 * The stored form of a callback's authentication: its JSON, encrypted with the master DB key bound to the
 * callback id when that key is configured (so a ciphertext cannot be moved to another callback's row), plain
 * otherwise. The mode says which, so rows written before the key was configured still open.
 */
export function sealCallbackAuthentication(
  settings: Pick<ServiceSettings, "masterDbEncryptionKey">,
  callbackId: string,
  auth: CallbackAuthentication,
): { authentication: string; encryptionMode: CallbackEncryptionMode } {
  const json = JSON.stringify(auth);
  if (!settings.masterDbEncryptionKey) return { authentication: json, encryptionMode: "NO_ENCRYPTION" };
  return { authentication: encryptRecord(settings.masterDbEncryptionKey, [callbackId], utf8(json)), encryptionMode: "AES_HMAC" };
}

/**
 * A callback's authentication as {@link sealCallbackAuthentication} stored it; null when the row has none.
 * An encrypted row without a configured key is ERR0020, an unknown mode ERR0021, a row that does not decrypt
 * or parse ERR0022 — the same answers the activation keys give.
 */
export function openCallbackAuthentication(
  settings: Pick<ServiceSettings, "masterDbEncryptionKey">,
  row: { id: string; authentication?: string | null; encryptionMode: string },
): CallbackAuthentication | null {
  if (row.authentication === undefined || row.authentication === null || row.authentication === "") return null;
  let json: string;
  switch (row.encryptionMode) {
    case "NO_ENCRYPTION":
      json = row.authentication;
      break;
    case "AES_HMAC":
      if (!settings.masterDbEncryptionKey) throw new ServiceError(ServiceErrors.MISSING_MASTER_DB_ENCRYPTION_KEY);
      try {
        json = decryptRecord(settings.masterDbEncryptionKey, [row.id], row.authentication).toString("utf8");
      } catch (error) {
        if (error instanceof CryptoError) throw new ServiceError(ServiceErrors.GENERIC_CRYPTOGRAPHY_ERROR, { cause: error });
        throw error;
      }
      break;
    default:
      throw new ServiceError(ServiceErrors.UNSUPPORTED_ENCRYPTION_MODE);
  }
  try {
    return parseAuthentication(JSON.parse(json));
  } catch (error) {
    throw new ServiceError(ServiceErrors.GENERIC_CRYPTOGRAPHY_ERROR, { cause: error });
  }
}

/** Rebuilds the stored JSON field by field, so a damaged row fails here rather than in the delivery worker. */
function parseAuthentication(value: unknown): CallbackAuthentication {
  if (!isObject(value)) throw new TypeError("callback authentication is not an object");
  const result: CallbackAuthentication = {};
  if (value.httpBasic !== undefined && value.httpBasic !== null) {
    const basic = value.httpBasic;
    if (!isObject(basic) || typeof basic.enabled !== "boolean" || typeof basic.username !== "string" || !isStringOrNull(basic.password)) {
      throw new TypeError("callback authentication httpBasic is malformed");
    }
    result.httpBasic = { enabled: basic.enabled, username: basic.username, password: basic.password };
  }
  if (value.oauth2 !== undefined && value.oauth2 !== null) {
    const oauth = value.oauth2;
    if (
      !isObject(oauth) ||
      typeof oauth.enabled !== "boolean" ||
      typeof oauth.clientId !== "string" ||
      !isStringOrNull(oauth.clientSecret) ||
      typeof oauth.tokenUri !== "string" ||
      !isStringOrNull(oauth.scope)
    ) {
      throw new TypeError("callback authentication oauth2 is malformed");
    }
    result.oauth2 = { enabled: oauth.enabled, clientId: oauth.clientId, clientSecret: oauth.clientSecret, tokenUri: oauth.tokenUri, scope: oauth.scope };
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === "string";
}
