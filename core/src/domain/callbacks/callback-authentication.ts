import { utf8 } from "../../crypto/bytes.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import type { MasterDbKeys } from "../secrets/master-db-keys.ts";
import { encryptionModeName, openSecret, sealSecret } from "../secrets/sealed-secret.ts";
import { CALLBACK_AUTHENTICATION } from "../secrets/secret-kinds.ts";

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

/** The stored columns of a callback's authentication. */
export interface SealedCallbackAuthentication {
  authentication: string;
  encryptionMode: CallbackEncryptionMode;
  authenticationEncryptionKeyId: string | null;
}

/**
 * The stored form of a callback's authentication: its JSON, sealed with the current master DB key bound to the
 * callback id (so a ciphertext cannot be moved to another callback's row), plain where plaintext secrets are
 * allowed. The mode and key id say which, so rows written before a key was configured, or under an older key,
 * still open.
 */
export function sealCallbackAuthentication(settings: MasterDbKeys, callbackId: string, auth: CallbackAuthentication): SealedCallbackAuthentication {
  const sealed = sealSecret(settings, CALLBACK_AUTHENTICATION, { callbackId }, utf8(JSON.stringify(auth)));
  return { authentication: sealed.stored, encryptionMode: encryptionModeName(sealed), authenticationEncryptionKeyId: sealed.keyId };
}

/**
 * A callback's authentication as {@link sealCallbackAuthentication} stored it; null when the row has none.
 * An encrypted row whose key is not configured is ERR0020, an unknown mode ERR0021, a row that does not decrypt
 * or parse ERR0022 — the same answers the activation keys give.
 */
export function openCallbackAuthentication(
  settings: MasterDbKeys,
  row: { id: string; authentication?: string | null; encryptionMode: string; authenticationEncryptionKeyId?: string | null },
): CallbackAuthentication | null {
  if (row.authentication === undefined || row.authentication === null || row.authentication === "") return null;
  const json = openSecret(settings, CALLBACK_AUTHENTICATION, { callbackId: row.id }, {
    stored: row.authentication,
    mode: row.encryptionMode,
    keyId: row.authenticationEncryptionKeyId,
  }).toString("utf8");
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
