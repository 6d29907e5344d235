import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../../test/support/database.ts";
import type { TestDatabase } from "../../../../test/support/database.ts";
import { activateThroughDomain } from "../../../../test/support/domain-fixtures.ts";
import { loadConfig } from "../../config.ts";
import { Token } from "../../persistence/token.entity.ts";
import { createApplication } from "../applications/applications.ts";
import { validateToken } from "./tokens.ts";

let database: TestDatabase;
const settings = loadConfig({});
const now = new Date("2030-01-01T00:00:00Z");
let token: { tokenId: string; tokenSecret: string };
let digestAt: (timestamp: number) => { tokenId: string; tokenDigest: Buffer; nonce: Buffer; timestamp: bigint };

beforeAll(async () => {
  database = await createTestDatabase();
  const application = await createApplication(database.db, { name: "tokens" });
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

  it("has no upper bound on the timestamp (0.22 had none)", async () => {
    expect((await validateToken(database.db, settings, digestAt(now.getTime() + 86_400_000), now)).tokenValid).toBe(true);
  });

  it("answers an unknown token as invalid, not as an error", async () => {
    expect(await validateToken(database.db, settings, { ...digestAt(now.getTime()), tokenId: "nope" }, now)).toEqual({ tokenValid: false });
  });
});
