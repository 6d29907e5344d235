import { randomInt } from "node:crypto";
import { ScalarType } from "@bufbuild/protobuf";
import type { DescEnum, DescField, DescMessage, JsonValue } from "@bufbuild/protobuf";
import fc from "fast-check";

/**
 * What the fuzz suites (test/fuzz-*.test.ts) share: seeds that replay, a corpus of known-hostile values, and
 * generators of requests shaped like the contract (so inputs get past the decoders into the handlers) or not
 * shaped at all.
 */

/** Every run tries this seed, so CI always covers the same inputs, and one more, new each run and logged. */
export const FIXED_SEED = 13_13;

/**
 * The seeds of this run: the fixed one and a random one (or `FUZZ_SEED`, to replay a logged failure). Printed,
 * so a failure in CI can be replayed with `FUZZ_SEED=<seed> npx vitest run <file>`.
 */
export function fuzzSeeds(surface: string): number[] {
  const replay = process.env.FUZZ_SEED;
  const random = replay !== undefined && replay !== "" ? Number(replay) : randomInt(1, 2 ** 31 - 1);
  if (!Number.isSafeInteger(random)) throw new Error(`FUZZ_SEED must be an integer, got ${replay}`);
  console.info(`[fuzz ${surface}] seeds: fixed=${FIXED_SEED} random=${random} (replay: FUZZ_SEED=${random})`);
  return [FIXED_SEED, random];
}

/**
 * Runs `property` on `runs` batches per seed. No shrinking: every input goes to live processes, and the
 * property's own failure message names the inputs and answers (fast-check's rendering of a batch with a 2 MB
 * body would bury them); seed and path replay it.
 */
export async function fuzzBatches<T>(seeds: number[], runs: number, batch: fc.Arbitrary<T>, property: (input: T) => Promise<void>): Promise<void> {
  for (const seed of seeds) {
    const details = await fc.check(fc.asyncProperty(batch, property), { seed, numRuns: runs, endOnFailure: true });
    if (details.failed) {
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(`fuzz failure (replay: seed ${seed}, path "${details.counterexamplePath}"):\n${cause}`);
    }
  }
}

/** A P-256 point that is not on the curve, compressed (x ≥ p) and uncompressed ((0, 0)), and the point at infinity. */
const INVALID_EC_POINTS = [
  Buffer.concat([Buffer.from([0x02]), Buffer.alloc(32, 0xff)]),
  Buffer.concat([Buffer.from([0x04]), Buffer.alloc(64, 0)]),
  Buffer.from([0x00]),
  Buffer.concat([Buffer.from([0x05]), Buffer.alloc(32, 0x01)]),
].map((bytes) => bytes.toString("base64"));

/** Values that have broken servers before: control characters, bad Unicode, numbers out of range, injection, prototype keys. */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u0001\u001f\u007f",
  "\t\r\n",
  "\uD800",
  "x\uDFFFy",
  "\uFFFE\uFFFF",
  "\u202Egnp.exe",
  "😀".repeat(300),
  "A".repeat(70_000),
  "9".repeat(400),
  "-1",
  "0",
  "-9223372036854775809",
  "9223372036854775808",
  "18446744073709551616",
  "1e309",
  "NaN",
  "Infinity",
  "0x7fffffff",
  "__proto__",
  "constructor",
  "prototype",
  '{"__proto__":{"polluted":true}}',
  "' OR '1'='1' --",
  "'; drop table t; --",
  "%00",
  "%ZZ",
  "../../../../etc/passwd",
  "${jndi:ldap://127.0.0.1:1/x}",
  "{{7*7}}",
  "<x>&lt;</x>",
  "]]>",
  "&#0;",
  "!!!not-base64!!!",
  "QUJD=",
  "====",
  "QQ",
  "A===",
  ...INVALID_EC_POINTS,
  Buffer.alloc(16, 0).toString("base64"),
  Buffer.alloc(32, 0xff).toString("base64"),
  "00000000-0000-0000-0000-000000000000",
  "http://127.0.0.1:1/callback",
  "javascript:alert(1)",
  "POSSESSION_KNOWLEDGE_BIOMETRY",
  "3.1",
  "2.0",
];

/**
 * Strings for any field: the corpus, `anchors` (ids of objects that exist, so some inputs reach deeper than
 * "not found"), Base64 of random bytes of the lengths keys and MACs have, and arbitrary Unicode and binary text.
 */
export function hostileString(anchors: readonly string[] = []): fc.Arbitrary<string> {
  const base64OfLength = fc
    .constantFrom(1, 15, 16, 17, 32, 33, 65, 100)
    .chain((length) => fc.uint8Array({ minLength: length, maxLength: length }))
    .map((bytes) => Buffer.from(bytes).toString("base64"));
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: anchors.length > 0 ? 3 : 0, arbitrary: anchors.length > 0 ? fc.constantFrom(...anchors) : fc.constant("") },
    { weight: 2, arbitrary: base64OfLength },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 64 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 32 }) },
    { weight: 1, arbitrary: fc.uuid() },
  );
}

const INT64_EDGES = ["0", "1", "-1", "9223372036854775807", "-9223372036854775808", "4294967296", "255", "256"];
const UINT64_EDGES = ["0", "1", "18446744073709551615", "9223372036854775808", "255", "256"];

/**
 * Proto3 JSON of a `desc` message with every field set or left out at random, values taken from their type's
 * edges and from `strings`. Protobuf's JSON reader accepts every such value, so the request reaches the handler.
 */
export function protoJson(desc: DescMessage, strings: fc.Arbitrary<string>, numbers: readonly bigint[] = [], depth = 0): fc.Arbitrary<JsonValue> {
  const wellKnown = wellKnownJson(desc.typeName);
  if (wellKnown) return wellKnown;
  if (depth > 3) return fc.constant({});
  const fields: Record<string, fc.Arbitrary<JsonValue>> = {};
  for (const field of desc.fields) fields[field.jsonName] = fieldJson(field, strings, numbers, depth);
  return fc.record(fields, { requiredKeys: [] }).map((record) => withOneFieldPerOneof(desc, record));
}

/** A oneof set twice is a decode error, not an input the handler sees; keep the first member only. */
function withOneFieldPerOneof(desc: DescMessage, record: Partial<Record<string, JsonValue>>): JsonValue {
  const result: Record<string, JsonValue> = {};
  const oneofsSeen = new Set<string>();
  for (const field of desc.fields) {
    const value = record[field.jsonName];
    if (value === undefined) continue;
    if (field.oneof) {
      if (oneofsSeen.has(field.oneof.name)) continue;
      oneofsSeen.add(field.oneof.name);
    }
    result[field.jsonName] = value;
  }
  return result;
}

function fieldJson(field: DescField, strings: fc.Arbitrary<string>, numbers: readonly bigint[], depth: number): fc.Arbitrary<JsonValue> {
  switch (field.fieldKind) {
    case "scalar":
      return scalarJson(field.scalar, strings, numbers);
    case "enum":
      return enumJson(field.enum.values.map((value) => value.name));
    case "message":
      return protoJson(field.message, strings, numbers, depth + 1);
    case "list":
      return fc.array(elementJson(field, strings, numbers, depth), { maxLength: 3 });
    case "map": {
      const key = field.mapKey === ScalarType.STRING ? strings : fc.integer({ min: -5, max: 5 }).map(String);
      return fc.dictionary(key, elementJson(field, strings, numbers, depth), { maxKeys: 3 }).map((record): JsonValue => record);
    }
  }
}

/** An element of a list, or a value of a map: the field names its message, enum or scalar type. */
function elementJson(
  field: { message: DescMessage | undefined; enum: DescEnum | undefined; scalar: ScalarType | undefined },
  strings: fc.Arbitrary<string>,
  numbers: readonly bigint[],
  depth: number,
): fc.Arbitrary<JsonValue> {
  if (field.message) return protoJson(field.message, strings, numbers, depth + 1);
  if (field.enum) return enumJson(field.enum.values.map((value) => value.name));
  return scalarJson(field.scalar ?? ScalarType.STRING, strings, numbers);
}

function enumJson(names: string[]): fc.Arbitrary<JsonValue> {
  return fc.oneof(fc.constantFrom(...names), fc.constantFrom(-1, 99, 2147483647));
}

function scalarJson(scalar: ScalarType, strings: fc.Arbitrary<string>, numbers: readonly bigint[]): fc.Arbitrary<JsonValue> {
  const anchors = numbers.map(String);
  switch (scalar) {
    case ScalarType.STRING:
      return strings;
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString("base64"));
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }), fc.constantFrom("NaN", "Infinity", "-Infinity"));
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return fc.oneof(fc.constantFrom(...INT64_EDGES, ...anchors), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return fc.oneof(fc.constantFrom(...UINT64_EDGES, ...anchors), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.oneof(fc.constantFrom(0, 1, 255, 256, 4294967295), fc.nat());
    default:
      return fc.oneof(fc.constantFrom(0, 1, -1, 255, 256, 2147483647, -2147483648), fc.integer());
  }
}

/** JSON of the well-known types the contract uses; anything else is an ordinary message. */
function wellKnownJson(typeName: string): fc.Arbitrary<JsonValue> | undefined {
  switch (typeName) {
    case "google.protobuf.Timestamp":
      return fc
        .date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true })
        .map((date) => date.toISOString());
    case "google.protobuf.Value":
      return anyJson(4);
    case "google.protobuf.Struct":
      return fc.dictionary(fc.string(), anyJson(3), { maxKeys: 4 }).map((record): JsonValue => record);
    default:
      return undefined;
  }
}

/** `[[[…]]]` (or `{"a":{"a":…}}`) nested `depth` levels: parsers that recurse run out of stack on these. */
export function deeplyNestedJson(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/**
 * JSON texts that are hostile as a whole rather than in one field: deep nesting, prototype keys, numbers no
 * double holds, duplicate keys, wrong top-level types, truncation.
 */
export const HOSTILE_JSON_TEXTS: readonly string[] = [
  deeplyNestedJson(100_000, "array"),
  deeplyNestedJson(20_000, "object"),
  deeplyNestedJson(40, "array"),
  '{"__proto__":{"admin":true,"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1e999999}',
  '{"a":-1e999999}',
  `{"a":${"9".repeat(5000)}}`,
  '{"a":1,"a":2,"a":3}',
  "",
  "null",
  "[]",
  "true",
  '"string"',
  "123",
  "{",
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":"unterminated',
  `{"a":"${"x".repeat(200_000)}"}`,
];

/** Bytes that are not UTF-8: a lone continuation byte, an overlong encoding, a surrogate, a truncated sequence. */
export const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
];

/** Anything a JSON endpoint may be sent: well-typed, wrongly typed, hostile texts, invalid UTF-8 around valid JSON. */
export function hostileJsonBody(wellTyped: fc.Arbitrary<JsonValue>, strings: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  const wrongTypes = wellTyped.chain((value) =>
    fc.record({ key: fc.oneof(fc.constantFrom(...Object.keys(isObject(value) ? value : {}), "__proto__", "constructor"), strings), replacement: anyJson(3) }).map(
      ({ key, replacement }) => {
        const object = isObject(value) ? { ...value } : {};
        // A real own property named "__proto__", as a parsed body would have it.
        Object.defineProperty(object, key, { value: replacement, enumerable: true, configurable: true, writable: true });
        return object;
      },
    ),
  );
  const asText = (value: JsonValue) => Buffer.from(JSON.stringify(value), "utf8");
  return fc.oneof(
    { weight: 5, arbitrary: wellTyped.map(asText) },
    { weight: 3, arbitrary: wrongTypes.map(asText) },
    { weight: 1, arbitrary: anyJson(5).map(asText) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_JSON_TEXTS).map((text) => Buffer.from(text, "utf8")) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(wellTyped, fc.constantFrom(...INVALID_UTF8))
        .map(([value, bad]) => {
          const text = JSON.stringify(value);
          const at = text.indexOf('":"') + 3;
          return at > 2 ? Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at))]) : Buffer.concat([Buffer.from('{"a":"'), bad, Buffer.from('"}')]);
        }),
    },
  );
}

/** Any JSON value, typed as protobuf's JsonValue (fast-check's own JSON type differs only in its declaration). */
export function anyJson(maxDepth: number): fc.Arbitrary<JsonValue> {
  return fc.jsonValue({ maxDepth }).map((value): JsonValue => JSON.parse(JSON.stringify(value ?? null)) as JsonValue);
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A stack trace or a file path of ours in an answer is a leak, whatever its status. */
export function leaksInternals(text: string): boolean {
  return /\n\s+at [\w.<>]+ \(|node:internal|\/src\/[\w/-]+\.ts|file:\/\/|\bselect .* from pa_|insert into pa_/i.test(text);
}
