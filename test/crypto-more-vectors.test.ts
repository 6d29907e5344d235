import { afterAll, describe, expect, it } from "vitest";
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  crc16Arc,
  eciesDecryptRequest,
  eciesEncryptResponse,
  getEciesDecryptor,
  hmacSha256,
  parsePrivateKey,
  validateActivationCode,
  x963KdfSha256,
} from "../core/src/crypto/index.ts";
import { sharedChecks } from "./vectors/checks.ts";
import { b64, readVectorJson } from "./vectors/load.ts";
import type { Vector } from "./vectors/load.ts";

// test/vectors/more-test-vectors.json: subsets of the reference files (same
// format), the mobile-SDK v2 server-key signatures, the ECIES 3.0/3.1 vectors of
// the reference crypto library, activation codes, CRC-16, X9.63, HMAC, AES-CBC.

interface EciesCase {
  request: string;
  response: string;
  sharedInfo1: string;
  sharedInfo2: string;
  encryptedRequest: { ephemeralPublicKey: string; mac: string; encryptedData: string; nonce: string | null };
  encryptedResponse: { mac: string; encryptedData: string };
}
interface EciesSet {
  privateKey: string;
  cases: EciesCase[];
}
interface MoreVectors {
  sets: Record<string, unknown>;
}

const file = readVectorJson("more-test-vectors.json") as MoreVectors;

// Vectors per set; ECIES sets count their cases.
const EXPECTED_COUNTS: Record<string, number> = {
  "master-secret": 20,
  "derived-keys": 20,
  "signatures-v2": 30,
  "signatures-v3": 30,
  "signatures-v31": 30,
  "signatures-offline": 40,
  "status-blob-iv": 32,
  "status-blob-data": 8,
  "fingerprint-v3": 25,
  "fingerprint-v2": 25,
  "activation-signature-v3": 20,
  "activation-signature-v2": 20,
  "v2-encrypt-device-public-key": 20,
  "v2-decrypt-server-public-key": 20,
  "v2-server-public-key-signature": 20,
  "ecies-3.0": 6,
  "ecies-3.1": 6,
  "activation-codes": 12,
  crc16: 9,
  x963: 20,
  hmac: 7,
  "aes-cbc": 14,
};

const ran: Record<string, number> = {};

function countOf(set: string): number {
  const value = file.sets[set];
  if (Array.isArray(value)) return value.length;
  return (value as EciesSet).cases.length;
}

function runSet<T>(set: string, check: (item: T) => void): void {
  it(`${set}: all ${EXPECTED_COUNTS[set]} vectors`, () => {
    const value = file.sets[set];
    const items = (Array.isArray(value) ? value : (value as EciesSet).cases) as T[];
    expect(items.length).toBe(EXPECTED_COUNTS[set]);
    let count = 0;
    for (const item of items) {
      check(item);
      count++;
    }
    ran[set] = count;
    expect(count).toBe(countOf(set));
  });
}

describe("more-test-vectors.json", () => {
  afterAll(() => {
    const total = Object.values(ran).reduce((a, b) => a + b, 0);
    console.log(`more-test-vectors run: ${JSON.stringify(ran)} total=${total}`);
  });

  it("has exactly the sets this test knows", () => {
    expect(Object.keys(file.sets).sort()).toEqual(Object.keys(EXPECTED_COUNTS).sort());
  });

  runSet<Vector>("master-secret", sharedChecks.masterSecret);
  runSet<Vector>("derived-keys", sharedChecks.derivedKeys);
  runSet<Vector>("signatures-v2", sharedChecks.signaturesV2);
  runSet<Vector>("signatures-v3", sharedChecks.signaturesV3);
  runSet<Vector>("signatures-v31", sharedChecks.signaturesV31);
  runSet<Vector>("signatures-offline", sharedChecks.signaturesOffline);
  runSet<Vector>("status-blob-iv", sharedChecks.statusBlobIv);
  runSet<Vector>("status-blob-data", sharedChecks.statusBlobData);
  runSet<Vector>("fingerprint-v3", sharedChecks.fingerprintV3);
  runSet<Vector>("fingerprint-v2", sharedChecks.fingerprintV2);
  runSet<Vector>("activation-signature-v3", sharedChecks.activationSignatureV3);
  runSet<Vector>("activation-signature-v2", sharedChecks.activationSignatureV2);
  runSet<Vector>("v2-encrypt-device-public-key", sharedChecks.encryptDevicePublicKeyV2);
  runSet<Vector>("v2-decrypt-server-public-key", sharedChecks.decryptServerPublicKeyV2);
  runSet<Vector>("v2-server-public-key-signature", sharedChecks.serverPublicKeySignatureV2);

  for (const version of ["3.0", "3.1"] as const) {
    const set = file.sets[`ecies-${version}`] as EciesSet;
    runSet<EciesCase>(`ecies-${version}`, (c) => {
      // The reference test keys are Java BigInteger bytes (some 33 bytes with 0x00).
      const priv = parsePrivateKey(b64(set.privateKey));
      const sh1 = b64(c.sharedInfo1);
      const sh2 = b64(c.sharedInfo2);
      const req = c.encryptedRequest;
      expect(req.nonce === null).toBe(version === "3.0");
      const { plaintext, context } = eciesDecryptRequest(priv, sh1, sh2, {
        ephemeralPublicKey: b64(req.ephemeralPublicKey),
        encryptedData: b64(req.encryptedData),
        mac: b64(req.mac),
        nonce: req.nonce === null ? null : b64(req.nonce),
      });
      expect(context.version).toBe(version);
      expect(plaintext.toString("base64")).toBe(c.request);
      const resp = eciesEncryptResponse(context, b64(c.response));
      expect(resp.encryptedData.toString("base64")).toBe(c.encryptedResponse.encryptedData);
      expect(resp.mac.toString("base64")).toBe(c.encryptedResponse.mac);
      // getEciesDecryptor hands out the same envelope: its first 32 bytes are enc‖mac keys.
      const dec = getEciesDecryptor(priv, b64(req.ephemeralPublicKey), sh1, sh2, version);
      expect(dec.secretKey.byteLength).toBe(version === "3.0" ? 32 : 48);
      expect(dec.secretKey.subarray(0, 16).equals(context.encKey)).toBe(true);
      expect(dec.secretKey.subarray(16, 32).equals(context.macKey)).toBe(true);
      // A flipped MAC bit must be refused before any decryption.
      const badMac = b64(req.mac);
      badMac[0] ^= 1;
      expect(() =>
        eciesDecryptRequest(priv, sh1, sh2, {
          ephemeralPublicKey: b64(req.ephemeralPublicKey),
          encryptedData: b64(req.encryptedData),
          mac: badMac,
          nonce: req.nonce === null ? null : b64(req.nonce),
        }),
      ).toThrow(/MAC/);
    });
  }

  runSet<string>("activation-codes", (code) => {
    expect(validateActivationCode(code)).toBe(true);
  });

  runSet<[string, number]>("crc16", ([text, crc]) => {
    expect(crc16Arc(Buffer.from(text, "ascii"))).toBe(crc);
  });

  runSet<{ secret: string; sharedInfo: string; expected: string }>("x963", (v) => {
    const expected = b64(v.expected);
    expect(x963KdfSha256(b64(v.secret), b64(v.sharedInfo), expected.byteLength).equals(expected)).toBe(true);
  });

  runSet<{ key: string; data: string; hmac: string }>("hmac", (v) => {
    const expected = b64(v.hmac);
    // RFC 4231 case 5 is truncated to 128 bits.
    expect(hmacSha256(b64(v.key), b64(v.data)).subarray(0, expected.byteLength).equals(expected)).toBe(true);
  });

  runSet<{ plain: string; key: string; iv: string; enc: string }>("aes-cbc", (v) => {
    expect(aesCbcEncrypt(b64(v.key), b64(v.iv), b64(v.plain)).toString("base64")).toBe(v.enc);
    expect(aesCbcDecrypt(b64(v.key), b64(v.iv), b64(v.enc)).toString("base64")).toBe(v.plain);
  });

  it("runs every set", () => {
    expect(Object.keys(ran).sort()).toEqual(Object.keys(EXPECTED_COUNTS).sort());
  });
});
