// Crypto benchmark: ops/s of the server's hot operations through core/src/crypto,
// each beside the same OpenSSL primitives called directly (node:crypto, keys
// prepared the same way), and the ratio core time / raw time. Run with
//   npx node test/bench/crypto.bench.ts   (or npm run bench:crypto)
// Environment: BENCH_MS (time per sample, default 300), BENCH_ROUNDS (default 5).
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import type { KeyObject } from "node:crypto";
import * as pa from "../../core/src/crypto/index.ts";

const SAMPLE_MS = Number(process.env.BENCH_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function opsPerSecond(fn: () => unknown): number {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < SAMPLE_MS) {
    for (let i = 0; i < 50; i++) fn();
    ops += 50;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Alternates core and raw samples so drift affects both alike; returns medians. */
function compare(core: () => unknown, raw: () => unknown): { core: number; raw: number } {
  for (let i = 0; i < 2000; i++) {
    core();
    raw();
  }
  const c: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    c.push(opsPerSecond(core));
    r.push(opsPerSecond(raw));
  }
  return { core: median(c), raw: median(r) };
}

// ---- fixtures -----------------------------------------------------------

const SPKI_COMPRESSED = Buffer.from("3039301306072a8648ce3d020106082a8648ce3d030107032200", "hex");
const ZERO_IV = Buffer.alloc(16);
const hmac = (k: Uint8Array, ...d: Uint8Array[]): Buffer => {
  const h = createHmac("sha256", k);
  for (const x of d) h.update(x);
  return h.digest();
};
const fold = (x: Buffer): Buffer => {
  const o = Buffer.allocUnsafe(16);
  for (let i = 0; i < 16; i++) o[i] = x[i] ^ x[i + 16];
  return o;
};
const ecb = (k: Uint8Array, b: Uint8Array): Buffer => createCipheriv("aes-128-ecb", k, null).setAutoPadding(false).update(b);
const indexBlock = (n: number): Buffer => {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(n, 12);
  return b;
};

const server = pa.generateKeyPair();
const appSecret = randomBytes(16).toString("base64");
const keys = { possession: randomBytes(16), knowledge: randomBytes(16), biometry: randomBytes(16) };
const ctrData = randomBytes(16);
const transportKey = randomBytes(16);

// 1. three-factor signature verification (decimal, 3.0)
const sigData = pa.onlineSignatureBaseData(
  pa.normalizeSignatureData("POST", "/pa/signature/validate", randomBytes(16).toString("base64"), randomBytes(300)),
  appSecret,
);
const keyList = pa.signatureKeysForType("POSSESSION_KNOWLEDGE_BIOMETRY", keys);
const signature = pa.computeSignature(keyList, ctrData, sigData, "DECIMAL");
const signatureBytes = Buffer.from(signature);
function rawSignatureVerify(): boolean {
  const k1 = hmac(keyList[0], ctrData);
  const k2 = hmac(keyList[1], ctrData);
  const k3 = hmac(keyList[2], ctrData);
  const c = [hmac(k1, sigData), hmac(hmac(k2, k2), sigData), hmac(hmac(k3, hmac(k2, k3)), sigData)];
  const text = c.map((x) => String((x.readUInt32BE(28) & 0x7fffffff) % 1e8).padStart(8, "0")).join("-");
  const got = Buffer.from(text);
  return got.length === signatureBytes.length && timingSafeEqual(got, signatureBytes);
}

// 2. ECIES request decrypt + response encrypt (activation scope, as a token/vault call)
function clientRequest(nonce: Buffer | null): pa.EciesRequest {
  const eph = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const e = pa.encodePublicKeyCompressed(eph.publicKey);
  const z = diffieHellman({ privateKey: eph.privateKey, publicKey: server.publicKey });
  const k = pa.x963KdfSha256(z, Buffer.concat([Buffer.from("/pa/token/create"), e]), nonce ? 48 : 32);
  const sh2 = pa.eciesActivationScopeSharedInfo2(transportKey, appSecret);
  const iv = nonce ? pa.kdfInternal(k.subarray(32, 48), nonce) : ZERO_IV;
  const c = createCipheriv("aes-128-cbc", k.subarray(0, 16), iv);
  const encryptedData = Buffer.concat([c.update('{"reason":"FETCH_ENCRYPTION_KEY"}'), c.final()]);
  return { ephemeralPublicKey: e, encryptedData, mac: hmac(k.subarray(16, 32), encryptedData, sh2), nonce };
}
const sh2 = pa.eciesActivationScopeSharedInfo2(transportKey, appSecret);
const sh1Bytes = Buffer.from("/pa/token/create");
const responseBody = Buffer.from('{"tokenId":"4c5a1f0e-6d1e-4c2b-9a0f-0b7f3c1d2e3f","tokenSecret":"q2ZmRk7P1r9m3r0Fz1m4bA=="}');
const req30 = clientRequest(null);
const req31 = clientRequest(randomBytes(16));
function coreEcies(req: pa.EciesRequest): pa.EciesResponse {
  const { context } = pa.eciesDecryptRequest(server.privateKey, "/pa/token/create", sh2, req);
  return pa.eciesEncryptResponse(context, responseBody);
}
function rawEcies(req: pa.EciesRequest, privateKey: KeyObject): { encryptedData: Buffer; mac: Buffer } {
  const pub = createPublicKey({ key: Buffer.concat([SPKI_COMPRESSED, req.ephemeralPublicKey]), format: "der", type: "spki" });
  const z = diffieHellman({ privateKey, publicKey: pub });
  const info = Buffer.concat([sh1Bytes, req.ephemeralPublicKey]);
  let k = createHash("sha256").update(z).update(Buffer.from([0, 0, 0, 1])).update(info).digest();
  if (req.nonce) k = Buffer.concat([k, createHash("sha256").update(z).update(Buffer.from([0, 0, 0, 2])).update(info).digest()]);
  const iv = req.nonce ? fold(hmac(k.subarray(32, 48), req.nonce)) : ZERO_IV;
  const mac = hmac(k.subarray(16, 32), req.encryptedData, sh2);
  if (!timingSafeEqual(mac, req.mac)) throw new Error("mac");
  const d = createDecipheriv("aes-128-cbc", k.subarray(0, 16), iv);
  Buffer.concat([d.update(req.encryptedData), d.final()]);
  const c = createCipheriv("aes-128-cbc", k.subarray(0, 16), iv);
  const encryptedData = Buffer.concat([c.update(responseBody), c.final()]);
  return { encryptedData, mac: hmac(k.subarray(16, 32), encryptedData, sh2) };
}

// 3. activation key exchange: server key pair + device key parse + ECDH + fold + 5 KDFs
const deviceCompressed = pa.encodePublicKeyCompressed(pa.generateKeyPair().publicKey);
function coreKeyExchange(): pa.ActivationKeys {
  const pair = pa.generateKeyPair();
  return pa.deriveActivationKeysFromKeyPair(pair.privateKey, pa.parsePublicKey(deviceCompressed));
}
function rawKeyExchange(): Buffer[] {
  const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const pub = createPublicKey({ key: Buffer.concat([SPKI_COMPRESSED, deviceCompressed]), format: "der", type: "spki" });
  const master = fold(diffieHellman({ privateKey: pair.privateKey, publicKey: pub }));
  return [1, 2, 3, 1000, 2000].map((n) => ecb(master, indexBlock(n)));
}

// 4. status blob (3.1, with challenge)
const challenge = randomBytes(16);
const statusInput: pa.StatusBlobInput = {
  activationStatus: 3,
  currentVersion: 3,
  upgradeVersion: 3,
  failedAttempts: 0,
  maxFailedAttempts: 5,
  counter: 42,
  ctrLookAhead: 20,
  ctrData,
};
function rawStatusBlob(): { blob: Buffer; nonce: Buffer } {
  const blob = randomBytes(32);
  blob.writeUInt32BE(0xdec0ded1, 0);
  blob[4] = 3;
  blob[5] = 3;
  blob[6] = 3;
  blob[12] = 42;
  blob[13] = 0;
  blob[14] = 5;
  blob[15] = 20;
  fold(hmac(ecb(transportKey, indexBlock(4000)), ctrData)).copy(blob, 16);
  const nonce = randomBytes(16);
  const iv = fold(hmac(ecb(transportKey, indexBlock(3000)), challenge, nonce));
  const c = createCipheriv("aes-128-cbc", transportKey, iv).setAutoPadding(false);
  return { blob: Buffer.concat([c.update(blob), c.final()]), nonce };
}

// 5. token digest validation
const tokenSecret = randomBytes(16);
const tokenNonce = randomBytes(16);
const timestamp = Date.now();
const digest = pa.computeTokenDigest(tokenSecret, tokenNonce, timestamp);
function rawTokenDigest(): boolean {
  const d = createHmac("sha256", tokenSecret).update(tokenNonce).update("&").update(String(timestamp)).digest();
  return timingSafeEqual(d, digest);
}

// sanity: core and raw compute the same things
if (!pa.verifySignature(keyList, ctrData, sigData, signature, "DECIMAL") || !rawSignatureVerify()) throw new Error("signature fixture");
for (const r of [req30, req31]) {
  const a = coreEcies(r);
  const b = rawEcies(r, server.privateKey);
  if (!a.encryptedData.equals(b.encryptedData) || !a.mac.equals(b.mac)) throw new Error("ECIES fixture");
}
if (!pa.verifyTokenDigest(tokenSecret, tokenNonce, timestamp, digest) || !rawTokenDigest()) throw new Error("token fixture");

const cases: { name: string; primitives: string; core: () => unknown; raw: () => unknown }[] = [
  {
    name: "3-factor signature verify (decimal)",
    primitives: "9× HMAC-SHA256",
    core: () => pa.verifySignature(keyList, ctrData, sigData, signature, "DECIMAL"),
    raw: rawSignatureVerify,
  },
  {
    name: "ECIES 3.0 decrypt req + encrypt resp",
    primitives: "SPKI import, ECDH, SHA-256, 2× HMAC, 2× AES-CBC",
    core: () => coreEcies(req30),
    raw: () => rawEcies(req30, server.privateKey),
  },
  {
    name: "ECIES 3.1 decrypt req + encrypt resp",
    primitives: "SPKI import, ECDH, 2× SHA-256, 3× HMAC, 2× AES-CBC",
    core: () => coreEcies(req31),
    raw: () => rawEcies(req31, server.privateKey),
  },
  {
    name: "activation key exchange",
    primitives: "EC keygen, SPKI import, ECDH, 5× AES-ECB",
    core: coreKeyExchange,
    raw: rawKeyExchange,
  },
  {
    name: "status blob 3.1 (with challenge)",
    primitives: "2× random, 2× AES-ECB, 2× HMAC, AES-CBC",
    core: () => pa.encryptStatusBlob(transportKey, statusInput, challenge),
    raw: rawStatusBlob,
  },
  {
    name: "token digest verify",
    primitives: "HMAC-SHA256",
    core: () => pa.verifyTokenDigest(tokenSecret, tokenNonce, timestamp, digest),
    raw: rawTokenDigest,
  },
];

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${SAMPLE_MS} ms × ${ROUNDS} rounds (median)\n`);
console.log("| operation | primitives | core ops/s | raw ops/s | core/raw time |");
console.log("|---|---|---:|---:|---:|");
let worst = 0;
for (const c of cases) {
  const r = compare(c.core, c.raw);
  const ratio = r.raw / r.core;
  worst = Math.max(worst, ratio);
  console.log(`| ${c.name} | ${c.primitives} | ${fmt(r.core)} | ${fmt(r.raw)} | ${ratio.toFixed(2)}× |`);
}
console.log(`\nworst ratio ${worst.toFixed(2)}× (target ≤ 1.30×)`);
