import { create, fromBinary, isFieldSet, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import {
  ActivationStatus,
  CreateNonPersonalizedOfflineSignaturePayloadRequestSchema,
  CreateNonPersonalizedOfflineSignaturePayloadResponseSchema,
  CreatePersonalizedOfflineSignaturePayloadRequestSchema,
  CreatePersonalizedOfflineSignaturePayloadResponseSchema,
  SignatureAuditRequestSchema,
  SignatureAuditResponseSchema,
  SignatureAuditResponse_ItemsSchema,
  SignatureType,
  VerifyECDSASignatureRequestSchema,
  VerifyECDSASignatureResponseSchema,
  VerifyOfflineSignatureRequestSchema,
  VerifyOfflineSignatureResponseSchema,
  VerifySignatureRequestSchema,
  VerifySignatureResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { ServiceError } from "../domain/errors.ts";
import type { SignatureAuditItem } from "../domain/signatures/signature-audit-log.ts";
import {
  fromProtoNonPersonalizedOfflinePayload,
  fromProtoPersonalizedOfflinePayload,
  fromProtoSignatureAudit,
  fromProtoVerifyEcdsaSignature,
  fromProtoVerifyOfflineSignature,
  fromProtoVerifySignature,
  toProtoNonPersonalizedOfflinePayload,
  toProtoPersonalizedOfflinePayload,
  toProtoSignatureAudit,
  toProtoVerifyEcdsaSignature,
  toProtoVerifyOfflineSignature,
  toProtoVerifySignature,
} from "./signatures.mapping.ts";

const ACTIVATION_ID = "c564e700-7e86-4a87-b6c8-a5a0cc89683f";
const APPLICATION_KEY = "w4CCd1Is7QzHFHSWGZYwSQ==";
/** Normalized request data as the intermediate builds it: METHOD&B64(uriId)&nonce&B64(body). */
const DATA = "POST&L3BhL3NpZ25hdHVyZS92YWxpZGF0ZQ==&nnB6Kj0fUNNmI1BHT6OWaA==&eyJhbW91bnQiOjEwMH0=";
const SIGNATURE = "4eMr3D2kK8uJ6mMS-07081982";
const FROM = new Date("2026-12-01T00:00:00.000Z");
const TO = new Date("2026-12-05T23:59:59.999Z");

/** A Timestamp built independently of the mapping's own conversion. */
function timestamp(date: Date) {
  return create(TimestampSchema, { seconds: BigInt(Math.floor(date.getTime() / 1000)), nanos: (date.getTime() % 1000) * 1_000_000 });
}

/** The response as a client decodes it from the wire. */
const overTheWire = <Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) => fromBinary(schema, toBinary(schema, message));

/** ERR0024 with the reason that names the field. */
const invalid = (reason: string) => new ServiceError("ERR0024", { cause: new Error(reason) });

describe("VerifySignature mapping", () => {
  const valid = {
    activationId: ACTIVATION_ID,
    applicationKey: APPLICATION_KEY,
    data: DATA,
    signature: SIGNATURE,
    signatureType: SignatureType.POSSESSION_KNOWLEDGE,
  };

  it("maps a 3.1 request with a forced version", () => {
    const request = create(VerifySignatureRequestSchema, { ...valid, signatureVersion: "3.1", forcedSignatureVersion: 3n });
    expect(fromProtoVerifySignature(request)).toEqual({
      activationId: ACTIVATION_ID,
      applicationKey: APPLICATION_KEY,
      data: DATA,
      signature: SIGNATURE,
      signatureType: "POSSESSION_KNOWLEDGE",
      signatureVersion: "3.1",
      forcedSignatureVersion: 3,
    });
  });

  it("maps a 3.0 request without version fields to absent values", () => {
    expect(fromProtoVerifySignature(create(VerifySignatureRequestSchema, { ...valid, signatureType: SignatureType.POSSESSION }))).toStrictEqual({
      activationId: ACTIVATION_ID,
      applicationKey: APPLICATION_KEY,
      data: DATA,
      signature: SIGNATURE,
      signatureType: "POSSESSION",
      signatureVersion: undefined,
      forcedSignatureVersion: undefined,
    });
  });

  it("refuses each malformed field by name", () => {
    const map = (fields: object) => () => fromProtoVerifySignature(create(VerifySignatureRequestSchema, { ...valid, ...fields }));
    expect(map({ signatureType: SignatureType.UNSPECIFIED })).toThrow(invalid("signatureType is required"));
    expect(map({ activationId: "" })).toThrow(invalid("activationId is required"));
    expect(map({ applicationKey: "" })).toThrow(invalid("applicationKey is required"));
    expect(map({ data: "" })).toThrow(invalid("data is required"));
    expect(map({ data: "d".repeat(512 * 1024 + 1) })).toThrow(invalid("data is longer than 524288 characters"));
    expect(map({ signature: "s".repeat(256) })).toThrow(invalid("signature is longer than 255 characters"));
    expect(map({ signatureVersion: "1.0" })).toThrow(invalid("signatureVersion is not a known protocol version"));
    expect(map({ forcedSignatureVersion: 2n ** 60n })).toThrow(invalid("forcedSignatureVersion is out of range"));
  });

  it("accepts data of exactly 512 KiB and a 255-character signature", () => {
    const input = fromProtoVerifySignature(create(VerifySignatureRequestSchema, { ...valid, data: "d".repeat(512 * 1024), signature: "s".repeat(255) }));
    expect(input.data).toHaveLength(524_288);
    expect(input.signature).toHaveLength(255);
  });

  it("answers a full verdict with int64 ids and enums by name", () => {
    const response = overTheWire(
      VerifySignatureResponseSchema,
      toProtoVerifySignature({
        signatureValid: true,
        activationStatus: "ACTIVE",
        blockedReason: null,
        activationId: ACTIVATION_ID,
        userId: "alice",
        applicationId: 7,
        signatureType: "POSSESSION_BIOMETRY",
        remainingAttempts: 5,
      }),
    );
    expect(response).toEqual({
      $typeName: "powerauth.v3.VerifySignatureResponse",
      signatureValid: true,
      activationStatus: ActivationStatus.ACTIVE,
      activationId: ACTIVATION_ID,
      userId: "alice",
      applicationId: 7n,
      signatureType: SignatureType.POSSESSION_BIOMETRY,
      remainingAttempts: 5n,
    });
    expect(isFieldSet(response, VerifySignatureResponseSchema.field.blockedReason)).toBe(false);
  });

  it("answers a blocking verdict: reason set, zero attempts kept, unknown fields unset", () => {
    const blocked = overTheWire(
      VerifySignatureResponseSchema,
      toProtoVerifySignature({ signatureValid: false, activationStatus: "BLOCKED", blockedReason: "MAX_FAILED_ATTEMPTS", remainingAttempts: 0 }),
    );
    expect(blocked).toEqual({
      $typeName: "powerauth.v3.VerifySignatureResponse",
      signatureValid: false,
      activationStatus: ActivationStatus.BLOCKED,
      blockedReason: "MAX_FAILED_ATTEMPTS",
      remainingAttempts: 0n,
    });
    const fields = VerifySignatureResponseSchema.field;
    expect(isFieldSet(blocked, fields.remainingAttempts)).toBe(true);
    for (const field of [fields.activationId, fields.userId, fields.applicationId, fields.signatureType]) {
      expect(isFieldSet(blocked, field), field.name).toBe(false);
    }
  });
});

describe("VerifyOfflineSignature mapping", () => {
  it("maps the activation, data, signature and biometry flag", () => {
    const request = create(VerifyOfflineSignatureRequestSchema, { activationId: ACTIVATION_ID, data: DATA, signature: "12345678-87654321", allowBiometry: true });
    expect(fromProtoVerifyOfflineSignature(request)).toEqual({ activationId: ACTIVATION_ID, data: DATA, signature: "12345678-87654321", allowBiometry: true });
    const withoutBiometry = create(VerifyOfflineSignatureRequestSchema, { activationId: ACTIVATION_ID, data: DATA, signature: "12345678" });
    expect(fromProtoVerifyOfflineSignature(withoutBiometry).allowBiometry).toBe(false);
  });

  it("refuses a missing signature and missing data", () => {
    expect(() => fromProtoVerifyOfflineSignature(create(VerifyOfflineSignatureRequestSchema, { activationId: ACTIVATION_ID, data: DATA }))).toThrow(
      invalid("signature is required"),
    );
    expect(() => fromProtoVerifyOfflineSignature(create(VerifyOfflineSignatureRequestSchema, { activationId: ACTIVATION_ID, signature: "1" }))).toThrow(
      invalid("data is required"),
    );
  });

  it("answers the verdict with the same fields as VerifySignature", () => {
    const response = overTheWire(
      VerifyOfflineSignatureResponseSchema,
      toProtoVerifyOfflineSignature({
        signatureValid: true,
        activationStatus: "ACTIVE",
        activationId: ACTIVATION_ID,
        userId: "alice",
        applicationId: 7,
        signatureType: "POSSESSION_KNOWLEDGE",
        remainingAttempts: 4,
      }),
    );
    expect(response).toEqual({
      $typeName: "powerauth.v3.VerifyOfflineSignatureResponse",
      signatureValid: true,
      activationStatus: ActivationStatus.ACTIVE,
      activationId: ACTIVATION_ID,
      userId: "alice",
      applicationId: 7n,
      signatureType: SignatureType.POSSESSION_KNOWLEDGE,
      remainingAttempts: 4n,
    });
  });
});

describe("offline signature payload mapping", () => {
  const payload = { offlineData: `${DATA}\nA1\nMEUCIQC...`, nonce: "nnB6Kj0fUNNmI1BHT6OWaA==" };

  it("maps the personalized request and answers data and nonce", () => {
    expect(fromProtoPersonalizedOfflinePayload(create(CreatePersonalizedOfflineSignaturePayloadRequestSchema, { activationId: ACTIVATION_ID, data: DATA }))).toEqual(
      { activationId: ACTIVATION_ID, data: DATA },
    );
    expect(overTheWire(CreatePersonalizedOfflineSignaturePayloadResponseSchema, toProtoPersonalizedOfflinePayload(payload))).toEqual({
      $typeName: "powerauth.v3.CreatePersonalizedOfflineSignaturePayloadResponse",
      offlineData: payload.offlineData,
      nonce: payload.nonce,
    });
  });

  it("maps the non-personalized request and answers data and nonce", () => {
    expect(fromProtoNonPersonalizedOfflinePayload(create(CreateNonPersonalizedOfflineSignaturePayloadRequestSchema, { applicationId: 7n, data: DATA }))).toEqual({
      applicationId: 7,
      data: DATA,
    });
    expect(overTheWire(CreateNonPersonalizedOfflineSignaturePayloadResponseSchema, toProtoNonPersonalizedOfflinePayload(payload))).toEqual({
      $typeName: "powerauth.v3.CreateNonPersonalizedOfflineSignaturePayloadResponse",
      offlineData: payload.offlineData,
      nonce: payload.nonce,
    });
  });

  it("refuses a missing activation, a missing application and over-long data", () => {
    expect(() => fromProtoPersonalizedOfflinePayload(create(CreatePersonalizedOfflineSignaturePayloadRequestSchema, { data: DATA }))).toThrow(
      invalid("activationId is required"),
    );
    expect(() => fromProtoNonPersonalizedOfflinePayload(create(CreateNonPersonalizedOfflineSignaturePayloadRequestSchema, { data: DATA }))).toThrow(
      invalid("applicationId must be a positive id"),
    );
    expect(() =>
      fromProtoNonPersonalizedOfflinePayload(create(CreateNonPersonalizedOfflineSignaturePayloadRequestSchema, { applicationId: 7n, data: "d".repeat(524_289) })),
    ).toThrow(invalid("data is longer than 524288 characters"));
  });
});

describe("VerifyECDSASignature mapping", () => {
  const data = Buffer.from("signed by the device private key");
  const signature = Buffer.from("3045022100c0ffee", "hex");

  it("maps the activation and decodes data and signature", () => {
    const request = create(VerifyECDSASignatureRequestSchema, { activationId: ACTIVATION_ID, data: data.toString("base64"), signature: signature.toString("base64") });
    expect(fromProtoVerifyEcdsaSignature(request)).toEqual({ activationId: ACTIVATION_ID, data, signature });
  });

  it("refuses data or signature that is not Base64, and missing ones", () => {
    const map = (fields: object) => () =>
      fromProtoVerifyEcdsaSignature(
        create(VerifyECDSASignatureRequestSchema, { activationId: ACTIVATION_ID, data: data.toString("base64"), signature: signature.toString("base64"), ...fields }),
      );
    expect(map({ data: "not base64" })).toThrow(invalid("data is not valid Base64"));
    expect(map({ signature: "MEUC_-" })).toThrow(invalid("signature is not valid Base64"));
    expect(map({ signature: "" })).toThrow(invalid("signature is required"));
  });

  it("answers the verdict", () => {
    expect(overTheWire(VerifyECDSASignatureResponseSchema, toProtoVerifyEcdsaSignature(true))).toEqual({
      $typeName: "powerauth.v3.VerifyECDSASignatureResponse",
      signatureValid: true,
    });
    expect(overTheWire(VerifyECDSASignatureResponseSchema, toProtoVerifyEcdsaSignature(false)).signatureValid).toBe(false);
  });
});

describe("SignatureAudit mapping", () => {
  it("maps the user, the optional application and the period to the millisecond", () => {
    const request = create(SignatureAuditRequestSchema, { userId: "alice", applicationId: 7n, timestampFrom: timestamp(FROM), timestampTo: timestamp(TO) });
    expect(fromProtoSignatureAudit(request)).toEqual({ userId: "alice", applicationId: 7, from: FROM, to: TO });
    const anyApplication = create(SignatureAuditRequestSchema, { userId: "alice", timestampFrom: timestamp(FROM), timestampTo: timestamp(TO) });
    expect(fromProtoSignatureAudit(anyApplication)).toStrictEqual({ userId: "alice", applicationId: undefined, from: FROM, to: TO });
  });

  it("refuses a missing user, a missing period end and an application id of 0", () => {
    const map = (fields: object) => () =>
      fromProtoSignatureAudit(create(SignatureAuditRequestSchema, { userId: "alice", timestampFrom: timestamp(FROM), timestampTo: timestamp(TO), ...fields }));
    expect(map({ userId: "" })).toThrow(invalid("userId is required"));
    expect(map({ timestampTo: undefined })).toThrow(invalid("timestampTo is required"));
    expect(map({ applicationId: 0n })).toThrow(invalid("applicationId must be a positive id"));
  });

  it("answers each audit row with every field, nulls unset and stored types by enum name", () => {
    const full: SignatureAuditItem = {
      id: 1001,
      userId: "alice",
      applicationId: 7,
      activationId: ACTIVATION_ID,
      activationCounter: 12,
      activationCtrData: "Zm9vYmFyYmF6cXV4cXV1eA==",
      activationStatus: "ACTIVE",
      additionalInfo: [
        { key: "BLOCKED_REASON", value: "NOT_SPECIFIED" },
        { key: "requestUri", value: "/pa/signature/validate" },
      ],
      dataBase64: Buffer.from(DATA).toString("base64"),
      signatureType: "POSSESSION_KNOWLEDGE",
      signature: SIGNATURE,
      note: "Signature validation succeeded",
      valid: true,
      version: 3,
      timestampCreated: TO,
      signatureVersion: "3.1",
    };
    const sparse: SignatureAuditItem = {
      ...full,
      id: 1002,
      activationCounter: 0,
      activationCtrData: null,
      activationStatus: "BLOCKED",
      additionalInfo: [],
      dataBase64: null,
      signatureType: "LEGACY_UNKNOWN",
      valid: false,
      version: 2,
      timestampCreated: FROM,
      signatureVersion: null,
    };
    const response = overTheWire(SignatureAuditResponseSchema, toProtoSignatureAudit([full, sparse]));
    const item = { $typeName: "powerauth.v3.SignatureAuditResponse.Items", userId: "alice", applicationId: 7n, activationId: ACTIVATION_ID, signature: SIGNATURE };
    const info = (entry: { key: string; value: string }[]) => ({
      $typeName: "powerauth.v3.KeyValueMap",
      entry: entry.map((pair) => ({ $typeName: "powerauth.v3.KeyValueMap.Entry", ...pair })),
    });
    expect(response).toEqual({
      $typeName: "powerauth.v3.SignatureAuditResponse",
      items: [
        {
          ...item,
          id: 1001n,
          activationCounter: 12n,
          activationCtrData: "Zm9vYmFyYmF6cXV4cXV1eA==",
          activationStatus: ActivationStatus.ACTIVE,
          additionalInfo: info(full.additionalInfo),
          dataBase64: full.dataBase64,
          signatureType: SignatureType.POSSESSION_KNOWLEDGE,
          note: "Signature validation succeeded",
          valid: true,
          version: 3n,
          timestampCreated: timestamp(TO),
          signatureVersion: "3.1",
        },
        {
          ...item,
          id: 1002n,
          activationCounter: 0n,
          activationStatus: ActivationStatus.BLOCKED,
          additionalInfo: info([]),
          signatureType: SignatureType.UNSPECIFIED,
          note: "Signature validation succeeded",
          valid: false,
          version: 2n,
          timestampCreated: timestamp(FROM),
        },
      ],
    });
    const fields = SignatureAuditResponse_ItemsSchema.field;
    for (const field of [fields.activationCtrData, fields.dataBase64, fields.signatureVersion]) {
      expect(isFieldSet(response.items[1]!, field), field.name).toBe(false);
    }
  });
});
