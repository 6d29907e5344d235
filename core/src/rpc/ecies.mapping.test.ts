import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { GetEciesDecryptorRequestSchema, GetEciesDecryptorResponseSchema } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { ServiceError } from "../domain/errors.ts";
import { fromProtoGetEciesDecryptor, toProtoGetEciesDecryptor } from "./ecies.mapping.ts";

const ACTIVATION_ID = "c564e700-7e86-4a87-b6c8-a5a0cc89683f";
const APPLICATION_KEY = "w4CCd1Is7QzHFHSWGZYwSQ==";
const EPHEMERAL_KEY = Buffer.concat([Buffer.from([0x03]), Buffer.alloc(32, 0x6d)]);

/** ERR0024 with the reason that names the field. */
const invalid = (reason: string) => new ServiceError("ERR0024", { cause: new Error(reason) });

describe("GetEciesDecryptor mapping", () => {
  it("maps an activation-scope request", () => {
    const request = create(GetEciesDecryptorRequestSchema, {
      activationId: ACTIVATION_ID,
      applicationKey: APPLICATION_KEY,
      ephemeralPublicKey: EPHEMERAL_KEY.toString("base64"),
    });
    expect(fromProtoGetEciesDecryptor(request)).toEqual({ applicationKey: APPLICATION_KEY, ephemeralPublicKey: EPHEMERAL_KEY, activationId: ACTIVATION_ID });
  });

  it("maps an absent or empty activation id to the application scope", () => {
    const applicationScope = { applicationKey: APPLICATION_KEY, ephemeralPublicKey: EPHEMERAL_KEY, activationId: undefined };
    const fields = { applicationKey: APPLICATION_KEY, ephemeralPublicKey: EPHEMERAL_KEY.toString("base64") };
    expect(fromProtoGetEciesDecryptor(create(GetEciesDecryptorRequestSchema, fields))).toStrictEqual(applicationScope);
    expect(fromProtoGetEciesDecryptor(create(GetEciesDecryptorRequestSchema, { ...fields, activationId: "" }))).toStrictEqual(applicationScope);
  });

  it("refuses a missing application key, a bad ephemeral key and an over-long activation id", () => {
    const valid = { applicationKey: APPLICATION_KEY, ephemeralPublicKey: EPHEMERAL_KEY.toString("base64") };
    const map = (fields: object) => () => fromProtoGetEciesDecryptor(create(GetEciesDecryptorRequestSchema, { ...valid, ...fields }));
    expect(map({ applicationKey: "" })).toThrow(invalid("applicationKey is required"));
    expect(map({ ephemeralPublicKey: "" })).toThrow(invalid("ephemeralPublicKey is required"));
    expect(map({ ephemeralPublicKey: "A2?=" })).toThrow(invalid("ephemeralPublicKey is not valid Base64"));
    expect(map({ activationId: "a".repeat(38) })).toThrow(invalid("activationId is longer than 37 characters"));
  });

  it("answers the Base64 of the derived secret key and sharedInfo2", () => {
    const secretKey = Buffer.alloc(16, 0xd1);
    const sharedInfo2 = Buffer.alloc(32, 0x2f);
    const response = fromBinary(GetEciesDecryptorResponseSchema, toBinary(GetEciesDecryptorResponseSchema, toProtoGetEciesDecryptor({ secretKey, sharedInfo2 })));
    expect(response).toEqual({
      $typeName: "powerauth.v3.GetEciesDecryptorResponse",
      secretKey: "0dHR0dHR0dHR0dHR0dHR0Q==",
      sharedInfo2: "Ly8vLy8vLy8vLy8vLy8vLy8vLy8vLy8vLy8vLy8vLy8=",
    });
  });
});
