import { aesCbcDecrypt, aesCbcEncrypt, concat, ecdh, equal, generateKeyPair, hmacSha256, kdfInternal, random, te, x963 } from "./primitives.ts";
import type { Bytes } from "./primitives.ts";

/** ECIES cryptogram with SOAP field names (all Base64 on the wire). */
export interface EciesFields {
  ephemeralPublicKey: string;
  encryptedData: string;
  mac: string;
  nonce?: string;
}

/** Symmetric half of ECIES 3.0/3.1, shared by device and intermediate. */
export class EciesSession {
  readonly encKey: Bytes;
  readonly macKey: Bytes;
  readonly iv: Bytes;
  readonly sharedInfo2: Bytes;

  constructor(envelope: Bytes, sharedInfo2: Bytes, nonce: Bytes | null) {
    this.encKey = envelope.slice(0, 16);
    this.macKey = envelope.slice(16, 32);
    this.iv = nonce ? kdfInternal(envelope.slice(32, 48), nonce) : new Uint8Array(16);
    this.sharedInfo2 = sharedInfo2;
  }

  seal(plaintext: Bytes): { encryptedData: Bytes; mac: Bytes } {
    const encryptedData = aesCbcEncrypt(this.encKey, this.iv, plaintext);
    return { encryptedData, mac: hmacSha256(this.macKey, concat(encryptedData, this.sharedInfo2)) };
  }

  open(encryptedData: Bytes, mac: Bytes): Bytes {
    if (!equal(hmacSha256(this.macKey, concat(encryptedData, this.sharedInfo2)), mac)) {
      throw new Error("ECIES MAC mismatch");
    }
    return aesCbcDecrypt(this.encKey, this.iv, encryptedData);
  }
}

/**
 * Device side: new ephemeral key, envelope X963(ECDH(e, P), sh1 || E), 32 bytes
 * for 3.0 (zero IV) or 48 for 3.1 (fresh nonce → IV).
 */
export function eciesEncryptRequest(
  recipientPublicKey: Bytes,
  sharedInfo1: string,
  sharedInfo2: Bytes,
  plaintext: Bytes,
  version: "3.0" | "3.1",
): { fields: EciesFields; session: EciesSession } {
  const eph = generateKeyPair();
  const envelope = x963(ecdh(eph.privateKey, recipientPublicKey), concat(te.encode(sharedInfo1), eph.publicKey), version === "3.0" ? 32 : 48);
  const nonce = version === "3.1" ? random(16) : null;
  const session = new EciesSession(envelope, sharedInfo2, nonce);
  const { encryptedData, mac } = session.seal(plaintext);
  const fields: EciesFields = {
    ephemeralPublicKey: Buffer.from(eph.publicKey).toString("base64"),
    encryptedData: Buffer.from(encryptedData).toString("base64"),
    mac: Buffer.from(mac).toString("base64"),
  };
  if (nonce) fields.nonce = Buffer.from(nonce).toString("base64");
  return { fields, session };
}
