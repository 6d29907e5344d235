import { randomBytes, uint64BE } from "./bytes.ts";
import { CryptoError } from "./errors.ts";
import { sha256 } from "./hash.ts";
import { fold } from "./kdf.ts";

/** Fresh CTR_DATA for a v3 activation (16 random bytes). */
export function generateCounterData(): Buffer {
  return randomBytes(16);
}

/** Hash-based counter step: `next(c) = fold(SHA256(c))`. */
export function nextCounterData(ctrData: Uint8Array): Buffer {
  if (ctrData.byteLength !== 16) throw new CryptoError("INVALID_INPUT", "counter data must be 16 bytes");
  return fold(sha256(ctrData));
}

/** Counter data of a v2 activation: the numeric counter as `0^8 || be64(counter)`. */
export function numericCounterData(counter: bigint | number): Buffer {
  return Buffer.concat([Buffer.alloc(8), uint64BE(counter)]);
}
