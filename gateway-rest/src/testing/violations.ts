// Test helper: what a mapper rejected, as the list of violations the gateway would render.

import { RequestValidationError } from "../validation.ts";
import type { Violation } from "../validation.ts";

export function violationsOf(fn: () => unknown): Violation[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof RequestValidationError) return [...err.violations];
    throw err;
  }
  throw new Error("expected a RequestValidationError");
}
