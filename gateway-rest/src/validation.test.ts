import { describe, expect, it } from "vitest";
import { controlCharactersInJson, controlCharactersInParams, isIsoDuration, jsonDepthExceeds } from "./validation.ts";

describe("isIsoDuration()", () => {
  it.each(["P30D", "PT2S", "PT0.5S", "P1DT2H3M4S", "pt15m", "-PT1S", "PT-1S"])("accepts %s like java.time.Duration", (value) => {
    expect(isIsoDuration(value)).toBe(true);
  });

  it.each(["", "P", "PT", "P1DT", "30", "P1M", "P1Y", "P1W", "PT1H ", "2S"])("rejects %s", (value) => {
    expect(isIsoDuration(value)).toBe(false);
  });
});

describe("jsonDepthExceeds()", () => {
  it("counts objects and arrays, not brackets inside strings", () => {
    expect(jsonDepthExceeds(`${"[".repeat(32)}${"]".repeat(32)}`)).toBe(false);
    expect(jsonDepthExceeds(`${"[".repeat(33)}${"]".repeat(33)}`)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ a: "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"{{{{" }))).toBe(false);
    expect(jsonDepthExceeds(`{"a":${"{\"b\":".repeat(40)}1${"}".repeat(40)}}`)).toBe(true);
  });

  it("scans a 100,000-deep body without recursion", () => {
    expect(jsonDepthExceeds("[".repeat(100_000))).toBe(true);
  });
});

describe("control character checks", () => {
  it("names path ids carrying any control character, tab included", () => {
    expect(controlCharactersInParams({ id: "app\u0000", callbackId: "ok", appId: "a\tb" })).toEqual([
      { fieldName: "id", hint: "must not contain control characters", missing: false },
      { fieldName: "appId", hint: "must not contain control characters", missing: false },
    ]);
  });

  it("names every JSON string or key with a NUL or C0 control, and lets tab and line breaks through", () => {
    const body = { name: "cb\u0000", attributes: ["ok", "x\u001b"], nested: { "k\u0007": 1, note: "line\r\n\tok" } };
    expect(controlCharactersInJson(body).map((v) => v.fieldName)).toEqual(["attributes[1]", "name", "nested.k\u0007"]);
    expect(controlCharactersInJson("\u0000")).toEqual([{ fieldName: "body", hint: "must not contain control characters", missing: false }]);
    expect(controlCharactersInJson(undefined)).toEqual([]);
  });
});
