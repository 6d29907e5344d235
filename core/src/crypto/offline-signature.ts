import type { KeyObject } from "node:crypto";
import { decodeBase64, encodeBase64, randomBytes, utf8 } from "./bytes.ts";
import { signEcdsa, verifyEcdsa } from "./ecdsa.ts";
import { CryptoError } from "./errors.ts";

/** Which key signed an offline payload: '0' master (non-personalized), '1' activation server key. */
export const OFFLINE_KEY_INDICATOR = {
  MASTER_SERVER_KEY: "0",
  PERSONALIZED_SERVER_KEY: "1",
} as const;
/** The key indicator character of an offline payload. */
export type OfflineKeyIndicator = (typeof OFFLINE_KEY_INDICATOR)[keyof typeof OFFLINE_KEY_INDICATOR];

/**
 * Offline signature payload: `offlineData = DATA \n NONCE \n IND || B64(DER ECDSA(priv, DATA \n NONCE \n IND))`
 * (signature follows the indicator with no separator). `nonce` is 16 random bytes unless given (tests).
 */
export function createOfflineSignaturePayload(
  privateKey: KeyObject,
  data: string,
  keyIndicator: OfflineKeyIndicator,
  nonce: Uint8Array = randomBytes(16),
): { offlineData: string; nonce: string } {
  const nonceB64 = encodeBase64(nonce);
  const signed = `${data}\n${nonceB64}\n${keyIndicator}`;
  return { offlineData: signed + encodeBase64(signEcdsa(privateKey, utf8(signed))), nonce: nonceB64 };
}

/**
 * What the app does with a payload: split off the signature after the indicator
 * and verify it with the master ('0') or activation server ('1') public key.
 */
export function verifyOfflineSignaturePayload(publicKey: KeyObject, offlineData: string): boolean {
  const lastNewline = offlineData.lastIndexOf("\n");
  if (lastNewline < 0 || lastNewline + 2 > offlineData.length) return false;
  const signed = offlineData.slice(0, lastNewline + 2);
  let signature: Buffer;
  try {
    signature = decodeBase64(offlineData.slice(lastNewline + 2));
  } catch (e) {
    if (e instanceof CryptoError) return false;
    throw e;
  }
  return verifyEcdsa(publicKey, utf8(signed), signature);
}
