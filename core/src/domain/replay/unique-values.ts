import { createHash } from "node:crypto";
import type { Db } from "../../persistence/db.ts";
import type { Tx } from "../../persistence/tx.ts";
import { deleteExpiredUniqueValues, insertUniqueValue } from "../../persistence/unique-value.repository.ts";

/** What a remembered value was: the type is also hashed in, so values of different kinds never collide. */
export type UniqueValueType = "TOKEN" | "ECIES_APPLICATION_SCOPE" | "ECIES_ACTIVATION_SCOPE";

/**
 * Remembers a value that must be accepted only once, in the caller's transaction (so a call that fails later
 * forgets it again), until `expires`. Only SHA-256 of the type and the length-prefixed parts is stored: the
 * table must not become a copy of digests or keys. Returns false when the value was already seen (a replay).
 */
export async function acceptOnce(tx: Tx, type: UniqueValueType, parts: readonly Uint8Array[], expires: Date): Promise<boolean> {
  const hash = createHash("sha256").update(type);
  for (const part of parts) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.byteLength);
    hash.update(length).update(part);
  }
  return insertUniqueValue(tx, { uniqueValue: hash.digest("base64"), type, timestampExpires: expires });
}

/**
 * The periodic job's work: forgets values past their expiry (they could not be accepted again anyway, since
 * their timestamp or retention has run out). Safe in several cores at once. Returns how many rows it removed.
 */
export async function removeExpiredUniqueValues(db: Db, now: Date = new Date()): Promise<number> {
  return db.transaction((tx) => deleteExpiredUniqueValues(tx, now));
}
