import { masterDbKeyId } from "../../crypto/record-encryption.ts";
import type { ServiceSettings } from "../service-settings.ts";

/** The settings every sealed column depends on: the key new records are sealed with, and older keys that still open. */
export type MasterDbKeys = Pick<ServiceSettings, "masterDbEncryptionKey" | "masterDbEncryptionPreviousKeys">;

/** One master DB key and the id stored beside every record it sealed. */
export interface RingKey {
  id: string;
  key: Buffer;
}

/**
 * The configured master DB keys: `current` seals every new record (none = secrets are stored in the clear),
 * `all` is the current key followed by the previous ones, each able to open what it sealed. Rotating a key means
 * configuring a new current key with the old one as previous, re-sealing (on start or `rotate-db-key`), then
 * dropping the old one.
 */
export interface MasterDbKeyRing {
  current: RingKey | null;
  all: readonly RingKey[];
}

/** Ids are a pure function of the key; remembered so a seal or an open costs no extra HMAC. */
const idsOfKeys = new WeakMap<Buffer, string>();

function ringKey(key: Buffer): RingKey {
  let id = idsOfKeys.get(key);
  if (id === undefined) {
    id = masterDbKeyId(key);
    idsOfKeys.set(key, id);
  }
  return { id, key };
}

/** The key ring of the settings (previous keys without a current one open nothing new but still open). */
export function masterDbKeyRing(keys: MasterDbKeys): MasterDbKeyRing {
  const current = keys.masterDbEncryptionKey ? ringKey(keys.masterDbEncryptionKey) : null;
  const previous = (keys.masterDbEncryptionPreviousKeys ?? []).map(ringKey).filter((key) => key.id !== current?.id);
  return { current, all: current ? [current, ...previous] : previous };
}

/** The ring's key with this id, if it is configured. */
export function ringKeyById(ring: MasterDbKeyRing, id: string): RingKey | undefined {
  return ring.all.find((key) => key.id === id);
}
