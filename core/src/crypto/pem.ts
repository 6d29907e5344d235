import { createPrivateKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { CryptoError } from "./errors.ts";

const PKCS8_PEM = /^-----BEGIN PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PRIVATE KEY-----\s*$/;

/**
 * Parses one unencrypted PKCS#8 private key in PEM (`-----BEGIN PRIVATE KEY-----`, the form of an Apple `.p8`
 * file and of a Google service account's `private_key`). The label is checked first so that a SEC1/PKCS#1 or
 * encrypted key is named as such rather than failing later; messages say what was wrong, never the key.
 */
export function parsePkcs8PrivateKeyPem(pem: string): KeyObject {
  const text = pem.trim();
  if (!PKCS8_PEM.test(text)) {
    const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
    if (label === undefined) throw new CryptoError("INVALID_KEY", "is not a PEM private key (-----BEGIN PRIVATE KEY-----)");
    if (label === "ENCRYPTED PRIVATE KEY") throw new CryptoError("INVALID_KEY", "is an encrypted private key; upload it without a passphrase");
    throw new CryptoError("INVALID_KEY", `is a PEM "${label}", not a PKCS#8 private key (-----BEGIN PRIVATE KEY-----)`);
  }
  try {
    return createPrivateKey({ key: text, format: "pem" });
  } catch {
    throw new CryptoError("INVALID_KEY", "is a PEM block that does not hold a readable PKCS#8 private key");
  }
}

/** The curve check APNs token signing (ES256) needs: an EC key on P-256. */
export function isP256PrivateKey(key: KeyObject): boolean {
  return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1";
}
