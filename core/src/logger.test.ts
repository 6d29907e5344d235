import { describe, expect, it } from "vitest";
import { createLineBatcher } from "./logger.ts";

describe("createLineBatcher", () => {
  it("writes the lines of one event-loop turn in order with a single write, after the turn", async () => {
    const writes: string[] = [];
    const line = createLineBatcher({ write: (text) => writes.push(text) });
    line("a\n");
    line("b\n");
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(["a\nb\n"]);
    line("c\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(["a\nb\n", "c\n"]);
  });
});
