// Pieces every resource's mapping shares: the body of answers that carry nothing but success, and the JSON
// form of google.protobuf.Value, in which configuration values travel. The conventions of this folder (names,
// directions, key order) are in gateway-rest/README.md.

import { fromJson, toJson } from "@bufbuild/protobuf";
import type { JsonValue } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { Value } from "@bufbuild/protobuf/wkt";

export type StatusOkJson = { status: "OK" };

export const STATUS_OK: StatusOkJson = { status: "OK" };

export function fromJsonValue(value: unknown): Value {
  // JSON.parse only produces JSON values, so the cast restates what the parser guarantees.
  return fromJson(ValueSchema, value as JsonValue);
}

export function toJsonValue(value: Value): JsonValue {
  // A Value with no kind set has no JSON form; null is the closest honest rendering.
  return value.kind.case === undefined ? null : toJson(ValueSchema, value);
}
