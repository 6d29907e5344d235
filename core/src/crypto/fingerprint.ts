import type { KeyObject } from "node:crypto";
import { utf8 } from "./bytes.ts";
import { publicKeyCoordinateX } from "./ec-keys.ts";
import { sha256 } from "./hash.ts";

/** X coordinate with leading zero bytes stripped, as Java's BigInteger export yields it. */
function minimalX(key: KeyObject): Buffer {
  const x = publicKeyCoordinateX(key);
  let start = 0;
  while (start < x.byteLength - 1 && x[start] === 0) start++;
  return x.subarray(start);
}

/** Last four hash bytes, big-endian, top bit cleared, mod 10^8, 8 digits. */
function decimal8(hash: Buffer): string {
  return String((hash.readUInt32BE(hash.byteLength - 4) & 0x7fffffff) % 100_000_000).padStart(8, "0");
}

/** Fingerprint for a version-3 activation: binds both keys and the activation ID. */
export function devicePublicKeyFingerprintV3(devicePublicKey: KeyObject, activationId: string, serverPublicKey: KeyObject): string {
  return decimal8(sha256(minimalX(devicePublicKey), utf8(activationId), minimalX(serverPublicKey)));
}

/** Fingerprint for a version-2 activation: the device key's X coordinate only. */
export function devicePublicKeyFingerprintV2(devicePublicKey: KeyObject): string {
  return decimal8(sha256(minimalX(devicePublicKey)));
}
