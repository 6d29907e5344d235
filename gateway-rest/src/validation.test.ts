import { describe, expect, it } from "vitest";
import { isIsoDuration } from "./validation.ts";

describe("isIsoDuration()", () => {
  it.each(["P30D", "PT2S", "PT0.5S", "P1DT2H3M4S", "pt15m", "-PT1S", "PT-1S"])("accepts %s like java.time.Duration", (value) => {
    expect(isIsoDuration(value)).toBe(true);
  });

  it.each(["", "P", "PT", "P1DT", "30", "P1M", "P1Y", "P1W", "PT1H ", "2S"])("rejects %s", (value) => {
    expect(isIsoDuration(value)).toBe(false);
  });
});
