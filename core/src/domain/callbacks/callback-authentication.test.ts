import { describe, expect, it } from "vitest";
import { ServiceError } from "../errors.ts";
import { openCallbackAuthentication, sealCallbackAuthentication } from "./callback-authentication.ts";
import type { CallbackAuthentication } from "./callback-authentication.ts";

const KEY = { masterDbEncryptionKey: Buffer.alloc(16, 3) };
const NO_KEY = {};
const AUTH: CallbackAuthentication = {
  httpBasic: { enabled: true, username: "bank", password: "s3cret-basic" },
  oauth2: { enabled: false, clientId: "client", clientSecret: "s3cret-oauth", tokenUri: "https://idp.example/token", scope: null },
};

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
  return undefined;
}

describe("sealCallbackAuthentication", () => {
  it("stores plain JSON without a master key", () => {
    const sealed = sealCallbackAuthentication(NO_KEY, "cb-1", AUTH);
    expect(sealed.encryptionMode).toBe("NO_ENCRYPTION");
    expect(JSON.parse(sealed.authentication)).toEqual(AUTH);
  });

  it("encrypts with the master key, so no secret appears in the stored text", () => {
    const sealed = sealCallbackAuthentication(KEY, "cb-1", AUTH);
    expect(sealed.encryptionMode).toBe("AES_HMAC");
    expect(sealed.authentication).not.toContain("s3cret");
    expect(sealed.authentication).not.toContain("bank");
    expect(sealed.authentication).toMatch(/^[A-Za-z0-9+/]+=*$/);
    // A random IV: sealing twice gives two ciphertexts.
    expect(sealCallbackAuthentication(KEY, "cb-1", AUTH).authentication).not.toBe(sealed.authentication);
  });
});

describe("openCallbackAuthentication", () => {
  it("opens what was sealed, with and without the master key", () => {
    for (const settings of [KEY, NO_KEY]) {
      const sealed = sealCallbackAuthentication(settings, "cb-1", AUTH);
      expect(openCallbackAuthentication(settings, { id: "cb-1", ...sealed })).toEqual(AUTH);
    }
  });

  it("opens a row that has only one of the two methods", () => {
    const basicOnly: CallbackAuthentication = { httpBasic: { enabled: true, username: "u", password: null } };
    const sealed = sealCallbackAuthentication(KEY, "cb-2", basicOnly);
    expect(openCallbackAuthentication(KEY, { id: "cb-2", ...sealed })).toEqual(basicOnly);
  });

  it("returns null for a row without authentication", () => {
    expect(openCallbackAuthentication(KEY, { id: "cb-1", authentication: null, encryptionMode: "NO_ENCRYPTION" })).toBeNull();
  });

  it("reads a row stored before the master key was configured", () => {
    const sealed = sealCallbackAuthentication(NO_KEY, "cb-1", AUTH);
    expect(openCallbackAuthentication(KEY, { id: "cb-1", ...sealed })).toEqual(AUTH);
  });

  it("refuses a ciphertext moved to another callback's row (ERR0022)", () => {
    const sealed = sealCallbackAuthentication(KEY, "cb-1", AUTH);
    expect(codeOf(() => openCallbackAuthentication(KEY, { id: "cb-other", ...sealed }))).toBe("ERR0022");
  });

  it("refuses an encrypted row when the master key is not configured (ERR0020)", () => {
    const sealed = sealCallbackAuthentication(KEY, "cb-1", AUTH);
    expect(codeOf(() => openCallbackAuthentication(NO_KEY, { id: "cb-1", ...sealed }))).toBe("ERR0020");
  });

  it("refuses an unknown encryption mode (ERR0021)", () => {
    expect(codeOf(() => openCallbackAuthentication(KEY, { id: "cb-1", authentication: "{}", encryptionMode: "ROT13" }))).toBe("ERR0021");
  });

  it("refuses a damaged row (ERR0022)", () => {
    expect(codeOf(() => openCallbackAuthentication(NO_KEY, { id: "cb-1", authentication: "{not json", encryptionMode: "NO_ENCRYPTION" }))).toBe("ERR0022");
    const badShape = JSON.stringify({ httpBasic: { enabled: "yes", username: "u", password: null } });
    expect(codeOf(() => openCallbackAuthentication(NO_KEY, { id: "cb-1", authentication: badShape, encryptionMode: "NO_ENCRYPTION" }))).toBe("ERR0022");
  });
});
