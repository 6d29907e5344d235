import { argon2Sync, randomBytes, randomInt } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { argon2i } from "@noble/hashes/argon2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import * as pa from "../core/src/crypto/index.ts";
import * as simAes from "./simulator/aes.ts";
import * as sim from "./simulator/primitives.ts";

// Differential property tests: core/src/crypto (OpenSSL via node:crypto) against
// independent implementations (@noble/curves, @noble/hashes, the simulator's
// pure-TS AES) on random inputs.

const N = 200;
const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

function accepts(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

describe("differential: P-256 against @noble/curves", () => {
  it("ECDH agrees for random keys, with compressed and uncompressed peers", () => {
    for (let i = 0; i < N; i++) {
      const a = p256.utils.randomSecretKey();
      const b = p256.utils.randomSecretKey();
      const bPub = p256.getPublicKey(b, i % 2 === 0);
      const noble = p256.getSharedSecret(a, bPub, true).slice(1);
      const core = pa.ecdhSharedSecret(pa.parsePrivateKey(a), pa.parsePublicKey(bPub));
      expect(eq(core, noble)).toBe(true);
    }
  });

  it("public key derivation and both point encodings agree", () => {
    for (let i = 0; i < N; i++) {
      const d = p256.utils.randomSecretKey();
      const pub = pa.publicKeyFromPrivateKey(pa.parsePrivateKey(d));
      expect(eq(pa.encodePublicKey(pub), p256.getPublicKey(d, false))).toBe(true);
      expect(eq(pa.encodePublicKeyCompressed(pub), p256.getPublicKey(d, true))).toBe(true);
      expect(eq(pa.encodePrivateKey(pa.parsePrivateKey(d)), d)).toBe(true);
    }
  });

  it("accepts and rejects the same random point encodings", () => {
    let accepted = 0;
    for (let i = 0; i < N * 2; i++) {
      const kind = i % 4;
      let bytes: Buffer;
      if (kind === 0) bytes = Buffer.concat([Buffer.from([2 + (i & 1)]), randomBytes(32)]); // random x: ~half on curve
      else if (kind === 1) bytes = Buffer.concat([Buffer.from([4]), randomBytes(64)]); // almost never on curve
      else if (kind === 2) {
        bytes = Buffer.from(p256.getPublicKey(p256.utils.randomSecretKey(), false));
        bytes[1 + randomInt(64)] ^= 1 << randomInt(8); // one flipped bit
      } else bytes = randomBytes(randomInt(0, 70)); // random length and prefix
      const core = accepts(() => pa.parsePublicKey(bytes));
      const noble = accepts(() => p256.Point.fromBytes(bytes).assertValidity());
      expect(core).toBe(noble);
      if (core) accepted++;
    }
    expect(accepted).toBeGreaterThan(10);
    // The point at infinity has no valid encoding for either.
    expect(accepts(() => pa.parsePublicKey(Buffer.from([0])))).toBe(false);
    expect(accepts(() => p256.Point.fromBytes(Uint8Array.of(0)))).toBe(false);
  });

  it("ECDSA: core signatures verify in noble and noble's (DER) verify in core", () => {
    for (let i = 0; i < N; i++) {
      const d = p256.utils.randomSecretKey();
      const priv = pa.parsePrivateKey(d);
      const pub = pa.parsePublicKey(p256.getPublicKey(d, true));
      const msg = randomBytes(randomInt(0, 200));
      const coreSig = pa.signEcdsa(priv, msg);
      expect(p256.verify(coreSig, msg, p256.getPublicKey(d), { format: "der", lowS: false })).toBe(true);
      const nobleSig = p256.sign(msg, d, { format: "der", lowS: i % 2 === 0 });
      expect(pa.verifyEcdsa(pub, msg, nobleSig)).toBe(true);
      const other = Buffer.concat([msg, Buffer.from([1])]);
      expect(pa.verifyEcdsa(pub, other, nobleSig)).toBe(false);
    }
  });
});

describe("differential: hashes and KDFs against @noble/hashes", () => {
  it("SHA-256, HMAC-SHA256, fold, KDF_INTERNAL (both orientations)", () => {
    for (let i = 0; i < N; i++) {
      const k = randomBytes(randomInt(1, 80));
      const d = randomBytes(randomInt(0, 300));
      expect(eq(pa.sha256(d), sha256(d))).toBe(true);
      expect(eq(pa.hmacSha256(k, d), hmac(sha256, k, d))).toBe(true);
      const key16 = randomBytes(16);
      expect(eq(pa.kdfInternal(key16, d), sim.fold(hmac(sha256, key16, d)))).toBe(true);
      expect(eq(pa.kdfInternalLegacy(key16, d), sim.fold(hmac(sha256, d, key16)))).toBe(true);
    }
  });

  it("X9.63 KDF for random lengths", () => {
    for (let i = 0; i < N; i++) {
      const z = randomBytes(32);
      const info = randomBytes(randomInt(0, 80));
      const len = randomInt(1, 100);
      expect(eq(pa.x963KdfSha256(z, info, len), sim.x963(z, info, len))).toBe(true);
    }
  });

  it("PBKDF2-HMAC-SHA1", () => {
    for (let i = 0; i < 20; i++) {
      const pw = randomBytes(randomInt(1, 20));
      const salt = randomBytes(randomInt(1, 20));
      const c = randomInt(1, 200);
      expect(eq(pa.pbkdf2Sha1(pw, salt, c, 16), pbkdf2(sha1, pw, salt, { c, dkLen: 16 }))).toBe(true);
    }
  });

  it("Argon2i (node:crypto) equals @noble/hashes for small parameters", () => {
    for (let i = 0; i < 10; i++) {
      const pw = randomBytes(randomInt(0, 20));
      const salt = randomBytes(8);
      const p = randomInt(1, 5);
      const m = 8 * p + randomInt(0, 64);
      const t = randomInt(1, 4);
      const node = argon2Sync("argon2i", { message: pw, nonce: salt, parallelism: p, tagLength: 32, memory: m, passes: t });
      expect(eq(node, argon2i(pw, salt, { t, m, p, dkLen: 32 }))).toBe(true);
    }
  });
});

describe("differential: AES against the simulator's pure-TS AES", () => {
  it("index KDF (16-byte and 8-byte PKCS#7 index), CBC with and without padding", () => {
    for (let i = 0; i < N; i++) {
      const key = randomBytes(16);
      const iv = randomBytes(16);
      const n = BigInt(`0x${randomBytes(8).toString("hex")}`);
      expect(eq(pa.deriveSecretKey(key, n), sim.kdf(key, n))).toBe(true);
      const idx8 = randomBytes(8);
      expect(eq(pa.deriveSecretKeyFromIndexBytes(key, idx8), simAes.aesEncryptBlock(key, Buffer.concat([idx8, Buffer.alloc(8, 8)])))).toBe(true);
      const plain = randomBytes(randomInt(0, 100));
      const c = pa.aesCbcEncrypt(key, iv, plain);
      expect(eq(c, simAes.aesCbcEncrypt(key, iv, plain))).toBe(true);
      expect(eq(pa.aesCbcDecrypt(key, iv, c), plain)).toBe(true);
      const blocks = randomBytes(16 * randomInt(1, 4));
      expect(eq(pa.aesCbcEncryptNoPadding(key, iv, blocks), simAes.aesCbcEncrypt(key, iv, blocks, false))).toBe(true);
    }
  });
});

describe("differential: protocol compositions against the simulator", () => {
  it("multi-factor signatures (decimal 4–8 and Base64) and the hash counter", () => {
    for (let i = 0; i < N; i++) {
      const keys = [randomBytes(16), randomBytes(16), randomBytes(16)].slice(0, 1 + (i % 3));
      const ctr = randomBytes(16);
      const data = randomBytes(randomInt(0, 200));
      const len = 4 + (i % 5);
      const simComponents = sim.signatureComponents(keys, ctr, data);
      expect(pa.computeSignature(keys, ctr, data, "DECIMAL", len)).toBe(sim.decimalSignature(simComponents, len));
      expect(pa.computeSignature(keys, ctr, data, "BASE64")).toBe(sim.base64Signature(simComponents));
      expect(eq(pa.nextCounterData(ctr), sim.nextCtr(ctr))).toBe(true);
    }
  });

  it("master secret and derived keys from both sides of a random key exchange", () => {
    for (let i = 0; i < 50; i++) {
      const device = sim.generateKeyPair();
      const server = pa.generateKeyPair();
      const serverPub = pa.encodePublicKey(server.publicKey);
      const coreMaster = pa.deriveMasterSecretKey(server.privateKey, pa.parsePublicKey(device.publicKey));
      const simMaster = sim.fold(sim.ecdh(device.privateKey, serverPub));
      expect(eq(coreMaster, simMaster)).toBe(true);
      const k = pa.deriveActivationKeys(coreMaster);
      expect(eq(k.transport, sim.kdf(simMaster, 1000))).toBe(true);
      expect(eq(k.vaultEncryption, sim.kdf(simMaster, 2000))).toBe(true);
    }
  });
});
