// A small, independent AES-128 (FIPS-197) in plain TypeScript, so the simulator
// shares no symmetric code with the server (which uses OpenSSL). Not constant
// time and not fast — it only plays a test device.

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);

function xtime(a: number): number {
  return ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;
}

function gmul(a: number, b: number): number {
  let p = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) p ^= a;
    a = xtime(a);
    b >>= 1;
  }
  return p;
}

(function buildSbox() {
  // Multiplicative inverse via exponentiation (a^254), then the affine map.
  for (let x = 0; x < 256; x++) {
    let inv = 1;
    if (x === 0) inv = 0;
    else for (let i = 0; i < 254; i++) inv = gmul(inv, x);
    let s = inv;
    let r = inv;
    for (let i = 0; i < 4; i++) {
      r = ((r << 1) | (r >>> 7)) & 0xff;
      s ^= r;
    }
    s ^= 0x63;
    SBOX[x] = s;
    INV_SBOX[s] = x;
  }
})();

function expandKey(key: Uint8Array): Uint8Array[] {
  if (key.length !== 16) throw new Error("AES-128 key must be 16 bytes");
  const w = new Uint8Array(176);
  w.set(key);
  let rcon = 1;
  for (let i = 16; i < 176; i += 4) {
    let t = w.slice(i - 4, i);
    if (i % 16 === 0) {
      t = new Uint8Array([SBOX[t[1]] ^ rcon, SBOX[t[2]], SBOX[t[3]], SBOX[t[0]]]);
      rcon = xtime(rcon);
    }
    for (let j = 0; j < 4; j++) w[i + j] = w[i - 16 + j] ^ t[j];
  }
  const rounds: Uint8Array[] = [];
  for (let r = 0; r < 11; r++) rounds.push(w.subarray(r * 16, r * 16 + 16));
  return rounds;
}

function addRoundKey(s: Uint8Array, k: Uint8Array): void {
  for (let i = 0; i < 16; i++) s[i] ^= k[i];
}

// State is column-major: s[c*4 + r].
function shiftRows(s: Uint8Array, inverse: boolean): void {
  const t = s.slice();
  for (let r = 1; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const from = inverse ? (c - r + 4) % 4 : (c + r) % 4;
      s[c * 4 + r] = t[from * 4 + r];
    }
  }
}

function mixColumns(s: Uint8Array, inverse: boolean): void {
  const m = inverse ? [14, 11, 13, 9] : [2, 3, 1, 1];
  for (let c = 0; c < 4; c++) {
    const col = s.slice(c * 4, c * 4 + 4);
    for (let r = 0; r < 4; r++) {
      s[c * 4 + r] =
        gmul(col[0], m[(4 - r) % 4]) ^ gmul(col[1], m[(5 - r) % 4]) ^ gmul(col[2], m[(6 - r) % 4]) ^ gmul(col[3], m[(7 - r) % 4]);
    }
  }
}

/** Encrypts one 16-byte block. */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const k = expandKey(key);
  const s = Uint8Array.from(block);
  addRoundKey(s, k[0]);
  for (let round = 1; round <= 10; round++) {
    for (let i = 0; i < 16; i++) s[i] = SBOX[s[i]];
    shiftRows(s, false);
    if (round !== 10) mixColumns(s, false);
    addRoundKey(s, k[round]);
  }
  return s;
}

/** Decrypts one 16-byte block. */
export function aesDecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const k = expandKey(key);
  const s = Uint8Array.from(block);
  addRoundKey(s, k[10]);
  for (let round = 9; round >= 0; round--) {
    shiftRows(s, true);
    for (let i = 0; i < 16; i++) s[i] = INV_SBOX[s[i]];
    addRoundKey(s, k[round]);
    if (round !== 0) mixColumns(s, true);
  }
  return s;
}

/** AES-128-CBC; PKCS#7 padding unless `padding` is false (then whole blocks only). */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, padding = true): Uint8Array {
  let data = plaintext;
  if (padding) {
    const pad = 16 - (plaintext.length % 16);
    data = new Uint8Array(plaintext.length + pad);
    data.set(plaintext);
    data.fill(pad, plaintext.length);
  } else if (data.length % 16 !== 0) {
    throw new Error("not whole blocks");
  }
  const out = new Uint8Array(data.length);
  let prev: Uint8Array = Uint8Array.from(iv);
  for (let off = 0; off < data.length; off += 16) {
    const block = data.slice(off, off + 16);
    for (let i = 0; i < 16; i++) block[i] ^= prev[i];
    prev = aesEncryptBlock(key, block);
    out.set(prev, off);
  }
  return out;
}

/** Inverse of {@link aesCbcEncrypt}. */
export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, padding = true): Uint8Array {
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw new Error("bad ciphertext length");
  const out = new Uint8Array(ciphertext.length);
  let prev: Uint8Array = Uint8Array.from(iv);
  for (let off = 0; off < ciphertext.length; off += 16) {
    const block = ciphertext.slice(off, off + 16);
    const plain = aesDecryptBlock(key, block);
    for (let i = 0; i < 16; i++) out[off + i] = plain[i] ^ prev[i];
    prev = block;
  }
  if (!padding) return out;
  const pad = out[out.length - 1];
  if (pad < 1 || pad > 16) throw new Error("bad padding");
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) throw new Error("bad padding");
  return out.slice(0, out.length - pad);
}
