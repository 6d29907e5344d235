import { createDecipheriv, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fold } from "./kdf.ts";
import { decryptRecord, deriveRecordKey, encryptRecord } from "./record-encryption.ts";

describe("DB record encryption (AES_HMAC)", () => {
  const master = Buffer.alloc(16, 0x33);
  const parts = ["user-1", "5d9c3a1e-0000-4000-8000-000000000001"];

  it("derives the record key as fold(HMAC(master, parts joined by '&'))", () => {
    const expected = fold(createHmac("sha256", master).update("user-1&5d9c3a1e-0000-4000-8000-000000000001").digest());
    expect(deriveRecordKey(master, parts).equals(expected)).toBe(true);
  });

  it("stores B64(IV || AES-CBC-PKCS7(key, IV, plaintext)) with a fresh IV", () => {
    const plain = Buffer.alloc(33, 0x44);
    const a = encryptRecord(master, parts, plain);
    expect(a).not.toBe(encryptRecord(master, parts, plain));
    const raw = Buffer.from(a, "base64");
    const d = createDecipheriv("aes-128-cbc", deriveRecordKey(master, parts), raw.subarray(0, 16));
    expect(Buffer.concat([d.update(raw.subarray(16)), d.final()]).equals(plain)).toBe(true);
    expect(decryptRecord(master, parts, a).equals(plain)).toBe(true);
  });

  it("does not decrypt under other index parts or another master key", () => {
    const a = encryptRecord(master, parts, Buffer.from("secret scalar bytes"));
    const attempt = (fn: () => Buffer): string => {
      try {
        return fn().toString();
      } catch {
        return "failed";
      }
    };
    expect(attempt(() => decryptRecord(master, ["user-2", parts[1]], a))).not.toBe("secret scalar bytes");
    expect(attempt(() => decryptRecord(Buffer.alloc(16, 1), parts, a))).not.toBe("secret scalar bytes");
    expect(() => deriveRecordKey(Buffer.alloc(8), parts)).toThrow(expect.objectContaining({ kind: "INVALID_KEY" }));
  });
});
