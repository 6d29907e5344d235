import { create, fromBinary, isFieldSet, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { SignatureType, VaultUnlockRequestSchema, VaultUnlockResponseSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { ServiceError } from "../domain/errors.ts";
import { fromProtoVaultUnlock, toProtoVaultUnlock } from "./vault.mapping.ts";

const ACTIVATION_ID = "c564e700-7e86-4a87-b6c8-a5a0cc89683f";
const APPLICATION_KEY = "w4CCd1Is7QzHFHSWGZYwSQ==";
const SIGNED_DATA = "POST&L3BhL3ZhdWx0L3VubG9jaw==&nnB6Kj0fUNNmI1BHT6OWaA==&eyJyZWFzb24iOiJOT1RfU1BFQ0lGSUVEIn0=";
const EPHEMERAL_KEY = Buffer.concat([Buffer.from([0x02]), Buffer.alloc(32, 0x21)]);
const ENCRYPTED = Buffer.from("{\"reason\":\"NOT_SPECIFIED\"} sealed");
const MAC = Buffer.alloc(32, 0x5e);
const NONCE = Buffer.alloc(16, 0x19);
const VAULT_KEY_SEALED = Buffer.from("{\"encryptedVaultEncryptionKey\":\"…\"} sealed");

/** The response as a client decodes it from the wire. */
const overTheWire = <Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) => fromBinary(schema, toBinary(schema, message));

/** ERR0024 with the reason that names the field. */
const invalid = (reason: string) => new ServiceError("ERR0024", { cause: new Error(reason) });

describe("VaultUnlock mapping", () => {
  const valid = {
    activationId: ACTIVATION_ID,
    applicationKey: APPLICATION_KEY,
    signedData: SIGNED_DATA,
    signature: "k3XnJ2SbzU4wQKPZt6e9Cw==",
    signatureType: SignatureType.POSSESSION_KNOWLEDGE,
    ephemeralPublicKey: EPHEMERAL_KEY.toString("base64"),
    encryptedData: ENCRYPTED.toString("base64"),
    mac: MAC.toString("base64"),
  };

  it("maps a 3.1 request with version and nonce", () => {
    const request = create(VaultUnlockRequestSchema, { ...valid, signatureVersion: "3.1", nonce: NONCE.toString("base64") });
    expect(fromProtoVaultUnlock(request)).toEqual({
      activationId: ACTIVATION_ID,
      applicationKey: APPLICATION_KEY,
      signedData: SIGNED_DATA,
      signature: "k3XnJ2SbzU4wQKPZt6e9Cw==",
      signatureType: "POSSESSION_KNOWLEDGE",
      signatureVersion: "3.1",
      request: { ephemeralPublicKey: EPHEMERAL_KEY, encryptedData: ENCRYPTED, mac: MAC, nonce: NONCE },
    });
  });

  it("maps a 3.0 request without version and nonce", () => {
    const input = fromProtoVaultUnlock(create(VaultUnlockRequestSchema, { ...valid, signature: "12345678-87654321" }));
    expect(input.signatureVersion).toBeUndefined();
    expect(input.signature).toBe("12345678-87654321");
    expect(input.request).toEqual({ ephemeralPublicKey: EPHEMERAL_KEY, encryptedData: ENCRYPTED, mac: MAC, nonce: null });
  });

  it("refuses each malformed field by name", () => {
    const map = (fields: object) => () => fromProtoVaultUnlock(create(VaultUnlockRequestSchema, { ...valid, ...fields }));
    expect(map({ signatureType: SignatureType.UNSPECIFIED })).toThrow(invalid("signatureType is required"));
    expect(map({ signedData: "" })).toThrow(invalid("signedData is required"));
    expect(map({ signedData: "d".repeat(524_289) })).toThrow(invalid("signedData is longer than 524288 characters"));
    expect(map({ signature: "s".repeat(256) })).toThrow(invalid("signature is longer than 255 characters"));
    expect(map({ signatureVersion: "9.x" })).toThrow(invalid("signatureVersion is not a known protocol version"));
    expect(map({ ephemeralPublicKey: "" })).toThrow(invalid("ephemeralPublicKey is required"));
    expect(map({ nonce: Buffer.alloc(15).toString("base64") })).toThrow(invalid("nonce must be 16 bytes"));
    expect(map({ applicationKey: "k".repeat(256) })).toThrow(invalid("applicationKey is longer than 255 characters"));
  });

  it("answers the Base64 of the sealed vault key when the signature was valid", () => {
    const response = overTheWire(VaultUnlockResponseSchema, toProtoVaultUnlock({ signatureValid: true, encryptedData: VAULT_KEY_SEALED, mac: MAC }));
    expect(response).toEqual({
      $typeName: "powerauth.v3.VaultUnlockResponse",
      signatureValid: true,
      encryptedData: VAULT_KEY_SEALED.toString("base64"),
      mac: "Xl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl5eXl4=",
    });
  });

  it("leaves the payload unset (not empty) when there is none", () => {
    const response = overTheWire(VaultUnlockResponseSchema, toProtoVaultUnlock({ signatureValid: false }));
    expect(response).toEqual({ $typeName: "powerauth.v3.VaultUnlockResponse", signatureValid: false });
    expect(isFieldSet(response, VaultUnlockResponseSchema.field.encryptedData)).toBe(false);
    expect(isFieldSet(response, VaultUnlockResponseSchema.field.mac)).toBe(false);
  });
});
