import { create, fromBinary, isFieldSet, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { TimestampSchema, timestampDate } from "@bufbuild/protobuf/wkt";
import {
  ActivationHistoryRequestSchema,
  ActivationHistoryResponseSchema,
  ActivationHistoryResponse_ItemsSchema,
  ActivationStatus,
  BlockActivationRequestSchema,
  BlockActivationResponseSchema,
  CommitActivationRequestSchema,
  CommitActivationResponseSchema,
  CreateActivationRequestSchema,
  CreateActivationResponseSchema,
  GetActivationListForUserRequestSchema,
  GetActivationListForUserResponseSchema,
  GetActivationListForUserResponse_ActivationsSchema,
  GetActivationStatusRequestSchema,
  GetActivationStatusResponseSchema,
  InitActivationRequestSchema,
  InitActivationResponseSchema,
  PrepareActivationRequestSchema,
  PrepareActivationResponseSchema,
  RemoveActivationRequestSchema,
  RemoveActivationResponseSchema,
  UnblockActivationRequestSchema,
  UnblockActivationResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import type { ActivationStatusReport } from "../domain/activations/activation-status-report.ts";
import { ServiceError } from "../domain/errors.ts";
import {
  fromProtoActivationHistory,
  fromProtoActivationListForUser,
  fromProtoBlockActivation,
  fromProtoCommitActivation,
  fromProtoCreateActivation,
  fromProtoGetActivationStatus,
  fromProtoInitActivation,
  fromProtoPrepareActivation,
  fromProtoRemoveActivation,
  fromProtoUnblockActivation,
  toProtoActivationHistory,
  toProtoActivationList,
  toProtoActivationStatusReport,
  toProtoBlockResult,
  toProtoCommitActivation,
  toProtoCreateActivation,
  toProtoInitActivation,
  toProtoPrepareActivation,
  toProtoRemoveActivation,
  toProtoUnblockResult,
} from "./activations.mapping.ts";

const ACTIVATION_ID = "c564e700-7e86-4a87-b6c8-a5a0cc89683f";
const ACTIVATION_CODE = "VVVVV-VVVVV-VVVVV-VTFVA";
const APPLICATION_KEY = "w4CCd1Is7QzHFHSWGZYwSQ==";
const EPHEMERAL_KEY = Buffer.concat([Buffer.from([0x03]), Buffer.alloc(32, 0x5a)]);
const ENCRYPTED = Buffer.from("{\"activationName\":\"iPhone\"} as ciphertext");
const MAC = Buffer.alloc(32, 0xab);
const MAC_BASE64 = "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=";
const NONCE = Buffer.alloc(16, 0x0f);
const EXPIRE = new Date("2026-12-06T00:05:00.750Z");
const CREATED = new Date("2026-12-01T08:15:30.250Z");
const LAST_USED = new Date("2026-12-05T22:59:59.999Z");
const CHANGED = new Date("2026-12-03T12:00:00.001Z");

/** The response as a client decodes it from the wire. */
const overTheWire = <Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) => fromBinary(schema, toBinary(schema, message));

/** A Timestamp built independently of the mapping's own conversion. */
function timestamp(date: Date) {
  return create(TimestampSchema, { seconds: BigInt(Math.floor(date.getTime() / 1000)), nanos: (date.getTime() % 1000) * 1_000_000 });
}

/** ERR0024 with the reason that names the field. */
const invalid = (reason: string) => new ServiceError("ERR0024", { cause: new Error(reason) });

const eciesFields = {
  ephemeralPublicKey: EPHEMERAL_KEY.toString("base64"),
  encryptedData: ENCRYPTED.toString("base64"),
  mac: MAC_BASE64,
};

describe("InitActivation mapping", () => {
  it("maps a full request to the domain input", () => {
    const request = create(InitActivationRequestSchema, {
      userId: "alice",
      applicationId: 7n,
      timestampActivationExpire: timestamp(EXPIRE),
      maxFailureCount: 3n,
    });
    expect(fromProtoInitActivation(request)).toEqual({ userId: "alice", applicationId: 7, timestampActivationExpire: EXPIRE, maxFailureCount: 3 });
  });

  it("leaves optional fields absent and application 0 for the domain's ERR0002; the user id is the domain's (ERR0001)", () => {
    const input = fromProtoInitActivation(create(InitActivationRequestSchema, { userId: "" }));
    expect(input).toStrictEqual({ userId: "", applicationId: 0, timestampActivationExpire: undefined, maxFailureCount: undefined });
  });

  it("refuses a negative application id and a non-positive maxFailureCount", () => {
    expect(() => fromProtoInitActivation(create(InitActivationRequestSchema, { userId: "alice", applicationId: -1n }))).toThrow(
      invalid("applicationId must be a positive id"),
    );
    expect(() => fromProtoInitActivation(create(InitActivationRequestSchema, { userId: "alice", applicationId: 1n, maxFailureCount: 0n }))).toThrow(
      invalid("maxFailureCount must be 1-255"),
    );
    // The status blob carries the limit in one byte: 255 is the largest a device can be told.
    expect(fromProtoInitActivation(create(InitActivationRequestSchema, { userId: "alice", applicationId: 1n, maxFailureCount: 255n })).maxFailureCount).toBe(255);
    expect(() => fromProtoInitActivation(create(InitActivationRequestSchema, { userId: "alice", applicationId: 1n, maxFailureCount: 256n }))).toThrow(
      invalid("maxFailureCount must be 1-255"),
    );
  });

  it("answers every field, the application id as int64", () => {
    const response = overTheWire(
      InitActivationResponseSchema,
      toProtoInitActivation({ activationId: ACTIVATION_ID, activationCode: ACTIVATION_CODE, activationSignature: "MEUCIQD", userId: "alice", applicationId: 7 }),
    );
    expect(response).toEqual({
      $typeName: "powerauth.v3.InitActivationResponse",
      activationId: ACTIVATION_ID,
      activationCode: ACTIVATION_CODE,
      activationSignature: "MEUCIQD",
      userId: "alice",
      applicationId: 7n,
    });
  });
});

describe("PrepareActivation mapping", () => {
  it("maps a 3.1 request with its nonce to the decoded ECIES request", () => {
    const request = create(PrepareActivationRequestSchema, {
      activationCode: ACTIVATION_CODE,
      applicationKey: APPLICATION_KEY,
      ...eciesFields,
      nonce: NONCE.toString("base64"),
    });
    expect(fromProtoPrepareActivation(request)).toEqual({
      activationCode: ACTIVATION_CODE,
      applicationKey: APPLICATION_KEY,
      request: { ephemeralPublicKey: EPHEMERAL_KEY, encryptedData: ENCRYPTED, mac: MAC, nonce: NONCE },
    });
  });

  it("maps a 3.0 request without nonce to nonce null", () => {
    const request = create(PrepareActivationRequestSchema, { activationCode: ACTIVATION_CODE, applicationKey: APPLICATION_KEY, ...eciesFields });
    expect(fromProtoPrepareActivation(request).request).toEqual({ ephemeralPublicKey: EPHEMERAL_KEY, encryptedData: ENCRYPTED, mac: MAC, nonce: null });
  });

  it("refuses a missing code, an over-long key, bad Base64 and a short MAC", () => {
    const valid = { activationCode: ACTIVATION_CODE, applicationKey: APPLICATION_KEY, ...eciesFields };
    const map = (fields: Partial<typeof valid>) => () => fromProtoPrepareActivation(create(PrepareActivationRequestSchema, { ...valid, ...fields }));
    expect(map({ activationCode: "" })).toThrow(invalid("activationCode is required"));
    expect(map({ applicationKey: "k".repeat(256) })).toThrow(invalid("applicationKey is longer than 255 characters"));
    expect(map({ ephemeralPublicKey: "A3pa#" })).toThrow(invalid("ephemeralPublicKey is not valid Base64"));
    expect(map({ mac: Buffer.alloc(16).toString("base64") })).toThrow(invalid("mac must be 32 bytes"));
  });

  it("answers the activation, the user and the Base64 of the encrypted layer 2", () => {
    const response = overTheWire(
      PrepareActivationResponseSchema,
      toProtoPrepareActivation({ activationId: ACTIVATION_ID, userId: "alice", encryptedData: ENCRYPTED, mac: MAC }),
    );
    expect(response).toEqual({
      $typeName: "powerauth.v3.PrepareActivationResponse",
      activationId: ACTIVATION_ID,
      userId: "alice",
      encryptedData: ENCRYPTED.toString("base64"),
      mac: MAC_BASE64,
    });
  });
});

describe("CreateActivation mapping", () => {
  it("maps a full request to the domain input", () => {
    const request = create(CreateActivationRequestSchema, {
      userId: "alice",
      timestampActivationExpire: timestamp(EXPIRE),
      maxFailureCount: 10n,
      applicationKey: APPLICATION_KEY,
      ...eciesFields,
      nonce: NONCE.toString("base64"),
    });
    expect(fromProtoCreateActivation(request)).toEqual({
      userId: "alice",
      timestampActivationExpire: EXPIRE,
      maxFailureCount: 10,
      applicationKey: APPLICATION_KEY,
      request: { ephemeralPublicKey: EPHEMERAL_KEY, encryptedData: ENCRYPTED, mac: MAC, nonce: NONCE },
    });
  });

  it("refuses a missing application key, a wrong-length nonce and a non-positive maxFailureCount", () => {
    const valid = { userId: "alice", applicationKey: APPLICATION_KEY, ...eciesFields };
    const map = (fields: object) => () => fromProtoCreateActivation(create(CreateActivationRequestSchema, { ...valid, ...fields }));
    expect(map({ applicationKey: "" })).toThrow(invalid("applicationKey is required"));
    expect(map({ nonce: Buffer.alloc(8).toString("base64") })).toThrow(invalid("nonce must be 16 bytes"));
    expect(map({ maxFailureCount: -5n })).toThrow(invalid("maxFailureCount must be 1-255"));
    expect(map({ encryptedData: "" })).toThrow(invalid("encryptedData is required"));
  });

  it("answers the activation id and the Base64 of the encrypted layer 2", () => {
    const response = overTheWire(
      CreateActivationResponseSchema,
      toProtoCreateActivation({ activationId: ACTIVATION_ID, userId: "alice", encryptedData: ENCRYPTED, mac: MAC }),
    );
    expect(response).toEqual({
      $typeName: "powerauth.v3.CreateActivationResponse",
      activationId: ACTIVATION_ID,
      encryptedData: ENCRYPTED.toString("base64"),
      mac: MAC_BASE64,
    });
  });
});

describe("CommitActivation, RemoveActivation and UnblockActivation mapping", () => {
  it("map the activation and the optional external user", () => {
    expect(fromProtoCommitActivation(create(CommitActivationRequestSchema, { activationId: ACTIVATION_ID, externalUserId: "operator-1" }))).toEqual({
      activationId: ACTIVATION_ID,
      externalUserId: "operator-1",
    });
    // RemoveActivation's revokeRecoveryCodes belongs to the recovery group's mapping, so only the shared fields are pinned here.
    expect(fromProtoRemoveActivation(create(RemoveActivationRequestSchema, { activationId: ACTIVATION_ID, externalUserId: "operator-2" }))).toMatchObject({
      activationId: ACTIVATION_ID,
      externalUserId: "operator-2",
    });
    expect(fromProtoUnblockActivation(create(UnblockActivationRequestSchema, { activationId: ACTIVATION_ID }))).toStrictEqual({
      activationId: ACTIVATION_ID,
      externalUserId: undefined,
    });
  });

  it("refuse a missing or over-long activation id and an over-long external user", () => {
    expect(() => fromProtoCommitActivation(create(CommitActivationRequestSchema, {}))).toThrow(invalid("activationId is required"));
    expect(() => fromProtoRemoveActivation(create(RemoveActivationRequestSchema, { activationId: `${ACTIVATION_ID}-extra` }))).toThrow(
      invalid("activationId is longer than 37 characters"),
    );
    expect(() =>
      fromProtoUnblockActivation(create(UnblockActivationRequestSchema, { activationId: ACTIVATION_ID, externalUserId: "u".repeat(256) })),
    ).toThrow(invalid("externalUserId is longer than 255 characters"));
  });

  it("answer activated / removed as set booleans", () => {
    expect(overTheWire(CommitActivationResponseSchema, toProtoCommitActivation({ activationId: ACTIVATION_ID }))).toEqual({
      $typeName: "powerauth.v3.CommitActivationResponse",
      activationId: ACTIVATION_ID,
      activated: true,
    });
    const removed = overTheWire(RemoveActivationResponseSchema, toProtoRemoveActivation({ activationId: ACTIVATION_ID }));
    expect(removed).toEqual({ $typeName: "powerauth.v3.RemoveActivationResponse", activationId: ACTIVATION_ID, removed: true });
    expect(isFieldSet(removed, RemoveActivationResponseSchema.field.removed)).toBe(true);
  });

  it("answer the unblocked status by name", () => {
    const response = overTheWire(
      UnblockActivationResponseSchema,
      toProtoUnblockResult({ activationId: ACTIVATION_ID, activationStatus: "ACTIVE", blockedReason: null }),
    );
    expect(response).toEqual({ $typeName: "powerauth.v3.UnblockActivationResponse", activationId: ACTIVATION_ID, activationStatus: ActivationStatus.ACTIVE });
  });
});

describe("GetActivationStatus mapping", () => {
  it("maps the activation id and a 16-byte challenge", () => {
    const request = create(GetActivationStatusRequestSchema, { activationId: ACTIVATION_ID, challenge: NONCE.toString("base64") });
    expect(fromProtoGetActivationStatus(request)).toEqual({ activationId: ACTIVATION_ID, challenge: NONCE });
    expect(fromProtoGetActivationStatus(create(GetActivationStatusRequestSchema, { activationId: ACTIVATION_ID }))).toStrictEqual({
      activationId: ACTIVATION_ID,
      challenge: undefined,
    });
  });

  it("refuses a challenge of the wrong length or not Base64", () => {
    const map = (challenge: string) => () => fromProtoGetActivationStatus(create(GetActivationStatusRequestSchema, { activationId: ACTIVATION_ID, challenge }));
    expect(map(Buffer.alloc(32).toString("base64"))).toThrow(invalid("challenge must be 16 bytes"));
    expect(map("AAAAAAAAAAAAAAAAAAAAAA=A")).toThrow(invalid("challenge is not valid Base64"));
  });

  const blob = Buffer.alloc(32, 0xc4);
  const full: ActivationStatusReport = {
    activationId: ACTIVATION_ID,
    activationStatus: "BLOCKED",
    blockedReason: "MAX_FAILED_ATTEMPTS",
    activationName: "iPhone 17",
    userId: "alice",
    extras: "{\"os\":\"iOS\"}",
    applicationId: 7,
    timestampCreated: CREATED,
    timestampLastUsed: LAST_USED,
    timestampLastChange: CHANGED,
    encryptedStatusBlob: blob,
    encryptedStatusBlobNonce: NONCE,
    activationCode: ACTIVATION_CODE,
    activationSignature: "MEUCIQDsig",
    devicePublicKeyFingerprint: "12345678",
    version: 3,
  };

  it("answers every field of a full report with its wire type", () => {
    const response = overTheWire(GetActivationStatusResponseSchema, toProtoActivationStatusReport(full));
    expect(response).toEqual({
      $typeName: "powerauth.v3.GetActivationStatusResponse",
      activationId: ACTIVATION_ID,
      activationStatus: ActivationStatus.BLOCKED,
      blockedReason: "MAX_FAILED_ATTEMPTS",
      activationName: "iPhone 17",
      userId: "alice",
      extras: "{\"os\":\"iOS\"}",
      applicationId: 7n,
      timestampCreated: timestamp(CREATED),
      timestampLastUsed: timestamp(LAST_USED),
      timestampLastChange: timestamp(CHANGED),
      encryptedStatusBlob: blob.toString("base64"),
      encryptedStatusBlobNonce: NONCE.toString("base64"),
      activationCode: ACTIVATION_CODE,
      activationSignature: "MEUCIQDsig",
      devicePublicKeyFingerprint: "12345678",
      version: 3n,
    });
    expect(timestampDate(response.timestampLastUsed!).toISOString()).toBe("2026-12-05T22:59:59.999Z");
  });

  it("leaves every optional field unset (not empty) for null values", () => {
    const sparse: ActivationStatusReport = {
      ...full,
      activationStatus: "CREATED",
      blockedReason: null,
      activationName: null,
      extras: null,
      timestampLastChange: null,
      encryptedStatusBlobNonce: null,
      activationCode: null,
      activationSignature: null,
      devicePublicKeyFingerprint: null,
      version: 0,
    };
    const response = overTheWire(GetActivationStatusResponseSchema, toProtoActivationStatusReport(sparse));
    expect(response).toEqual({
      $typeName: "powerauth.v3.GetActivationStatusResponse",
      activationId: ACTIVATION_ID,
      activationStatus: ActivationStatus.CREATED,
      userId: "alice",
      applicationId: 7n,
      timestampCreated: timestamp(CREATED),
      timestampLastUsed: timestamp(LAST_USED),
      encryptedStatusBlob: blob.toString("base64"),
      version: 0n,
    });
    const schema = GetActivationStatusResponseSchema.field;
    for (const field of [
      schema.blockedReason,
      schema.activationName,
      schema.extras,
      schema.timestampLastChange,
      schema.encryptedStatusBlobNonce,
      schema.activationCode,
      schema.activationSignature,
      schema.devicePublicKeyFingerprint,
    ]) {
      expect(isFieldSet(response, field), field.name).toBe(false);
    }
  });
});

describe("GetActivationListForUser mapping", () => {
  it("maps the user and the optional application filter", () => {
    expect(fromProtoActivationListForUser(create(GetActivationListForUserRequestSchema, { userId: "alice", applicationId: 7n }))).toEqual({
      userId: "alice",
      applicationId: 7,
    });
    expect(fromProtoActivationListForUser(create(GetActivationListForUserRequestSchema, { userId: "alice" }))).toStrictEqual({
      userId: "alice",
      applicationId: undefined,
    });
  });

  it("refuses a missing user and an application id of 0", () => {
    expect(() => fromProtoActivationListForUser(create(GetActivationListForUserRequestSchema, {}))).toThrow(invalid("userId is required"));
    expect(() => fromProtoActivationListForUser(create(GetActivationListForUserRequestSchema, { userId: "alice", applicationId: 0n }))).toThrow(
      invalid("applicationId must be a positive id"),
    );
  });

  it("answers each activation with every field, null values unset", () => {
    const common = { userId: "alice", applicationId: 7, applicationName: "mobile-banking", timestampCreated: CREATED, timestampLastUsed: LAST_USED };
    const response = overTheWire(
      GetActivationListForUserResponseSchema,
      toProtoActivationList("alice", [
        {
          ...common,
          activationId: ACTIVATION_ID,
          activationStatus: "BLOCKED",
          blockedReason: "NOT_SPECIFIED",
          activationName: "Pixel",
          extras: "x",
          timestampLastChange: CHANGED,
          version: 3,
        },
        {
          ...common,
          activationId: "0b1e4b3e-0000-4000-8000-000000000002",
          activationStatus: "OTP_USED",
          blockedReason: null,
          activationName: null,
          extras: null,
          timestampLastChange: null,
          version: 0,
        },
      ]),
    );
    const item = { $typeName: "powerauth.v3.GetActivationListForUserResponse.Activations", userId: "alice", applicationId: 7n, applicationName: "mobile-banking" };
    expect(response).toEqual({
      $typeName: "powerauth.v3.GetActivationListForUserResponse",
      userId: "alice",
      activations: [
        {
          ...item,
          activationId: ACTIVATION_ID,
          activationStatus: ActivationStatus.BLOCKED,
          blockedReason: "NOT_SPECIFIED",
          activationName: "Pixel",
          extras: "x",
          timestampCreated: timestamp(CREATED),
          timestampLastUsed: timestamp(LAST_USED),
          timestampLastChange: timestamp(CHANGED),
          version: 3n,
        },
        {
          ...item,
          activationId: "0b1e4b3e-0000-4000-8000-000000000002",
          activationStatus: ActivationStatus.OTP_USED,
          timestampCreated: timestamp(CREATED),
          timestampLastUsed: timestamp(LAST_USED),
          version: 0n,
        },
      ],
    });
    const fields = GetActivationListForUserResponse_ActivationsSchema.field;
    expect(isFieldSet(response.activations[1]!, fields.blockedReason)).toBe(false);
    expect(isFieldSet(response.activations[1]!, fields.timestampLastChange)).toBe(false);
  });
});

describe("BlockActivation mapping", () => {
  it("maps the activation, the reason and the external user", () => {
    const request = create(BlockActivationRequestSchema, { activationId: ACTIVATION_ID, reason: "LOST_DEVICE", externalUserId: "operator-1" });
    expect(fromProtoBlockActivation(request)).toEqual({ activationId: ACTIVATION_ID, reason: "LOST_DEVICE", externalUserId: "operator-1" });
    expect(fromProtoBlockActivation(create(BlockActivationRequestSchema, { activationId: ACTIVATION_ID }))).toStrictEqual({
      activationId: ACTIVATION_ID,
      externalUserId: undefined,
      reason: undefined,
    });
  });

  it("refuses an over-long reason", () => {
    expect(() => fromProtoBlockActivation(create(BlockActivationRequestSchema, { activationId: ACTIVATION_ID, reason: "r".repeat(256) }))).toThrow(
      invalid("reason is longer than 255 characters"),
    );
  });

  it("answers the status by name and the reason, unset when there is none", () => {
    const blocked = overTheWire(
      BlockActivationResponseSchema,
      toProtoBlockResult({ activationId: ACTIVATION_ID, activationStatus: "BLOCKED", blockedReason: "LOST_DEVICE" }),
    );
    expect(blocked).toEqual({
      $typeName: "powerauth.v3.BlockActivationResponse",
      activationId: ACTIVATION_ID,
      activationStatus: ActivationStatus.BLOCKED,
      blockedReason: "LOST_DEVICE",
    });
    const removed = overTheWire(BlockActivationResponseSchema, toProtoBlockResult({ activationId: ACTIVATION_ID, activationStatus: "REMOVED", blockedReason: null }));
    expect(removed).toEqual({ $typeName: "powerauth.v3.BlockActivationResponse", activationId: ACTIVATION_ID, activationStatus: ActivationStatus.REMOVED });
    expect(isFieldSet(removed, BlockActivationResponseSchema.field.blockedReason)).toBe(false);
  });
});

describe("ActivationHistory mapping", () => {
  it("maps the activation and both ends of the period to the millisecond", () => {
    const request = create(ActivationHistoryRequestSchema, { activationId: ACTIVATION_ID, timestampFrom: timestamp(CREATED), timestampTo: timestamp(LAST_USED) });
    expect(fromProtoActivationHistory(request)).toEqual({ activationId: ACTIVATION_ID, from: CREATED, to: LAST_USED });
  });

  it("refuses a missing end of the period by name", () => {
    expect(() => fromProtoActivationHistory(create(ActivationHistoryRequestSchema, { activationId: ACTIVATION_ID, timestampTo: timestamp(LAST_USED) }))).toThrow(
      invalid("timestampFrom is required"),
    );
    expect(() => fromProtoActivationHistory(create(ActivationHistoryRequestSchema, { activationId: ACTIVATION_ID, timestampFrom: timestamp(CREATED) }))).toThrow(
      invalid("timestampTo is required"),
    );
  });

  it("answers each row with its int64 id, the event reason as blockedReason and unset nulls", () => {
    const response = overTheWire(
      ActivationHistoryResponseSchema,
      toProtoActivationHistory([
        { id: 41, activationId: ACTIVATION_ID, activationStatus: "ACTIVE", eventReason: null, externalUserId: null, timestampCreated: CREATED },
        { id: 42, activationId: ACTIVATION_ID, activationStatus: "BLOCKED", eventReason: "LOST_DEVICE", externalUserId: "operator-1", timestampCreated: CHANGED },
      ]),
    );
    const item = { $typeName: "powerauth.v3.ActivationHistoryResponse.Items", activationId: ACTIVATION_ID };
    expect(response).toEqual({
      $typeName: "powerauth.v3.ActivationHistoryResponse",
      items: [
        { ...item, id: 41n, activationStatus: ActivationStatus.ACTIVE, timestampCreated: timestamp(CREATED) },
        {
          ...item,
          id: 42n,
          activationStatus: ActivationStatus.BLOCKED,
          blockedReason: "LOST_DEVICE",
          externalUserId: "operator-1",
          timestampCreated: timestamp(CHANGED),
        },
      ],
    });
    const fields = ActivationHistoryResponse_ItemsSchema.field;
    expect(isFieldSet(response.items[0]!, fields.blockedReason)).toBe(false);
    expect(isFieldSet(response.items[0]!, fields.externalUserId)).toBe(false);
  });
});
