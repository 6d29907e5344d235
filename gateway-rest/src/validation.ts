// Boundary validation: checks that a request has the JSON shape of the REST surface (types, required fields,
// syntax of enums, UUIDs, durations and integers) before anything reaches the core. Value rules that need the
// domain (does the application exist, is the key allowed, ranges of durations and counts) are the core's.

/** One invalid field, as rendered in the ERROR_REQUEST envelope. */
export type Violation = {
  fieldName: string;
  hint: string;
  /** True when the field is absent or empty, which some endpoints report as "Required … is not present". */
  missing: boolean;
};

/** Thrown by the JSON readers below; errors.ts renders it as 400 ERROR_REQUEST. */
export class RequestValidationError extends Error {
  readonly violations: readonly Violation[];

  constructor(violations: readonly Violation[]) {
    super(violations.map((v) => `${v.fieldName}: ${v.hint}`).join("; "));
    this.name = "RequestValidationError";
    this.violations = violations;
  }
}

export const HINT = {
  notEmpty: "must not be empty",
  notBlank: "must not be blank",
  notNull: "must not be null",
  string: "must be a string",
  boolean: "must be a boolean",
  integer: "must be a 32-bit integer",
  object: "must be a JSON object",
  array: "must be an array",
  uuid: "must be a valid UUID",
  duration: "must be an ISO 8601 duration such as PT2S or P30D",
} as const;

/** A JSON object together with the dotted path it was found at ("" for the request body itself). */
export type JsonObject = { readonly path: string; readonly fields: Readonly<Record<string, unknown>> };

// java.time.Duration.parse syntax, which the original service uses for these fields: days, hours, minutes,
// seconds with an optional fraction, each optionally signed, and at least one part present.
const DURATION = /^[-+]?P(?:[-+]?\d+D)?(?:T(?:[-+]?\d+H)?(?:[-+]?\d+M)?(?:[-+]?\d+(?:[.,]\d{0,9})?S)?)?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Reads typed values out of parsed JSON and collects every violation instead of stopping at the first, so
 * a caller learns about all invalid fields at once. Invalid fields read as the type's zero value; call
 * `finish()` before using the result.
 */
export class JsonReader {
  readonly violations: Violation[] = [];

  /** The request body. An empty body counts as `{}`, so missing fields are reported by name. */
  body(json: unknown): JsonObject {
    if (json === undefined || json === null) return { path: "", fields: {} };
    if (!isPlainObject(json)) {
      this.add("body", HINT.object, false);
      return { path: "", fields: {} };
    }
    return { path: "", fields: json };
  }

  /** A path parameter; the router only matches non-empty segments, so this checks for blank values. */
  pathParam(name: string, value: string): string {
    if (value.trim() === "") this.add(name, value === "" ? HINT.notEmpty : HINT.notBlank, true);
    return value;
  }

  /** An optional 32-bit integer query parameter such as `?days=7`. */
  optionalIntegerParam(name: string, value: string | null): number | undefined {
    if (value === null) return undefined;
    const n = /^[-+]?\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX) {
      this.add(name, HINT.integer, false);
      return undefined;
    }
    return n;
  }

  requiredString(obj: JsonObject, key: string): string {
    const value = obj.fields[key];
    if (value === undefined || value === null || value === "") {
      this.add(fieldPath(obj, key), HINT.notEmpty, true);
      return "";
    }
    if (typeof value !== "string") {
      this.add(fieldPath(obj, key), HINT.string, false);
      return "";
    }
    if (value.trim() === "") {
      this.add(fieldPath(obj, key), HINT.notBlank, true);
      return "";
    }
    return value;
  }

  optionalString(obj: JsonObject, key: string): string | undefined {
    const value = obj.fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") {
      this.add(fieldPath(obj, key), HINT.string, false);
      return undefined;
    }
    return value;
  }

  optionalBoolean(obj: JsonObject, key: string): boolean | undefined {
    const value = obj.fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") {
      this.add(fieldPath(obj, key), HINT.boolean, false);
      return undefined;
    }
    return value;
  }

  /** A JSON boolean that must be present (used when parsing responses). */
  requiredBoolean(obj: JsonObject, key: string): boolean {
    const value = obj.fields[key];
    if (value === undefined || value === null) {
      this.add(fieldPath(obj, key), HINT.notNull, true);
      return false;
    }
    return this.optionalBoolean(obj, key) ?? false;
  }

  optionalInt32(obj: JsonObject, key: string): number | undefined {
    const value = obj.fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      this.add(fieldPath(obj, key), HINT.integer, false);
      return undefined;
    }
    return value;
  }

  /** A JSON integer that must be present (used when parsing responses). */
  requiredInteger(obj: JsonObject, key: string): number {
    const value = obj.fields[key];
    if (value === undefined || value === null) {
      this.add(fieldPath(obj, key), HINT.notNull, true);
      return 0;
    }
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      this.add(fieldPath(obj, key), HINT.integer, false);
      return 0;
    }
    return value;
  }

  /** A required string that must be one of `allowed` (compared after `normalize`). */
  requiredEnum<T extends string>(obj: JsonObject, key: string, allowed: readonly T[], ignoreCase = false): T | undefined {
    const raw = this.requiredString(obj, key);
    if (raw === "") return undefined;
    const wanted = ignoreCase ? raw.toUpperCase() : raw;
    const found = allowed.find((a) => a === wanted);
    if (found === undefined) this.add(fieldPath(obj, key), `must be one of ${allowed.join(", ")}`, false);
    return found;
  }

  requiredUuid(obj: JsonObject, key: string): string {
    const value = this.requiredString(obj, key);
    if (value !== "" && !UUID.test(value)) this.add(fieldPath(obj, key), HINT.uuid, false);
    return value;
  }

  optionalDuration(obj: JsonObject, key: string): string | undefined {
    const value = this.optionalString(obj, key);
    if (value !== undefined && !isIsoDuration(value)) this.add(fieldPath(obj, key), HINT.duration, false);
    return value;
  }

  /** An optional array of strings; absent or null reads as empty. `nonBlank` rejects "" and "  " elements. */
  optionalStringArray(obj: JsonObject, key: string, nonBlank = false): string[] {
    const value = obj.fields[key];
    if (value === undefined || value === null) return [];
    return this.stringElements(obj, key, value, nonBlank);
  }

  /** A required, non-empty array of non-blank strings. */
  requiredStringArray(obj: JsonObject, key: string): string[] {
    const value = obj.fields[key];
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
      this.add(fieldPath(obj, key), HINT.notEmpty, true);
      return [];
    }
    return this.stringElements(obj, key, value, true);
  }

  /** An optional array of arbitrary JSON values; absent or null reads as empty. */
  optionalJsonArray(obj: JsonObject, key: string): unknown[] {
    const value = obj.fields[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.add(fieldPath(obj, key), HINT.array, false);
      return [];
    }
    return value;
  }

  /** An optional nested object; absent or null reads as undefined. */
  optionalObject(obj: JsonObject, key: string): JsonObject | undefined {
    const value = obj.fields[key];
    if (value === undefined || value === null) return undefined;
    if (!isPlainObject(value)) {
      this.add(fieldPath(obj, key), HINT.object, false);
      return undefined;
    }
    return { path: fieldPath(obj, key), fields: value };
  }

  /** An optional array of objects (used when parsing list responses). */
  objectArray(obj: JsonObject, key: string): JsonObject[] {
    const value = obj.fields[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.add(fieldPath(obj, key), HINT.array, false);
      return [];
    }
    const out: JsonObject[] = [];
    value.forEach((item: unknown, i) => {
      const path = `${fieldPath(obj, key)}[${i}]`;
      if (isPlainObject(item)) out.push({ path, fields: item });
      else this.add(path, HINT.object, false);
    });
    return out;
  }

  /** Throws RequestValidationError when anything read so far was invalid. */
  finish(): void {
    if (this.violations.length > 0) throw new RequestValidationError(this.violations);
  }

  private stringElements(obj: JsonObject, key: string, value: unknown, nonBlank: boolean): string[] {
    if (!Array.isArray(value)) {
      this.add(fieldPath(obj, key), HINT.array, false);
      return [];
    }
    const out: string[] = [];
    value.forEach((item: unknown, i) => {
      const path = `${fieldPath(obj, key)}[${i}]`;
      if (typeof item !== "string") this.add(path, HINT.string, false);
      else if (nonBlank && item.trim() === "") this.add(path, HINT.notBlank, true);
      else out.push(item);
    });
    return out;
  }

  private add(fieldName: string, hint: string, missing: boolean): void {
    this.violations.push({ fieldName, hint, missing });
  }
}

export function isIsoDuration(value: string): boolean {
  // The regex alone also accepts "P", "PT" and "P1DT"; Java requires at least one part and a part after T.
  return DURATION.test(value) && /\d[DHMS]$/i.test(value);
}

function fieldPath(obj: JsonObject, key: string): string {
  return obj.path === "" ? key : `${obj.path}.${key}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deepest JSON nesting a body may have; the REST surface's deepest document (a configuration value) needs far less. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether a JSON text nests objects and arrays deeper than `maxDepth`. A linear scan that skips string
 * contents, so it runs before JSON.parse and never recurses: a hostile 100,000-deep body costs one pass.
 */
export function jsonDepthExceeds(text: string, maxDepth = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

// NUL and the other C0 controls (and DEL); tab, LF and CR are ordinary whitespace in free text.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ANY_CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const NO_CONTROL_CHARACTERS = "must not contain control characters";

/** Path ids (application names, UUIDs): one violation per id carrying any control character, tab included. */
export function controlCharactersInParams(params: Readonly<Record<string, string>>): Violation[] {
  return Object.entries(params)
    .filter(([, value]) => ANY_CONTROL_CHARACTER.test(value))
    .map(([fieldName]) => ({ fieldName, hint: NO_CONTROL_CHARACTERS, missing: false }));
}

/**
 * Strings of a parsed body (keys and values, at any depth) carrying a NUL or another control character, named
 * by their dotted path. Iterative; the depth is already bounded by {@link jsonDepthExceeds}.
 */
export function controlCharactersInJson(json: unknown): Violation[] {
  const violations: Violation[] = [];
  const pending: Array<[string, unknown]> = [["body", json]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [path, value] = next;
    if (typeof value === "string") {
      if (CONTROL_CHARACTER.test(value)) violations.push({ fieldName: path, hint: NO_CONTROL_CHARACTERS, missing: false });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push([`${path}[${i}]`, item]));
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        const itemPath = path === "body" ? key : `${path}.${key}`;
        if (CONTROL_CHARACTER.test(key)) violations.push({ fieldName: itemPath, hint: NO_CONTROL_CHARACTERS, missing: false });
        else pending.push([itemPath, item]);
      }
    }
  }
  return violations.sort((a, b) => a.fieldName.localeCompare(b.fieldName));
}
