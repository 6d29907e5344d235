import { randomUUID } from "node:crypto";
import { SignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import {
  activateDevice,
  createTestApplication,
  createTokenFields,
  describeEachSurface,
  errorCodeOf,
  issueToken,
  schemaViolation,
  tokenDigest,
} from "./support/powerauth-flows.ts";

// CreateToken / ValidateToken / RemoveToken end to end through gRPC and through SOAP, the simulator playing the
// app and the intermediate (which verifies the app's signature before asking for a token, as the enrollment
// server does).

describeEachSurface((t, app, surface) => {
  describe("tokens", () => {
    for (const protocolVersion of ["3.0", "3.1"] as const) {
      it(`issues a token to a ${protocolVersion} device (ECIES /pa/token/create) that validates with its digest`, async () => {
        const { device, activationId, userId } = await activateDevice(t.v3, app, { protocolVersion });
        const token = await issueToken(t.v3, device);
        expect(token.tokenId).toMatch(/^[0-9a-f-]{36}$/);
        expect(Buffer.from(token.tokenSecret, "base64")).toHaveLength(16);
        const validation = await t.v3.validateToken(tokenDigest(device, token));
        expect(validation).toMatchObject({
          tokenValid: true,
          activationId,
          userId,
          applicationId: app.applicationId,
          signatureType: SignatureType.POSSESSION_KNOWLEDGE,
        });
      });
    }

    it("answers a wrong digest and an unknown token with tokenValid false and nothing else", async () => {
      const { device } = await activateDevice(t.v3, app);
      const token = await issueToken(t.v3, device, "POSSESSION");
      const digest = tokenDigest(device, token);
      const wrong = await t.v3.validateToken({ ...digest, timestamp: digest.timestamp + 1n });
      expect(wrong).toEqual(expect.objectContaining({ tokenValid: false }));
      expect(wrong.activationId).toBeUndefined();
      expect(await t.v3.validateToken({ ...digest, tokenId: randomUUID() })).toMatchObject({ tokenValid: false });
      expect(await t.v3.validateToken(digest)).toMatchObject({ tokenValid: true, signatureType: SignatureType.POSSESSION });
    });

    it("refuses a digest timestamp older than the validity (2 h) with ERR0024, as 0.22 does", async () => {
      const { device } = await activateDevice(t.v3, app);
      const token = await issueToken(t.v3, device);
      const old = tokenDigest(device, token, { timestamp: Date.now() - 2 * 3600 * 1000 - 60_000 });
      expect(await errorCodeOf(t.v3.validateToken(old))).toBe("ERR0024");
      expect((await t.v3.validateToken(tokenDigest(device, token, { timestamp: Date.now() - 3600 * 1000 }))).tokenValid).toBe(true);
    });

    it("accepts a digest once and refuses one dated more than 30 minutes ahead with ERR0044", async () => {
      const { device } = await activateDevice(t.v3, app);
      const token = await issueToken(t.v3, device);
      const digest = tokenDigest(device, token);
      expect((await t.v3.validateToken(digest)).tokenValid).toBe(true);
      const replayed = await t.v3.validateToken(digest);
      expect(replayed).toMatchObject({ tokenValid: false });
      expect(replayed.activationId).toBeUndefined();
      const ahead = tokenDigest(device, token, { timestamp: Date.now() + 2 * 3600 * 1000 });
      expect(await errorCodeOf(t.v3.validateToken(ahead))).toBe("ERR0044");
      expect((await t.v3.validateToken(tokenDigest(device, token, { timestamp: Date.now() + 10 * 60 * 1000 }))).tokenValid).toBe(true);
    });

    it("refuses a replayed CreateToken request with ERR0024 and issues no second token", async () => {
      const { device } = await activateDevice(t.v3, app);
      const createToken = createTokenFields(device.createTokenRequest("POSSESSION"));
      const first = device.processTokenResponse(await t.v3.createToken(createToken));
      expect(await errorCodeOf(t.v3.createToken(createToken))).toBe("ERR0024");
      expect((await t.v3.validateToken(tokenDigest(device, first))).tokenValid).toBe(true);
    });

    it("removes a token only for its own activation; a removed token no longer validates", async () => {
      const first = await activateDevice(t.v3, app);
      const second = await activateDevice(t.v3, app);
      const token = await issueToken(t.v3, first.device);
      expect(await t.v3.removeToken({ tokenId: token.tokenId, activationId: second.activationId })).toMatchObject({ removed: false });
      expect((await t.v3.validateToken(tokenDigest(first.device, token))).tokenValid).toBe(true);
      expect(await t.v3.removeToken({ tokenId: token.tokenId, activationId: first.activationId })).toMatchObject({ removed: true });
      expect((await t.v3.validateToken(tokenDigest(first.device, token))).tokenValid).toBe(false);
      expect(await t.v3.removeToken({ tokenId: token.tokenId, activationId: first.activationId })).toMatchObject({ removed: false });
    });

    it("refuses tokens for a blocked activation: CreateToken and ValidateToken are ERR0008", async () => {
      const { device, activationId } = await activateDevice(t.v3, app);
      const token = await issueToken(t.v3, device);
      await t.v3.blockActivation({ activationId });
      const request = device.createTokenRequest();
      const create = t.v3.createToken({ ...request, signatureType: SignatureType.POSSESSION_KNOWLEDGE });
      expect(await errorCodeOf(create)).toBe("ERR0008");
      expect(await errorCodeOf(t.v3.validateToken(tokenDigest(device, token)))).toBe("ERR0008");
    });

    it("answers CreateToken errors like the reference: ERR0009, ERR0015, ERR0018, ERR0024", async () => {
      const other = await createTestApplication(t.v3);
      const { device } = await activateDevice(t.v3, app);
      const request = device.createTokenRequest();
      const base = { ...request, signatureType: SignatureType.POSSESSION_KNOWLEDGE };
      expect(await errorCodeOf(t.v3.createToken({ ...base, activationId: randomUUID() }))).toBe("ERR0009");
      expect(await errorCodeOf(t.v3.createToken({ ...base, applicationKey: other.applicationKey }))).toBe("ERR0015");
      const mac = Buffer.from(base.mac, "base64");
      mac[3] ^= 1;
      expect(await errorCodeOf(t.v3.createToken({ ...base, mac: mac.toString("base64") }))).toBe("ERR0018");
      expect(await errorCodeOf(t.v3.createToken({ ...base, signatureType: SignatureType.UNSPECIFIED }))).toBe(schemaViolation(surface));
      expect(await errorCodeOf(t.v3.validateToken({ tokenId: "t", tokenDigest: "***", nonce: "AAAA", timestamp: BigInt(Date.now()) }))).toBe("ERR0024");
    });
  });
});
