import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateCounterData, nextCounterData, numericCounterData } from "./hash-counter.ts";
import { fold } from "./kdf.ts";

describe("hash-based counter", () => {
  it("next(c) = fold(SHA256(c))", () => {
    const c = generateCounterData();
    expect(c.byteLength).toBe(16);
    expect(nextCounterData(c).equals(fold(createHash("sha256").update(c).digest()))).toBe(true);
    expect(() => nextCounterData(Buffer.alloc(15))).toThrow();
  });

  it("v2 numeric counter is 0^8 || be64(counter)", () => {
    expect(numericCounterData(258).toString("hex")).toBe("00000000000000000000000000000102");
  });
});
