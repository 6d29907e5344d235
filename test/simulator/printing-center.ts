// A recovery-postcard printing centre for tests, from protocol.md §14.1 on @noble/* (nothing from core/src/crypto):
// it shares a P-256 key with the server once, then derives each postcard's recovery code and PUKs from the nonce
// and PUK derivation indexes CreateRecoveryCode returns, without the server ever sending it a secret.

import { aesEncryptBlock } from "./aes.ts";
import { b64, concat, ecdh, generateKeyPair, uncompressed, unb64, x963 } from "./primitives.ts";
import type { Bytes, SimKeyPair } from "./primitives.ts";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A postcard as printed: the full recovery code and the PUKs in index order. */
export interface Postcard {
  recoveryCode: string;
  puks: string[];
}

export class SimulatedPrintingCenter {
  private readonly keyPair: SimKeyPair = generateKeyPair();

  /** Base64 of the centre's public key (uncompressed), for UpdateRecoveryConfig's remotePostcardPublicKey. */
  get publicKey(): string {
    return b64(uncompressed(this.keyPair.publicKey));
  }

  /**
   * The postcard for CreateRecoveryCode's answer: SECRET = ECDH(centre, server postcard key) in full (32 bytes),
   * D = X9.63(SECRET, NONCE, 26), code = format(D[0..10)), PUK_i from D[10..26) and the i-th derivation index.
   */
  printPostcard(serverPostcardPublicKey: string, nonce: string, pukDerivationIndexes: bigint[]): Postcard {
    const secret = ecdh(this.keyPair.privateKey, unb64(serverPostcardPublicKey));
    const d = x963(secret, unb64(nonce), 26);
    const pukBase = d.slice(10, 26);
    return { recoveryCode: activationCodeFormat(d.slice(0, 10)), puks: pukDerivationIndexes.map((index) => derivePuk(pukBase, index)) };
  }
}

/** PK = AES(PUK_BASE, be64(index) || 08×8) (one PKCS#7-padded block); PUK = (be64(PK[8..16)) & 2^40−1) mod 10^10. */
function derivePuk(pukBase: Bytes, index: bigint): string {
  const indexBytes = new Uint8Array(8);
  new DataView(indexBytes.buffer).setBigInt64(0, index);
  const pk = aesEncryptBlock(pukBase, concat(indexBytes, new Uint8Array(8).fill(8)));
  const value = new DataView(pk.buffer, pk.byteOffset).getBigUint64(8) & 0xff_ffff_ffffn;
  return (value % 10_000_000_000n).toString().padStart(10, "0");
}

/** Base32(r || be16(CRC-16/ARC(r))) in four dash-separated groups of five. */
function activationCodeFormat(random10: Bytes): string {
  const crc = crc16Arc(random10);
  const text = base32(concat(random10, new Uint8Array([crc >> 8, crc & 0xff])));
  return [0, 5, 10, 15].map((i) => text.slice(i, i + 5)).join("-");
}

function crc16Arc(data: Bytes): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

function base32(data: Bytes): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of data) {
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
