import { expect } from "vitest";
import {
  aesCbcDecryptNoPadding,
  aesCbcEncryptNoPadding,
  buildStatusBlobV31,
  computeApplicationSignatureV2,
  computeSignature,
  counterDistance,
  decryptDevicePublicKeyV2,
  decryptServerPublicKeyV2,
  decryptStatusBlob,
  deriveActivationKeys,
  deriveEphemeralKeyV2,
  deriveMasterSecretKey,
  deriveOtpKeyV2,
  devicePublicKeyFingerprintV2,
  devicePublicKeyFingerprintV3,
  encodePublicKey,
  encryptDevicePublicKeyV2,
  nextCounterData,
  numericCounterData,
  parsePrivateKey,
  parsePublicKey,
  parseSignatureType,
  publicKeyCoordinateX,
  publicKeyFromPrivateKey,
  signActivationCode,
  signatureKeysForType,
  signEncryptedServerPublicKeyV2,
  statusBlobIv,
  verifyActivationCodeSignature,
  verifyEncryptedServerPublicKeySignatureV2,
  verifySignature,
} from "../../core/src/crypto/index.ts";
import type { SignatureFormat } from "../../core/src/crypto/index.ts";
import { b64 } from "./load.ts";
import type { Vector } from "./load.ts";

// One check per vector format, shared by the reference files and by the
// matching sets of more-test-vectors.json.

function leftPad32(x: Buffer): Buffer {
  return x.byteLength >= 32 ? x : Buffer.concat([Buffer.alloc(32 - x.byteLength), x]);
}

function signature(v: Vector, format: SignatureFormat, counterKind: "numeric" | "hash"): void {
  const keys = {
    possession: b64(v.input.signaturePossessionKey),
    knowledge: b64(v.input.signatureKnowledgeKey),
    biometry: b64(v.input.signatureBiometryKey),
  };
  const list = signatureKeysForType(parseSignatureType(v.input.signatureType), keys);
  const ctr = counterKind === "numeric" ? numericCounterData(BigInt(v.input.counter)) : b64(v.input.counterData);
  const length = v.input.signatureComponentLength ? Number(v.input.signatureComponentLength) : 8;
  const data = b64(v.input.data);
  expect(computeSignature(list, ctr, data, format, length)).toBe(v.output.signature);
  expect(verifySignature(list, ctr, data, v.output.signature, format, length)).toBe(true);
}

export const sharedChecks = {
  masterSecret(v: Vector): void {
    const devPriv = parsePrivateKey(b64(v.input.devicePrivateKey));
    const srvPriv = parsePrivateKey(b64(v.input.serverPrivateKey));
    const devPub = parsePublicKey(b64(v.input.devicePublicKey));
    const srvPub = parsePublicKey(b64(v.input.serverPublicKey));
    expect(encodePublicKey(publicKeyFromPrivateKey(devPriv)).toString("base64")).toBe(v.input.devicePublicKey);
    expect(encodePublicKey(publicKeyFromPrivateKey(srvPriv)).toString("base64")).toBe(v.input.serverPublicKey);
    expect(deriveMasterSecretKey(srvPriv, devPub).toString("base64")).toBe(v.output.masterSecretKey);
    expect(deriveMasterSecretKey(devPriv, srvPub).toString("base64")).toBe(v.output.masterSecretKey);
  },

  derivedKeys(v: Vector): void {
    const k = deriveActivationKeys(b64(v.input.masterSecretKey));
    expect(k.signaturePossession.toString("base64")).toBe(v.output.signaturePossessionKey);
    expect(k.signatureKnowledge.toString("base64")).toBe(v.output.signatureKnowledgeKey);
    expect(k.signatureBiometry.toString("base64")).toBe(v.output.signatureBiometryKey);
    expect(k.transport.toString("base64")).toBe(v.output.transportKey);
    expect(k.vaultEncryption.toString("base64")).toBe(v.output.vaultEncryptionKey);
  },

  signaturesV2: (v: Vector): void => signature(v, "DECIMAL", "numeric"),
  signaturesV3: (v: Vector): void => signature(v, "DECIMAL", "hash"),
  signaturesV31: (v: Vector): void => signature(v, "BASE64", "hash"),
  signaturesOffline: (v: Vector): void => signature(v, "DECIMAL", "hash"),

  statusBlobIv(v: Vector): void {
    const iv = statusBlobIv(b64(v.input.transportKey), b64(v.input.challenge), b64(v.input.nonce));
    expect(iv.toString("base64")).toBe(v.output.iv);
  },

  statusBlobData(v: Vector): void {
    const tk = b64(v.input.transportKey);
    const challenge = b64(v.input.challenge);
    const nonce = b64(v.input.nonce);
    const encrypted = b64(v.input.encryptedStatusBlob);
    const blob = decryptStatusBlob(tk, encrypted, challenge, nonce);
    expect(String(blob.activationStatus)).toBe(v.output.activationStatus);
    expect(String(blob.currentVersion)).toBe(v.output.currentVersion);
    expect(String(blob.upgradeVersion)).toBe(v.output.upgradeVersion);
    expect(String(blob.failedAttempts)).toBe(v.output.failedAttempts);
    expect(String(blob.maxFailedAttempts)).toBe(v.output.maxFailedAttempts);
    expect(String(blob.ctrLookAhead)).toBe(v.output.ctrLookAhead);
    expect(String(blob.ctrByte)).toBe(v.output.ctrByte);
    expect(blob.ctrDataHash.toString("base64")).toBe(v.output.ctrDataHash);
    const distance = counterDistance(tk, b64(v.input.ctrData), blob.ctrDataHash, blob.ctrLookAhead);
    expect(String(distance)).toBe(v.output.counterDistance);

    // Server direction: rebuild the plaintext from the fields (the server's
    // CTR_DATA is `distance` steps ahead of the client's) and encrypt it with
    // the same IV; only the random reserved bytes 7–11 are taken from the vector.
    let serverCtr = b64(v.input.ctrData);
    for (let i = 0; i < Number(v.output.counterDistance); i++) serverCtr = nextCounterData(serverCtr);
    const rebuilt = buildStatusBlobV31(tk, {
      activationStatus: blob.activationStatus,
      currentVersion: blob.currentVersion,
      upgradeVersion: blob.upgradeVersion,
      failedAttempts: blob.failedAttempts,
      maxFailedAttempts: blob.maxFailedAttempts,
      counter: blob.ctrByte,
      ctrLookAhead: blob.ctrLookAhead,
      ctrData: serverCtr,
    });
    const iv = statusBlobIv(tk, challenge, nonce);
    rebuilt.set(aesCbcDecryptNoPadding(tk, iv, encrypted).subarray(7, 12), 7);
    expect(aesCbcEncryptNoPadding(tk, iv, rebuilt).toString("base64")).toBe(v.input.encryptedStatusBlob);
  },

  fingerprintV3(v: Vector): void {
    const dev = parsePublicKey(b64(v.input.devicePublicKey));
    const srv = parsePublicKey(b64(v.input.serverPublicKey));
    expect(publicKeyCoordinateX(dev).equals(leftPad32(b64(v.output.devicePublicKeyCoordX)))).toBe(true);
    expect(publicKeyCoordinateX(srv).equals(leftPad32(b64(v.output.serverPublicKeyCoordX)))).toBe(true);
    expect(devicePublicKeyFingerprintV3(dev, v.output.activationId, srv)).toBe(v.output.fingerprint);
  },

  fingerprintV2(v: Vector): void {
    const key = parsePublicKey(b64(v.input.publicKey));
    expect(publicKeyCoordinateX(key).equals(leftPad32(b64(v.output.publicKeyCoordX)))).toBe(true);
    expect(devicePublicKeyFingerprintV2(key)).toBe(v.output.fingerprint);
  },

  activationSignatureV3(v: Vector): void {
    const pub = parsePublicKey(b64(v.input.masterPublicKey));
    const priv = parsePrivateKey(b64(v.input.masterPrivateKey));
    const sig = b64(v.output.activationSignature);
    expect(verifyActivationCodeSignature(pub, v.input.activationCode, sig)).toBe(true);
    expect(verifyActivationCodeSignature(pub, `${v.input.activationCode}X`, sig)).toBe(false);
    // ECDSA is randomized: our signature with the vector's private key must verify under its public key.
    expect(verifyActivationCodeSignature(pub, v.input.activationCode, signActivationCode(priv, v.input.activationCode))).toBe(true);
  },

  activationSignatureV2(v: Vector): void {
    const pub = parsePublicKey(b64(v.input.masterPublicKey));
    const priv = parsePrivateKey(b64(v.input.masterPrivateKey));
    const data = `${v.input.activationIdShort}-${v.input.activationOtp}`;
    expect(verifyActivationCodeSignature(pub, data, b64(v.output.activationSignature))).toBe(true);
    expect(verifyActivationCodeSignature(pub, data, signActivationCode(priv, data))).toBe(true);
  },

  encryptDevicePublicKeyV2(v: Vector): void {
    const otpKey = deriveOtpKeyV2(v.input.activationOtp, v.input.activationIdShort);
    const ephPriv = parsePrivateKey(b64(v.input.ephemeralPrivateKey));
    const ephKey = deriveEphemeralKeyV2(ephPriv, parsePublicKey(b64(v.input.masterPublicKey)));
    const nonce = b64(v.input.activationNonce);
    const c = encryptDevicePublicKeyV2(b64(v.input.devicePublicKey), otpKey, ephKey, nonce);
    expect(c.toString("base64")).toBe(v.output.cDevicePublicKey);
    expect(decryptDevicePublicKeyV2(c, otpKey, ephKey, nonce).toString("base64")).toBe(v.input.devicePublicKey);
    const appSig = computeApplicationSignatureV2(
      b64(v.input.applicationSecret),
      v.input.activationIdShort,
      nonce,
      c,
      b64(v.input.applicationKey),
    );
    expect(appSig.toString("base64")).toBe(v.output.applicationSignature);
  },

  decryptServerPublicKeyV2(v: Vector): void {
    const otpKey = deriveOtpKeyV2(v.input.activationOtp, v.input.activationIdShort);
    const devPriv = parsePrivateKey(b64(v.input.devicePrivateKey));
    const ephKey = deriveEphemeralKeyV2(devPriv, parsePublicKey(b64(v.input.ephemeralPublicKey)));
    const out = decryptServerPublicKeyV2(b64(v.input.encryptedServerPublicKey), otpKey, ephKey, b64(v.input.activationNonce));
    expect(out.toString("base64")).toBe(v.output.serverPublicKey);
  },

  serverPublicKeySignatureV2(v: Vector): void {
    const pub = parsePublicKey(b64(v.input.masterServerPublicKey));
    const priv = parsePrivateKey(b64(v.input.masterServerPrivateKey));
    const c = b64(v.input.encryptedServerPublicKey);
    const sig = b64(v.output.encryptedServerPublicKeySignature);
    expect(verifyEncryptedServerPublicKeySignatureV2(pub, v.input.activationId, c, sig)).toBe(true);
    expect(verifyEncryptedServerPublicKeySignatureV2(pub, `${v.input.activationId}0`, c, sig)).toBe(false);
    const own = signEncryptedServerPublicKeyV2(priv, v.input.activationId, c);
    expect(verifyEncryptedServerPublicKeySignatureV2(pub, v.input.activationId, c, own)).toBe(true);
  },
};
