import { ScalarType } from "@bufbuild/protobuf";
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Timestamp, Value } from "@bufbuild/protobuf/wkt";
import type { Interceptor } from "@connectrpc/connect";
import { AdminService } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { CallbackEventService } from "@powerauth/proto/powerauth/callbacks/v1/callback_events_pb.js";
import { SignatureType as ProtoSignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { SignatureType as ProtoSignatureTypeV2 } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { decodeBase64 } from "../crypto/bytes.ts";
import type { EciesRequest } from "../crypto/ecies.ts";
import { SIGNATURE_TYPES, signatureFormatForVersion } from "../crypto/multi-factor-signature.ts";
import type { SignatureType } from "../crypto/multi-factor-signature.ts";
import { AdminError, ServiceError, ServiceErrors } from "../domain/errors.ts";
import { hasControlCharacter } from "../domain/text.ts";
import type { ServiceErrorCode, Violation } from "../domain/errors.ts";
import { invalidRequest } from "./errors.ts";

/**
 * Boundary checks shared by the handlers: anything malformed is refused with ERR0024 before the domain runs.
 * Limits are generous but finite, so a caller cannot make the core store or hash megabytes.
 */
const MAX_TEXT_LENGTH = 255;
/** Activation and token IDs are UUIDs; anything longer than their column cannot exist. */
const UUID_COLUMN_LENGTH = 37;
/** Signed request data and offline payload data can be long (they carry the Base64 request body). */
export const MAX_SIGNED_DATA_LENGTH = 512 * 1024;
/** The longest signature any format produces is 64 characters (3 factors, Base64). */
export const MAX_SIGNATURE_LENGTH = 255;

/** A string the domain checks itself (emptiness, length) that must still never carry a NUL or other control. */
export function withoutControlCharacters(value: string, field: string): string {
  if (hasControlCharacter(value, true)) throw invalidRequest(`${field} must not contain control characters`);
  return value;
}

export function requireText(value: string | undefined, field: string, maxLength = MAX_TEXT_LENGTH): string {
  if (value === undefined || value.trim() === "") throw invalidRequest(`${field} is required`);
  if (value.length > maxLength) throw invalidRequest(`${field} is longer than ${maxLength} characters`);
  return withoutControlCharacters(value, field);
}

export function optionalText(value: string | undefined, field: string, maxLength = MAX_TEXT_LENGTH): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (value.length > maxLength) throw invalidRequest(`${field} is longer than ${maxLength} characters`);
  return withoutControlCharacters(value, field);
}

/** Identifiers (UUIDs, codes, keys of maps): no control character at all, not even whitespace ones. */
function requireIdentifier(value: string | undefined, field: string, maxLength: number): string {
  const text = requireText(value, field, maxLength);
  if (hasControlCharacter(text)) throw invalidRequest(`${field} must not contain control characters`);
  return text;
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

/** The same six types by the v2 service's own enum (same names and numbers, a different proto type). */
export function requireSignatureTypeV2(value: ProtoSignatureTypeV2 | undefined, field = "signatureType"): SignatureType {
  const name = value === undefined ? undefined : ProtoSignatureTypeV2[value];
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

/** The status blob carries an activation's failure limit in one byte. */
const MAX_ACTIVATION_FAILURE_COUNT = 255;

/** An activation's `maxFailureCount`: absent for the configured default, else 1–255 (what the status blob can carry). */
export function optionalActivationFailureCount(value: bigint | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value < 1n || value > BigInt(MAX_ACTIVATION_FAILURE_COUNT)) {
    throw invalidRequest(`maxFailureCount must be 1-${MAX_ACTIVATION_FAILURE_COUNT}`);
  }
  return Number(value);
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

export function requireActivationId(value: string | undefined): string {
  return requireIdentifier(value, "activationId", UUID_COLUMN_LENGTH);
}

/** For requests where the activation is optional (application-scope ECIES): empty means absent. */
export function optionalActivationId(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : requireActivationId(value);
}

export function requireTokenId(value: string | undefined): string {
  return requireIdentifier(value, "tokenId", UUID_COLUMN_LENGTH);
}

/** An integration's or callback's id (a UUID). */
export function requireUuidId(value: string | undefined, field: string): string {
  return requireIdentifier(value, field, UUID_COLUMN_LENGTH);
}

/** 0 is "not set" and answered by the domain with the reference's ERR0002; negatives are malformed. */
export function applicationIdOrZero(value: bigint): number {
  if (value === 0n) return 0;
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidRequest("applicationId must be a positive id");
  return Number(value);
}

/** Absent means a 3.0 client (decimal signatures); anything else must be a version the formats know. */
export function requireSignatureVersion(value: string | undefined): string | undefined {
  const version = optionalText(value, "signatureVersion", 16);
  try {
    signatureFormatForVersion(version);
  } catch {
    throw invalidRequest("signatureVersion is not a known protocol version");
  }
  return version;
}

/** Cloud Admin ids and names: the admin API's own envelope (ERROR_REQUEST with violations), not ERR0024. */
const MAX_ADMIN_FIELD_LENGTH = 255;

const NO_CONTROL_CHARACTERS = "must not contain control characters";

export function requireAdminField(value: string, fieldName: string): string {
  const violations: Violation[] = [];
  if (value.trim() === "") violations.push({ fieldName, hint: "must not be empty" });
  else if (value.length > MAX_ADMIN_FIELD_LENGTH) violations.push({ fieldName, hint: `size must be between 1 and ${MAX_ADMIN_FIELD_LENGTH}` });
  else if (hasControlCharacter(value)) violations.push({ fieldName, hint: NO_CONTROL_CHARACTERS });
  if (violations.length > 0) throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", violations);
  return value;
}

/** The Cloud application id (its name) in the admin API's paths. */
export function requireAdminId(id: string): string {
  return requireAdminField(id, "id");
}

/** A Cloud Admin field that is missing or has no meaning here (an enum left UNSPECIFIED): ERROR_REQUEST naming it. */
export function invalidAdminField(fieldName: string, hint: string): AdminError {
  return new AdminError("ERROR_REQUEST", "Invalid method parameter value", [{ fieldName, hint }]);
}

export function requireAdminRoles(roles: string[], nonEmpty: boolean): string[] {
  if (nonEmpty && roles.length === 0) {
    throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [{ fieldName: "roles", hint: "must not be empty" }]);
  }
  const invalid = roles.findIndex((role) => role.trim() === "" || role.length > MAX_ADMIN_FIELD_LENGTH || hasControlCharacter(role));
  if (invalid >= 0) {
    const role = roles[invalid];
    const sizeOk = role.trim() !== "" && role.length <= MAX_ADMIN_FIELD_LENGTH;
    throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [
      {
        fieldName: `roles[${invalid}]`,
        hint: sizeOk ? NO_CONTROL_CHARACTERS : `must be a non-empty string of at most ${MAX_ADMIN_FIELD_LENGTH} characters`,
      },
    ]);
  }
  return roles;
}

/** Uploaded key files (Base64 of a `.p8` or a service account JSON) are a few kilobytes at most. */
const MAX_PUSH_KEY_LENGTH = 16 * 1024;

/**
 * A required string of the push credential endpoints: absent or blank gets the seed's message for those
 * endpoints ("Required String parameter 'topic' is not present"), over-long the usual violation.
 */
export function requirePushParameter(value: string | undefined, fieldName: string, maxLength = MAX_ADMIN_FIELD_LENGTH): string {
  if (value === undefined || value.trim() === "") {
    throw new AdminError("ERROR_REQUEST", `Required String parameter '${fieldName}' is not present`);
  }
  if (value.length > maxLength) {
    throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [{ fieldName, hint: `size must be between 1 and ${maxLength}` }]);
  }
  return withoutAdminControlCharacters(value, fieldName);
}

/**
 * A Cloud Admin string the domain checks itself (callback names, URLs, push settings): never a NUL or other
 * control character. Tab and line breaks pass (key files and JSON documents carry them).
 */
export function withoutAdminControlCharacters(value: string, fieldName: string): string {
  if (hasControlCharacter(value, true)) {
    throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [{ fieldName, hint: NO_CONTROL_CHARACTERS }]);
  }
  return value;
}

/** The Base64 key file of an APNs or FCM upload. */
export function requirePushKeyFile(value: string): string {
  return requirePushParameter(value, "privateKeyBase64", MAX_PUSH_KEY_LENGTH);
}

/** Admin usernames travel in HTTP Basic, where a colon ends the name; control characters would corrupt logs. */
export function requireAdminUsername(value: string): string {
  const fieldName = "username";
  const violation = (hint: string) => new AdminError("ERROR_REQUEST", "Invalid method parameter value", [{ fieldName, hint }]);
  if (value === "" || value.length > MAX_ADMIN_FIELD_LENGTH) throw violation(`size must be between 1 and ${MAX_ADMIN_FIELD_LENGTH}`);
  if (/[:\p{Cc}]/u.test(value) || value.trim() !== value) {
    throw violation("must not contain a colon or control characters, nor start or end with spaces");
  }
  return value;
}

/** New admin passwords: long enough to resist guessing; bounded so a caller cannot make Argon2 hash megabytes. */
const MIN_ADMIN_PASSWORD_LENGTH = 12;
const MAX_ADMIN_PASSWORD_LENGTH = 1024;

export function requireNewAdminPassword(value: string): string {
  if (value.length < MIN_ADMIN_PASSWORD_LENGTH || value.length > MAX_ADMIN_PASSWORD_LENGTH) {
    throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [
      { fieldName: "password", hint: `size must be between ${MIN_ADMIN_PASSWORD_LENGTH} and ${MAX_ADMIN_PASSWORD_LENGTH}` },
    ]);
  }
  // HTTP Basic logins refuse control characters, so such a password could never be used.
  if (hasControlCharacter(value)) {
    throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [{ fieldName: "password", hint: NO_CONTROL_CHARACTERS }]);
  }
  return value;
}

/** A PUK as printed and typed: exactly ten digits. */
export function requirePuk(value: string | undefined): string {
  if (value === undefined || !/^[0-9]{10}$/.test(value)) throw invalidRequest("puk must be 10 digits");
  return value;
}

/** A recovery code, in the activation-code format (the domain answers an unknown one as the reference does). */
export function requireRecoveryCode(value: string | undefined): string {
  return requireIdentifier(value, "recoveryCode", 23);
}

/** An optional enum filter: absent stays absent; the explicit UNSPECIFIED value names no status and is refused. */
export function optionalEnumName<T extends string>(value: number | undefined, names: Record<number, string>, field: string): T | undefined {
  if (value === undefined) return undefined;
  const name = names[value];
  if (value === 0 || name === undefined) throw invalidRequest(`${field} is not a known value`);
  return name as T;
}

/** Entries of a string map (operation parameters, additional data): a finite number of bounded keys and values. */
export function requireTextMap(map: Record<string, string>, field: string, options: { maxEntries?: number; maxValueLength?: number } = {}): Record<string, string> {
  const entries = Object.entries(map);
  const maxEntries = options.maxEntries ?? 100;
  if (entries.length > maxEntries) throw invalidRequest(`${field} has more than ${maxEntries} entries`);
  const result: Record<string, string> = {};
  for (const [key, value] of entries) {
    result[requireIdentifier(key, `${field} key`, MAX_TEXT_LENGTH)] = optionalText(value, `${field}.${key}`, options.maxValueLength ?? 4096) ?? "";
  }
  return result;
}

/** A non-empty list of non-blank, bounded, distinct-in-meaning names (operation applications). */
export function requireTextList(values: readonly string[], field: string, maxEntries = 100): string[] {
  if (values.length === 0) throw invalidRequest(`${field} must not be empty`);
  if (values.length > maxEntries) throw invalidRequest(`${field} has more than ${maxEntries} entries`);
  return values.map((value) => requireText(value, field));
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A UUID in the admin API (the gateway checks it too; a direct caller gets the same answer): absent is the
 * seed's "Required String parameter … is not present", malformed a violation. Lower-cased, as ids are stored.
 */
export function requireAdminUuid(value: string, fieldName: string): string {
  if (value === "") throw new AdminError("ERROR_REQUEST", `Required String parameter '${fieldName}' is not present`);
  if (!UUID_PATTERN.test(value)) throw new AdminError("ERROR_REQUEST", "Invalid method parameter value", [{ fieldName, hint: "must be a valid UUID" }]);
  return value.toLowerCase();
}

/** Deepest nesting of a configuration value; the REST gateway refuses deeper bodies with the same bound. */
const MAX_JSON_VALUE_DEPTH = 32;

/**
 * Arbitrary JSON (application configuration values) as a `google.protobuf.Value`: bounded nesting (its JSON
 * conversion fails past 100 levels, which was a 500), and no control character in any string or key
 * (PostgreSQL's jsonb cannot hold a NUL). Iterative, so depth is measured without recursing.
 */
export function requireAdminJsonValue(value: Value, fieldName: string): Value {
  const pending: Array<[Value, number]> = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    const { kind } = item;
    if (kind.case === "stringValue") {
      if (hasControlCharacter(kind.value, true)) throw invalidAdminField(fieldName, NO_CONTROL_CHARACTERS);
    } else if (kind.case === "listValue" || kind.case === "structValue") {
      if (depth >= MAX_JSON_VALUE_DEPTH) throw invalidAdminField(fieldName, `must not nest deeper than ${MAX_JSON_VALUE_DEPTH} levels`);
      const children = kind.case === "listValue" ? kind.value.values : Object.values(kind.value.fields);
      if (kind.case === "structValue" && Object.keys(kind.value.fields).some((key) => hasControlCharacter(key, true))) {
        throw invalidAdminField(fieldName, NO_CONTROL_CHARACTERS);
      }
      for (const child of children) pending.push([child, depth + 1]);
    }
  }
  return value;
}

/**
 * The longest value of each request field that is stored in a length-bounded column (the varchar sizes in
 * persistence/migrations/), by the field's name in the proto: the same name means the same column across
 * messages. Values are in UTF-16 units, never fewer than PostgreSQL's characters, so a value within its bound
 * always fits. Fields not listed go to text columns or are not stored; they get {@link MAX_ANY_STRING_LENGTH}.
 */
const FIELD_LENGTHS: Readonly<Record<string, number>> = {
  // varchar(37): UUIDs
  activationId: UUID_COLUMN_LENGTH,
  tokenId: UUID_COLUMN_LENGTH,
  operationId: UUID_COLUMN_LENGTH,
  callbackId: UUID_COLUMN_LENGTH,
  // varchar(23): the activation-code format
  recoveryCode: 23,
  // varchar(64): ISO-8601 durations
  initialBackoff: 64,
  retentionPeriod: 64,
  // varchar(255): names, user ids, keys, flags, roles, reasons
  userId: 255,
  externalUserId: 255,
  activationName: 255,
  activationCode: 255,
  activationOtp: 255,
  activationFlag: 255,
  applicationName: 255,
  applicationVersionName: 255,
  applicationKey: 255,
  applicationId: 255,
  applications: 255,
  appId: 255,
  id: 255,
  name: 255,
  key: 255,
  roles: 255,
  attributes: 255,
  username: 255,
  templateName: 255,
  operationType: 255,
  externalId: 255,
  statusReason: 255,
  reason: 255,
  signature: MAX_SIGNATURE_LENGTH,
  signatureVersion: 255,
  remotePostcardPublicKey: 255,
  topic: 255,
  keyId: 255,
  teamId: 255,
  projectId: 255,
  clientId: 255,
  // Stored inside callback authentication (text), but a URL or credential longer than this is no real one.
  callbackUrl: 2048,
  tokenUri: 2048,
  scope: 1024,
  password: 1024,
  clientSecret: 1024,
  privateKeyBase64: MAX_PUSH_KEY_LENGTH,
};

/** Any other request string: the largest signed data; the core takes at most 1 MiB per message anyway. */
const MAX_ANY_STRING_LENGTH = MAX_SIGNED_DATA_LENGTH;
/** Keys of string maps (operation parameters, additional data, JSON objects): names, as the domain bounds them. */
const MAX_MAP_KEY_LENGTH = MAX_TEXT_LENGTH;

/**
 * Connect's JSON codec decodes a body's invalid UTF-8 as U+FFFD instead of failing (binary protobuf refuses it
 * while decoding), so a caller's broken bytes would be stored as replacement characters. No request string has
 * a reason to carry U+FFFD itself, so its presence is taken as invalid UTF-8 and refused, as the REST gateway
 * refuses such a body.
 */
const REPLACEMENT_CHARACTER = "\uFFFD";

/** Timestamps a request may carry: from 1970 (nothing here predates it) to the end of year 9999. */
const MIN_TIMESTAMP_SECONDS = 0n;
const MAX_TIMESTAMP_SECONDS = 253_402_300_799n;

/**
 * Over-long fields the reference answers with a code of its own rather than ERR0024, by method: an activation's
 * user id is ERR0001, as the domain answers an empty one.
 */
const LENGTH_ERROR_CODES: Readonly<Record<string, Readonly<Record<string, ServiceErrorCode>>>> = {
  InitActivation: { userId: ServiceErrors.NO_USER_ID },
  CreateActivation: { userId: ServiceErrors.NO_USER_ID },
};

/** Services whose errors carry the admin API's shape (ERROR_REQUEST with violations) rather than ERR0024. */
const ADMIN_ERROR_SERVICES: ReadonlySet<string> = new Set([AdminService.typeName, CallbackEventService.typeName]);

/**
 * Refuses, before any handler runs, request strings longer than their column ({@link FIELD_LENGTHS}) or
 * carrying U+FFFD, and timestamps outside 1970–9999 or with invalid nanos, anywhere in the message (nested
 * messages, lists, map keys and values). Admin API calls get ERROR_REQUEST with the field as a violation,
 * every other service ERR0024. Streams (health Watch, reflection) carry no such input and pass.
 */
export function boundedRequestInput(): Interceptor {
  return (next) => async (request) => {
    if (!request.stream) {
      const problem = firstInputProblem(request.method.input, request.message as unknown as Record<string, unknown>);
      if (problem) {
        throw ADMIN_ERROR_SERVICES.has(request.service.typeName)
          ? invalidAdminField(problem.field, problem.hint)
          : fieldError(request.method.name, problem);
      }
    }
    return next(request);
  };
}

function fieldError(method: string, problem: InputProblem): ServiceError {
  const code = problem.tooLong ? LENGTH_ERROR_CODES[method]?.[problem.field] : undefined;
  return code ? new ServiceError(code, { cause: new Error(`${problem.field} ${problem.hint}`) }) : invalidRequest(`${problem.field} ${problem.hint}`);
}

interface InputProblem {
  readonly field: string;
  readonly hint: string;
  readonly tooLong?: boolean;
}

/** The first field of `message` (depth-first, in declaration order) whose value is out of bounds. */
export function firstInputProblem(desc: DescMessage, message: Record<string, unknown>): InputProblem | undefined {
  for (const field of desc.fields) {
    const value = fieldValue(field, message);
    if (value === undefined) continue;
    const problem = fieldProblem(field, value);
    if (problem) return problem;
  }
  return undefined;
}

/** A field's value, following oneofs (protobuf-es keeps the set member under the oneof's name). */
function fieldValue(field: DescField, message: Record<string, unknown>): unknown {
  if (!field.oneof) return message[field.localName];
  const chosen = message[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
  return chosen?.case === field.localName ? chosen.value : undefined;
}

function fieldProblem(field: DescField, value: unknown): InputProblem | undefined {
  const name = field.localName;
  switch (field.fieldKind) {
    case "scalar":
      return field.scalar === ScalarType.STRING ? stringProblem(name, value as string) : undefined;
    case "message":
      return field.message.typeName === "google.protobuf.Timestamp"
        ? timestampProblem(name, value as Timestamp)
        : nestedProblem(field.message, value);
    case "list":
      for (const item of value as unknown[]) {
        const problem =
          field.listKind === "message" ? nestedProblem(field.message, item) : field.scalar === ScalarType.STRING ? stringProblem(name, item as string) : undefined;
        if (problem) return problem;
      }
      return undefined;
    case "map":
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const problem =
          stringProblem(name, key, MAX_MAP_KEY_LENGTH) ??
          (field.mapKind === "message" ? nestedProblem(field.message, item) : field.mapKind === "scalar" && field.scalar === ScalarType.STRING ? stringProblem(name, item as string) : undefined);
        if (problem) return problem;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** protobuf-es unboxes wrapper types into plain values; everything else is a message to walk. */
function nestedProblem(desc: DescMessage, value: unknown): InputProblem | undefined {
  if (typeof value === "string") return stringProblem(desc.name, value);
  return typeof value === "object" && value !== null ? firstInputProblem(desc, value as Record<string, unknown>) : undefined;
}

function stringProblem(field: string, value: string, limit = FIELD_LENGTHS[field] ?? MAX_ANY_STRING_LENGTH): InputProblem | undefined {
  if (value.length > limit) return { field, hint: `must be at most ${limit} characters`, tooLong: true };
  if (value.includes(REPLACEMENT_CHARACTER)) return { field, hint: "must be valid UTF-8 (U+FFFD is refused)" };
  return undefined;
}

function timestampProblem(field: string, { seconds, nanos }: Timestamp): InputProblem | undefined {
  if (seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS || nanos < 0 || nanos > 999_999_999) {
    return { field, hint: "must be between 1970-01-01 and 9999-12-31" };
  }
  return undefined;
}
