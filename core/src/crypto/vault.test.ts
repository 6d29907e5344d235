import { describe, expect, it } from "vitest";
import { encodePrivateKey, generateKeyPair } from "./ec-keys.ts";
import { decryptDevicePrivateKey, decryptVaultEncryptionKey, encryptDevicePrivateKey, encryptVaultEncryptionKey } from "./vault.ts";

describe("vault", () => {
  it("encrypts the 16-byte vault key into 32 bytes under KEY_TRANSPORT", () => {
    const tk = Buffer.alloc(16, 1);
    const vk = Buffer.alloc(16, 2);
    const c = encryptVaultEncryptionKey(tk, vk);
    expect(c.byteLength).toBe(32);
    expect(decryptVaultEncryptionKey(tk, c).equals(vk)).toBe(true);
    expect(() => encryptVaultEncryptionKey(tk, Buffer.alloc(15))).toThrow();
  });

  it("protects the device private key with the vault key", () => {
    const vk = Buffer.alloc(16, 3);
    const d = encodePrivateKey(generateKeyPair().privateKey);
    expect(decryptDevicePrivateKey(vk, encryptDevicePrivateKey(vk, d)).equals(d)).toBe(true);
  });
});
