import { describe, expect, it } from "vitest";
import { isoDurationToMs } from "./iso-duration.ts";

describe("isoDurationToMs", () => {
  it.each([
    ["PT2S", 2000],
    ["P30D", 30 * 86_400_000],
    ["PT0S", 0],
    ["P0D", 0],
    ["P1DT2H3M4.5S", 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4500],
    ["pt15m", 900_000],
    ["PT0.250S", 250],
  ])("reads %s", (text, ms) => {
    expect(isoDurationToMs(text)).toBe(ms);
  });

  it.each(["", "P", "PT", "P1DT", "-PT2S", "PT-2S", "P1W", "P1M", "P1Y", "2S", "PT2", "PT2S ", "P1D2H", "PT1.5M"])("refuses %j", (text) => {
    expect(isoDurationToMs(text)).toBeNull();
  });
});
