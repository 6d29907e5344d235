import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { SignatureType as ProtoSignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { decodeBase64 } from "../crypto/bytes.ts";
import type { EciesRequest } from "../crypto/ecies.ts";
import { SIGNATURE_TYPES } from "../crypto/multi-factor-signature.ts";
import type { SignatureType } from "../crypto/multi-factor-signature.ts";
import { invalidRequest } from "./errors.ts";

/**
 * Boundary checks shared by the handlers: anything malformed is refused with ERR0024 before the domain runs.
 * Limits are generous but finite, so a caller cannot make the core store or hash megabytes.
 */
const MAX_TEXT_LENGTH = 255;

export function requireText(value: string | undefined, field: string, maxLength = MAX_TEXT_LENGTH): string {
  if (value === undefined || value.trim() === "") throw invalidRequest(`${field} is required`);
  if (value.length > maxLength) throw invalidRequest(`${field} is longer than ${maxLength} characters`);
  return value;
}

export function optionalText(value: string | undefined, field: string, maxLength = MAX_TEXT_LENGTH): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (value.length > maxLength) throw invalidRequest(`${field} is longer than ${maxLength} characters`);
  return value;
}

/** A database id carried as int64: positive and within JavaScript's safe integer range. */
export function requireId(value: bigint | undefined, field: string): number {
  if (value === undefined || value <= 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalidRequest(`${field} must be a positive id`);
  }
  return Number(value);
}

/** Strict standard Base64 (as the reference's decoder): anything else is ERR0024. `length` pins the byte count. */
export function requireBase64(value: string | undefined, field: string, options: { length?: number; allowEmpty?: boolean } = {}): Buffer {
  if (value === undefined || (value === "" && !options.allowEmpty)) throw invalidRequest(`${field} is required`);
  let bytes: Buffer;
  try {
    bytes = decodeBase64(value, field);
  } catch {
    throw invalidRequest(`${field} is not valid Base64`);
  }
  if (options.length !== undefined && bytes.byteLength !== options.length) {
    throw invalidRequest(`${field} must be ${options.length} bytes`);
  }
  return bytes;
}

export function optionalBase64(value: string | undefined, field: string, options: { length?: number } = {}): Buffer | undefined {
  if (value === undefined || value === "") return undefined;
  return requireBase64(value, field, options);
}

/** The six signature types by their proto enum; UNSPECIFIED or an unknown number is ERR0024. */
export function requireSignatureType(value: ProtoSignatureType | undefined, field = "signatureType"): SignatureType {
  const name = value === undefined ? undefined : ProtoSignatureType[value];
  const found = SIGNATURE_TYPES.find((type) => type === name);
  if (!found) throw invalidRequest(`${field} is required`);
  return found;
}

export function requireTimestamp(value: Timestamp | undefined, field: string): Date {
  if (!value) throw invalidRequest(`${field} is required`);
  return timestampDate(value);
}

export function optionalTimestamp(value: Timestamp | undefined): Date | undefined {
  return value ? timestampDate(value) : undefined;
}

/** An optional positive int64 (an application id filter, maxFailureCount); when present it must be valid. */
export function optionalPositive(value: bigint | undefined, field: string): number | undefined {
  return value === undefined ? undefined : requireId(value, field);
}

/** A signed 64-bit integer that must fit JavaScript numbers (timestamps, counters). */
export function requireSafeInteger(value: bigint, field: string): number {
  if (value < BigInt(Number.MIN_SAFE_INTEGER) || value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidRequest(`${field} is out of range`);
  return Number(value);
}

/** The ECIES fields of a request (3.1 adds a 16-byte nonce), decoded. */
export function requireEciesRequest(request: { ephemeralPublicKey: string; encryptedData: string; mac: string; nonce?: string }): EciesRequest {
  return {
    ephemeralPublicKey: requireBase64(request.ephemeralPublicKey, "ephemeralPublicKey"),
    encryptedData: requireBase64(request.encryptedData, "encryptedData"),
    mac: requireBase64(request.mac, "mac", { length: 32 }),
    nonce: optionalBase64(request.nonce, "nonce", { length: 16 }) ?? null,
  };
}
