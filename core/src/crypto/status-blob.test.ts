import { describe, expect, it } from "vitest";
import { aesCbcDecryptNoPadding } from "./aes.ts";
import { nextCounterData } from "./hash-counter.ts";
import {
  ACTIVATION_STATUS_BYTE,
  buildStatusBlobV30,
  buildStatusBlobV31,
  counterDataHash,
  counterDistance,
  decryptStatusBlob,
  encryptStatusBlob,
} from "./status-blob.ts";
import type { StatusBlobInput } from "./status-blob.ts";

const tk = Buffer.alloc(16, 0x11);
const ctrData = Buffer.alloc(16, 0x22);
const input: StatusBlobInput = {
  activationStatus: ACTIVATION_STATUS_BYTE.BLOCKED,
  currentVersion: 2,
  upgradeVersion: 3,
  failedAttempts: 5,
  maxFailedAttempts: 5,
  counter: 0x1234,
  ctrLookAhead: 20,
  ctrData,
};

describe("status blob", () => {
  it("3.0 layout: magic, status, versions, fail counters; ignored bytes random", () => {
    const a = buildStatusBlobV30(input);
    const b = buildStatusBlobV30(input);
    expect(a.subarray(0, 7).toString("hex")).toBe("dec0ded1040203");
    expect([a[13], a[14]]).toEqual([5, 5]);
    expect(a.subarray(16).equals(b.subarray(16))).toBe(false);
    expect(a.subarray(16).equals(ctrData)).toBe(false); // never raw CTR_DATA
  });

  it("3.1 layout: ctr byte, lookahead and CTR_DATA hash; zeros for a v2 activation", () => {
    const blob = buildStatusBlobV31(tk, input);
    expect(blob[12]).toBe(0x34);
    expect(blob[15]).toBe(20);
    expect(blob.subarray(16).equals(counterDataHash(tk, ctrData))).toBe(true);
    expect(buildStatusBlobV31(tk, { ...input, ctrData: null }).subarray(16).equals(Buffer.alloc(16))).toBe(true);
  });

  it("encrypts with zero IV without a challenge and with a derived IV and nonce with one", () => {
    const legacy = encryptStatusBlob(tk, input);
    expect(legacy.nonce).toBeNull();
    expect(aesCbcDecryptNoPadding(tk, Buffer.alloc(16), legacy.encryptedStatusBlob).subarray(0, 4).toString("hex")).toBe("dec0ded1");
    const challenge = Buffer.alloc(16, 7);
    const modern = encryptStatusBlob(tk, input, challenge);
    expect(modern.nonce?.byteLength).toBe(16);
    const parsed = decryptStatusBlob(tk, modern.encryptedStatusBlob, challenge, modern.nonce);
    expect(parsed).toMatchObject({ activationStatus: 4, currentVersion: 2, upgradeVersion: 3, failedAttempts: 5, maxFailedAttempts: 5, ctrByte: 0x34, ctrLookAhead: 20 });
    expect(() => decryptStatusBlob(tk, modern.encryptedStatusBlob)).toThrow(/magic/);
  });

  it("finds the counter distance within the lookahead", () => {
    let server: Buffer = ctrData;
    for (let i = 0; i < 3; i++) server = nextCounterData(server);
    expect(counterDistance(tk, ctrData, counterDataHash(tk, server), 20)).toBe(3);
    expect(counterDistance(tk, ctrData, counterDataHash(tk, server), 2)).toBeNull();
  });
});
