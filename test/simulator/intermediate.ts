import { EciesSession } from "./ecies.ts";
import type { EciesFields } from "./ecies.ts";
import { b64, td, te, unb64 } from "./primitives.ts";
import type { EncryptedResponse, SignedRequest, SimSignatureType } from "./device.ts";

/** GetEciesDecryptor response fields (Base64). */
export interface EciesDecryptorFields {
  secretKey: string;
  sharedInfo2: string;
}

/** The decrypted layer-1 activation request. */
export interface ActivationLayer1 {
  /** The JSON's `type`. */
  activationType: "CODE" | "CUSTOM" | "RECOVERY";
  identityAttributes: Record<string, string>;
  customAttributes: Record<string, unknown>;
  /** The layer-2 ECIES fields to pass on in the SOAP request. */
  layer2: EciesFields;
}

/** Parsed `X-PowerAuth-Authorization` header. */
export interface PowerAuthHeader {
  version: string;
  activationId: string;
  applicationKey: string;
  nonce: string;
  signatureType: SimSignatureType;
  signature: string;
}

/**
 * The intermediate (enrollment) server between app and PowerAuth server: it
 * unwraps activation layer 1 with the key from getEciesDecryptor, turns app
 * headers into SOAP fields, and wraps responses. Symmetric crypto only, like
 * the real integration library.
 */
export class SimulatedIntermediateServer {
  readonly applicationKey: string;
  private session: EciesSession | null = null;

  constructor(applicationKey: string) {
    this.applicationKey = applicationKey;
  }

  /** Decrypts an app request with a getEciesDecryptor result (32-byte key → 3.0, 48 → 3.1). */
  decrypt(decryptor: EciesDecryptorFields, request: EciesFields): Uint8Array {
    const key = unb64(decryptor.secretKey);
    if (request.nonce && key.length !== 48) throw new Error("3.1 request needs a 48-byte envelope key");
    if (!request.nonce && key.length !== 32 && key.length !== 48) throw new Error("bad envelope key length");
    this.session = new EciesSession(key, unb64(decryptor.sharedInfo2), request.nonce ? unb64(request.nonce) : null);
    return this.session.open(unb64(request.encryptedData), unb64(request.mac));
  }

  /** Encrypts the response under the session of the last {@link decrypt}. */
  encrypt(plaintext: Uint8Array): EncryptedResponse {
    if (!this.session) throw new Error("no request decrypted");
    const { encryptedData, mac } = this.session.seal(plaintext);
    return { encryptedData: b64(encryptedData), mac: b64(mac) };
  }

  /** Opens activation layer 1 (app scope, /pa/generic/application). */
  openActivationLayer1(decryptor: EciesDecryptorFields, request: EciesFields): ActivationLayer1 {
    const json = JSON.parse(td.decode(this.decrypt(decryptor, request))) as {
      type?: string;
      activationType?: string;
      identityAttributes: Record<string, string>;
      customAttributes?: Record<string, unknown>;
      activationData: EciesFields;
    };
    // The real SDK and intermediate use `type`; `activationType` (from the RESTful API doc) is accepted too.
    const activationType = json.type ?? json.activationType;
    if (activationType !== "CODE" && activationType !== "CUSTOM" && activationType !== "RECOVERY") {
      throw new Error(`unknown activation type in layer 1: ${String(activationType)}`);
    }
    return {
      activationType,
      identityAttributes: json.identityAttributes,
      customAttributes: json.customAttributes ?? {},
      layer2: json.activationData,
    };
  }

  /** SOAP request fields for the three activation kinds, from an opened layer 1. */
  soapActivationRequest(layer1: ActivationLayer1, userId = "simulated-user"): Record<string, string> {
    const ecies: Record<string, string> = {
      applicationKey: this.applicationKey,
      ephemeralPublicKey: layer1.layer2.ephemeralPublicKey,
      encryptedData: layer1.layer2.encryptedData,
      mac: layer1.layer2.mac,
    };
    if (layer1.layer2.nonce) ecies.nonce = layer1.layer2.nonce;
    switch (layer1.activationType) {
      case "CODE":
        return { activationCode: layer1.identityAttributes.code, ...ecies };
      case "CUSTOM":
        return { userId, ...ecies };
      case "RECOVERY":
        return { recoveryCode: layer1.identityAttributes.recoveryCode, puk: layer1.identityAttributes.puk, ...ecies };
    }
  }

  /** Wraps the server's layer-2 response into the layer-1 response for the app. */
  sealActivationLayer1Response(layer2Response: EncryptedResponse, customAttributes: Record<string, unknown> = {}): EncryptedResponse {
    const body = { activationData: { encryptedData: layer2Response.encryptedData, mac: layer2Response.mac }, customAttributes };
    return this.encrypt(te.encode(JSON.stringify(body)));
  }

  /** Parses `PowerAuth pa_version="…", pa_activation_id="…", …`. */
  parseAuthorizationHeader(header: string): PowerAuthHeader {
    if (!header.startsWith("PowerAuth ")) throw new Error("not a PowerAuth header");
    const fields: Record<string, string> = {};
    for (const m of header.slice(10).matchAll(/(\w+)="([^"]*)"/g)) fields[m[1]] = m[2];
    return {
      version: fields.pa_version,
      activationId: fields.pa_activation_id,
      applicationKey: fields.pa_application_key,
      nonce: fields.pa_nonce,
      signatureType: fields.pa_signature_type.toUpperCase() as SimSignatureType,
      signature: fields.pa_signature,
    };
  }

  /** SOAP VerifySignature fields for an HTTP request the app signed. */
  verifySignatureRequest(
    method: string,
    uriId: string,
    body: Uint8Array | string,
    header: string,
  ): Omit<SignedRequest, "nonce" | "header"> {
    const h = this.parseAuthorizationHeader(header);
    const bodyBytes = typeof body === "string" ? te.encode(body) : body;
    return {
      activationId: h.activationId,
      applicationKey: h.applicationKey,
      data: `${method.toUpperCase()}&${b64(te.encode(uriId))}&${h.nonce}&${b64(bodyBytes)}`,
      signature: h.signature,
      signatureType: h.signatureType,
      signatureVersion: h.version,
    };
  }
}
