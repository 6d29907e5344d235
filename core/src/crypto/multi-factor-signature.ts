import { createHmac } from "node:crypto";
import { constantTimeEqualStrings, encodeBase64, utf8 } from "./bytes.ts";
import { CryptoError } from "./errors.ts";

/** SOAP signature types; the order of factors inside each is normative. */
export const SIGNATURE_TYPES = [
  "POSSESSION",
  "KNOWLEDGE",
  "BIOMETRY",
  "POSSESSION_KNOWLEDGE",
  "POSSESSION_BIOMETRY",
  "POSSESSION_KNOWLEDGE_BIOMETRY",
] as const;
/** A SOAP `SignatureType` value. */
export type SignatureType = (typeof SIGNATURE_TYPES)[number];

/** Decimal (2.x, 3.0 online, all offline) or Base64 (3.1+ online). */
export type SignatureFormat = "DECIMAL" | "BASE64";

/** The three factor keys of an activation. */
export interface SignatureFactorKeys {
  readonly possession: Uint8Array;
  readonly knowledge: Uint8Array;
  readonly biometry: Uint8Array;
}

/** Is `value` one of {@link SIGNATURE_TYPES}? Accepts the header's lower-case spelling too. */
export function parseSignatureType(value: string): SignatureType {
  const upper = value.toUpperCase();
  const found = SIGNATURE_TYPES.find((t) => t === upper);
  if (!found) throw new CryptoError("INVALID_INPUT", "unknown signature type");
  return found;
}

/** Ordered key list for a signature type: possession, knowledge, biometry. */
export function signatureKeysForType(type: SignatureType, keys: SignatureFactorKeys): Uint8Array[] {
  switch (type) {
    case "POSSESSION":
      return [keys.possession];
    case "KNOWLEDGE":
      return [keys.knowledge];
    case "BIOMETRY":
      return [keys.biometry];
    case "POSSESSION_KNOWLEDGE":
      return [keys.possession, keys.knowledge];
    case "POSSESSION_BIOMETRY":
      return [keys.possession, keys.biometry];
    case "POSSESSION_KNOWLEDGE_BIOMETRY":
      return [keys.possession, keys.knowledge, keys.biometry];
  }
}

/**
 * Format for a client's `pa_version` / SOAP `signatureVersion`: "2.0", "2.1",
 * "3.0" (or absent) → decimal; "3.1" and any higher number → Base64.
 */
export function signatureFormatForVersion(version: string | undefined): SignatureFormat {
  if (version === undefined || version === "" || version === "2.0" || version === "2.1" || version === "3.0") {
    return "DECIMAL";
  }
  const n = Number(version);
  if (Number.isFinite(n) && n >= 3.1) return "BASE64";
  throw new CryptoError("INVALID_INPUT", "unsupported signature version");
}

function hmac(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/**
 * The 32-byte components C[i] of a multi-factor signature:
 * X = HMAC(K[i], CTR); X = HMAC(HMAC(K[j+1], CTR), X) for j < i; C[i] = HMAC(X, D).
 * The inner loop's K[j+1] (not K[j]) is the reference's quirk and normative.
 */
export function computeSignatureComponents(keys: readonly Uint8Array[], ctrData: Uint8Array, data: Uint8Array): Buffer[] {
  if (keys.length < 1 || keys.length > 3) throw new CryptoError("INVALID_INPUT", "signature needs 1 to 3 keys");
  if (ctrData.byteLength !== 16) throw new CryptoError("INVALID_INPUT", "counter data must be 16 bytes");
  const keyed = keys.map((k) => hmac(k, ctrData));
  const components: Buffer[] = [];
  for (let i = 0; i < keys.length; i++) {
    let x = keyed[i];
    for (let j = 0; j < i; j++) x = hmac(keyed[j + 1], x);
    components.push(hmac(x, data));
  }
  return components;
}

/** Decimal format: each component's last 4 bytes & 0x7FFFFFFF mod 10^L, joined by '-'. */
export function formatSignatureDecimal(components: readonly Uint8Array[], componentLength = 8): string {
  if (!Number.isInteger(componentLength) || componentLength < 4 || componentLength > 8) {
    throw new CryptoError("INVALID_INPUT", "signature component length must be 4 to 8");
  }
  const modulo = 10 ** componentLength;
  return components
    .map((c) => {
      const v = ((c[28] << 24) | (c[29] << 16) | (c[30] << 8) | c[31]) & 0x7fffffff;
      return String(v % modulo).padStart(componentLength, "0");
    })
    .join("-");
}

/** Base64 format: the last 16 bytes of each component, concatenated. */
export function formatSignatureBase64(components: readonly Uint8Array[]): string {
  return encodeBase64(Buffer.concat(components.map((c) => c.subarray(16, 32))));
}

/** Computes a signature in the given format (component length only matters for decimal). */
export function computeSignature(
  keys: readonly Uint8Array[],
  ctrData: Uint8Array,
  data: Uint8Array,
  format: SignatureFormat,
  componentLength = 8,
): string {
  const components = computeSignatureComponents(keys, ctrData, data);
  return format === "DECIMAL" ? formatSignatureDecimal(components, componentLength) : formatSignatureBase64(components);
}

/** Constant-time check of a supplied signature string against the expected one. */
export function verifySignature(
  keys: readonly Uint8Array[],
  ctrData: Uint8Array,
  data: Uint8Array,
  signature: string,
  format: SignatureFormat,
  componentLength = 8,
): boolean {
  return constantTimeEqualStrings(computeSignature(keys, ctrData, data, format, componentLength), signature);
}

/**
 * REQUEST_DATA as clients normalize it: `METHOD&B64(uriId)&nonceB64&B64(body)`
 * (empty body → empty last part).
 */
export function normalizeSignatureData(method: string, uriId: string, nonceBase64: string, body: Uint8Array): string {
  const bodyPart = body.byteLength === 0 ? "" : encodeBase64(body);
  return `${method.toUpperCase()}&${encodeBase64(utf8(uriId))}&${nonceBase64}&${bodyPart}`;
}

/** The bytes an online signature covers: `u8(REQUEST_DATA + "&" + applicationSecret)`. */
export function onlineSignatureBaseData(requestData: string, applicationSecret: string): Buffer {
  return utf8(`${requestData}&${applicationSecret}`);
}

/** The bytes an offline signature covers: `u8(data + "&offline")`. */
export function offlineSignatureBaseData(data: string): Buffer {
  return utf8(`${data}&offline`);
}
