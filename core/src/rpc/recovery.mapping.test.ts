import { create, fromBinary, isFieldSet, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import {
  ConfirmRecoveryCodeRequestSchema,
  ConfirmRecoveryCodeResponseSchema,
  CreateRecoveryCodeRequestSchema,
  CreateRecoveryCodeResponseSchema,
  GetRecoveryConfigRequestSchema,
  GetRecoveryConfigResponseSchema,
  LookupRecoveryCodesRequestSchema,
  LookupRecoveryCodesResponseSchema,
  RecoveryCodeActivationRequestSchema,
  RecoveryCodeActivationResponseSchema,
  RecoveryCodeStatus,
  RecoveryPukStatus,
  RemoveActivationRequestSchema,
  RevokeRecoveryCodesRequestSchema,
  UpdateRecoveryConfigRequestSchema,
  UpdateRecoveryConfigResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { ServiceError } from "../domain/errors.ts";
import { fromProtoRemoveActivation } from "./activations.mapping.ts";
import {
  fromProtoConfirmRecoveryCode,
  fromProtoCreateRecoveryCode,
  fromProtoGetRecoveryConfig,
  fromProtoLookupRecoveryCodes,
  fromProtoRecoveryCodeActivation,
  fromProtoRevokeRecoveryCodes,
  fromProtoUpdateRecoveryConfig,
  toProtoConfirmRecoveryCode,
  toProtoCreateRecoveryCode,
  toProtoGetRecoveryConfig,
  toProtoLookupRecoveryCodes,
  toProtoRecoveryCodeActivation,
  toProtoUpdateRecoveryConfig,
} from "./recovery.mapping.ts";

const ACTIVATION_ID = "c564e700-7e86-4a87-b6c8-a5a0cc89683f";
const APPLICATION_KEY = "w4CCd1Is7QzHFHSWGZYwSQ==";
const CODE = "W65WE-3T7VI-7FBS2-A4OYA";
const EPHEMERAL_KEY = Buffer.concat([Buffer.from([0x02]), Buffer.alloc(32, 0x44)]);
const ENCRYPTED = Buffer.from("sealed layer 2");
const MAC = Buffer.alloc(32, 0x9c);
const NONCE = Buffer.alloc(16, 0x71);
const ECIES = { ephemeralPublicKey: EPHEMERAL_KEY.toString("base64"), encryptedData: ENCRYPTED.toString("base64"), mac: MAC.toString("base64") };

const overTheWire = <Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) => fromBinary(schema, toBinary(schema, message));
const invalid = (reason: string) => new ServiceError("ERR0024", { cause: new Error(reason) });

describe("RecoveryCodeActivation mapping", () => {
  const valid = { recoveryCode: CODE, puk: "0123456789", applicationKey: APPLICATION_KEY, ...ECIES };

  it("maps code, PUK, optional maxFailureCount and the 3.1 nonce", () => {
    const request = create(RecoveryCodeActivationRequestSchema, { ...valid, maxFailureCount: 7n, nonce: NONCE.toString("base64") });
    expect(fromProtoRecoveryCodeActivation(request)).toEqual({
      recoveryCode: CODE,
      puk: "0123456789",
      applicationKey: APPLICATION_KEY,
      maxFailureCount: 7,
      request: { ephemeralPublicKey: EPHEMERAL_KEY, encryptedData: ENCRYPTED, mac: MAC, nonce: NONCE },
    });
    expect(fromProtoRecoveryCodeActivation(create(RecoveryCodeActivationRequestSchema, valid)).maxFailureCount).toBeUndefined();
  });

  it("refuses a PUK that is not ten digits, a missing or over-long code and a zero maxFailureCount", () => {
    const map = (fields: object) => () => fromProtoRecoveryCodeActivation(create(RecoveryCodeActivationRequestSchema, { ...valid, ...fields }));
    for (const puk of ["", "123456789", "12345678901", "12345-67890", "01234567a9"]) expect(map({ puk })).toThrow(invalid("puk must be 10 digits"));
    expect(map({ recoveryCode: "" })).toThrow(invalid("recoveryCode is required"));
    expect(map({ recoveryCode: `${CODE}-AAAAA` })).toThrow(invalid("recoveryCode is longer than 23 characters"));
    expect(map({ maxFailureCount: 0n })).toThrow(invalid("maxFailureCount must be 1-255"));
  });

  it("answers the new activation, its user and the sealed layer 2", () => {
    const response = toProtoRecoveryCodeActivation({ activationId: ACTIVATION_ID, userId: "alice", encryptedData: ENCRYPTED, mac: MAC });
    expect(overTheWire(RecoveryCodeActivationResponseSchema, response)).toEqual({
      $typeName: "powerauth.v3.RecoveryCodeActivationResponse",
      activationId: ACTIVATION_ID,
      userId: "alice",
      encryptedData: ENCRYPTED.toString("base64"),
      mac: MAC.toString("base64"),
    });
  });
});

describe("CreateRecoveryCode mapping", () => {
  it("maps the request; refuses an unset application and a PUK count beyond safe integers", () => {
    expect(fromProtoCreateRecoveryCode(create(CreateRecoveryCodeRequestSchema, { applicationId: 3n, userId: "alice", pukCount: 5n }))).toEqual({
      applicationId: 3,
      userId: "alice",
      pukCount: 5,
    });
    expect(() => fromProtoCreateRecoveryCode(create(CreateRecoveryCodeRequestSchema, { userId: "alice", pukCount: 1n }))).toThrow(
      invalid("applicationId must be a positive id"),
    );
    expect(() => fromProtoCreateRecoveryCode(create(CreateRecoveryCodeRequestSchema, { applicationId: 3n, userId: "alice", pukCount: 2n ** 60n }))).toThrow(
      invalid("pukCount is out of range"),
    );
  });

  it("answers the card with signed 64-bit derivation indexes kept exact", () => {
    const response = toProtoCreateRecoveryCode({
      nonce: NONCE.toString("base64"),
      userId: "alice",
      recoveryCodeId: 42,
      recoveryCodeMasked: "XXXXX-XXXXX-XXXXX-A4OYA",
      status: "CREATED",
      puks: [
        { pukIndex: 1, pukDerivationIndex: -(2n ** 63n), status: "VALID" },
        { pukIndex: 2, pukDerivationIndex: 2n ** 63n - 1n, status: "VALID" },
      ],
    });
    expect(overTheWire(CreateRecoveryCodeResponseSchema, response)).toEqual({
      $typeName: "powerauth.v3.CreateRecoveryCodeResponse",
      nonce: NONCE.toString("base64"),
      userId: "alice",
      recoveryCodeId: 42n,
      recoveryCodeMasked: "XXXXX-XXXXX-XXXXX-A4OYA",
      status: RecoveryCodeStatus.CREATED,
      puks: [
        { $typeName: "powerauth.v3.CreateRecoveryCodeResponse.Puks", pukIndex: 1n, pukDerivationIndex: -(2n ** 63n), status: RecoveryPukStatus.VALID },
        { $typeName: "powerauth.v3.CreateRecoveryCodeResponse.Puks", pukIndex: 2n, pukDerivationIndex: 2n ** 63n - 1n, status: RecoveryPukStatus.VALID },
      ],
    });
  });
});

describe("ConfirmRecoveryCode mapping", () => {
  it("maps the activation-scope ECIES request and answers activation, user and the sealed answer", () => {
    expect(fromProtoConfirmRecoveryCode(create(ConfirmRecoveryCodeRequestSchema, { activationId: ACTIVATION_ID, applicationKey: APPLICATION_KEY, ...ECIES }))).toEqual({
      activationId: ACTIVATION_ID,
      applicationKey: APPLICATION_KEY,
      request: { ephemeralPublicKey: EPHEMERAL_KEY, encryptedData: ENCRYPTED, mac: MAC, nonce: null },
    });
    const response = toProtoConfirmRecoveryCode({ activationId: ACTIVATION_ID, userId: "alice", encryptedData: ENCRYPTED, mac: MAC });
    expect(overTheWire(ConfirmRecoveryCodeResponseSchema, response)).toMatchObject({ activationId: ACTIVATION_ID, userId: "alice", mac: MAC.toString("base64") });
  });
});

describe("LookupRecoveryCodes mapping", () => {
  it("maps every filter by name; absent filters stay absent; an explicit UNSPECIFIED is refused", () => {
    const request = create(LookupRecoveryCodesRequestSchema, {
      userId: "alice",
      activationId: ACTIVATION_ID,
      applicationId: 3n,
      recoveryCodeStatus: RecoveryCodeStatus.BLOCKED,
      recoveryPukStatus: RecoveryPukStatus.INVALID,
    });
    expect(fromProtoLookupRecoveryCodes(request)).toEqual({
      userId: "alice",
      activationId: ACTIVATION_ID,
      applicationId: 3,
      recoveryCodeStatus: "BLOCKED",
      recoveryPukStatus: "INVALID",
    });
    expect(fromProtoLookupRecoveryCodes(create(LookupRecoveryCodesRequestSchema, { userId: "alice" }))).toEqual({ userId: "alice" });
    expect(() => fromProtoLookupRecoveryCodes(create(LookupRecoveryCodesRequestSchema, { userId: "alice", recoveryCodeStatus: RecoveryCodeStatus.UNSPECIFIED }))).toThrow(
      invalid("recoveryCodeStatus is not a known value"),
    );
    expect(() => fromProtoLookupRecoveryCodes(create(LookupRecoveryCodesRequestSchema, { userId: "alice", recoveryPukStatus: 9 as RecoveryPukStatus }))).toThrow(
      invalid("recoveryPukStatus is not a known value"),
    );
  });

  it("answers each code with its PUKs; a postcard has no activation id", () => {
    const response = overTheWire(
      LookupRecoveryCodesResponseSchema,
      toProtoLookupRecoveryCodes([
        {
          recoveryCodeId: 5,
          recoveryCodeMasked: "XXXXX-XXXXX-XXXXX-A4OYA",
          userId: "alice",
          applicationId: 3,
          activationId: null,
          status: "REVOKED",
          puks: [{ pukIndex: 1, status: "USED" }, { pukIndex: 2, status: "INVALID" }],
        },
      ]),
    );
    const [code] = response.recoveryCodes;
    expect(code).toMatchObject({ recoveryCodeId: 5n, applicationId: 3n, status: RecoveryCodeStatus.REVOKED });
    expect(isFieldSet(code, LookupRecoveryCodesResponseSchema.nestedMessages[0].field.activationId)).toBe(false);
    expect(code.puks.map((puk) => [puk.pukIndex, puk.status])).toEqual([
      [1n, RecoveryPukStatus.USED],
      [2n, RecoveryPukStatus.INVALID],
    ]);
  });
});

describe("RevokeRecoveryCodes mapping", () => {
  it("keeps the ids (negative ones are the domain's ERR0024) and refuses an empty list", () => {
    expect(fromProtoRevokeRecoveryCodes(create(RevokeRecoveryCodesRequestSchema, { recoveryCodeIds: [1n, -1n] }))).toEqual({ recoveryCodeIds: [1, -1] });
    expect(() => fromProtoRevokeRecoveryCodes(create(RevokeRecoveryCodesRequestSchema, {}))).toThrow(invalid("recoveryCodeIds must name at least one code"));
  });
});

describe("recovery configuration mapping", () => {
  it("GetRecoveryConfig answers unset keys as absent", () => {
    expect(fromProtoGetRecoveryConfig(create(GetRecoveryConfigRequestSchema, { applicationId: 3n }))).toEqual({ applicationId: 3 });
    const response = overTheWire(
      GetRecoveryConfigResponseSchema,
      toProtoGetRecoveryConfig({
        applicationId: 3,
        activationRecoveryEnabled: true,
        recoveryPostcardEnabled: false,
        allowMultipleRecoveryCodes: false,
        postcardPublicKey: null,
        remotePostcardPublicKey: null,
      }),
    );
    expect(response).toMatchObject({ applicationId: 3n, activationRecoveryEnabled: true, recoveryPostcardEnabled: false, allowMultipleRecoveryCodes: false });
    expect(isFieldSet(response, GetRecoveryConfigResponseSchema.field.postcardPublicKey)).toBe(false);
    expect(isFieldSet(response, GetRecoveryConfigResponseSchema.field.remotePostcardPublicKey)).toBe(false);
  });

  it("UpdateRecoveryConfig keeps an absent remote key absent and an empty one as the request to clear it", () => {
    const base = { applicationId: 3n, activationRecoveryEnabled: true, recoveryPostcardEnabled: true };
    expect(fromProtoUpdateRecoveryConfig(create(UpdateRecoveryConfigRequestSchema, base))).toEqual({
      applicationId: 3,
      activationRecoveryEnabled: true,
      recoveryPostcardEnabled: true,
      allowMultipleRecoveryCodes: undefined,
      remotePostcardPublicKey: undefined,
    });
    expect(fromProtoUpdateRecoveryConfig(create(UpdateRecoveryConfigRequestSchema, { ...base, remotePostcardPublicKey: "" })).remotePostcardPublicKey).toBe("");
    expect(fromProtoUpdateRecoveryConfig(create(UpdateRecoveryConfigRequestSchema, { ...base, remotePostcardPublicKey: "BAAA" })).remotePostcardPublicKey).toBe("BAAA");
    expect(() => fromProtoUpdateRecoveryConfig(create(UpdateRecoveryConfigRequestSchema, { ...base, remotePostcardPublicKey: "A".repeat(256) }))).toThrow(
      invalid("remotePostcardPublicKey is longer than 255 characters"),
    );
    expect(overTheWire(UpdateRecoveryConfigResponseSchema, toProtoUpdateRecoveryConfig({ updated: true })).updated).toBe(true);
  });
});

describe("RemoveActivation mapping", () => {
  it("carries revokeRecoveryCodes, false when absent", () => {
    expect(fromProtoRemoveActivation(create(RemoveActivationRequestSchema, { activationId: ACTIVATION_ID, revokeRecoveryCodes: true }))).toEqual({
      activationId: ACTIVATION_ID,
      externalUserId: undefined,
      revokeRecoveryCodes: true,
    });
    expect(fromProtoRemoveActivation(create(RemoveActivationRequestSchema, { activationId: ACTIVATION_ID })).revokeRecoveryCodes).toBe(false);
  });
});
