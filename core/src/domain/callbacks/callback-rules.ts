import { AdminError } from "../errors.ts";
import type { Violation } from "../errors.ts";

/**
 * The two kinds of callback under the one name each is stored as (`pa_application_callback.type`, the
 * reference's names). The Cloud Admin API calls the first REGISTRATION_STATUS_CHANGE; that translation
 * happens only in rpc/admin-callbacks.mapping.ts.
 */
export const CALLBACK_TYPES = ["ACTIVATION_STATUS_CHANGE", "OPERATION_STATUS_CHANGE"] as const;
export type CallbackType = (typeof CALLBACK_TYPES)[number];

/** `CLOUD`: `type`, the id and the configured attributes; `SOAP_0_22`: `{"activationId":…}` only. */
export type CallbackPayloadFormat = "CLOUD" | "SOAP_0_22";

/**
 * Attributes a callback of each type may ask for (the seed's lists). `activationId` is accepted too, as the
 * seed's update example lists it; the id is in every payload anyway.
 */
export const CALLBACK_ATTRIBUTES: Readonly<Record<CallbackType, readonly string[]>> = {
  ACTIVATION_STATUS_CHANGE: [
    "activationId",
    "userId",
    "activationName",
    "deviceInfo",
    "platform",
    "protocol",
    "activationFlags",
    "activationStatus",
    "blockedReason",
    "applicationId",
  ],
  OPERATION_STATUS_CHANGE: [
    "activationId",
    "userId",
    "applications",
    "operationType",
    "parameters",
    "additionalData",
    "activationFlag",
    "status",
    "data",
    "failureCount",
    "maxFailureCount",
    "signatureType",
    "externalId",
    "timestampCreated",
    "timestampExpires",
    "timestampFinalized",
  ],
};

/** Longest callback URL we store (browsers and proxies stop at about 2 KB too). */
export const MAX_CALLBACK_URL_LENGTH = 2048;

/**
 * Whether the core can POST to this URL: absolute, http or https, with a host, no credentials (they belong in
 * `authentication`, where they are encrypted), no whitespace. The reference's `java.net.URL` check let through
 * schemes the sender cannot use (`ftp:`, `file:`), which only failed at delivery time.
 */
export function isValidCallbackUrl(text: string): boolean {
  // The URL parser would quietly percent-encode spaces and drop tabs: a URL with them was mistyped.
  if (text.length === 0 || text.length > MAX_CALLBACK_URL_LENGTH || /[\s\u0000-\u001f\u007f]/.test(text)) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" && url.username === "" && url.password === "";
}

/**
 * The attributes as stored: each allowed one once, in the order given. An attribute the type does not know is
 * refused (ERROR_REQUEST naming its index) rather than silently dropped as the reference did, so a typo shows
 * at registration instead of as a missing field in every notification.
 */
export function requireCallbackAttributes(type: CallbackType, attributes: readonly string[]): string[] {
  const allowed = CALLBACK_ATTRIBUTES[type];
  const violations: Violation[] = [];
  attributes.forEach((attribute, i) => {
    if (!allowed.includes(attribute)) violations.push({ fieldName: `attributes[${i}]`, hint: `must be one of ${allowed.join(", ")}` });
  });
  if (violations.length > 0) throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", violations);
  return [...new Set(attributes)];
}
