import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noteActivationStatusChange } from "./commit-observer.ts";
import { initOrm } from "./db.ts";
import type { Db } from "./db.ts";

describe("commit observers", () => {
  let db: Db;
  const seen: number[] = [];
  let stopObserving: () => void;

  beforeAll(async () => {
    db = await initOrm();
    stopObserving = db.observeCommits({ activationStatusChanged: (status) => seen.push(status) });
  });
  afterAll(async () => {
    await db.close();
  });

  it("hear of the statuses a transaction wrote once it commits, and never of a rolled-back one", async () => {
    seen.length = 0;
    await db.transaction(async (tx) => {
      noteActivationStatusChange(tx, 1);
      noteActivationStatusChange(tx, 3);
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([1, 3]);
    await expect(
      db.transaction(async (tx) => {
        noteActivationStatusChange(tx, 4);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(seen).toEqual([1, 3]);
  });

  it("stop hearing once they unsubscribe", async () => {
    seen.length = 0;
    stopObserving();
    await db.transaction(async (tx) => noteActivationStatusChange(tx, 5));
    expect(seen).toEqual([]);
  });
});
