import { EciesSession, eciesEncryptRequest } from "./ecies.ts";
import type { EciesFields } from "./ecies.ts";
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  b64,
  base64Signature,
  concat,
  counterBytes,
  decimalSignature,
  ecdh,
  ecdsaSign,
  ecdsaVerify,
  equal,
  fold,
  generateKeyPair,
  hmacSha256,
  kdf,
  kdfInternal,
  minimalX,
  nextCtr,
  pbkdf2Sha1,
  random,
  sha256,
  signatureComponents,
  td,
  te,
  unb64,
  x963,
} from "./primitives.ts";
import type { Bytes, SimKeyPair } from "./primitives.ts";

/** SOAP SignatureType values. */
export type SimSignatureType =
  | "POSSESSION"
  | "KNOWLEDGE"
  | "BIOMETRY"
  | "POSSESSION_KNOWLEDGE"
  | "POSSESSION_BIOMETRY"
  | "POSSESSION_KNOWLEDGE_BIOMETRY";

/** What a device needs to know about the application before activating. */
export interface DeviceConfig {
  applicationKey: string;
  applicationSecret: string;
  /** B64 of the application's master public key (getApplicationDetail.masterPublicKey). */
  masterPublicKey: string;
  /** Protocol the app speaks: 3.0 (SDK 1.1–1.2) or 3.1 (SDK 1.3–1.7). Default 3.1. */
  protocolVersion?: "3.0" | "3.1";
}

/** Encrypted-response fields as the SOAP responses carry them. */
export interface EncryptedResponse {
  encryptedData: string;
  mac: string;
}

/** The result of a signed request: SOAP VerifySignature fields plus the HTTP header the app would send. */
export interface SignedRequest {
  activationId: string;
  applicationKey: string;
  /** REQUEST_DATA, the SOAP `data` field (the server appends "&" + applicationSecret). */
  data: string;
  signature: string;
  signatureType: SimSignatureType;
  /** "2.1", "3.0" or "3.1": the SOAP `signatureVersion` / header `pa_version`. */
  signatureVersion: string;
  nonce: string;
  header: string;
}

/** The decrypted layer-2 activation response. */
export interface ActivationResult {
  activationId: string;
  serverPublicKey: string;
  ctrData: string;
  activationRecovery: { recoveryCode: string; puk: string } | null;
}

/** Decrypted status blob as the app sees it. */
export interface DeviceStatus {
  activationStatus: number;
  currentVersion: number;
  upgradeVersion: number;
  failedAttempts: number;
  maxFailedAttempts: number;
  ctrByte?: number;
  ctrLookAhead?: number;
  /**
   * 3.1 only: steps from the device's CTR_DATA to the server's. Positive: the
   * device moved forward to catch up; negative: the server lags behind (requests
   * it never saw) and will catch up through its lookahead; 0: in sync.
   */
  counterDistance?: number;
}

const SH1 = {
  ACTIVATION: "/pa/activation",
  GENERIC_APPLICATION: "/pa/generic/application",
  GENERIC_ACTIVATION: "/pa/generic/activation",
  UPGRADE: "/pa/upgrade",
  VAULT: "/pa/vault/unlock",
  TOKEN: "/pa/token/create",
  RECOVERY: "/pa/recovery/confirm",
} as const;

/**
 * A mobile app with one PowerAuth activation, written from protocol.md on
 * @noble/* only. Methods return the Base64 field values the SOAP/gRPC API
 * expects and consume the server's responses, keeping the device state
 * (keys, counter, vault) in between, so e2e tests can drive any flow.
 */
export class SimulatedDevice {
  readonly applicationKey: string;
  readonly applicationSecret: string;
  readonly masterPublicKey: Bytes;
  protocolVersion: "3.0" | "3.1";

  activationId: string | null = null;
  /** 2 for a legacy activation, 3 otherwise (null before activation). */
  activationVersion: 2 | 3 | null = null;
  serverPublicKey: Bytes | null = null;
  devicePublicKey: Bytes | null = null;
  ctrData: Bytes | null = null;
  counter = 0n;
  activationRecovery: { recoveryCode: string; puk: string } | null = null;

  private deviceKeyPair: SimKeyPair | null = null;
  private keys: { possession: Bytes; knowledge: Bytes; biometry: Bytes; transport: Bytes } | null = null;
  /** C_KEY_DEVICE_PRIVATE: the device private key under KEY_ENCRYPTION_VAULT. */
  private encryptedDevicePrivateKey: Bytes | null = null;
  private unlockedDevicePrivateKey: Bytes | null = null;
  private pending: EciesSession | null = null;
  private layer1: EciesSession | null = null;
  private statusChallenge: Bytes | null = null;
  private upgradeCtrData: Bytes | null = null;
  /** CTR_DATA values already used, newest last, to recognise a server that lags behind. */
  private ctrHistory: Bytes[] = [];
  private v2Pending: { otpKey: Bytes; activationIdShort: string } | null = null;
  private v2Ephemeral: SimKeyPair | null = null;

  constructor(config: DeviceConfig) {
    this.applicationKey = config.applicationKey;
    this.applicationSecret = config.applicationSecret;
    this.masterPublicKey = unb64(config.masterPublicKey);
    this.protocolVersion = config.protocolVersion ?? "3.1";
  }

  // --- activation (v3) ---------------------------------------------------

  private appSharedInfo2(): Bytes {
    return sha256(te.encode(this.applicationSecret));
  }

  private activationSharedInfo2(): Bytes {
    return hmacSha256(this.requireKeys().transport, te.encode(this.applicationSecret));
  }

  private requireKeys(): { possession: Bytes; knowledge: Bytes; biometry: Bytes; transport: Bytes } {
    if (!this.keys || !this.activationId) throw new Error("device is not activated");
    return this.keys;
  }

  /**
   * Layer-2 activation request (ECIES app scope, sh1 /pa/activation): the SOAP
   * PrepareActivation / CreateActivation / RecoveryCodeActivation ECIES fields.
   */
  createActivationRequest(opts: { activationName?: string; extras?: string } = {}): EciesFields {
    this.deviceKeyPair = generateKeyPair();
    const payload = {
      devicePublicKey: b64(this.deviceKeyPair.publicKey),
      activationName: opts.activationName ?? "Simulated device",
      extras: opts.extras ?? "",
    };
    const { fields, session } = eciesEncryptRequest(
      this.masterPublicKey,
      SH1.ACTIVATION,
      this.appSharedInfo2(),
      te.encode(JSON.stringify(payload)),
      this.protocolVersion,
    );
    this.pending = session;
    return fields;
  }

  /** Decrypts the layer-2 response and derives every activation key. */
  processActivationResponse(response: EncryptedResponse): ActivationResult {
    if (!this.pending || !this.deviceKeyPair) throw new Error("no activation in progress");
    const json = JSON.parse(td.decode(this.pending.open(unb64(response.encryptedData), unb64(response.mac)))) as {
      activationId: string;
      serverPublicKey: string;
      ctrData: string;
      activationRecovery?: { recoveryCode: string; puk: string } | null;
    };
    this.pending = null;
    this.installKeys(json.activationId, unb64(json.serverPublicKey), 3);
    this.ctrData = unb64(json.ctrData);
    this.activationRecovery = json.activationRecovery ?? null;
    return {
      activationId: json.activationId,
      serverPublicKey: json.serverPublicKey,
      ctrData: json.ctrData,
      activationRecovery: this.activationRecovery,
    };
  }

  private installKeys(activationId: string, serverPublicKey: Bytes, version: 2 | 3): void {
    if (!this.deviceKeyPair) throw new Error("no device key pair");
    const master = fold(ecdh(this.deviceKeyPair.privateKey, serverPublicKey));
    const vault = kdf(master, 2000);
    this.keys = { possession: kdf(master, 1), knowledge: kdf(master, 2), biometry: kdf(master, 3), transport: kdf(master, 1000) };
    this.activationId = activationId;
    this.serverPublicKey = serverPublicKey;
    this.devicePublicKey = this.deviceKeyPair.publicKey;
    this.activationVersion = version;
    this.counter = 0n;
    // Like the SDK: keep the private key only inside the vault, forget the vault key.
    this.encryptedDevicePrivateKey = aesCbcEncrypt(vault, new Uint8Array(16), this.deviceKeyPair.privateKey);
    this.deviceKeyPair = { privateKey: new Uint8Array(0), publicKey: this.deviceKeyPair.publicKey };
    this.unlockedDevicePrivateKey = null;
  }

  /**
   * The request the app sends to the intermediate server (layer 1: ECIES app
   * scope, sh1 /pa/generic/application) wrapping a fresh layer-2 request.
   * `identityAttributes` is e.g. {code} for CODE, {recoveryCode, puk} for RECOVERY.
   */
  createActivationLayer1Request(
    activationType: "CODE" | "CUSTOM" | "RECOVERY",
    identityAttributes: Record<string, string>,
    opts: { activationName?: string; customAttributes?: Record<string, unknown> } = {},
  ): EciesFields {
    const layer2 = this.createActivationRequest({ activationName: opts.activationName });
    // The real SDKs name the field `type`; Standard-RESTful-API.md's `activationType` is a documentation error.
    const body = {
      type: activationType,
      identityAttributes,
      customAttributes: opts.customAttributes ?? {},
      activationData: layer2,
    };
    const { fields, session } = eciesEncryptRequest(
      this.masterPublicKey,
      SH1.GENERIC_APPLICATION,
      this.appSharedInfo2(),
      te.encode(JSON.stringify(body)),
      this.protocolVersion,
    );
    this.layer1 = session;
    return fields;
  }

  /** Opens the intermediate's layer-1 response and then the layer-2 one inside. */
  processActivationLayer1Response(response: EncryptedResponse): ActivationResult & { customAttributes: unknown } {
    if (!this.layer1) throw new Error("no layer-1 activation in progress");
    const json = JSON.parse(td.decode(this.layer1.open(unb64(response.encryptedData), unb64(response.mac)))) as {
      activationData: EncryptedResponse;
      customAttributes?: unknown;
    };
    this.layer1 = null;
    return { ...this.processActivationResponse(json.activationData), customAttributes: json.customAttributes ?? {} };
  }

  /** Fingerprint the app shows for comparison (v3: device X || activationId || server X; v2: device X). */
  fingerprint(): string {
    if (!this.devicePublicKey || !this.serverPublicKey || !this.activationId) throw new Error("device is not activated");
    const h =
      this.activationVersion === 2
        ? sha256(minimalX(this.devicePublicKey))
        : sha256(concat(minimalX(this.devicePublicKey), te.encode(this.activationId), minimalX(this.serverPublicKey)));
    const v = new DataView(h.buffer, h.byteOffset).getUint32(28) & 0x7fffffff;
    return String(v % 100_000_000).padStart(8, "0");
  }

  /** The activation-code signature check the app does on a scanned QR code. */
  verifyActivationCodeSignature(activationCode: string, signatureB64: string): boolean {
    return ecdsaVerify(this.masterPublicKey, te.encode(activationCode), unb64(signatureB64));
  }

  // --- signatures -----------------------------------------------------------

  private factorKeys(type: SimSignatureType): Bytes[] {
    const k = this.requireKeys();
    const map: Record<SimSignatureType, Bytes[]> = {
      POSSESSION: [k.possession],
      KNOWLEDGE: [k.knowledge],
      BIOMETRY: [k.biometry],
      POSSESSION_KNOWLEDGE: [k.possession, k.knowledge],
      POSSESSION_BIOMETRY: [k.possession, k.biometry],
      POSSESSION_KNOWLEDGE_BIOMETRY: [k.possession, k.knowledge, k.biometry],
    };
    return map[type];
  }

  /** Current counter data and a step function, per activation version. */
  private takeCounter(forceV3 = false): Bytes {
    if (this.activationVersion === 2 && !forceV3) {
      const ctr = counterBytes(this.counter);
      this.counter += 1n;
      return ctr;
    }
    const current = forceV3 && this.upgradeCtrData ? this.upgradeCtrData : this.ctrData;
    if (!current) throw new Error("no counter data");
    const next = nextCtr(current);
    if (forceV3 && this.upgradeCtrData) this.upgradeCtrData = next;
    else {
      this.ctrData = next;
      this.ctrHistory = [...this.ctrHistory.slice(-63), current];
    }
    this.counter += 1n;
    return current;
  }

  private signatureVersion(forceV3 = false): string {
    if (this.activationVersion === 2 && !forceV3) return "2.1";
    return this.protocolVersion;
  }

  /**
   * Signs an online request: normalizes `METHOD&B64(uriId)&nonce&B64(body)`,
   * signs it with "&appSecret" appended, advances the counter. 3.0 and v2 give
   * decimal signatures, 3.1 Base64.
   */
  signRequest(
    method: string,
    uriId: string,
    body: Bytes | string,
    signatureType: SimSignatureType,
    opts: { nonce?: Bytes; forceV3?: boolean } = {},
  ): SignedRequest {
    const activationId = this.activationId;
    if (!activationId) throw new Error("device is not activated");
    const bodyBytes = typeof body === "string" ? te.encode(body) : body;
    const nonce = b64(opts.nonce ?? random(16));
    const data = `${method.toUpperCase()}&${b64(te.encode(uriId))}&${nonce}&${b64(bodyBytes)}`;
    const version = this.signatureVersion(opts.forceV3);
    const ctr = this.takeCounter(opts.forceV3);
    const components = signatureComponents(this.factorKeys(signatureType), ctr, te.encode(`${data}&${this.applicationSecret}`));
    const signature = version === "3.1" ? base64Signature(components) : decimalSignature(components);
    const header =
      `PowerAuth pa_version="${version}", pa_activation_id="${activationId}", pa_application_key="${this.applicationKey}", ` +
      `pa_nonce="${nonce}", pa_signature_type="${signatureType.toLowerCase()}", pa_signature="${signature}"`;
    return { activationId, applicationKey: this.applicationKey, data, signature, signatureType, signatureVersion: version, nonce, header };
  }

  // --- status -----------------------------------------------------------------

  /** SOAP GetActivationStatus fields; 3.1 apps add a fresh challenge. */
  createStatusRequest(): { activationId: string; challenge?: string } {
    const activationId = this.activationId;
    if (!activationId) throw new Error("device is not activated");
    if (this.protocolVersion === "3.0") {
      this.statusChallenge = null;
      return { activationId };
    }
    this.statusChallenge = random(16);
    return { activationId, challenge: b64(this.statusChallenge) };
  }

  /**
   * Decrypts and parses the status blob. With a challenge the IV is derived from
   * challenge‖nonce and the counter is resynchronized from CTR_DATA_HASH.
   */
  processStatusResponse(response: { encryptedStatusBlob: string; encryptedStatusBlobNonce?: string | null }): DeviceStatus {
    const k = this.requireKeys();
    const challenge = this.statusChallenge;
    this.statusChallenge = null;
    let iv: Bytes = new Uint8Array(16);
    if (challenge) {
      if (!response.encryptedStatusBlobNonce) throw new Error("server sent no status nonce");
      iv = kdfInternal(kdf(k.transport, 3000), concat(challenge, unb64(response.encryptedStatusBlobNonce)));
    }
    const blob = aesCbcDecrypt(k.transport, iv, unb64(response.encryptedStatusBlob), false);
    if (!equal(blob.slice(0, 4), new Uint8Array([0xde, 0xc0, 0xde, 0xd1]))) throw new Error("status blob magic mismatch");
    const status: DeviceStatus = {
      activationStatus: blob[4],
      currentVersion: blob[5],
      upgradeVersion: blob[6],
      failedAttempts: blob[13],
      maxFailedAttempts: blob[14],
    };
    if (!challenge || this.activationVersion !== 3 || !this.ctrData) return status;
    status.ctrByte = blob[12];
    status.ctrLookAhead = blob[15];
    const hashKey = kdf(k.transport, 4000);
    const serverHash = blob.slice(16, 32);
    let ctr = this.ctrData;
    for (let d = 0; d <= blob[15]; d++) {
      if (equal(kdfInternal(hashKey, ctr), serverHash)) {
        this.ctrData = ctr;
        status.counterDistance = d;
        return status;
      }
      ctr = nextCtr(ctr);
    }
    for (let back = 1; back <= this.ctrHistory.length; back++) {
      if (equal(kdfInternal(hashKey, this.ctrHistory[this.ctrHistory.length - back]), serverHash)) {
        status.counterDistance = -back;
        return status;
      }
    }
    throw new Error("counter out of sync beyond the lookahead");
  }

  // --- activation-scope ECIES helpers ------------------------------------------

  private activationEcies(sharedInfo1: string, payload: unknown): EciesFields {
    const serverPublicKey = this.serverPublicKey;
    if (!serverPublicKey) throw new Error("device is not activated");
    const { fields, session } = eciesEncryptRequest(
      serverPublicKey,
      sharedInfo1,
      this.activationSharedInfo2(),
      te.encode(JSON.stringify(payload)),
      this.protocolVersion,
    );
    this.pending = session;
    return fields;
  }

  private openPending<T>(response: EncryptedResponse): T {
    if (!this.pending) throw new Error("no request in progress");
    const plain = this.pending.open(unb64(response.encryptedData), unb64(response.mac));
    this.pending = null;
    return JSON.parse(td.decode(plain)) as T;
  }

  /**
   * Generic activation-scope request (sh1 /pa/generic/activation), as an app
   * would send to an intermediate that uses getEciesDecryptor.
   */
  createGenericActivationScopeRequest(payload: unknown): EciesFields {
    return this.activationEcies(SH1.GENERIC_ACTIVATION, payload);
  }

  /** Generic application-scope request (sh1 /pa/generic/application). */
  createGenericApplicationScopeRequest(payload: unknown): EciesFields {
    const { fields, session } = eciesEncryptRequest(
      this.masterPublicKey,
      SH1.GENERIC_APPLICATION,
      this.appSharedInfo2(),
      te.encode(JSON.stringify(payload)),
      this.protocolVersion,
    );
    this.pending = session;
    return fields;
  }

  /** Opens the response to the last generic request. */
  processGenericResponse<T>(response: EncryptedResponse): T {
    return this.openPending<T>(response);
  }

  // --- tokens -----------------------------------------------------------------

  /**
   * SOAP CreateToken fields (ECIES activation scope, sh1 /pa/token/create, body
   * `{}`), plus the signature the app attaches for the intermediate (encrypt-then-sign).
   */
  createTokenRequest(signatureType: SimSignatureType = "POSSESSION_KNOWLEDGE"): EciesFields & {
    activationId: string;
    applicationKey: string;
    signatureType: SimSignatureType;
    signedRequest: SignedRequest;
  } {
    const fields = this.activationEcies(SH1.TOKEN, {});
    const signedRequest = this.signRequest("POST", "/pa/token/create", JSON.stringify(fields), signatureType);
    return { ...fields, activationId: signedRequest.activationId, applicationKey: this.applicationKey, signatureType, signedRequest };
  }

  /** Decrypts `{tokenId, tokenSecret}`. */
  processTokenResponse(response: EncryptedResponse): { tokenId: string; tokenSecret: string } {
    const json = this.openPending<{ tokenId: string; tokenSecret: string }>(response);
    return { tokenId: json.tokenId, tokenSecret: json.tokenSecret };
  }

  /** SOAP ValidateToken fields: digest = HMAC(secret, nonce || "&" || timestamp). */
  computeTokenDigest(
    token: { tokenId: string; tokenSecret: string },
    opts: { timestamp?: number; nonce?: Bytes } = {},
  ): { tokenId: string; tokenDigest: string; nonce: string; timestamp: number } {
    const nonce = opts.nonce ?? random(16);
    const timestamp = opts.timestamp ?? Date.now();
    const digest = hmacSha256(unb64(token.tokenSecret), concat(nonce, te.encode(`&${timestamp}`)));
    return { tokenId: token.tokenId, tokenDigest: b64(digest), nonce: b64(nonce), timestamp };
  }

  // --- vault ------------------------------------------------------------------

  /**
   * SOAP VaultUnlock fields: ECIES (sh1 /pa/vault/unlock) over `{"reason"}`,
   * and the signature over the encrypted body as `signedData`/`signature`.
   */
  createVaultUnlockRequest(
    signatureType: SimSignatureType = "POSSESSION_KNOWLEDGE",
    reason = "FETCH_ENCRYPTION_KEY",
  ): EciesFields & {
    activationId: string;
    applicationKey: string;
    signedData: string;
    signature: string;
    signatureType: SimSignatureType;
    signatureVersion: string;
  } {
    const fields = this.activationEcies(SH1.VAULT, { reason });
    const signed = this.signRequest("POST", "/pa/vault/unlock", JSON.stringify(fields), signatureType);
    return {
      ...fields,
      activationId: signed.activationId,
      applicationKey: this.applicationKey,
      signedData: signed.data,
      signature: signed.signature,
      signatureType,
      signatureVersion: signed.signatureVersion,
    };
  }

  /** Decrypts the vault key with KEY_TRANSPORT and unlocks the device private key with it. */
  processVaultUnlockResponse(response: EncryptedResponse): { encryptedVaultEncryptionKey: string | null } {
    const json = this.openPending<{ encryptedVaultEncryptionKey: string | null }>(response);
    if (json.encryptedVaultEncryptionKey) {
      const vaultKey = aesCbcDecrypt(this.requireKeys().transport, new Uint8Array(16), unb64(json.encryptedVaultEncryptionKey));
      this.unlockWithVaultKey(vaultKey);
    }
    return { encryptedVaultEncryptionKey: json.encryptedVaultEncryptionKey };
  }

  private unlockWithVaultKey(vaultKey: Bytes): void {
    if (!this.encryptedDevicePrivateKey || !this.devicePublicKey) throw new Error("device is not activated");
    const priv = aesCbcDecrypt(vaultKey, new Uint8Array(16), this.encryptedDevicePrivateKey);
    // Prove the vault key is right: the decrypted scalar must reproduce our public key.
    const check = ecdsaSign(priv, te.encode("vault check"));
    if (!ecdsaVerify(this.devicePublicKey, te.encode("vault check"), check)) throw new Error("wrong vault key");
    this.unlockedDevicePrivateKey = priv;
  }

  /** True once a vault unlock gave the device its private key back. */
  get vaultUnlocked(): boolean {
    return this.unlockedDevicePrivateKey !== null;
  }

  /** SOAP VerifyECDSASignature fields, signed with the vault-protected device private key. */
  signWithDevicePrivateKey(data: Bytes | string): { activationId: string; data: string; signature: string } {
    if (!this.unlockedDevicePrivateKey || !this.activationId) throw new Error("vault is locked");
    const bytes = typeof data === "string" ? te.encode(data) : data;
    return { activationId: this.activationId, data: b64(bytes), signature: b64(ecdsaSign(this.unlockedDevicePrivateKey, bytes)) };
  }

  // --- offline signatures -------------------------------------------------------

  /** Verifies a server offline payload: indicator '0' → master key, '1' → activation server key. */
  verifyOfflinePayload(offlineData: string): boolean {
    const nl = offlineData.lastIndexOf("\n");
    if (nl < 0) return false;
    const indicator = offlineData[nl + 1];
    const key = indicator === "0" ? this.masterPublicKey : indicator === "1" ? this.serverPublicKey : null;
    if (!key) return false;
    return ecdsaVerify(key, te.encode(offlineData.slice(0, nl + 2)), unb64(offlineData.slice(nl + 2)));
  }

  /**
   * Offline signature over `POST&B64(uriId)&nonce&B64(body)&offline` (decimal,
   * no application secret): SOAP VerifyOfflineSignature fields.
   */
  signOffline(
    uriId: string,
    body: Bytes | string,
    nonce: string,
    signatureType: "POSSESSION_KNOWLEDGE" | "POSSESSION_BIOMETRY" = "POSSESSION_KNOWLEDGE",
    componentLength = 8,
  ): { activationId: string; data: string; signature: string; allowBiometry: boolean } {
    const activationId = this.activationId;
    if (!activationId) throw new Error("device is not activated");
    const bodyBytes = typeof body === "string" ? te.encode(body) : body;
    const data = `POST&${b64(te.encode(uriId))}&${nonce}&${b64(bodyBytes)}`;
    const ctr = this.takeCounter();
    const signature = decimalSignature(
      signatureComponents(this.factorKeys(signatureType), ctr, te.encode(`${data}&offline`)),
      componentLength,
    );
    return { activationId, data, signature, allowBiometry: signatureType === "POSSESSION_BIOMETRY" };
  }

  // --- recovery -----------------------------------------------------------------

  /** SOAP ConfirmRecoveryCode fields (ECIES sh1 /pa/recovery/confirm over `{"recoveryCode"}`). */
  createConfirmRecoveryCodeRequest(recoveryCode: string): EciesFields & { activationId: string; applicationKey: string; signedRequest: SignedRequest } {
    const fields = this.activationEcies(SH1.RECOVERY, { recoveryCode });
    const signedRequest = this.signRequest("POST", "/pa/recovery/confirm", JSON.stringify(fields), "POSSESSION_KNOWLEDGE");
    return { ...fields, activationId: signedRequest.activationId, applicationKey: this.applicationKey, signedRequest };
  }

  /** Decrypts `{alreadyConfirmed}`. */
  processConfirmRecoveryCodeResponse(response: EncryptedResponse): { alreadyConfirmed: boolean } {
    return this.openPending<{ alreadyConfirmed: boolean }>(response);
  }

  // --- upgrade v2 → v3 ------------------------------------------------------------

  /** SOAP StartUpgrade fields (ECIES sh1 /pa/upgrade over `{}`). */
  createStartUpgradeRequest(): EciesFields & { activationId: string; applicationKey: string } {
    const fields = this.activationEcies(SH1.UPGRADE, {});
    return { ...fields, activationId: this.activationId ?? "", applicationKey: this.applicationKey };
  }

  /** Takes the server's CTR_DATA; the commit must then be signed with a v3 signature. */
  processStartUpgradeResponse(response: EncryptedResponse): { ctrData: string } {
    const json = this.openPending<{ ctrData: string }>(response);
    this.upgradeCtrData = unb64(json.ctrData);
    return json;
  }

  /** The v3 signature over /pa/upgrade/commit (SOAP VerifySignature with forcedSignatureVersion 3). */
  signUpgradeCommit(signatureType: SimSignatureType = "POSSESSION"): SignedRequest & { forcedSignatureVersion: number } {
    if (!this.upgradeCtrData) throw new Error("upgrade not started");
    return { ...this.signRequest("POST", "/pa/upgrade/commit", "", signatureType, { forceV3: true }), forcedSignatureVersion: 3 };
  }

  /** After commitUpgrade: the activation is version 3 and keeps using the new CTR_DATA. */
  finishUpgrade(): void {
    if (!this.upgradeCtrData) throw new Error("upgrade not started");
    this.ctrData = this.upgradeCtrData;
    this.upgradeCtrData = null;
    this.activationVersion = 3;
  }

  // --- legacy 2.x -------------------------------------------------------------------

  /**
   * SOAP v2 PrepareActivation fields from a v3 activation code (idShort = first
   * 11 chars, OTP = last 11) — or, with `identity`/`otp`, v2 CreateActivation's.
   */
  createActivationRequestV2(
    code: { activationCode: string } | { identity: string; activationOtp: string },
    opts: { activationName?: string; useEphemeralKey?: boolean } = {},
  ): {
    activationIdShort: string;
    activationName: string;
    activationNonce: string;
    ephemeralPublicKey?: string;
    encryptedDevicePublicKey: string;
    applicationKey: string;
    applicationSignature: string;
  } {
    const idShort = "activationCode" in code ? code.activationCode.slice(0, 11) : code.identity;
    const otp = "activationCode" in code ? code.activationCode.slice(12) : code.activationOtp;
    this.deviceKeyPair = generateKeyPair();
    const otpKey = pbkdf2Sha1(te.encode(otp), te.encode(idShort), 10_000, 16);
    const nonce = random(16);
    const devicePub = this.deviceKeyPair.publicKey;
    let c = aesCbcEncrypt(otpKey, nonce, devicePub);
    let ephemeralPublicKey: string | undefined;
    if (opts.useEphemeralKey ?? true) {
      const eph = generateKeyPair();
      c = aesCbcEncrypt(fold(ecdh(eph.privateKey, this.masterPublicKey)), nonce, c);
      ephemeralPublicKey = b64(eph.publicKey);
    }
    const appSig = hmacSha256(
      unb64(this.applicationSecret),
      te.encode(`${idShort}&${b64(nonce)}&${b64(c)}&${b64(unb64(this.applicationKey))}`),
    );
    this.v2Pending = { otpKey, activationIdShort: idShort };
    const out = {
      activationIdShort: idShort,
      activationName: opts.activationName ?? "Simulated v2 device",
      activationNonce: b64(nonce),
      encryptedDevicePublicKey: b64(c),
      applicationKey: this.applicationKey,
      applicationSignature: b64(appSig),
    };
    return ephemeralPublicKey ? { ...out, ephemeralPublicKey } : out;
  }

  /** Verifies and decrypts the v2 response, derives the keys; version 2, counter 0. */
  processActivationResponseV2(response: {
    activationId: string;
    activationNonce: string;
    ephemeralPublicKey: string;
    encryptedServerPublicKey: string;
    encryptedServerPublicKeySignature: string;
  }): { serverPublicKey: string } {
    if (!this.v2Pending || !this.deviceKeyPair) throw new Error("no v2 activation in progress");
    const signed = te.encode(`${b64(te.encode(response.activationId))}&${response.encryptedServerPublicKey}`);
    if (!ecdsaVerify(this.masterPublicKey, signed, unb64(response.encryptedServerPublicKeySignature))) {
      throw new Error("server public key signature is invalid");
    }
    const nonce = unb64(response.activationNonce);
    const ephKey = fold(ecdh(this.deviceKeyPair.privateKey, unb64(response.ephemeralPublicKey)));
    const serverPub = aesCbcDecrypt(this.v2Pending.otpKey, nonce, aesCbcDecrypt(ephKey, nonce, unb64(response.encryptedServerPublicKey)));
    this.v2Pending = null;
    this.installKeys(response.activationId, serverPub, 2);
    this.ctrData = null;
    return { serverPublicKey: b64(serverPub) };
  }

  /**
   * SOAP v2 VaultUnlock fields. Like SDK 0.20 the counter moves twice (sign,
   * then once more), and the key is later decrypted with counter − 1.
   */
  createVaultUnlockRequestV2(signatureType: SimSignatureType = "POSSESSION_KNOWLEDGE", reason = "FETCH_ENCRYPTION_KEY"): {
    activationId: string;
    applicationKey: string;
    data: string;
    signature: string;
    signatureType: SimSignatureType;
    reason: string;
  } {
    const signed = this.signRequest("POST", "/pa/vault/unlock", "", signatureType);
    this.counter += 1n;
    return { activationId: signed.activationId, applicationKey: this.applicationKey, data: signed.data, signature: signed.signature, signatureType, reason };
  }

  /** Decrypts the v2 vault key (KDF(KEY_TRANSPORT, counter − 1)) and unlocks the device private key. */
  processVaultUnlockResponseV2(response: { encryptedVaultEncryptionKey: string }): void {
    const key = kdf(this.requireKeys().transport, this.counter - 1n);
    this.unlockWithVaultKey(aesCbcDecrypt(key, new Uint8Array(16), unb64(response.encryptedVaultEncryptionKey)));
  }

  /** SOAP v2 CreateToken fields: just a fresh ephemeral key (ECIES with the master key). */
  createTokenRequestV2(signatureType: SimSignatureType = "POSSESSION_KNOWLEDGE"): {
    activationId: string;
    signatureType: SimSignatureType;
    ephemeralPublicKey: string;
  } {
    if (!this.activationId) throw new Error("device is not activated");
    this.v2Ephemeral = generateKeyPair();
    return { activationId: this.activationId, signatureType, ephemeralPublicKey: b64(this.v2Ephemeral.publicKey) };
  }

  /** v2 token response: KEY = X963(ECDH(e, master), E, 32), MAC over C only, zero IV. */
  processTokenResponseV2(response: EncryptedResponse): { tokenId: string; tokenSecret: string } {
    if (!this.v2Ephemeral) throw new Error("no v2 token request in progress");
    const key = x963(ecdh(this.v2Ephemeral.privateKey, this.masterPublicKey), this.v2Ephemeral.publicKey, 32);
    this.v2Ephemeral = null;
    const session = new EciesSession(key, new Uint8Array(0), null);
    const json = JSON.parse(td.decode(session.open(unb64(response.encryptedData), unb64(response.mac)))) as {
      tokenId: string;
      tokenSecret: string;
    };
    return { tokenId: json.tokenId, tokenSecret: json.tokenSecret };
  }

  /** SOAP GetNonPersonalizedEncryptionKey fields and the key the app itself derives. */
  createNonPersonalizedEncryptionKeyRequest(): { applicationKey: string; sessionIndex: string; ephemeralPublicKey: string; expectedEncryptionKey: string } {
    const eph = generateKeyPair();
    const index = random(16);
    const sessionKey = fold(ecdh(eph.privateKey, this.masterPublicKey));
    return {
      applicationKey: this.applicationKey,
      sessionIndex: b64(index),
      ephemeralPublicKey: b64(eph.publicKey),
      expectedEncryptionKey: b64(fold(hmacSha256(index, sessionKey))),
    };
  }

  /** The personalized E2E key for a session index: fold(HMAC(key = index, msg = KEY_TRANSPORT)). */
  personalizedEncryptionKey(sessionIndex: string): string {
    return b64(fold(hmacSha256(unb64(sessionIndex), this.requireKeys().transport)));
  }
}
