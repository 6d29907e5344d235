import { describe, expect, it } from "vitest";
import { sharedWithDeadline } from "./shared-check.ts";

describe("sharedWithDeadline", () => {
  it("runs the check once for callers that ask while it runs, and again afterwards", async () => {
    let runs = 0;
    let finish: (value: boolean) => void = () => {};
    const check = sharedWithDeadline(
      () => {
        runs++;
        return new Promise<boolean>((resolve) => (finish = resolve));
      },
      60_000,
      false,
    );
    const first = check();
    const second = check();
    finish(true);
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(runs).toBe(1);
    const third = check();
    finish(true);
    await third;
    expect(runs).toBe(2);
  });

  it("gives the fallback for a failing check", async () => {
    const check = sharedWithDeadline(() => Promise.reject(new Error("database gone")), 60_000, "fallback");
    expect(await check()).toBe("fallback");
  });

  it("gives the fallback when the check does not answer in time, without starting another one meanwhile", async () => {
    let runs = 0;
    const check = sharedWithDeadline(
      () => {
        runs++;
        return new Promise<boolean>(() => {});
      },
      20,
      false,
    );
    expect(await check()).toBe(false);
    expect(await check()).toBe(false);
    expect(runs).toBe(1);
  });
});
