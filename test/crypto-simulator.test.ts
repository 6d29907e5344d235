import { describe, expect, it } from "vitest";
import * as pa from "../core/src/crypto/index.ts";
import type { ActivationKeys, EciesContext, EcKeyPair, KeyObject, SignatureType } from "../core/src/crypto/index.ts";
import { SimulatedDevice, SimulatedIntermediateServer } from "./simulator/index.ts";
import type { EciesFields, EncryptedResponse } from "./simulator/index.ts";

// The simulator (independent, @noble/*) plays the app and the intermediate
// server; core/src/crypto plays the PowerAuth server. Every flow round-trips.

const b64 = (s: string): Buffer => Buffer.from(s, "base64");
const B64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
const json = (b: Uint8Array): Record<string, unknown> => JSON.parse(Buffer.from(b).toString("utf8")) as Record<string, unknown>;
const enc = (o: unknown): Buffer => Buffer.from(JSON.stringify(o), "utf8");

interface ServerActivation {
  activationId: string;
  serverKeys: EcKeyPair;
  devicePublicKey: KeyObject;
  keys: ActivationKeys;
  ctrData: Buffer | null;
  counter: bigint;
  version: 2 | 3;
}

/** Minimal server side built only from core/src/crypto. */
class Server {
  readonly master = pa.generateKeyPair();
  readonly applicationKey = B64(pa.randomBytes(16));
  readonly applicationSecret = B64(pa.randomBytes(16));
  readonly lookahead = 20;

  device(protocolVersion: "3.0" | "3.1"): SimulatedDevice {
    return new SimulatedDevice({
      applicationKey: this.applicationKey,
      applicationSecret: this.applicationSecret,
      masterPublicKey: B64(pa.encodePublicKey(this.master.publicKey)),
      protocolVersion,
    });
  }

  appSh2(): Buffer {
    return pa.eciesApplicationScopeSharedInfo2(this.applicationSecret);
  }

  actSh2(a: ServerActivation): Buffer {
    return pa.eciesActivationScopeSharedInfo2(a.keys.transport, this.applicationSecret);
  }

  decrypt(priv: KeyObject, sh1: string, sh2: Buffer, f: EciesFields): { plaintext: Buffer; context: EciesContext } {
    return pa.eciesDecryptRequest(priv, sh1, sh2, {
      ephemeralPublicKey: b64(f.ephemeralPublicKey),
      encryptedData: b64(f.encryptedData),
      mac: b64(f.mac),
      nonce: f.nonce ? b64(f.nonce) : null,
    });
  }

  respond(context: EciesContext, body: unknown): EncryptedResponse {
    const r = pa.eciesEncryptResponse(context, enc(body));
    return { encryptedData: B64(r.encryptedData), mac: B64(r.mac) };
  }

  /** Layer-2 key exchange (prepare/create/recoveryCodeActivation). */
  keyExchange(f: EciesFields, withRecovery = false): { activation: ServerActivation; response: EncryptedResponse; recovery: { recoveryCode: string; puk: string } | null } {
    const { plaintext, context } = this.decrypt(this.master.privateKey, pa.ECIES_SHARED_INFO_1.ACTIVATION_LAYER_2, this.appSh2(), f);
    const request = json(plaintext) as { devicePublicKey: string };
    const devicePublicKey = pa.parsePublicKey(b64(request.devicePublicKey));
    const serverKeys = pa.generateKeyPair();
    const activation: ServerActivation = {
      activationId: crypto.randomUUID(),
      serverKeys,
      devicePublicKey,
      keys: pa.deriveActivationKeysFromKeyPair(serverKeys.privateKey, devicePublicKey),
      ctrData: pa.generateCounterData(),
      counter: 0n,
      version: 3,
    };
    let recovery: { recoveryCode: string; puk: string } | null = null;
    if (withRecovery) {
      const { recoveryCode, pukBaseKey } = pa.deriveRecoveryCode(pa.generateRecoverySecret(), pa.generateRecoveryNonce());
      recovery = { recoveryCode, puk: pa.derivePuk(pukBaseKey, pa.generatePukDerivationIndex()) };
    }
    const response = this.respond(context, {
      activationId: activation.activationId,
      serverPublicKey: B64(pa.encodePublicKey(serverKeys.publicKey)),
      ctrData: B64(activation.ctrData ?? Buffer.alloc(0)),
      activationRecovery: recovery,
    });
    return { activation, response, recovery };
  }

  /** verifySignature with lookahead; advances the counter on success. */
  verify(a: ServerActivation, data: Buffer, signature: string, type: SignatureType, format: pa.SignatureFormat, forceV3 = false): boolean {
    const keys = pa.signatureKeysForType(type, {
      possession: a.keys.signaturePossession,
      knowledge: a.keys.signatureKnowledge,
      biometry: a.keys.signatureBiometry,
    });
    const useV3 = a.version === 3 || (forceV3 && a.ctrData !== null);
    let ctr = a.ctrData;
    for (let iter = a.counter; iter < a.counter + BigInt(this.lookahead); iter++) {
      const ctrBytes = useV3 && ctr ? ctr : pa.numericCounterData(iter);
      if (pa.verifySignature(keys, ctrBytes, data, signature, format)) {
        a.counter = iter + 1n;
        if (useV3 && ctr) a.ctrData = pa.nextCounterData(ctr);
        return true;
      }
      if (useV3 && ctr) ctr = pa.nextCounterData(ctr);
    }
    return false;
  }
}

function activate(server: Server, version: "3.0" | "3.1"): { device: SimulatedDevice; activation: ServerActivation } {
  const device = server.device(version);
  const { activation, response } = server.keyExchange(device.createActivationRequest());
  device.processActivationResponse(response);
  return { device, activation };
}

function activateV2(server: Server, useEphemeralKey = true): { device: SimulatedDevice; activation: ServerActivation } {
  const device = server.device("3.0");
  const code = pa.generateActivationCode();
  const { activationIdShort, activationOtp } = pa.splitActivationCode(code);
  const req = device.createActivationRequestV2({ activationCode: code }, { useEphemeralKey });
  const nonce = b64(req.activationNonce);
  const c = b64(req.encryptedDevicePublicKey);
  expect(req.activationIdShort).toBe(activationIdShort);
  expect(pa.verifyApplicationSignatureV2(b64(server.applicationSecret), req.activationIdShort, nonce, c, b64(req.applicationKey), b64(req.applicationSignature))).toBe(true);
  const otpKey = pa.deriveOtpKeyV2(activationOtp, activationIdShort);
  const ephKey = req.ephemeralPublicKey ? pa.deriveEphemeralKeyV2(server.master.privateKey, pa.parsePublicKey(b64(req.ephemeralPublicKey))) : null;
  const devicePublicKey = pa.parsePublicKey(pa.decryptDevicePublicKeyV2(c, otpKey, ephKey, nonce));
  const serverKeys = pa.generateKeyPair();
  const serverEphemeral = pa.generateKeyPair();
  const serverNonce = pa.randomBytes(16);
  const cServer = pa.encryptServerPublicKeyV2(
    pa.encodePublicKey(serverKeys.publicKey),
    otpKey,
    pa.deriveEphemeralKeyV2(serverEphemeral.privateKey, devicePublicKey),
    serverNonce,
  );
  const activationId = crypto.randomUUID();
  device.processActivationResponseV2({
    activationId,
    activationNonce: B64(serverNonce),
    ephemeralPublicKey: B64(pa.encodePublicKey(serverEphemeral.publicKey)),
    encryptedServerPublicKey: B64(cServer),
    encryptedServerPublicKeySignature: B64(pa.signEncryptedServerPublicKeyV2(server.master.privateKey, activationId, cServer)),
  });
  const activation: ServerActivation = {
    activationId,
    serverKeys,
    devicePublicKey,
    keys: pa.deriveActivationKeysFromKeyPair(serverKeys.privateKey, devicePublicKey),
    ctrData: null,
    counter: 0n,
    version: 2,
  };
  return { device, activation };
}

const ALL_TYPES: SignatureType[] = [...pa.SIGNATURE_TYPES];

for (const version of ["3.0", "3.1"] as const) {
  describe(`protocol ${version}: simulator device ⇄ core crypto server`, () => {
    it("activates with a code through layer 1, getEciesDecryptor and layer 2", () => {
      const server = new Server();
      const device = server.device(version);
      const intermediate = new SimulatedIntermediateServer(server.applicationKey);
      const code = pa.generateActivationCode();
      expect(device.verifyActivationCodeSignature(code, B64(pa.signActivationCode(server.master.privateKey, code)))).toBe(true);

      const layer1 = device.createActivationLayer1Request("CODE", { code }, { customAttributes: { a: 1 } });
      const decryptor = pa.getEciesDecryptor(
        server.master.privateKey,
        b64(layer1.ephemeralPublicKey),
        pa.ECIES_SHARED_INFO_1.APPLICATION_SCOPE_GENERIC,
        server.appSh2(),
        version,
      );
      const opened = intermediate.openActivationLayer1({ secretKey: B64(decryptor.secretKey), sharedInfo2: B64(decryptor.sharedInfo2) }, layer1);
      expect(opened.activationType).toBe("CODE");
      const soap = intermediate.soapActivationRequest(opened);
      expect(soap.activationCode).toBe(code);
      expect(pa.validateActivationCode(soap.activationCode)).toBe(true);
      expect(Boolean(soap.nonce)).toBe(version === "3.1");

      const { activation, response, recovery } = server.keyExchange(opened.layer2, true);
      const result = device.processActivationLayer1Response(intermediate.sealActivationLayer1Response(response, { b: 2 }));
      expect(result.activationId).toBe(activation.activationId);
      expect(result.customAttributes).toEqual({ b: 2 });
      expect(result.activationRecovery).toEqual(recovery);
      expect(device.fingerprint()).toBe(
        pa.devicePublicKeyFingerprintV3(activation.devicePublicKey, activation.activationId, activation.serverKeys.publicKey),
      );
    });

    it("activates with custom credentials (createActivation layer 2)", () => {
      const server = new Server();
      const { device, activation } = activate(server, version);
      expect(device.activationId).toBe(activation.activationId);
      expect(device.ctrData && Buffer.from(device.ctrData).equals(activation.ctrData ?? Buffer.alloc(0))).toBe(true);
    });

    it("activates with a recovery code and PUK (Argon2-hashed on the server)", async () => {
      const server = new Server();
      const { recoveryCode, pukBaseKey } = pa.deriveRecoveryCode(pa.generateRecoverySecret(), pa.generateRecoveryNonce());
      const puk = pa.derivePuk(pukBaseKey, pa.generatePukDerivationIndex());
      const pukHash = await pa.hashPassword(puk);
      const device = server.device(version);
      const intermediate = new SimulatedIntermediateServer(server.applicationKey);
      const layer1 = device.createActivationLayer1Request("RECOVERY", { recoveryCode, puk });
      const d = pa.getEciesDecryptor(server.master.privateKey, b64(layer1.ephemeralPublicKey), "/pa/generic/application", server.appSh2(), version);
      const soap = intermediate.soapActivationRequest(intermediate.openActivationLayer1({ secretKey: B64(d.secretKey), sharedInfo2: B64(d.sharedInfo2) }, layer1));
      expect(pa.validateActivationCode(soap.recoveryCode)).toBe(true);
      expect(await pa.verifyPasswordHash(soap.puk, pukHash)).toBe(true);
      expect(await pa.verifyPasswordHash("0000000000", pukHash)).toBe(false);
      const { activation, response } = server.keyExchange(
        { ephemeralPublicKey: soap.ephemeralPublicKey, encryptedData: soap.encryptedData, mac: soap.mac, nonce: soap.nonce },
        true,
      );
      const result = device.processActivationLayer1Response(intermediate.sealActivationLayer1Response(response));
      expect(result.activationId).toBe(activation.activationId);
    });

    it("verifies online signatures of every type, through the intermediate's header mapping", () => {
      const server = new Server();
      const { device, activation } = activate(server, version);
      const intermediate = new SimulatedIntermediateServer(server.applicationKey);
      for (const type of ALL_TYPES) {
        const body = enc({ amount: 100, type });
        const signed = device.signRequest("POST", "/pa/signature/validate", body, type);
        const soap = intermediate.verifySignatureRequest("POST", "/pa/signature/validate", body, signed.header);
        expect(soap).toMatchObject({ data: signed.data, signature: signed.signature, signatureType: type, signatureVersion: version });
        const format = pa.signatureFormatForVersion(soap.signatureVersion);
        expect(format).toBe(version === "3.0" ? "DECIMAL" : "BASE64");
        const base = pa.onlineSignatureBaseData(soap.data, server.applicationSecret);
        expect(server.verify(activation, base, soap.signature, type, format)).toBe(true);
        // Replaying the same signature no longer verifies: the counter moved on.
        expect(server.verify(activation, base, soap.signature, type, format)).toBe(false);
      }
    });

    it("resynchronizes within the lookahead and rejects tampered data", () => {
      const server = new Server();
      const { device, activation } = activate(server, version);
      const format = pa.signatureFormatForVersion(version);
      for (let i = 0; i < 5; i++) device.signRequest("GET", "/x", "", "POSSESSION"); // lost requests
      const s = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
      expect(server.verify(activation, pa.onlineSignatureBaseData(`${s.data}x`, server.applicationSecret), s.signature, "POSSESSION_KNOWLEDGE", format)).toBe(false);
      expect(server.verify(activation, pa.onlineSignatureBaseData(s.data, server.applicationSecret), s.signature, "POSSESSION_KNOWLEDGE", format)).toBe(true);
      expect(activation.counter).toBe(6n);
    });

    it("status blob: device decrypts it and resyncs its counter both ways", () => {
      const server = new Server();
      const { device, activation } = activate(server, version);
      const status = (): ReturnType<SimulatedDevice["processStatusResponse"]> => {
        const req = device.createStatusRequest();
        expect(Boolean(req.challenge)).toBe(version === "3.1");
        const blob = pa.encryptStatusBlob(
          activation.keys.transport,
          {
            activationStatus: pa.ACTIVATION_STATUS_BYTE.ACTIVE,
            currentVersion: 3,
            upgradeVersion: 3,
            failedAttempts: 1,
            maxFailedAttempts: 5,
            counter: activation.counter,
            ctrLookAhead: 20,
            ctrData: activation.ctrData,
          },
          req.challenge ? b64(req.challenge) : null,
        );
        expect(blob.nonce === null).toBe(version === "3.0");
        return device.processStatusResponse({
          encryptedStatusBlob: B64(blob.encryptedStatusBlob),
          encryptedStatusBlobNonce: blob.nonce ? B64(blob.nonce) : null,
        });
      };
      expect(status()).toMatchObject({ activationStatus: 3, currentVersion: 3, upgradeVersion: 3, failedAttempts: 1, maxFailedAttempts: 5 });
      device.signRequest("POST", "/x", "", "POSSESSION"); // a request the server never saw
      const behind = status();
      if (version === "3.1") {
        expect(behind).toMatchObject({ ctrLookAhead: 20, ctrByte: 0, counterDistance: -1 });
        // The server moves ahead (e.g. another app instance signed twice); the device catches up.
        activation.ctrData = pa.nextCounterData(pa.nextCounterData(activation.ctrData ?? Buffer.alloc(16)));
        activation.counter += 2n;
        expect(status()).toMatchObject({ ctrByte: 2, counterDistance: 1 });
        const s = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION");
        expect(server.verify(activation, pa.onlineSignatureBaseData(s.data, server.applicationSecret), s.signature, "POSSESSION", "BASE64")).toBe(true);
      }
    });

    it("creates a token over ECIES and validates its digest", () => {
      const server = new Server();
      const { device, activation } = activate(server, version);
      const req = device.createTokenRequest("POSSESSION_KNOWLEDGE");
      const { plaintext, context } = server.decrypt(activation.serverKeys.privateKey, pa.ECIES_SHARED_INFO_1.CREATE_TOKEN, server.actSh2(activation), req);
      expect(json(plaintext)).toEqual({});
      const secret = pa.generateTokenSecret();
      const token = device.processTokenResponse(server.respond(context, { tokenId: crypto.randomUUID(), tokenSecret: B64(secret), expires: null }));
      const v = device.computeTokenDigest(token);
      expect(pa.verifyTokenDigest(secret, b64(v.nonce), v.timestamp, b64(v.tokenDigest))).toBe(true);
      expect(pa.verifyTokenDigest(secret, b64(v.nonce), v.timestamp + 1, b64(v.tokenDigest))).toBe(false);
    });

    it("unlocks the vault; the device decrypts its private key and signs for verifyECDSASignature", () => {
      const server = new Server();
      const { device, activation } = activate(server, version);
      const req = device.createVaultUnlockRequest("POSSESSION_KNOWLEDGE", "SIGN_WITH_DEVICE_PRIVATE_KEY");
      const { plaintext, context } = server.decrypt(activation.serverKeys.privateKey, pa.ECIES_SHARED_INFO_1.VAULT_UNLOCK, server.actSh2(activation), req);
      expect(json(plaintext)).toEqual({ reason: "SIGN_WITH_DEVICE_PRIVATE_KEY" });
      const ok = server.verify(
        activation,
        pa.onlineSignatureBaseData(req.signedData, server.applicationSecret),
        req.signature,
        req.signatureType,
        pa.signatureFormatForVersion(req.signatureVersion),
      );
      expect(ok).toBe(true);
      const key = pa.encryptVaultEncryptionKey(activation.keys.transport, activation.keys.vaultEncryption);
      device.processVaultUnlockResponse(server.respond(context, { encryptedVaultEncryptionKey: B64(key) }));
      expect(device.vaultUnlocked).toBe(true);
      const signed = device.signWithDevicePrivateKey("payment 42");
      expect(pa.verifyEcdsa(activation.devicePublicKey, b64(signed.data), b64(signed.signature))).toBe(true);
    });

    it("offline: device verifies both payload kinds and its offline signature verifies", () => {
      const server = new Server();
      const { device, activation } = activate(server, version);
      const personal = pa.createOfflineSignaturePayload(activation.serverKeys.privateKey, "QR data 1", pa.OFFLINE_KEY_INDICATOR.PERSONALIZED_SERVER_KEY);
      const general = pa.createOfflineSignaturePayload(server.master.privateKey, "QR data 0", pa.OFFLINE_KEY_INDICATOR.MASTER_SERVER_KEY);
      expect(device.verifyOfflinePayload(personal.offlineData)).toBe(true);
      expect(device.verifyOfflinePayload(general.offlineData)).toBe(true);
      expect(device.verifyOfflinePayload(personal.offlineData.replace("QR data 1", "QR data 2"))).toBe(false);
      expect(pa.verifyOfflineSignaturePayload(activation.serverKeys.publicKey, personal.offlineData)).toBe(true);
      for (const type of ["POSSESSION_KNOWLEDGE", "POSSESSION_BIOMETRY"] as const) {
        const s = device.signOffline("/operation/authorize/offline", "QR data 1", personal.nonce, type);
        expect(s.allowBiometry).toBe(type === "POSSESSION_BIOMETRY");
        expect(server.verify(activation, pa.offlineSignatureBaseData(s.data), s.signature, type, "DECIMAL")).toBe(true);
      }
    });

    it("confirms a recovery code over ECIES", () => {
      const server = new Server();
      const { device, activation } = activate(server, version);
      const code = pa.deriveRecoveryCode(pa.generateRecoverySecret(), pa.generateRecoveryNonce()).recoveryCode;
      const req = device.createConfirmRecoveryCodeRequest(code);
      const { plaintext, context } = server.decrypt(activation.serverKeys.privateKey, pa.ECIES_SHARED_INFO_1.CONFIRM_RECOVERY_CODE, server.actSh2(activation), req);
      expect(json(plaintext)).toEqual({ recoveryCode: code });
      expect(device.processConfirmRecoveryCodeResponse(server.respond(context, { alreadyConfirmed: false }))).toEqual({ alreadyConfirmed: false });
    });

    it("generic application- and activation-scope ECIES through getEciesDecryptor", () => {
      const server = new Server();
      const { device, activation } = activate(server, version);
      const intermediate = new SimulatedIntermediateServer(server.applicationKey);
      const cases = [
        { req: device.createGenericActivationScopeRequest({ hello: "activation" }), priv: activation.serverKeys.privateKey, sh1: "/pa/generic/activation", sh2: server.actSh2(activation) },
      ];
      for (const c of cases) {
        const d = pa.getEciesDecryptor(c.priv, b64(c.req.ephemeralPublicKey), c.sh1, c.sh2, version);
        expect(d.secretKey.byteLength).toBe(version === "3.0" ? 32 : 48);
        const plain = intermediate.decrypt({ secretKey: B64(d.secretKey), sharedInfo2: B64(d.sharedInfo2) }, c.req);
        expect(json(plain)).toEqual({ hello: "activation" });
        expect(device.processGenericResponse(intermediate.encrypt(enc({ ok: true })))).toEqual({ ok: true });
      }
      const appReq = device.createGenericApplicationScopeRequest({ hello: "application" });
      const d = pa.getEciesDecryptor(server.master.privateKey, b64(appReq.ephemeralPublicKey), "/pa/generic/application", server.appSh2(), version);
      expect(json(intermediate.decrypt({ secretKey: B64(d.secretKey), sharedInfo2: B64(d.sharedInfo2) }, appReq))).toEqual({ hello: "application" });
      expect(device.processGenericResponse(intermediate.encrypt(enc({ ok: 1 })))).toEqual({ ok: 1 });
    });
  });
}

describe("legacy 2.x: simulator device ⇄ core crypto server", () => {
  it("activates with and without the ephemeral key layer; fingerprints agree", () => {
    for (const useEphemeralKey of [true, false]) {
      const server = new Server();
      const { device, activation } = activateV2(server, useEphemeralKey);
      expect(device.activationVersion).toBe(2);
      expect(device.fingerprint()).toBe(pa.devicePublicKeyFingerprintV2(activation.devicePublicKey));
    }
  });

  it("verifies v2 decimal signatures with the numeric counter", () => {
    const server = new Server();
    const { device, activation } = activateV2(server);
    const intermediate = new SimulatedIntermediateServer(server.applicationKey);
    for (const type of ALL_TYPES) {
      const s = device.signRequest("POST", "/pa/signature/validate", "{}", type);
      const soap = intermediate.verifySignatureRequest("POST", "/pa/signature/validate", "{}", s.header);
      expect(soap.signatureVersion).toBe("2.1");
      expect(server.verify(activation, pa.onlineSignatureBaseData(soap.data, server.applicationSecret), soap.signature, type, "DECIMAL")).toBe(true);
    }
    expect(activation.counter).toBe(BigInt(ALL_TYPES.length));
  });

  it("v2 vault unlock uses KDF(KEY_TRANSPORT, counter) and the double counter step", () => {
    const server = new Server();
    const { device, activation } = activateV2(server);
    device.signRequest("POST", "/x", "", "POSSESSION");
    server.verify(activation, pa.onlineSignatureBaseData(device.signRequest("POST", "/y", "", "POSSESSION").data, server.applicationSecret), "bogus", "POSSESSION", "DECIMAL");
    const req = device.createVaultUnlockRequestV2();
    expect(server.verify(activation, pa.onlineSignatureBaseData(req.data, server.applicationSecret), req.signature, req.signatureType, "DECIMAL")).toBe(true);
    const key = pa.encryptVaultEncryptionKeyV2(activation.keys.transport, activation.keys.vaultEncryption, activation.counter);
    activation.counter += 1n;
    device.processVaultUnlockResponseV2({ encryptedVaultEncryptionKey: B64(key) });
    expect(device.vaultUnlocked).toBe(true);
    expect(device.counter).toBe(activation.counter);
  });

  it("v2 token (master-key ECIES without sharedInfo)", () => {
    const server = new Server();
    const { device } = activateV2(server);
    const req = device.createTokenRequestV2();
    const secret = pa.generateTokenSecret();
    const r = pa.encryptTokenResponseV2(server.master.privateKey, b64(req.ephemeralPublicKey), enc({ tokenId: "t-1", tokenSecret: B64(secret) }));
    const token = device.processTokenResponseV2({ encryptedData: B64(r.encryptedData), mac: B64(r.mac) });
    expect(token).toEqual({ tokenId: "t-1", tokenSecret: B64(secret) });
    const v = device.computeTokenDigest(token);
    expect(pa.verifyTokenDigest(secret, b64(v.nonce), BigInt(v.timestamp), b64(v.tokenDigest))).toBe(true);
  });

  it("v2 personalized and non-personalized E2E keys", () => {
    const server = new Server();
    const { device, activation } = activateV2(server);
    const np = device.createNonPersonalizedEncryptionKeyRequest();
    const index = pa.resolveSessionIndexV2(b64(np.sessionIndex));
    expect(B64(pa.nonPersonalizedEncryptionKeyV2(server.master.privateKey, b64(np.ephemeralPublicKey), index))).toBe(np.expectedEncryptionKey);
    const sessionIndex = B64(pa.randomBytes(16));
    expect(B64(pa.personalizedEncryptionKeyV2(activation.keys.transport, b64(sessionIndex)))).toBe(device.personalizedEncryptionKey(sessionIndex));
  });

  for (const version of ["3.0", "3.1"] as const) {
    it(`upgrades v2 → v3 (${version} app): startUpgrade ECIES, v3-signed commit, then v3 signatures`, () => {
      const server = new Server();
      const { device, activation } = activateV2(server);
      device.protocolVersion = version;
      device.signRequest("POST", "/x", "", "POSSESSION");
      const req = device.createStartUpgradeRequest();
      const { plaintext, context } = server.decrypt(activation.serverKeys.privateKey, pa.ECIES_SHARED_INFO_1.UPGRADE, server.actSh2(activation), req);
      expect(json(plaintext)).toEqual({});
      activation.ctrData = pa.generateCounterData();
      device.processStartUpgradeResponse(server.respond(context, { ctrData: B64(activation.ctrData) }));
      const commit = device.signUpgradeCommit("POSSESSION");
      const format = pa.signatureFormatForVersion(commit.signatureVersion);
      expect(server.verify(activation, pa.onlineSignatureBaseData(commit.data, server.applicationSecret), commit.signature, "POSSESSION", format, true)).toBe(true);
      activation.version = 3;
      device.finishUpgrade();
      const s = device.signRequest("POST", "/pa/signature/validate", "{}", "POSSESSION_KNOWLEDGE");
      expect(s.signatureVersion).toBe(version);
      expect(server.verify(activation, pa.onlineSignatureBaseData(s.data, server.applicationSecret), s.signature, "POSSESSION_KNOWLEDGE", format)).toBe(true);
    });
  }
});
