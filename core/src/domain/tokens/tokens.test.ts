import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { activateThroughDomain } from "../../../../test/support/domain-fixtures.ts";
import { loadConfig } from "../../config.ts";
import { Token } from "../../persistence/token.entity.ts";
import { UniqueValue } from "../../persistence/unique-value.entity.ts";
import { removeExpiredUniqueValues } from "../replay/unique-values.ts";
import { createApplication } from "../applications/applications.ts";
import { validateToken } from "./tokens.ts";

let database: TestDatabase;
const settings = loadConfig({});
const now = new Date("2030-01-01T00:00:00Z");
let token: { tokenId: string; tokenSecret: string };
let digestAt: (timestamp: number) => { tokenId: string; tokenDigest: Buffer; nonce: Buffer; timestamp: bigint };

beforeAll(async () => {
  database = await createTestDatabase();
  const application = await createApplication(database.db, {}, { name: "tokens" });
  const device = await activateThroughDomain(database.db, settings, application);
  token = { tokenId: crypto.randomUUID(), tokenSecret: Buffer.alloc(16, 9).toString("base64") };
  await database.db.transaction(async (tx) => {
    tx.create(Token, { ...token, activationId: device.activationId ?? "", signatureType: "POSSESSION", timestampCreated: now });
  });
  digestAt = (timestamp) => {
    const digest = device.computeTokenDigest(token, { timestamp });
    return { tokenId: digest.tokenId, tokenDigest: Buffer.from(digest.tokenDigest, "base64"), nonce: Buffer.from(digest.nonce, "base64"), timestamp: BigInt(timestamp) };
  };
});
afterAll(async () => {
  await database?.dispose();
});

describe("validateToken", () => {
  it("accepts a digest exactly at the validity limit and refuses one a millisecond older (ERR0024)", async () => {
    const limit = now.getTime() - settings.tokenTimestampValidityMs;
    expect((await validateToken(database.db, settings, digestAt(limit), now)).tokenValid).toBe(true);
    await expect(validateToken(database.db, settings, digestAt(limit - 1), now)).rejects.toMatchObject({ code: "ERR0024" });
  });

  it("accepts a digest dated exactly the forward validity ahead and refuses one a millisecond later (ERR0044)", async () => {
    const limit = now.getTime() + settings.tokenTimestampForwardValidityMs;
    expect((await validateToken(database.db, settings, digestAt(limit), now)).tokenValid).toBe(true);
    await expect(validateToken(database.db, settings, digestAt(limit + 1), now)).rejects.toMatchObject({ code: "ERR0044" });
    await expect(validateToken(database.db, settings, digestAt(now.getTime() + 7_200_000), now)).rejects.toMatchObject({ code: "ERR0044" });
  });

  it("accepts a digest once: the same token, nonce and timestamp again is invalid", async () => {
    const digest = digestAt(now.getTime() - 1000);
    expect((await validateToken(database.db, settings, digest, now)).tokenValid).toBe(true);
    expect(await validateToken(database.db, settings, digest, now)).toEqual({ tokenValid: false });
    // A fresh nonce at the same moment is a different digest and still valid.
    expect((await validateToken(database.db, settings, digestAt(now.getTime() - 1000), now)).tokenValid).toBe(true);
  });

  it("lets exactly one of two concurrent presentations of one digest through", async () => {
    const digest = digestAt(now.getTime() - 2000);
    const results = await Promise.all([validateToken(database.db, settings, digest, now), validateToken(database.db, settings, digest, now)]);
    expect(results.map((result) => result.tokenValid).sort()).toEqual([false, true]);
  });

  it("does not spend an invalid digest: the right one for the same nonce and timestamp still validates", async () => {
    const digest = digestAt(now.getTime() - 3000);
    const wrong = { ...digest, tokenDigest: Buffer.alloc(digest.tokenDigest.byteLength, 1) };
    expect(await validateToken(database.db, settings, wrong, now)).toEqual({ tokenValid: false });
    expect((await validateToken(database.db, settings, digest, now)).tokenValid).toBe(true);
  });

  it("stores only a hash of what it has seen, and the cleanup forgets values once their timestamp is too old", async () => {
    const timestamp = now.getTime() - 4000;
    const digest = digestAt(timestamp);
    expect((await validateToken(database.db, settings, digest, now)).tokenValid).toBe(true);
    const rows = await database.db.read((tx) => tx.find(UniqueValue, { type: "TOKEN" }));
    for (const row of rows) {
      expect(row.uniqueValue).not.toContain(digest.nonce.toString("base64"));
      expect(row.uniqueValue).not.toContain(digest.tokenId);
    }
    const expires = new Date(timestamp + settings.tokenTimestampValidityMs);
    expect(rows.map((row) => row.timestampExpires.getTime())).toContain(expires.getTime());
    // At its expiry the value is still kept (older ones go); a millisecond later it is gone, and nothing expired remains.
    await removeExpiredUniqueValues(database.db, expires);
    expect(await database.db.read((tx) => tx.count(UniqueValue, { timestampExpires: expires }))).toBe(1);
    expect(await removeExpiredUniqueValues(database.db, new Date(expires.getTime() + 1))).toBeGreaterThanOrEqual(1);
    expect(await database.db.read((tx) => tx.count(UniqueValue, { timestampExpires: { $lte: expires } }))).toBe(0);
    expect(await database.db.read((tx) => tx.count(UniqueValue, { timestampExpires: { $gt: expires } }))).toBeGreaterThan(0);
  });

  it("answers an unknown token as invalid, not as an error", async () => {
    expect(await validateToken(database.db, settings, { ...digestAt(now.getTime()), tokenId: "nope" }, now)).toEqual({ tokenValid: false });
  });
});
