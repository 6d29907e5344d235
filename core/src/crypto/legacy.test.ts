import { createCipheriv, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodePublicKey, generateKeyPair } from "./ec-keys.ts";
import { ecdhSharedSecret } from "./ecdh.ts";
import { fold, kdfIndexBlock, x963KdfSha256 } from "./kdf.ts";
import { deriveOtpKeyV2, deriveOtpKeyV2InBackground } from "./legacy-activation.ts";
import { nonPersonalizedEncryptionKeyV2, personalizedEncryptionKeyV2, resolveSessionIndexV2 } from "./legacy-e2e.ts";
import { encryptTokenResponseV2 } from "./legacy-token.ts";
import { encryptVaultEncryptionKeyV2 } from "./legacy-vault.ts";

describe("legacy 2.x pieces", () => {
  it("derives the same OTP key on the thread pool as inline (the vectors check the inline one)", async () => {
    const inline = deriveOtpKeyV2("AAAAA-BBBBB", "CCCCC-DDDDD");
    expect(await deriveOtpKeyV2InBackground("AAAAA-BBBBB", "CCCCC-DDDDD")).toEqual(inline);
    expect(await deriveOtpKeyV2InBackground("AAAAA-BBBBC", "CCCCC-DDDDD")).not.toEqual(inline);
  });

  it("v2 vault key: AES(KDF(KEY_TRANSPORT, counter), 0^16, vault key)", () => {
    const tk = Buffer.alloc(16, 1);
    const vk = Buffer.alloc(16, 2);
    const kvt = createCipheriv("aes-128-ecb", tk, null).setAutoPadding(false).update(kdfIndexBlock(7));
    const c = createCipheriv("aes-128-cbc", kvt, Buffer.alloc(16));
    expect(encryptVaultEncryptionKeyV2(tk, vk, 7).equals(Buffer.concat([c.update(vk), c.final()]))).toBe(true);
  });

  it("v2 token: MAC over the ciphertext only, key from X963(ECDH, E, 32)", () => {
    const master = generateKeyPair();
    const eph = generateKeyPair();
    const e = encodePublicKey(eph.publicKey);
    const r = encryptTokenResponseV2(master.privateKey, e, Buffer.from('{"tokenId":"t"}'));
    const key = x963KdfSha256(ecdhSharedSecret(eph.privateKey, master.publicKey), e, 32);
    expect(r.mac.equals(createHmac("sha256", key.subarray(16)).update(r.encryptedData).digest())).toBe(true);
  });

  it("E2E keys use the legacy KDF_INTERNAL orientation (index as HMAC key)", () => {
    const tk = Buffer.alloc(16, 3);
    const index = Buffer.alloc(16, 4);
    expect(personalizedEncryptionKeyV2(tk, index).equals(fold(createHmac("sha256", index).update(tk).digest()))).toBe(true);
    const master = generateKeyPair();
    const eph = generateKeyPair();
    const session = fold(ecdhSharedSecret(eph.privateKey, master.publicKey));
    expect(
      nonPersonalizedEncryptionKeyV2(master.privateKey, encodePublicKey(eph.publicKey), index).equals(
        fold(createHmac("sha256", index).update(session).digest()),
      ),
    ).toBe(true);
  });

  it("keeps a 16-byte session index and replaces anything else with a random one", () => {
    const index = Buffer.alloc(16, 9);
    expect(resolveSessionIndexV2(index).equals(index)).toBe(true);
    expect(resolveSessionIndexV2(Buffer.alloc(8)).byteLength).toBe(16);
    expect(resolveSessionIndexV2(null).byteLength).toBe(16);
  });
});
