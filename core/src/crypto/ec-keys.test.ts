import { createECDH } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  encodePrivateKey,
  encodePublicKey,
  encodePublicKeyCompressed,
  exportPrivateKeyForStorage,
  generateKeyPair,
  parsePrivateKey,
  parsePublicKey,
  publicKeyFromPrivateKey,
} from "./ec-keys.ts";
import { CryptoError } from "./errors.ts";

const N = Buffer.from("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", "hex");
const P = Buffer.from("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", "hex");

function kind(fn: () => unknown): string {
  try {
    fn();
    return "none";
  } catch (e) {
    return e instanceof CryptoError ? e.kind : "other";
  }
}

describe("parsePublicKey", () => {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const u = ecdh.getPublicKey();
  const c = ecdh.getPublicKey(null, "compressed");

  it("accepts compressed and uncompressed encodings of the same point", () => {
    expect(encodePublicKey(parsePublicKey(c)).equals(u)).toBe(true);
    expect(encodePublicKey(parsePublicKey(u)).equals(u)).toBe(true);
    expect(encodePublicKeyCompressed(parsePublicKey(u)).equals(c)).toBe(true);
  });

  it("rejects infinity, hybrid and truncated encodings", () => {
    expect(kind(() => parsePublicKey(Buffer.from([0])))).toBe("INVALID_KEY");
    const hybrid = Buffer.from(u);
    hybrid[0] = 0x06 | (u[64] & 1);
    expect(kind(() => parsePublicKey(hybrid))).toBe("INVALID_KEY");
    expect(kind(() => parsePublicKey(u.subarray(0, 64)))).toBe("INVALID_KEY");
    expect(kind(() => parsePublicKey(Buffer.concat([Buffer.from([4]), Buffer.alloc(64)])))).toBe("INVALID_KEY");
  });

  it("rejects points off the curve and coordinates ≥ p", () => {
    const off = Buffer.from(u);
    off[64] ^= 1;
    expect(kind(() => parsePublicKey(off))).toBe("INVALID_KEY");
    expect(kind(() => parsePublicKey(Buffer.concat([Buffer.from([2]), P])))).toBe("INVALID_KEY");
    const big = Buffer.concat([Buffer.from([4]), P, u.subarray(33)]);
    expect(kind(() => parsePublicKey(big))).toBe("INVALID_KEY");
  });
});

describe("private keys", () => {
  it("accept the Java BigInteger forms: 33 bytes with 0x00, 32 bytes, and shorter", () => {
    const d = Buffer.alloc(32);
    d[31] = 5;
    const short = parsePrivateKey(Buffer.from([5]));
    expect(encodePrivateKey(short).equals(d)).toBe(true);
    expect(encodePrivateKey(parsePrivateKey(Buffer.concat([Buffer.from([0]), d]))).equals(d)).toBe(true);
  });

  it("reject zero, n and larger", () => {
    expect(kind(() => parsePrivateKey(Buffer.alloc(32)))).toBe("INVALID_KEY");
    expect(kind(() => parsePrivateKey(N))).toBe("INVALID_KEY");
    expect(kind(() => parsePrivateKey(Buffer.alloc(33, 0xff)))).toBe("INVALID_KEY");
    expect(kind(() => parsePrivateKey(Buffer.alloc(0)))).toBe("INVALID_KEY");
  });

  it("export for storage as minimal signed big-endian, and parse back", () => {
    for (let i = 0; i < 50; i++) {
      const { privateKey, publicKey } = generateKeyPair();
      const stored = exportPrivateKeyForStorage(privateKey);
      const fixed = encodePrivateKey(privateKey);
      const expected = BigInt(`0x${fixed.toString("hex")}`);
      expect(BigInt(`0x${stored.toString("hex")}`)).toBe(expected);
      expect(stored[0] & 0x80).toBe(0); // non-negative as a signed number
      expect(stored.byteLength === 1 || !(stored[0] === 0 && (stored[1] & 0x80) === 0)).toBe(true); // minimal
      const back = parsePrivateKey(stored);
      expect(encodePublicKey(publicKeyFromPrivateKey(back)).equals(encodePublicKey(publicKey))).toBe(true);
    }
    expect(exportPrivateKeyForStorage(parsePrivateKey(Buffer.from([0x80]))).toString("hex")).toBe("0080");
    expect(exportPrivateKeyForStorage(parsePrivateKey(Buffer.from([0x7f]))).toString("hex")).toBe("7f");
  });

  it("generated public keys are 65-byte uncompressed points", () => {
    const pub = encodePublicKey(generateKeyPair().publicKey);
    expect(pub.byteLength).toBe(65);
    expect(pub[0]).toBe(4);
  });
});
