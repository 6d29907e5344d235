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
