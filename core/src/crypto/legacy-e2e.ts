import type { KeyObject } from "node:crypto";
import { randomBytes } from "./bytes.ts";
import { parsePublicKey } from "./ec-keys.ts";
import { ecdhSharedSecret } from "./ecdh.ts";
import { fold, kdfInternalLegacy } from "./kdf.ts";

/**
 * The 16-byte session index for get(Non)PersonalizedEncryptionKey: the caller's
 * value when it decodes to exactly 16 bytes, otherwise a fresh random one.
 */
export function resolveSessionIndexV2(sessionIndex: Uint8Array | null | undefined): Buffer {
  return sessionIndex && sessionIndex.byteLength === 16 ? Buffer.from(sessionIndex) : randomBytes(16);
}

/** Personalized E2E key: KDF_INTERNAL_LEGACY(KEY_TRANSPORT, index) = fold(HMAC(key = index, msg = KEY_TRANSPORT)). */
export function personalizedEncryptionKeyV2(transportKey: Uint8Array, sessionIndex: Uint8Array): Buffer {
  return kdfInternalLegacy(transportKey, sessionIndex);
}

/** Non-personalized E2E key: fold(HMAC(key = index, msg = fold(ECDH(master, ephemeral)))). */
export function nonPersonalizedEncryptionKeyV2(
  masterPrivateKey: KeyObject,
  ephemeralPublicKey: Uint8Array,
  sessionIndex: Uint8Array,
): Buffer {
  const sessionKey = fold(ecdhSharedSecret(masterPrivateKey, parsePublicKey(ephemeralPublicKey)));
  return kdfInternalLegacy(sessionKey, sessionIndex);
}
