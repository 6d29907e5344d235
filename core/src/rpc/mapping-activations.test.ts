import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  ActivationStatus,
  GetActivationStatusResponseSchema,
  SignatureType,
  VerifySignatureResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import type { ActivationStatusReport } from "../domain/activations/activation-status-report.ts";
import { toProtoActivationHistory, toProtoActivationStatusReport } from "./mapping-activations.ts";
import { toProtoSignatureAudit, toProtoSignatureVerdict } from "./mapping-signatures.ts";

const report: ActivationStatusReport = {
  activationId: "a",
  activationStatus: "OTP_USED",
  blockedReason: null,
  activationName: null,
  userId: "u",
  extras: null,
  applicationId: 7,
  timestampCreated: new Date("2024-01-02T03:04:05.678Z"),
  timestampLastUsed: new Date("2024-01-02T03:04:06Z"),
  timestampLastChange: null,
  encryptedStatusBlob: Buffer.alloc(32, 1),
  encryptedStatusBlobNonce: null,
  activationCode: null,
  activationSignature: null,
  devicePublicKeyFingerprint: "12345678",
  version: 3,
};

describe("toProtoActivationStatusReport", () => {
  it("leaves absent values unset (not empty strings) and survives the wire", () => {
    const message = fromBinary(GetActivationStatusResponseSchema, toBinary(GetActivationStatusResponseSchema, toProtoActivationStatusReport(report)));
    expect(message.activationStatus).toBe(ActivationStatus.OTP_USED);
    expect(message.blockedReason).toBeUndefined();
    expect(message.activationName).toBeUndefined();
    expect(message.timestampLastChange).toBeUndefined();
    expect(message.encryptedStatusBlobNonce).toBeUndefined();
    expect(message.devicePublicKeyFingerprint).toBe("12345678");
    expect(timestampDate(message.timestampCreated!).toISOString()).toBe("2024-01-02T03:04:05.678Z");
    expect(Buffer.from(message.encryptedStatusBlob, "base64")).toEqual(Buffer.alloc(32, 1));
    expect(message).toMatchObject({ applicationId: 7n, version: 3n });
  });
});

describe("toProtoSignatureVerdict", () => {
  it("maps a bare REMOVED verdict to exactly two fields", () => {
    const message = create(VerifySignatureResponseSchema, toProtoSignatureVerdict({ signatureValid: false, activationStatus: "REMOVED" }));
    expect(toBinary(VerifySignatureResponseSchema, message)).toEqual(toBinary(VerifySignatureResponseSchema, create(VerifySignatureResponseSchema, { activationStatus: ActivationStatus.REMOVED })));
  });

  it("maps a full verdict with int64 fields as bigint", () => {
    const message = create(
      VerifySignatureResponseSchema,
      toProtoSignatureVerdict({
        signatureValid: true,
        activationStatus: "ACTIVE",
        blockedReason: null,
        activationId: "a",
        userId: "u",
        applicationId: 3,
        signatureType: "POSSESSION_BIOMETRY",
        remainingAttempts: 5,
      }),
    );
    expect(message).toMatchObject({ applicationId: 3n, remainingAttempts: 5n, signatureType: SignatureType.POSSESSION_BIOMETRY });
    expect(message.blockedReason).toBeUndefined();
  });
});

describe("history and audit mapping", () => {
  it("reports the event reason as blockedReason and the additional info as KeyValueMap entries", () => {
    const history = toProtoActivationHistory([
      { id: 1, activationId: "a", activationStatus: "BLOCKED", eventReason: "LOST", externalUserId: null, timestampCreated: new Date(0) },
    ]);
    expect(history.items[0]).toMatchObject({ id: 1n, activationStatus: ActivationStatus.BLOCKED, blockedReason: "LOST" });
    expect(history.items[0].externalUserId).toBeUndefined();
    const audit = toProtoSignatureAudit([
      {
        id: 2,
        userId: "u",
        applicationId: 1,
        activationId: "a",
        activationCounter: 4,
        activationCtrData: null,
        activationStatus: "ACTIVE",
        additionalInfo: [{ key: "K", value: "V" }],
        dataBase64: null,
        signatureType: "KNOWLEDGE",
        signature: "s",
        note: "signature_ok",
        valid: true,
        version: 3,
        timestampCreated: new Date(0),
        signatureVersion: null,
      },
    ]);
    expect(audit.items[0]).toMatchObject({ activationCounter: 4n, signatureType: SignatureType.KNOWLEDGE, valid: true });
    expect(audit.items[0].additionalInfo?.entry.map(({ key, value }) => ({ key, value }))).toEqual([{ key: "K", value: "V" }]);
    expect(audit.items[0].signatureVersion).toBeUndefined();
  });
});
