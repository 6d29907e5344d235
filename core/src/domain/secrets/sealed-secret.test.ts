import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeyPair, exportPrivateKeyForStorage } from "../../crypto/ec-keys.ts";
import { decryptRecord, encryptRecord, masterDbKeyId } from "../../crypto/record-encryption.ts";
import { masterDbKeyRing } from "./master-db-keys.ts";
import { encryptionModeCode, encryptionModeName, openSecret, sealSecret } from "./sealed-secret.ts";
import { ACTIVATION_SERVER_PRIVATE_KEY, CALLBACK_AUTHENTICATION, TOKEN_SECRET } from "./secret-kinds.ts";

const OLD = Buffer.alloc(16, 1);
const NEW = Buffer.alloc(16, 2);
const OWNER = { userId: "user-1", activationId: "9a1f3c2e-0000-4000-8000-000000000001" };
const TOKEN_OWNER = { tokenId: "t-1", activationId: OWNER.activationId };

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return "no error";
}

describe("masterDbKeyRing", () => {
  it("names each key by the first 4 bytes of HMAC-SHA256(key, 'powerauth-db-key-id') in hex, current key first", () => {
    const ring = masterDbKeyRing({ masterDbEncryptionKey: NEW, masterDbEncryptionPreviousKeys: [OLD, NEW] });
    expect(masterDbKeyId(NEW)).toMatch(/^[0-9a-f]{8}$/);
    expect(masterDbKeyId(NEW)).not.toBe(masterDbKeyId(OLD));
    // The current key listed again among the previous ones counts once.
    expect(ring.all.map((key) => key.id)).toEqual([masterDbKeyId(NEW), masterDbKeyId(OLD)]);
    expect(ring.current?.id).toBe(masterDbKeyId(NEW));
    expect(masterDbKeyRing({}).current).toBeNull();
  });
});

describe("sealSecret / openSecret", () => {
  const privateKey = exportPrivateKeyForStorage(generateKeyPair().privateKey);

  it("seals in the reference's format B64(IV || AES-CBC(KDF_INTERNAL(key, parts), IV, secret)) with the key's id", () => {
    const sealed = sealSecret({ masterDbEncryptionKey: NEW }, ACTIVATION_SERVER_PRIVATE_KEY, OWNER, privateKey);
    expect(sealed).toMatchObject({ encrypted: true, keyId: masterDbKeyId(NEW) });
    expect([encryptionModeCode(sealed), encryptionModeName(sealed)]).toEqual([1, "AES_HMAC"]);
    expect(decryptRecord(NEW, [OWNER.userId, OWNER.activationId], sealed.stored).equals(privateKey)).toBe(true);
    expect(sealSecret({ masterDbEncryptionKey: NEW }, ACTIVATION_SERVER_PRIVATE_KEY, OWNER, privateKey).stored).not.toBe(sealed.stored);
  });

  it("opens a record the reference wrote (mode 1, no key id) with the same key", () => {
    const referenceRecord = encryptRecord(NEW, [OWNER.userId, OWNER.activationId], privateKey);
    const opened = openSecret({ masterDbEncryptionKey: NEW }, ACTIVATION_SERVER_PRIVATE_KEY, OWNER, { stored: referenceRecord, mode: 1, keyId: null });
    expect(opened.equals(privateKey)).toBe(true);
  });

  it("opens a record without a key id with whichever configured key sealed it, judged by what it decrypts to", () => {
    const underOld = encryptRecord(OLD, [OWNER.userId, OWNER.activationId], privateKey);
    const keys = { masterDbEncryptionKey: NEW, masterDbEncryptionPreviousKeys: [OLD] };
    expect(openSecret(keys, ACTIVATION_SERVER_PRIVATE_KEY, OWNER, { stored: underOld, mode: 1 }).equals(privateKey)).toBe(true);
    expect(codeOf(() => openSecret({ masterDbEncryptionKey: NEW }, ACTIVATION_SERVER_PRIVATE_KEY, OWNER, { stored: underOld, mode: 1 }))).toBe("ERR0022");
  });

  it("opens records of a previous key while it is configured, and answers ERR0020 once it is removed", () => {
    const sealed = sealSecret({ masterDbEncryptionKey: OLD }, TOKEN_SECRET, TOKEN_OWNER, Buffer.alloc(16, 5));
    const stored = { stored: sealed.stored, mode: encryptionModeCode(sealed), keyId: sealed.keyId };
    const rotated = { masterDbEncryptionKey: NEW, masterDbEncryptionPreviousKeys: [OLD] };
    expect(openSecret(rotated, TOKEN_SECRET, TOKEN_OWNER, stored)).toEqual(Buffer.alloc(16, 5));
    expect(codeOf(() => openSecret({ masterDbEncryptionKey: NEW }, TOKEN_SECRET, TOKEN_OWNER, stored))).toBe("ERR0020");
    expect(codeOf(() => openSecret({}, TOKEN_SECRET, TOKEN_OWNER, stored))).toBe("ERR0020");
  });

  it("binds a record to its row: moved to another owner it does not open (ERR0022)", () => {
    const sealed = sealSecret({ masterDbEncryptionKey: NEW }, TOKEN_SECRET, TOKEN_OWNER, randomBytes(16));
    const moved = { ...TOKEN_OWNER, tokenId: "t-2" };
    expect(codeOf(() => openSecret({ masterDbEncryptionKey: NEW }, TOKEN_SECRET, moved, { stored: sealed.stored, mode: 1, keyId: sealed.keyId }))).toBe("ERR0022");
  });

  it("stores and reads the clear form without a key: Base64 for key bytes, text as itself; unknown modes are ERR0021", () => {
    const clearKey = sealSecret({}, ACTIVATION_SERVER_PRIVATE_KEY, OWNER, privateKey);
    expect(clearKey).toEqual({ stored: privateKey.toString("base64"), encrypted: false, keyId: null });
    const clearJson = sealSecret({}, CALLBACK_AUTHENTICATION, { callbackId: "cb" }, Buffer.from('{"a":1}'));
    expect(clearJson.stored).toBe('{"a":1}');
    // A clear record opens whatever keys are configured (rows written before a key was set).
    expect(openSecret({ masterDbEncryptionKey: NEW }, CALLBACK_AUTHENTICATION, { callbackId: "cb" }, { stored: clearJson.stored, mode: "NO_ENCRYPTION" }).toString()).toBe('{"a":1}');
    expect(codeOf(() => openSecret({}, CALLBACK_AUTHENTICATION, { callbackId: "cb" }, { stored: "{}", mode: "ROT13" }))).toBe("ERR0021");
    expect(codeOf(() => openSecret({}, TOKEN_SECRET, TOKEN_OWNER, { stored: "x", mode: 7 }))).toBe("ERR0021");
  });
});
