import { UniqueConstraintViolationException } from "@mikro-orm/core";

/** True when the database refused a write because of a unique index (e.g. a duplicate name). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof UniqueConstraintViolationException;
}
