import { createCipheriv, createHmac } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { parsePublicKey } from "./ec-keys.ts";
import { ecdhSharedSecret } from "./ecdh.ts";
import { x963KdfSha256 } from "./kdf.ts";

const ZERO_IV = Buffer.alloc(16);

/**
 * v2 createToken: ECIES with the application's MASTER private key and no
 * sharedInfo: KEY = X963(ECDH(master, E), E, 32), zero IV, MAC over C only.
 * The client sends no ciphertext, only E.
 */
export function encryptTokenResponseV2(
  masterPrivateKey: KeyObject,
  ephemeralPublicKey: Uint8Array,
  plaintext: Uint8Array,
): { encryptedData: Buffer; mac: Buffer } {
  const z = ecdhSharedSecret(masterPrivateKey, parsePublicKey(ephemeralPublicKey));
  const key = x963KdfSha256(z, ephemeralPublicKey, 32);
  const c = createCipheriv("aes-128-cbc", key.subarray(0, 16), ZERO_IV);
  const encryptedData = Buffer.concat([c.update(plaintext), c.final()]);
  return { encryptedData, mac: createHmac("sha256", key.subarray(16, 32)).update(encryptedData).digest() };
}
