import { aesCbcDecryptNoPadding, aesCbcEncryptNoPadding } from "./aes.ts";
import { constantTimeEqual, randomBytes } from "./bytes.ts";
import { KEY_INDEX } from "./activation-keys.ts";
import { CryptoError } from "./errors.ts";
import { nextCounterData } from "./hash-counter.ts";
import { deriveSecretKey, kdfInternal } from "./kdf.ts";

/** Status byte values inside the blob (same as the DB). */
export const ACTIVATION_STATUS_BYTE = {
  CREATED: 1,
  OTP_USED: 2,
  ACTIVE: 3,
  BLOCKED: 4,
  REMOVED: 5,
} as const;

const MAGIC = Buffer.from([0xde, 0xc0, 0xde, 0xd1]);
const ZERO_IV = Buffer.alloc(16);

/** What the server puts into a status blob. */
export interface StatusBlobInput {
  readonly activationStatus: number;
  /** Activation version: 2 or 3. */
  readonly currentVersion: number;
  /** Highest version the server can upgrade to (3). */
  readonly upgradeVersion: number;
  readonly failedAttempts: number;
  readonly maxFailedAttempts: number;
  /** Numeric counter; only its low byte (CTR_BYTE) goes into a 3.1 blob. */
  readonly counter: bigint | number;
  /** Signature lookahead (CTR_LOOK_AHEAD, default 20). */
  readonly ctrLookAhead: number;
  /** CTR_DATA of a v3 activation; null for v2 activations. */
  readonly ctrData: Uint8Array | null;
}

/** The fields of a decrypted blob. */
export interface StatusBlob {
  readonly activationStatus: number;
  readonly currentVersion: number;
  readonly upgradeVersion: number;
  readonly failedAttempts: number;
  readonly maxFailedAttempts: number;
  readonly ctrByte: number;
  readonly ctrLookAhead: number;
  readonly ctrDataHash: Buffer;
}

/** STATUS_IV = KDF_INTERNAL(KDF(KEY_TRANSPORT, 3000), challenge || nonce). */
export function statusBlobIv(transportKey: Uint8Array, challenge: Uint8Array, nonce: Uint8Array): Buffer {
  if (challenge.byteLength !== 16 || nonce.byteLength !== 16) {
    throw new CryptoError("INVALID_INPUT", "challenge and nonce must be 16 bytes");
  }
  return kdfInternal(deriveSecretKey(transportKey, KEY_INDEX.TRANSPORT_IV), Buffer.concat([challenge, nonce]));
}

/** CTR_DATA_HASH = KDF_INTERNAL(KDF(KEY_TRANSPORT, 4000), CTR_DATA): lets the client resync without seeing CTR_DATA. */
export function counterDataHash(transportKey: Uint8Array, ctrData: Uint8Array): Buffer {
  return kdfInternal(deriveSecretKey(transportKey, KEY_INDEX.TRANSPORT_CTR), ctrData);
}

function byte(value: number | bigint): number {
  return Number(BigInt(value) & 0xffn);
}

function header(input: StatusBlobInput): Buffer {
  const blob = randomBytes(32);
  MAGIC.copy(blob, 0);
  blob[4] = byte(input.activationStatus);
  blob[5] = byte(input.currentVersion);
  blob[6] = byte(input.upgradeVersion);
  blob[13] = byte(input.failedAttempts);
  blob[14] = byte(input.maxFailedAttempts);
  return blob;
}

/**
 * The 3.1 plaintext layout: reserved noise at 7–11, CTR_BYTE at 12, lookahead
 * at 15, CTR_DATA_HASH (zeros for a v2 activation) at 16–31.
 */
export function buildStatusBlobV31(transportKey: Uint8Array, input: StatusBlobInput): Buffer {
  const blob = header(input);
  blob[12] = byte(input.counter);
  blob[15] = byte(input.ctrLookAhead);
  if (input.ctrData) counterDataHash(transportKey, input.ctrData).copy(blob, 16);
  else blob.fill(0, 16);
  return blob;
}

/**
 * The blob for a client that sent no challenge (3.0/2.x). Bytes a 3.0 client
 * ignores (7–12, 15–31) are random: newer reference servers do so instead of
 * leaking raw CTR_DATA at 16–31, and 3.0 clients accept both.
 */
export function buildStatusBlobV30(input: StatusBlobInput): Buffer {
  return header(input);
}

/**
 * Encrypts the status blob. With a challenge (3.1 client): 3.1 layout, a fresh
 * 16-byte nonce, IV from challenge‖nonce; the nonce must be returned as
 * `encryptedStatusBlobNonce`. Without: 3.0-compatible layout, zero IV, no nonce.
 */
export function encryptStatusBlob(
  transportKey: Uint8Array,
  input: StatusBlobInput,
  challenge?: Uint8Array | null,
): { encryptedStatusBlob: Buffer; nonce: Buffer | null } {
  if (challenge) {
    const nonce = randomBytes(16);
    const iv = statusBlobIv(transportKey, challenge, nonce);
    return { encryptedStatusBlob: aesCbcEncryptNoPadding(transportKey, iv, buildStatusBlobV31(transportKey, input)), nonce };
  }
  return { encryptedStatusBlob: aesCbcEncryptNoPadding(transportKey, ZERO_IV, buildStatusBlobV30(input)), nonce: null };
}

/**
 * Client-side decryption and parsing (zero IV when no challenge). Only the exact
 * magic `DE C0 DE D1` is accepted, as by the reference client.
 */
export function decryptStatusBlob(
  transportKey: Uint8Array,
  encryptedStatusBlob: Uint8Array,
  challenge?: Uint8Array | null,
  nonce?: Uint8Array | null,
): StatusBlob {
  if (encryptedStatusBlob.byteLength !== 32) throw new CryptoError("INVALID_INPUT", "status blob must be 32 bytes");
  const iv = challenge && nonce ? statusBlobIv(transportKey, challenge, nonce) : ZERO_IV;
  const blob = aesCbcDecryptNoPadding(transportKey, iv, encryptedStatusBlob);
  if (!blob.subarray(0, 4).equals(MAGIC)) throw new CryptoError("DECRYPTION_FAILED", "status blob magic mismatch");
  return {
    activationStatus: blob[4],
    currentVersion: blob[5],
    upgradeVersion: blob[6],
    ctrByte: blob[12],
    failedAttempts: blob[13],
    maxFailedAttempts: blob[14],
    ctrLookAhead: blob[15],
    ctrDataHash: Buffer.from(blob.subarray(16, 32)),
  };
}

/**
 * Client-side resync: how many `next()` steps ahead of the local CTR_DATA the
 * server's counter is (0 = in sync), looking at most `lookAhead` steps; null
 * when no step matches.
 */
export function counterDistance(
  transportKey: Uint8Array,
  localCtrData: Uint8Array,
  serverCtrDataHash: Uint8Array,
  lookAhead: number,
): number | null {
  let ctr: Buffer = Buffer.from(localCtrData);
  for (let distance = 0; distance <= lookAhead; distance++) {
    if (constantTimeEqual(counterDataHash(transportKey, ctr), serverCtrDataHash)) return distance;
    ctr = nextCounterData(ctr);
  }
  return null;
}
