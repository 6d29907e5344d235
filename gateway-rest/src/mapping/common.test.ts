import { create } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { fromJsonValue, toJsonValue } from "./common.ts";

describe("JSON values", () => {
  it("round-trips every kind of JSON value", () => {
    for (const json of ["packed", 42, -1.5, true, null, [1, "a", [false]], { a: { b: [null] } }]) {
      expect(toJsonValue(fromJsonValue(json))).toEqual(json);
    }
  });

  it("writes a Value without a kind as null", () => {
    expect(toJsonValue(create(ValueSchema))).toBeNull();
  });
});
