import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  computeSignature,
  computeSignatureComponents,
  formatSignatureBase64,
  formatSignatureDecimal,
  normalizeSignatureData,
  offlineSignatureBaseData,
  onlineSignatureBaseData,
  parseSignatureType,
  signatureFormatForVersion,
  signatureKeysForType,
  verifySignature,
} from "./multi-factor-signature.ts";

const h = (k: Buffer, d: Buffer): Buffer => createHmac("sha256", k).update(d).digest();
const keys = { possession: Buffer.alloc(16, 1), knowledge: Buffer.alloc(16, 2), biometry: Buffer.alloc(16, 3) };
const ctr = Buffer.alloc(16, 9);
const data = Buffer.from("POST&L3BhL3NpZ25hdHVyZS92YWxpZGF0ZQ==&bm9uY2U=&e30=&secret");

describe("multi-factor signature", () => {
  it("chains factor keys with K[j+1] in the inner loop (the reference's quirk)", () => {
    const [p, k, b] = [keys.possession, keys.knowledge, keys.biometry];
    // Written out for three factors: i=1 chains HMAC(K[1],CTR); i=2 chains K[1] then K[2].
    const x2 = h(h(b, ctr), h(h(k, ctr), h(b, ctr)));
    const expected = [h(h(p, ctr), data), h(h(h(k, ctr), h(k, ctr)), data), h(x2, data)];
    const got = computeSignatureComponents([p, k, b], ctr, data);
    expect(got.map((c) => c.toString("hex"))).toEqual(expected.map((c) => c.toString("hex")));
  });

  it("formats decimal components of length 4–8 and Base64 of the last 16 bytes", () => {
    const comps = [Buffer.alloc(32, 0xff), Buffer.alloc(32, 0)];
    expect(formatSignatureDecimal(comps)).toBe(`${String(0x7fffffff % 1e8).padStart(8, "0")}-00000000`);
    expect(formatSignatureDecimal(comps, 4)).toBe(`${String(0x7fffffff % 1e4)}-0000`);
    expect(() => formatSignatureDecimal(comps, 3)).toThrow();
    expect(() => formatSignatureDecimal(comps, 9)).toThrow();
    expect(Buffer.from(formatSignatureBase64(comps), "base64").equals(Buffer.concat([Buffer.alloc(16, 0xff), Buffer.alloc(16)]))).toBe(true);
  });

  it("maps signature types to ordered factor keys", () => {
    expect(signatureKeysForType("POSSESSION_BIOMETRY", keys)).toEqual([keys.possession, keys.biometry]);
    expect(signatureKeysForType(parseSignatureType("possession_knowledge_biometry"), keys)).toHaveLength(3);
    expect(() => parseSignatureType("PIN")).toThrow();
  });

  it("chooses the format from the signature version", () => {
    expect(signatureFormatForVersion(undefined)).toBe("DECIMAL");
    expect(signatureFormatForVersion("2.1")).toBe("DECIMAL");
    expect(signatureFormatForVersion("3.0")).toBe("DECIMAL");
    expect(signatureFormatForVersion("3.1")).toBe("BASE64");
    expect(signatureFormatForVersion("3.2")).toBe("BASE64");
    expect(() => signatureFormatForVersion("x")).toThrow();
  });

  it("verifies exactly the computed signature", () => {
    const list = signatureKeysForType("POSSESSION_KNOWLEDGE", keys);
    const sig = computeSignature(list, ctr, data, "DECIMAL");
    expect(verifySignature(list, ctr, data, sig, "DECIMAL")).toBe(true);
    expect(verifySignature(list, ctr, data, `${sig.slice(0, -1)}${(Number(sig.at(-1)) + 1) % 10}`, "DECIMAL")).toBe(false);
    expect(verifySignature(list, ctr, data, sig.slice(0, 8), "DECIMAL")).toBe(false);
  });

  it("normalizes request data and appends the secret or the offline marker", () => {
    expect(normalizeSignatureData("post", "/pa/signature/validate", "bm9uY2U=", Buffer.from("{}"))).toBe(
      "POST&L3BhL3NpZ25hdHVyZS92YWxpZGF0ZQ==&bm9uY2U=&e30=",
    );
    expect(normalizeSignatureData("GET", "/x", "n", Buffer.alloc(0))).toBe("GET&L3g=&n&");
    expect(onlineSignatureBaseData("D", "S").toString()).toBe("D&S");
    expect(offlineSignatureBaseData("D").toString()).toBe("D&offline");
  });
});
