import { create, fromBinary, isFieldSet, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import {
  CreateTokenRequestSchema,
  CreateTokenResponseSchema,
  RemoveTokenRequestSchema,
  RemoveTokenResponseSchema,
  SignatureType,
  ValidateTokenRequestSchema,
  ValidateTokenResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { ServiceError } from "../domain/errors.ts";
import {
  fromProtoCreateToken,
  fromProtoRemoveToken,
  fromProtoValidateToken,
  toProtoCreateToken,
  toProtoRemoveToken,
  toProtoValidateToken,
} from "./tokens.mapping.ts";

const ACTIVATION_ID = "c564e700-7e86-4a87-b6c8-a5a0cc89683f";
const TOKEN_ID = "d6561669-34d6-4fee-8913-89477687a5cb";
const APPLICATION_KEY = "w4CCd1Is7QzHFHSWGZYwSQ==";
const EPHEMERAL_KEY = Buffer.concat([Buffer.from([0x02]), Buffer.alloc(32, 0x44)]);
const ENCRYPTED = Buffer.from("{\"tokenId\":\"…\",\"tokenSecret\":\"…\"} sealed");
const MAC = Buffer.alloc(32, 0x9c);
const NONCE = Buffer.alloc(16, 0x71);
/** The token digest is HMAC-SHA256: 32 bytes. */
const DIGEST = Buffer.alloc(32, 0x3e);
/** Milliseconds since the epoch, as the SDK sends it. */
const TIMESTAMP = 1_796_513_467_123n;

/** The response as a client decodes it from the wire. */
const overTheWire = <Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) => fromBinary(schema, toBinary(schema, message));

/** ERR0024 with the reason that names the field. */
const invalid = (reason: string) => new ServiceError("ERR0024", { cause: new Error(reason) });

describe("CreateToken mapping", () => {
  const valid = {
    activationId: ACTIVATION_ID,
    applicationKey: APPLICATION_KEY,
    signatureType: SignatureType.POSSESSION_KNOWLEDGE,
    ephemeralPublicKey: EPHEMERAL_KEY.toString("base64"),
    encryptedData: ENCRYPTED.toString("base64"),
    mac: MAC.toString("base64"),
  };

  it("maps a 3.1 request with nonce and a 3.0 request without", () => {
    expect(fromProtoCreateToken(create(CreateTokenRequestSchema, { ...valid, nonce: NONCE.toString("base64") }))).toEqual({
      activationId: ACTIVATION_ID,
      applicationKey: APPLICATION_KEY,
      signatureType: "POSSESSION_KNOWLEDGE",
      request: { ephemeralPublicKey: EPHEMERAL_KEY, encryptedData: ENCRYPTED, mac: MAC, nonce: NONCE },
    });
    expect(fromProtoCreateToken(create(CreateTokenRequestSchema, valid)).request).toEqual({
      ephemeralPublicKey: EPHEMERAL_KEY,
      encryptedData: ENCRYPTED,
      mac: MAC,
      nonce: null,
    });
  });

  it("refuses UNSPECIFIED signature type, a missing activation and a malformed MAC", () => {
    const map = (fields: object) => () => fromProtoCreateToken(create(CreateTokenRequestSchema, { ...valid, ...fields }));
    expect(map({ signatureType: SignatureType.UNSPECIFIED })).toThrow(invalid("signatureType is required"));
    expect(map({ activationId: "" })).toThrow(invalid("activationId is required"));
    expect(map({ mac: "****" })).toThrow(invalid("mac is not valid Base64"));
    expect(map({ mac: Buffer.alloc(33).toString("base64") })).toThrow(invalid("mac must be 32 bytes"));
  });

  it("answers the Base64 of the encrypted token and its MAC", () => {
    expect(overTheWire(CreateTokenResponseSchema, toProtoCreateToken({ encryptedData: ENCRYPTED, mac: MAC }))).toEqual({
      $typeName: "powerauth.v3.CreateTokenResponse",
      encryptedData: ENCRYPTED.toString("base64"),
      mac: "nJycnJycnJycnJycnJycnJycnJycnJycnJycnJycnJw=",
    });
  });
});

describe("ValidateToken mapping", () => {
  it("maps the token, decodes digest and nonce and keeps the timestamp a bigint", () => {
    const request = create(ValidateTokenRequestSchema, {
      tokenId: TOKEN_ID,
      tokenDigest: DIGEST.toString("base64"),
      nonce: NONCE.toString("base64"),
      timestamp: TIMESTAMP,
    });
    expect(fromProtoValidateToken(request)).toEqual({ tokenId: TOKEN_ID, tokenDigest: DIGEST, nonce: NONCE, timestamp: 1_796_513_467_123n });
    expect(typeof fromProtoValidateToken(request).timestamp).toBe("bigint");
  });

  it("refuses a missing or over-long token id and a digest or nonce that is not Base64", () => {
    const valid = { tokenId: TOKEN_ID, tokenDigest: DIGEST.toString("base64"), nonce: NONCE.toString("base64"), timestamp: TIMESTAMP };
    const map = (fields: object) => () => fromProtoValidateToken(create(ValidateTokenRequestSchema, { ...valid, ...fields }));
    expect(map({ tokenId: "" })).toThrow(invalid("tokenId is required"));
    expect(map({ tokenId: `${TOKEN_ID}-xx` })).toThrow(invalid("tokenId is longer than 37 characters"));
    expect(map({ tokenDigest: "ab\ncd" })).toThrow(invalid("tokenDigest is not valid Base64"));
    expect(map({ nonce: "" })).toThrow(invalid("nonce is required"));
  });

  it("answers a valid token with every field", () => {
    const response = overTheWire(
      ValidateTokenResponseSchema,
      toProtoValidateToken({ tokenValid: true, activationId: ACTIVATION_ID, userId: "alice", applicationId: 7, signatureType: "POSSESSION_BIOMETRY" }),
    );
    expect(response).toEqual({
      $typeName: "powerauth.v3.ValidateTokenResponse",
      tokenValid: true,
      activationId: ACTIVATION_ID,
      userId: "alice",
      applicationId: 7n,
      signatureType: SignatureType.POSSESSION_BIOMETRY,
    });
  });

  it("answers an invalid token with every optional field unset", () => {
    const response = overTheWire(ValidateTokenResponseSchema, toProtoValidateToken({ tokenValid: false }));
    expect(response).toEqual({ $typeName: "powerauth.v3.ValidateTokenResponse", tokenValid: false });
    const fields = ValidateTokenResponseSchema.field;
    for (const field of [fields.activationId, fields.userId, fields.applicationId, fields.signatureType]) {
      expect(isFieldSet(response, field), field.name).toBe(false);
    }
  });
});

describe("RemoveToken mapping", () => {
  it("maps the token and its activation", () => {
    expect(fromProtoRemoveToken(create(RemoveTokenRequestSchema, { tokenId: TOKEN_ID, activationId: ACTIVATION_ID }))).toEqual({
      tokenId: TOKEN_ID,
      activationId: ACTIVATION_ID,
    });
  });

  it("refuses a missing activation", () => {
    expect(() => fromProtoRemoveToken(create(RemoveTokenRequestSchema, { tokenId: TOKEN_ID }))).toThrow(invalid("activationId is required"));
  });

  it("answers whether it removed the token", () => {
    expect(overTheWire(RemoveTokenResponseSchema, toProtoRemoveToken({ removed: true }))).toEqual({ $typeName: "powerauth.v3.RemoveTokenResponse", removed: true });
    expect(overTheWire(RemoveTokenResponseSchema, toProtoRemoveToken({ removed: false }))).toEqual({ $typeName: "powerauth.v3.RemoveTokenResponse", removed: false });
  });
});
